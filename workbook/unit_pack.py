"""A unit's workbook written as bytes: the parts every book of a split shares (styles, workbook
parts, the header row, the drop-downs) rendered once by a `UnitPacker`, each book a zip of
those parts plus its own rows rendered as XML. No openpyxl: a split of a big ledger writes
hundreds of books, and building each through openpyxl's object model cost most of a second.

The books are what workbook/unit_book.py describes (sheets, locking, the 分发校验 sheet); the
layout is measure.fit's (widths from content, wrapped text, row heights), worked out per book
from each distinct text measured once per split (`Measured`), so it equals what `fit` gives the
same cells (tests/test_unit_pack.py checks both against each other)."""

from __future__ import annotations

import json
import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from taizhang.core.columns import Kind
from taizhang.core.enums import allowed_values
from taizhang.core.model import column_letter
from taizhang.workbook.paper import FOOTER_CENTER, FOOTER_LEFT, HEADER_LINES, paper_code
from taizhang.workbook.writer.measure import (
    CELL_PADDING,
    DEFAULT_SIZE,
    CellText,
    fit,
    longest_line_units,
    row_points,
    shown,
    wrap_lines,
)
from taizhang.workbook.writer.safety import complete

TITLE_SIZE = 18.0
TITLE_HEIGHT = 36.0
BODY_LINE = row_points(1)  # a row of one line of body text
_EPOCH = date(1899, 12, 30)
COMPRESS_LEVEL = 1  # a unit book is mostly repeated markup: level 1 packs it nearly as small, several times faster
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
FIXED_KINDS = (Kind.DATE, Kind.INT, Kind.YEAR)

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WRAP_ATTR, HIDDEN_STATE, HIDDEN_NAME = ' wrapText="1"', ' state="hidden"', ' hidden="1"'
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# Cell formats (styles.xml cellXfs): index -> what it is. Fonts: 0 default, 1 title, 2 header, 3 body.
# Fills: 2 header blue, 3 information grey, 4 the tint of what the unit fills. Border 1: thin all round.
XF_TITLE, XF_TITLE_WRAP, XF_HEADER = 1, 2, 3
XF_INSTR_TITLE, XF_INSTR_LINE = 4, 5
_XFS = [
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center"/></xf>',
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment horizontal="center" vertical="center" wrapText="1"/></xf>',
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" '
    'applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>',
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="center"/></xf>',
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1" applyAlignment="1">'
    '<alignment vertical="center" wrapText="1"/></xf>',
]


def _body_xf(date_format: bool, fill: int, unlocked: bool, wrap: bool) -> str:
    """A body cell's format: the body font, a thin border, centred vertically."""
    return (f'<xf numFmtId="{164 if date_format else 0}" fontId="3" fillId="{fill}" borderId="1" xfId="0" '
            f'applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"'
            + (' applyProtection="1"' if unlocked else "") + ">"
            + f'<alignment vertical="center"{WRAP_ATTR if wrap else ""}/>'
            + ('<protection locked="0"/>' if unlocked else "") + "</xf>")


# Body formats keyed (information column?, date format?, fillable?, wraps?): the information
# columns are grey and locked, the fillable ones tinted and unlocked.
BODY_XF: dict[tuple[bool, bool, bool, bool], int] = {}
for _info in (True, False):
    for _date in (True, False):
        for _fill in ((False,) if _info else (False, True)):
            for _wrap in (True, False):
                BODY_XF[(_info, _date, _fill, _wrap)] = len(_XFS)
                _XFS.append(_body_xf(_date, 3 if _info else 4 if _fill else 0, _fill, _wrap))

# Each body format's wrapping twin: a cell of a number column holding text too long for it wraps.
WRAPPING: dict[int, int] = {xf: BODY_XF[(i, d, f, True)] for (i, d, f, _w), xf in BODY_XF.items()}

