"""A worksheet part as bytes: the part before the rows (head, up to and including the `<sheetData>`
start tag), the rows region, and the part after it (tail, from `</sheetData>`).

A 20k-row ledger's sheet XML is tens of megabytes and a million elements; parsing it into a tree
costs seconds and hundreds of MB. Everything but the rows is small, so the writer parses head+tail
as one small "skeleton" tree and handles the rows region as bytes, split at row boundaries. The
fidelity check counts the rows region's elements by tag with a regex over the bytes."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from taizhang.core.errors import BadInput

from .xmlutil import parse

_NAME = rb"[^\s/>!?=][^\s/>=]*"
_ATTRS = rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
_ANY_START = re.compile(rb"<(" + _NAME + rb")" + _ATTRS + rb"(/?)>")
_SHEET_DATA = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?sheetData)(?=[\s/>])" + _ATTRS + rb"(/?)>")
_TAG = re.compile(rb"<([^\s/>!?][^\s/>]*)")
_TOKEN = re.compile(
    rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<(/?)(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])"
    + _ATTRS
    + rb"(/?)>",
    re.S,
)


@dataclass
class Layout:
    root_tag: bytes  # the root element's start tag as written
    root_name: bytes  # its qualified name, b"worksheet" or b"x:worksheet"
    data_name: bytes | None  # the sheetData element's qualified name; None when the sheet has none
    data_tag: bytes  # its start tag as written (b"" when none)
    head: bytes  # the bytes before the rows: up to and including the sheetData start tag
    inner: bytes  # the rows region
    tail: bytes  # from the sheetData end tag on
    self_closed: bool  # `<sheetData/>`: no rows region

    @property
    def prefix(self) -> bytes:
        name = self.data_name or self.root_name
        return name[: name.index(b":") + 1] if b":" in name else b""


def locate(data: bytes, where: str) -> Layout:
    pos = 0
    while True:  # skip the XML declaration, comments and processing instructions before the root
        i = data.find(b"<", pos)
        if i < 0:
            raise BadInput(f"{where} 不是有效的 XML，文件可能已损坏。")
        if data.startswith(b"<?", i):
            pos = data.find(b"?>", i) + 2
        elif data.startswith(b"<!--", i):
            pos = data.find(b"-->", i) + 3
        elif data.startswith(b"<!", i):
            parse(data, where)  # a DTD: refused with the usual message
            pos = data.find(b">", i) + 1
        else:
            break
        if pos <= 1:
            raise BadInput(f"{where} 不是有效的 XML，文件可能已损坏。")
    root = _ANY_START.match(data, i)
    if root is None or root.group(2):
        raise BadInput(f"{where} 不是有效的工作表 XML，文件可能已损坏。")
    sd = _SHEET_DATA.search(data, root.end())
    if sd is None:
        return Layout(root.group(0), root.group(1), None, b"", data, b"", b"", False)
    if sd.group(2):
        return Layout(root.group(0), root.group(1), sd.group(1), sd.group(0), data[: sd.end()], b"",
                      data[sd.end():], True)  # fmt: skip
    end = re.compile(rb"</" + re.escape(sd.group(1)) + rb"\s*>").search(data, sd.end())
    if end is None:
        raise BadInput(f"{where} 的 sheetData 没有结束标记，文件可能已损坏。")
    return Layout(root.group(0), root.group(1), sd.group(1), sd.group(0), data[: sd.end()],
                  data[sd.end(): end.start()], data[end.start():], False)  # fmt: skip


def split_rows(inner: bytes, prefix: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of every row element in the rows region, in document order; None when the
    region holds something the splitter does not understand (the caller normalizes it then)."""
    if b"<!" not in inner and b"<?" not in inner:
        spans = _split_plain(inner, prefix)
        if spans is not None:
            return spans
    return _split_tokens(inner)


def _split_plain(inner: bytes, prefix: bytes) -> list[tuple[int, int]] | None:
    open_, close = b"<" + prefix + b"row", b"</" + prefix + b"row>"
    n = len(open_)
    spans = []
    prev = 0
    i = inner.find(open_)
    while i >= 0:
        if inner[i + n : i + n + 1] not in (b" ", b">", b"/", b"\t", b"\n", b"\r") or inner[prev:i].strip():
            return None
        gt = inner.find(b">", i)
        if gt < 0:
            return None
        if inner[gt - 1 : gt] == b"/":
            end = gt + 1
        else:
            j = inner.find(close, gt)
            if j < 0:
                return None
            end = j + len(close)
            if inner.find(open_, gt, j) >= 0:  # a row inside a row: the end tag was not found right
                return None
        spans.append((i, end))
        prev = end
        i = inner.find(open_, end)
    if inner[prev:].strip():
        return None
    return spans


