"""Safe lxml parsing, prolog-preserving serialization, schema-ordered insertion and A1 helpers."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lxml import etree

from taizhang.core.errors import BadInput
from taizhang.core.model import column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

# External entities and DTDs are refused outright (the defusedxml policy), so a hostile
# workbook cannot read local files or blow up memory through entity expansion.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False, remove_blank_text=False
)
_PROLOG = re.compile(rb"^\s*(<\?xml[^>]*\?>\s*)")


def q(tag: str, ns: str = MAIN) -> str:
    return f"{{{ns}}}{tag}"


def parse(data: bytes, where: str) -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise BadInput(f"{where} 不是有效的 XML（{exc}），文件可能已损坏。") from None
    if root.getroottree().docinfo.doctype:
        raise BadInput(f"{where} 含有 DTD 声明，出于安全原因拒绝处理。")
    return root


def serialize(root: etree._Element, original: bytes | None = None) -> bytes:
    """Serialize keeping the original XML declaration bytes, so a rerun is byte-stable."""
    prolog = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    if original is not None:
        m = _PROLOG.match(original[:200])
        prolog = m.group(1) if m else b""
    return prolog + etree.tostring(root.getroottree(), encoding="UTF-8", xml_declaration=False)


def insert_in_order(parent: etree._Element, child: etree._Element, order: Sequence[str]) -> etree._Element:
    """Insert `child` where the schema sequence `order` (local names) says it belongs."""
    name = etree.QName(child).localname
    rank = order.index(name)
    for i, existing in enumerate(parent):
        if not isinstance(existing.tag, str):
            continue
        local = etree.QName(existing).localname
        if local in order and order.index(local) > rank:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def child(parent: etree._Element, name: str, order: Sequence[str], ns: str = MAIN) -> etree._Element:
    """The first child with this local name, created in schema order if missing."""
    found = parent.find(q(name, ns))
    if found is not None:
        return found
    return insert_in_order(parent, etree.Element(q(name, ns)), order)


_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def col_letter(index: int) -> str:
    """1-based column number to letters (1 -> A); 0 -> ""."""
    return column_letter(index - 1)


def split_ref(ref: str) -> tuple[int, int]:
    """'C12' -> (row 12, col 3)."""
    m = _REF.match(ref.strip())
    if not m:
        raise BadInput(f"“{ref}”不是有效的单元格地址（应类似 C12）。")
    return int(m.group(2)), col_index(m.group(1))


def ref_col(ref: str) -> int:
    """Column number of a cell reference, fast path for the hot loops."""
    n = 0
    for ch in ref:
        o = ord(ch)
        if o > 64:
            n = n * 26 + (o & 31)
        else:
            break
    return n


def cell_ref(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


def parse_range(rng: str) -> tuple[int, int, int, int]:
    """'A3:C20' -> (r1, c1, r2, c2); a single cell is a 1x1 range."""
    parts = rng.replace("$", "").split(":")
    r1, c1 = split_ref(parts[0])
    r2, c2 = split_ref(parts[-1])
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def abs_range(sheet: str, rng: str) -> str:
    """An absolute, sheet-qualified reference as charts and defined names want it."""
    r1, c1, r2, c2 = parse_range(rng)
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"