STYLES = (
    _DECL + f'<styleSheet xmlns="{NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><sz val="18"/><name val="方正小标宋简体"/></font>'
    '<font><b/><sz val="11"/><name val="黑体"/></font>'
    '<font><sz val="11"/><name val="仿宋_GB2312"/></font></fonts>'
    '<fills count="5"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFFFF2CC"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills><borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color rgb="FF000000"/></left><right style="thin"><color rgb="FF000000"/></right>'
    '<top style="thin"><color rgb="FF000000"/></top><bottom style="thin"><color rgb="FF000000"/></bottom>'
    '<diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_XFS)}">{"".join(_XFS)}</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
).encode()

_CONTENT_TYPES = (
    _DECL + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
              'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
              for i in (1, 2, 3))
    + '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'
).encode()
_ROOT_RELS = (
    _DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'
).encode()
_BOOK_RELS = (
    _DECL + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in (1, 2, 3))
    + f'<Relationship Id="rId4" Type="{REL}/styles" Target="styles.xml"/></Relationships>'
).encode()
_APP = (
    _DECL + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>台账助手</Application></Properties>"
).encode()
# What a protected sheet still lets the unit do (sheetProtection: "0" allows it).
PROTECT_LEDGER = ('sheet="1" objects="0" scenarios="0" formatCells="1" formatColumns="0" formatRows="0" '
                   'insertColumns="1" insertRows="1" insertHyperlinks="1" deleteColumns="1" deleteRows="1" '
                   'selectLockedCells="0" selectUnlockedCells="0" sort="0" autoFilter="0" pivotTables="1"')
PROTECT_OTHER = 'sheet="1" objects="0" scenarios="0"'
FOOTER = (f"<headerFooter><oddFooter>{'&amp;L' + FOOTER_LEFT.replace('&', '&amp;')}"
           f"{'&amp;C' + FOOTER_CENTER.replace('&', '&amp;')}</oddFooter></headerFooter>")
MARGINS = '<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.7" header="0.5" footer="0.5"/>'


def escape(text: str) -> str:
    """Text for an XML element or attribute; characters XML cannot hold are dropped."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def serial(day: date | datetime) -> str:
    """A date as the number a spreadsheet stores (days since 1899-12-30, time as a fraction)."""
    if isinstance(day, datetime):
        delta = day - datetime(1899, 12, 30)
        return repr(delta.days + delta.seconds / 86400)
    return str((day - _EPOCH).days)


def value_xml(value: Any) -> tuple[str, str]:
    """(type attribute, content) of a cell holding `value`: text as an inline string (so text
    starting with "=" stays text), numbers and dates as numbers."""
    if isinstance(value, str):
        text = escape(value)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return ' t="inlineStr"', f"<is><t{space}>{text}</t></is>"
    if isinstance(value, bool):
        return ' t="b"', f"<v>{int(value)}</v>"
    if isinstance(value, int):
        return "", f"<v>{value}</v>"
    if isinstance(value, float):
        return ("", f"<v>{value!r}</v>") if math.isfinite(value) else value_xml(str(value))
    if isinstance(value, date):
        return "", f"<v>{serial(value)}</v>"
    return value_xml(str(value))


def text_cell(ref: str, text: str) -> str:
    """An inline-string cell; nothing for empty text."""
    if not text:
        return ""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if escaped[:1].isspace() or escaped[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def password_hash(password: str) -> str:
    """The legacy sheet-protection hash (ECMA-376 part 4, 14.7.1), as Excel writes it."""
    key = 0
    for i, ch in enumerate(password, start=1):
        value = ord(ch) << i
        key ^= (value & 0x7FFF) | (value >> 15)
    return f"{key ^ len(password) ^ 0xCE4B:X}"


_POINTS = [row_points(n) for n in range(64)]


def points_of(lines: int) -> float:
    """row_points(lines) of body text, looked up."""
    return _POINTS[lines] if lines < len(_POINTS) else row_points(lines)


class Measured:
    """Each distinct text's width (the longest line, in column units) and its lines in a wrapped
    cell of a given width, measured once for every book of a split."""

    def __init__(self) -> None:
        self.longest: dict[tuple[str, float, bool], float] = {}
        self.lines: dict[tuple[str, float, float, bool], int] = {}

    def width(self, text: str, size: float = DEFAULT_SIZE, bold: bool = False) -> float:
        key = (text, size, bold)
        found = self.longest.get(key)
        if found is None:
            found = self.longest[key] = longest_line_units(text, size, bold)
        return found

    def wrapped(self, text: str, width: float, size: float = DEFAULT_SIZE, bold: bool = False) -> int:
        key = (text, width, size, bold)
        found = self.lines.get(key)
        if found is None:
            found = self.lines[key] = wrap_lines(text, width, size, bold)
        return found


def tenths(width: float) -> float:
    return math.ceil(round(width * 10, 6)) / 10  # rounded up to a tenth, as measure.fit does


class Shown(NamedTuple):
    """A value as its cell shows it, and that text's longest line in column units."""

    text: str
    longest: float
    fixed: bool  # a number or a date: it cannot wrap (a column too narrow for it shows ###)


