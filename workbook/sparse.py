"""A sheet read cell by cell, for the sheets calamine would lay out as a grid too big to hold
(bounded.py): only the cells present are kept, each row as long as its last cell.

Values come out as calamine gives them: shared, inline and formula strings as str, numbers as
float, booleans as bool, numbers in a date or time format as date, datetime or time, errors and
formulas without a cached result as ""."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
from lxml import etree

from taizhang.core.errors import BadInput

if TYPE_CHECKING:
    from taizhang.workbook.bounded import Extent, Sparse, ZipBook

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)
# Built-in number formats that show dates or times (ECMA-376 18.8.30, with the CJK ones).
_DATE_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59), *range(71, 82)])


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ref(ref: str) -> tuple[int, int] | None:
    m = _REF.match(ref)
    if not m:
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def _parse(data: bytes, tags: tuple[str, ...], where: str) -> Iterator[etree._Element]:
    """The end of every element named in `tags` (any namespace), filtered at C speed."""
    parser = etree.iterparse(
        io.BytesIO(data), events=("end",), tag=[f"{{*}}{t}" for t in tags], resolve_entities=False,
        no_network=True, huge_tree=True, load_dtd=False, remove_comments=True, remove_pis=True,
    )  # fmt: skip
    try:
        for _event, el in parser:
            yield el
    except etree.XMLSyntaxError as exc:
        raise BadInput(f"{where} 不是有效的 XML（{exc}），文件可能已损坏。") from None


def iter_cells(data: bytes, *, values: bool = True, where: str = "工作表") -> Iterator[tuple[int, int, Any]]:
    """(row, column, cell element) of every cell, 1-based, placed as calamine places them: by its
    r, else after the previous cell of its row (rows without r follow the previous row). With
    values=False the element is None. Rows are dropped once read: memory stays flat."""
    row = col = 0
    current = None
    for el in _parse(data, ("c", "row"), where):
        if _local(el.tag) == "row":
            if current is not el:  # a row without cells
                r = el.get("r")
                row = int(r) if r and r.isdigit() else row + 1
            current = None
            el.clear()
            parent = el.getparent()
            if parent is not None:
                while el.getprevious() is not None:
                    del parent[0]
            continue
        parent = el.getparent()
        if parent is not current:  # the first cell of a row
            current = parent
            r = parent.get("r") if parent is not None else None
            row = int(r) if r and r.isdigit() else row + 1
            col = 0
        found = _ref(el.get("r", ""))
        if found is not None:
            row_of_cell, col = found
        else:
            row_of_cell, col = row, col + 1
        yield row_of_cell, col, el if values else None


def merged_ranges(data: bytes) -> list[tuple[int, int, int, int]]:
    """The merged ranges, 0-based (first row, first column, last row, last column), as calamine."""
    out = []
    for m in re.finditer(rb'<(?:[\w.-]+:)?mergeCell\s[^>]*?ref="([^"]+)"', data):
        first, _, last = m.group(1).decode("ascii", "replace").partition(":")
        a, b = _ref(first), _ref(last or first)
        if a and b:
            out.append((a[0] - 1, a[1] - 1, b[0] - 1, b[1] - 1))
    return out


class Values:
    """What turns a cell element into a value: the shared strings and which styles are dates."""

    def __init__(self, zb: ZipBook | None) -> None:
        self.strings = _shared_strings(zb.read(zb.parts.strings), zb.label) if zb and zb.parts.strings else []
        self.dates = _date_styles(zb.read(zb.parts.styles)) if zb and zb.parts.styles else frozenset()
        self.epoch = _EPOCH_1904 if zb and _date1904(zb.read(zb.parts.workbook)) else _EPOCH_1900

    def of(self, c: etree._Element) -> Any:
        t = c.get("t", "n")
        v = next((x.text for x in c if _local(x.tag) == "v"), None)
        if t == "inlineStr":
            return "".join(x.text or "" for x in c.iter() if _local(x.tag) == "t" and _in_run_or_is(x))
        if t == "s":
            try:
                return self.strings[int(v or "")]
            except (ValueError, IndexError):
                return ""
        if t in ("str", "e"):
            return v or "" if t == "str" else ""
        if t == "b":
            return v == "1" or (v or "").lower() == "true"
        if t == "d":
            try:
                return datetime.fromisoformat(v or "")
            except ValueError:
                return v
        if v is None or v == "":
            return "" if any(_local(x.tag) == "f" for x in c) else None
        try:
            number = float(v)
        except ValueError:
            return v
        if int(c.get("s", "0") or 0) in self.dates:
            return self._date(number)
        return number

    def _date(self, serial: float) -> Any:
        try:  # to the millisecond, as calamine rounds
            moment = self.epoch + timedelta(milliseconds=round(serial * 86_400_000))
        except (OverflowError, ValueError):
            return serial
        if serial == int(serial):
            return moment.date()
        if 0 <= serial < 1:
            return time(moment.hour, moment.minute, moment.second, moment.microsecond)
        return moment


def _in_run_or_is(t: etree._Element) -> bool:
    parent = t.getparent()
    return parent is not None and _local(parent.tag) in ("is", "r")


def _shared_strings(data: bytes, label: str) -> list[str]:
    out: list[str] = []
    for el in _parse(data, ("si",), f"文件“{label}”的共享字符串"):
        out.append("".join(t.text or "" for t in el.iter() if _local(t.tag) == "t" and _not_phonetic(t)))
        el.clear()
    return out


def _not_phonetic(t: etree._Element) -> bool:
    parent = t.getparent()
    return parent is None or _local(parent.tag) != "rPh"


def _date1904(workbook: bytes) -> bool:
    m = re.search(rb'date1904="([^"]*)"', workbook[:8192])
    return bool(m and m.group(1) in (b"1", b"true"))


def _date_styles(styles: bytes) -> frozenset[int]:
    custom: dict[int, str] = {}
    for m in re.finditer(rb"<(?:[\w.-]+:)?numFmt\s([^>]*)>", styles):
        attrs = dict(re.findall(rb'(\w+)="([^"]*)"', m.group(1)))
        if attrs.get(b"numFmtId", b"").isdigit():
            from html import unescape

            custom[int(attrs[b"numFmtId"])] = unescape(attrs.get(b"formatCode", b"").decode("utf-8", "replace"))
    xfs = re.search(rb"<(?:[\w.-]+:)?cellXfs\b.*?</(?:[\w.-]+:)?cellXfs>", styles, re.S)
    out = set()
    for i, m in enumerate(re.finditer(rb"<(?:[\w.-]+:)?xf\b([^>]*)>", xfs.group(0) if xfs else b"")):
        fid = re.search(rb'numFmtId="(\d+)"', m.group(1))
        n = int(fid.group(1)) if fid else 0
        if n in custom:
            if is_date_format(custom[n]):
                out.add(i)
        elif n in _DATE_IDS:
            out.add(i)
    return frozenset(out)


def is_date_format(code: str) -> bool:
    """Whether a number format shows a date or time: a d, m, y, h or s outside quotes, escapes
    and [colour]/[condition] brackets, in its first section ([h] [m] [s] count too)."""
    section = code.split(";", 1)[0]
    section = re.sub(r'"[^"]*"|\\.|_.|\*.', "", section)
    section = re.sub(r"\[(?![hms]+\])[^\]]*\]", "", section, flags=re.I)
    return bool(re.search(r"[dmyhs]", section, re.I)) and not re.fullmatch(r"[\s@]*", section)


def read_sparse(data: bytes, zb: ZipBook, name: str, limit: int) -> Sparse:
    """The sheet's grid holding only the cells present (rows as long as their last cell), refused
    when even that holds more than `limit` cells."""
    from taizhang.workbook.bounded import MAX_COL, MAX_ROW, far_cell_message

    values = Values(zb)
    where = f"文件“{zb.label}”的工作表“{name}”"
    rows: dict[int, dict[int, Any]] = {}
    widths: dict[int, int] = {}
    held = 0
    far = (0, 0)
    for r, c, el in iter_cells(data, where=where):
        if not (0 < r <= MAX_ROW and 0 < c <= MAX_COL):
            raise far_cell_message(zb.label, name, r, c, limit)
        value = values.of(el)
        if value is None:
            continue
        grown = c - widths.get(r, 0)
        if grown > 0:
            held += grown
            widths[r] = c
            if held > limit:
                raise far_cell_message(zb.label, name, r, c, limit)
        if (r, c) > far:
            far = (r, c)
        rows.setdefault(r, {})[c] = value
    last = max(rows, default=0)
    grid: list[list[Any]] = [[] for _ in range(last)]
    for r, cells in rows.items():
        line: list[Any] = [None] * widths[r]
        for c, value in cells.items():
            line[c - 1] = value
        grid[r - 1] = line
    return grid, merged_ranges(data)


MAX_STRAY = 10_000  # stray cells read one by one when the rest of the sheet goes to calamine


def read_trimmed(data: bytes, zb: ZipBook, name: str, found: Extent) -> Sparse | None:
    """Most sheets beyond the dense limit are an ordinary table plus a few stray cells far away.
    calamine reads the table from a copy of the part with the stray cells cut out; the stray cells
    are read here. None when the sheet is not of that shape (then read_sparse reads it all)."""
    from taizhang.workbook.bounded import MAX_CELLS, CalamineFailed

    if found.where is None:
        return None
    rows, cols, starts = found.where
    box_rows, box_cols = _dense_bound(rows), _dense_bound(cols)
    stray = np.flatnonzero((rows > box_rows) | (cols > box_cols))
    if box_rows * box_cols > MAX_CELLS or len(stray) > MAX_STRAY:
        return None
    spans = [_cell_span(data, int(starts[i])) for i in stray]
    widths: dict[int, int] = {}
    for i in stray:
        r, c = int(rows[i]), int(cols[i])
        widths[r] = max(widths.get(r, box_cols if r <= box_rows else 0), c)
    if box_rows * box_cols + sum(w - (box_cols if r <= box_rows else 0) for r, w in widths.items()) > MAX_CELLS:
        return None
    try:
        grid, merged = _calamine_part(zb, name, _cut(data, spans))
    except (CalamineFailed, BadInput):  # the cut copy did not read: the slow way decides
        return None
    values = Values(zb)
    for i, (s, e) in zip(stray, spans, strict=True):
        value = values.of(etree.fromstring(data[s:e], _SNIPPET))
        if value is not None:
            _put(grid, int(rows[i]), int(cols[i]), value)
    return grid, merged


def _dense_bound(positions: np.ndarray) -> int:
    """The end of the densely used rows (or columns): the last distinct position that is at most
    about twice its rank, so a table with some empty rows fits and a value far away does not."""
    used = np.unique(positions)
    dense = np.flatnonzero(used <= 2 * np.arange(1, len(used) + 1) + 100)
    return int(used[dense[-1]]) if len(dense) else 0


_SNIPPET = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False)


def _cell_span(data: bytes, start: int) -> tuple[int, int]:
    gt = data.find(b">", start)
    if data[gt - 1 : gt] == b"/":
        return start, gt + 1
    return start, data.find(b"</c>", gt) + 4


def _cut(data: bytes, spans: list[tuple[int, int]]) -> bytes:
    pieces, at = [], 0
    for s, e in sorted(spans):
        pieces.append(data[at:s])
        at = e
    pieces.append(data[at:])
    return b"".join(pieces)


def _calamine_part(zb: ZipBook, name: str, sheet: bytes) -> Sparse:
    """calamine on a small in-memory workbook: the parts it needs, with this sheet's bytes."""
    import zipfile

    import python_calamine as pc

    from taizhang.workbook.bounded import guarded

    part = zb.parts.sheets[name]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as out:
        for needed in zb.calamine_parts(part):
            out.writestr(needed, sheet if needed == part else zb.read(needed, charge=False))
    book = guarded(pc.CalamineWorkbook.from_filelike, io.BytesIO(buf.getvalue()))
    try:
        ws = guarded(book.get_sheet_by_name, name)
        grid = [list(r) for r in guarded(ws.to_python, skip_empty_area=False)]
        merged = [(a[0], a[1], b[0], b[1]) for a, b in (getattr(ws, "merged_cell_ranges", None) or [])]
    finally:
        book.close()
    return grid, merged


def _put(grid: list[list[Any]], row: int, col: int, value: Any) -> None:
    if len(grid) < row:
        grid.extend([[] for _ in range(row - len(grid))])
    line = grid[row - 1]
    if len(line) < col:
        line.extend([None] * (col - len(line)))
    line[col - 1] = value