def _split_tokens(inner: bytes) -> list[tuple[int, int]] | None:
    """The careful splitter: comments, CDATA and processing instructions are skipped as units."""
    spans = []
    start = -1
    prev = 0
    for m in _TOKEN.finditer(inner):
        if m.group(0).startswith((b"<!", b"<?")):
            continue
        closing, empty = m.group(1), m.group(2)
        if start < 0:
            if closing or _TOKEN.sub(b"", inner[prev : m.start()]).strip():
                return None
            if empty:
                spans.append((m.start(), m.end()))
                prev = m.end()
            else:
                start = m.start()
        else:
            if not closing:
                return None
            spans.append((start, m.end()))
            prev = m.end()
            start = -1
    if start >= 0 or _TOKEN.sub(b"", inner[prev:]).strip():
        return None
    return spans


_CHUNK = 4 << 20
_NUMPY_FROM = 12 << 20  # below this the regex is quicker than importing numpy (~0.15 s) for two counts


def tag_counts(data: bytes) -> Counter[str]:
    """Start tags by local name, as many as `_TAG` finds (no tree built). The bytes are scanned a
    few MB at a time, each piece ending just after a ">", which no match can run across (a name
    stops at ">"), so the counts are those of one scan of the whole; one list of every tag of a
    100k-row sheet would be ~200 MB of small bytes objects. A big part (a ledger sheet: tens of
    MB, a million tags) is counted with numpy, ~4x quicker than the regex (_numpy_tags); both
    give the same counts (tests/test_sheetbytes_counts.py)."""
    numpy = numpy_pays(len(data))
    found: Counter[bytes] = Counter()
    for start, end in pieces(data):
        counted = _numpy_tags(data[start:end]) if numpy else None
        found.update(_TAG.findall(data, start, end) if counted is None else counted)
    out: Counter[str] = Counter()
    for name, n in found.items():
        out[name.rsplit(b":", 1)[-1].decode("utf-8", "replace")] += n
    return out


def pieces(data: bytes) -> Iterator[tuple[int, int]]:
    """(start, end) of consecutive pieces of a few MB, each ending just after a ">"."""
    start = 0
    while start < len(data):
        end = data.find(b">", start + _CHUNK) + 1 or len(data)
        yield start, end
        start = end


def numpy_pays(size: int) -> bool:
    """Whether a scan of `size` bytes is done with numpy: a big part, or one of a few MB once numpy
    is loaded (the first big part loads it; its import costs more than a regex over a small one)."""
    return size >= _NUMPY_FROM or (size >= _CHUNK and "numpy" in sys.modules)


def _numpy_tags(piece: bytes) -> Counter[bytes] | None:
    """The names `_TAG.findall(piece)` finds, counted: a "<" followed by a byte that may begin a
    name starts one, which runs to the first whitespace, "/" or ">". Names of up to three bytes
    (c, v, is, t, row, f …) are keyed by their bytes and counted a key at a time; a longer one is
    matched by the regex where it starts. None (the regex counts the piece) when a name holds a
    "<" (findall would not start a tag there) or a NUL (it would not key apart)."""
    import numpy as np

    a = np.frombuffer(piece + b"    ", dtype=np.uint8)  # a name at the very end stops there
    lt = np.flatnonzero(a[: len(piece)] == 60)
    first = a[lt + 1]
    starts = lt[~(_ends_name(first) | (first == 33) | (first == 63))] + 1  # not "!" nor "?"
    b1, b2, b3 = a[starts], a[starts + 1], a[starts + 2]
    two = ~_ends_name(b2)
    three = two & ~_ends_name(b3)
    longer = three & ~_ends_name(a[starts + 3])
    held = (b1 == 60) | (b1 == 0) | (two & ((b2 == 60) | (b2 == 0))) | (three & ((b3 == 60) | (b3 == 0)))
    if held.any():
        return None
    out: Counter[bytes] = Counter()
    for at in starts[longer].tolist():
        m = _TAG.match(piece, at - 1)
        if m is None or b"<" in m.group(1):
            return None
        out[m.group(1)] += 1
    short = ~longer
    key = b1[short].astype(np.uint32) | (b2 * two)[short].astype(np.uint32) << 8 | (
        (b3 * three)[short].astype(np.uint32) << 16)
    while len(key):  # a handful of distinct names: one comparison each beats sorting them
        same = key == key[0]
        out[int(key[0]).to_bytes(4, "little").rstrip(b"\0")] += int(np.count_nonzero(same))
        key = key[~same]
    return out


def _ends_name(b: Any) -> Any:
    """Which bytes (a numpy array) end a name in `_TAG`: whitespace, "/" and ">"."""
    return (b == 32) | (b == 47) | (b == 62) | ((b >= 9) & (b <= 13))


def skeleton(layout: Layout, where: str) -> etree._Element:
    return parse(layout.head + layout.tail, where)