@dataclass
class Layout:
    widths: dict[int, float]  # 1-based column -> width
    heights: dict[int, float]
    wrapped: set[tuple[int, int]]  # (row, 1-based column): wraps though its format does not say so


def top_rows(headers: list[str], title: str, widths: dict[int, float],
             measured: Measured) -> tuple[dict[int, float], set[tuple[int, int]]]:
    """measure.fit's heights of the title row (merged across the sheet, at least TITLE_HEIGHT) and
    the header row, once the widths are known; and whether the title wraps."""
    heights: dict[int, float] = {}
    wrapped: set[tuple[int, int]] = set()
    header_points = max((row_points(measured.wrapped(h, widths[c], DEFAULT_SIZE, True)) for c, h in
                         enumerate(headers, start=1) if h), default=0.0)
    if header_points:
        heights[2] = header_points
    if title:
        total = sum(widths.values())
        if measured.width(title, TITLE_SIZE) + CELL_PADDING > total:
            wrapped.add((1, 1))
            heights[1] = row_points(measured.wrapped(title, total, TITLE_SIZE), TITLE_SIZE)
        else:
            heights[1] = row_points(title.count("\n") + 1, TITLE_SIZE)
    heights[1] = max(heights.get(1, 0.0), TITLE_HEIGHT)
    return heights, wrapped


def header_widths(headers: list[str], wrap_width: float) -> dict[int, float]:
    """The widths the header row alone asks for (measure.fit of it: three lines at most)."""
    cells = {(2, c): CellText(h, DEFAULT_SIZE, True, True, False, HEADER_LINES)
             for c, h in enumerate(headers, start=1) if h}
    return fit(cells, [], None, None, wrap_width).widths


def cols_xml(widths: dict[int, float]) -> str:
    return "<cols>" + "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                              for c, w in sorted(widths.items())) + "</cols>"


def page_setup(widths: dict[int, float]) -> str:
    paper, landscape = paper_code(sum(widths.values()))
    return (f'<pageSetup paperSize="{paper}" orientation="{"landscape" if landscape else "portrait"}" '
            'fitToWidth="1" fitToHeight="0"/>')


def validation(name: str, kind: Kind, scheme: str) -> str | None:
    """A drop-down (an enumeration) or a date check for a fillable column; its range is added per book."""
    title = escape(name)
    if kind is Kind.ENUM:
        options = ",".join(allowed_values(name, scheme))
        return (f'<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
                f'errorTitle="{title}" error="{escape("请从下拉选项中选择：" + options)}" promptTitle="{title}" '
                f'prompt="{escape("可选：" + options)}" sqref="{{}}"><formula1>{escape(chr(34) + options + chr(34))}'
                "</formula1></dataValidation>")
    if kind is Kind.DATE:
        low, high = serial(date(2000, 1, 1)), serial(date(2100, 12, 31))
        return (f'<dataValidation type="date" operator="between" allowBlank="1" showInputMessage="1" '
                f'showErrorMessage="1" errorTitle="{title}" error="请填写日期，如 2026-05-20" promptTitle="{title}" '
                f'prompt="填写日期，如 2026-05-20" sqref="{{}}"><formula1>{low}</formula1>'
                f"<formula2>{high}</formula2></dataValidation>")
    return None


def _zip(path: Path, parts: Iterable[tuple[str, bytes]], when: date) -> None:
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts:
            z.writestr(zipfile.ZipInfo(name, stamp), data, zipfile.ZIP_DEFLATED, COMPRESS_LEVEL)


def sheet_bytes(head: bytes, rows: list[bytes], tail: bytes) -> bytes:
    return b"".join([(_DECL + f'<worksheet xmlns="{NS}" xmlns:r="{REL}">').encode(), head, *rows, tail,
                     b"</worksheet>"])


def sheet_xml(parts: Iterable[str]) -> bytes:
    return (_DECL + f'<worksheet xmlns="{NS}" xmlns:r="{REL}">' + "".join(parts) + "</worksheet>").encode()


def core_xml(title: str, when: date) -> bytes:
    stamp = f"{when:%Y-%m-%d}T00:00:00Z"
    return (_DECL + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(title)}</dc:title><dc:creator>台账助手</dc:creator>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>').encode()


def workbook_xml(sheets: list[tuple[str, bool]], names: list[tuple[str, str, bool]]) -> bytes:
    """sheets: (name, hidden); names: (defined name, formula, hidden), all local to the first sheet."""
    listed = "".join(f'<sheet name="{escape(n)}" sheetId="{i}"{HIDDEN_STATE if hidden else ""} r:id="rId{i}"/>'
                     for i, (n, hidden) in enumerate(sheets, start=1))
    defined = "".join(f'<definedName name="{n}" localSheetId="0"{HIDDEN_NAME if hidden else ""}>{escape(f)}'
                      "</definedName>" for n, f, hidden in names)
    return (_DECL + f'<workbook xmlns="{NS}" xmlns:r="{REL}"><workbookPr/>'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{listed}</sheets><definedNames>{defined}</definedNames>"
            '<calcPr calcId="191029"/></workbook>').encode()


def fixed_parts() -> list[tuple[str, bytes]]:
    """The parts every unit book has byte for byte (the sheets and workbook.xml come per book)."""
    return [("[Content_Types].xml", _CONTENT_TYPES), ("_rels/.rels", _ROOT_RELS), ("docProps/app.xml", _APP),
            ("xl/_rels/workbook.xml.rels", _BOOK_RELS), ("xl/styles.xml", STYLES)]


def row_xml(r: int, height: float | None, cells: str) -> str:
    ht = f' ht="{height:g}" customHeight="1"' if height else ""
    return f'<row r="{r}"{ht}>{cells}</row>'


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


json_text = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode  # json.dumps's text, one encoder


def plain_cells(r: int, values: Iterable[Any], style: int = 0) -> str:
    """Cells of one row from column A, unstyled (or all of `style`); None leaves a cell out."""
    s = f' s="{style}"' if style else ""
    out = []
    for c, value in enumerate(values):
        if value is not None:
            t, content = value_xml(value)
            out.append(f'<c r="{column_letter(c)}{r}"{s}{t}>{content}</c>')
    return "".join(out)


def write_package(path: Path, parts: list[tuple[str, bytes]], when: date) -> Path:
    """Write the book's parts as a zip; a full disk leaves no broken workbook under the name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with complete(path, sync=False) as temp:  # the split can write it again: no wait for the disk
        _zip(temp, parts, when)
    return path


def is_fixed(value: Any) -> bool:
    """A number or a date: it cannot wrap (a column too narrow for it shows ###)."""
    return isinstance(value, int | float | date) and not isinstance(value, bool)


def shown_text(value: Any) -> str:
    return shown(value, "yyyy-mm-dd" if isinstance(value, date) else "General")
