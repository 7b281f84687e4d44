"""Reading a workbook a unit sent back: untrusted input.

The file is read from disk once. Before calamine touches it: a size limit, a zip-bomb guard
(every XML part is decompressed here through a bounded reader, so a lying size header cannot get
past the total and ratio limits), and a scan of every XML part's prolog that refuses DTDs and
entity declarations: XML allows a DOCTYPE (which alone can declare entities) only before the root
element, so nothing after the prolog can declare one. Only values are read; a macro (.xlsm) is
never run nor carried anywhere.

The 分发校验 sheet says which unit and which split (分发编号) the file claims to be, and its 校验码;
what the unit may fill is taken from the master's record by the merge, not from here."""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from defusedxml.ElementTree import fromstring

from taizhang.core.errors import BadInput
from taizhang.core.exchange import MAC, META_KEYS, SPLIT_ID, RowRecord
from taizhang.core.header import find_header
from taizhang.core.model import Ledger, column_index, column_letter
from taizhang.core.names import INSTRUCTIONS_SHEET, LEDGER_SHEET
from taizhang.core.rows import build_ledger
from taizhang.workbook.bounded import (
    BoundedBook,
    Extent,
    check_prolog,
    extent,
    extent_by_numpy,
    open_book,
)
from taizhang.workbook.reader import OLE_MAGIC, ZIP_MAGIC, read_source
from taizhang.workbook.sheet_parts import MAIN, sheet_part
from taizhang.workbook.unit_book import INFO_HEADERS, MARKER, META_TABLE_ROW

MAX_FILE = 30 * 1024 * 1024  # bytes on disk
MAX_TOTAL = 150 * 1024 * 1024  # all XML parts decompressed
MAX_RATIO = 100  # decompressed / compressed, for parts over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_PARTS = 5000
HEADER_ROW = 2  # of a unit book's ledger sheet, under its title
KEEP_PARTS = 20 * 1024 * 1024  # decompressed parts kept for reading (a unit book's are ~1 MB)
XML_SUFFIXES = (".xml", ".rels", ".vml")
WORKBOOK_PARTS = {"xl/workbook.xml", "xl/workbook.bin", "content.xml"}
FORMATS = "应为 Excel 工作簿（.xlsx、.xlsm 或 .xls）"


NO_RESULT = "无计算结果"
# A cell formula's start tag (<f>, <f t="shared" …/>, <x:f>); not the drop-downs' <formula1>.
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_PLAIN_FORMULA = re.compile(rb"<f[\s/>]")  # the same without a prefix: found by its literal start, 5x sooner


@dataclass(frozen=True)
class CellError:
    """A cell of the returned ledger sheet calamine reads as empty although the unit typed into it:
    an Excel error (#NAME? from text starting with "="), or a formula saved without its result.
    Without this, what the unit typed would vanish."""

    cell: str  # A1 address in the returned file
    error: str  # #NAME?, #VALUE! …
    formula: str | None  # the formula Excel made of what was typed, without the "="

    def describe(self) -> str:
        if self.error == NO_RESULT:
            return (f"单元格是公式“={self.formula}”，文件中没有它的计算结果，无法读取；"
                    "请直接填写日期、数字或文字")
        typed = f"（输入的“={self.formula}”被 Excel 当作公式）" if self.formula else ""
        return f"单元格是错误值“{self.error}”{typed}，无法读取；如要填写以“=”开头的文字，请在前面加英文单引号"


@dataclass(frozen=True)
class StrayValue:
    """Something the unit typed where no ledger column is: reported, never merged."""

    cell: str
    header: str | None  # the header above it, if any
    value: Any
    row: int


@dataclass
class ReturnedBook:
    path: Path
    ledger: Ledger
    unit: str
    split_date: date | None
    version: str
    columns: list[str]
    split_id: str = ""
    mac: str = ""
    entries: dict[str, RowRecord] = field(default_factory=dict)  # 编号 -> what the split recorded
    errors: dict[str, CellError] = field(default_factory=dict)  # A1 cell -> its error, ledger sheet only
    stray: list[StrayValue] = field(default_factory=list)  # values outside the ledger's columns
    other_sheets: list[str] = field(default_factory=list)  # sheets the unit added that hold something

    def error_at(self, name: str, row: int) -> CellError | None:
        letter = self.ledger.columns.get(name)
        return self.errors.get(f"{letter}{row}") if letter else None


def guard(path: Path) -> bytes:
    """Refuse, with a Chinese message naming the file, anything unsafe or not a workbook; return
    the file's bytes (read once)."""
    return guarded_parts(path)[0]


def guarded_parts(path: Path) -> tuple[bytes, dict[str, bytes]]:
    """`guard`, and the XML parts it decompressed and checked (so nothing is decompressed twice)."""
    name = path.name
    if not path.is_file():
        raise BadInput(f"找不到文件“{path}”")
    size = path.stat().st_size
    if size == 0:
        raise BadInput(f"文件“{name}”是空文件，{FORMATS}")
    if size > MAX_FILE:
        raise BadInput(f"文件“{name}”有 {size / 1048576:.0f} MB，超过回传文件上限 {MAX_FILE // 1048576} MB，未处理")
    data = path.read_bytes()
    if data.startswith(OLE_MAGIC):
        return data, {}  # legacy .xls: no XML inside; calamine reads it within the size limit
    if not data.startswith(ZIP_MAGIC):
        raise BadInput(f"文件“{name}”不是 Excel 工作簿，{FORMATS}")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            parts = _check_zip(z, name)
    except zipfile.BadZipFile:
        raise BadInput(f"文件“{name}”已损坏或不是 Excel 工作簿，{FORMATS}") from None
    return data, parts


def _check_zip(z: zipfile.ZipFile, name: str) -> dict[str, bytes]:
    infos = z.infolist()
    if len(infos) > MAX_PARTS:
        raise BadInput(f"文件“{name}”内含 {len(infos)} 个部件，远超正常工作簿，疑似恶意文件，未处理")
    if not {i.filename for i in infos} & WORKBOOK_PARTS:
        raise BadInput(f"文件“{name}”是压缩包而不是 Excel 工作簿，{FORMATS}")
    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL:
        raise BadInput(_bomb(name))
    total = 0
    parts: dict[str, bytes] = {}
    for info in infos:
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BadInput(_bomb(name))
        if not info.filename.lower().endswith(XML_SUFFIXES):
            continue
        data = _bounded_read(z, info, MAX_TOTAL - total, name)
        total += len(data)
        if len(data) > RATIO_FLOOR and len(data) > MAX_RATIO * max(info.compress_size, 1):
            raise BadInput(_bomb(name))
        _check_xml(data, name, info.filename)
        if total <= KEEP_PARTS:
            parts[info.filename] = data
    return parts


def _bomb(name: str) -> str:
    return (f"文件“{name}”解压后体积异常（超过 {MAX_TOTAL // 1048576} MB 或压缩比超过 {MAX_RATIO} 倍），"
            "疑似“压缩炸弹”，未处理，台账未改动")


def _bounded_read(z: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, name: str) -> bytes:
    """Decompress at most `budget` bytes: the size in the zip header may lie."""
    chunks: list[bytes] = []
    read = 0
    with z.open(info) as f:
        while chunk := f.read(1 << 20):
            read += len(chunk)
            if read > budget:
                raise BadInput(_bomb(name))
            chunks.append(chunk)
    return b"".join(chunks)


def _check_xml(data: bytes, name: str, part: str) -> None:
    """A DTD or entity declaration can only stand in the prolog: scan it (check_prolog), and say
    that the file was left alone. A part malformed further on is refused by calamine if it reads it."""
    try:
        check_prolog(data, name, part)
    except BadInput:
        raise BadInput(f"文件“{name}”的部件 {part} 含有文档类型或实体声明（XML 实体攻击的常见手法），"
                       "正常的 Excel 工作簿不会有，未处理，台账未改动") from None


def _meta_grid(book: BoundedBook) -> list[list[Any]] | None:
    """The hidden 分发校验 sheet, found by its marker in A1 whatever it is named."""
    for name in book.worksheet_names():
        rows = book.grid(name, 1)
        if rows and rows[0] and rows[0][0] == MARKER:
            return [list(r) for r in book.grid(name)]
    return None


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _parse_meta(grid: list[list[Any]], name: str) -> tuple[dict[str, str], dict[str, RowRecord]]:
    info = {_text(r[0]): _text(r[1]) for r in grid[1:META_TABLE_ROW - 1] if len(r) > 1}
    if not info.get(SPLIT_ID) or not info.get(MAC):
        raise BadInput(f"文件“{name}”是旧版本分发的工作簿（没有{SPLIT_ID}和{MAC}），台账中没有它的分发记录，无法核对来源，"
                       "未合并。请重新分发（taizhang split 或“分发各单位”按钮），让单位在新的工作簿中填写后回传")
    missing = [k for k in META_KEYS if not info.get(k)]
    if missing:
        raise BadInput(f"文件“{name}”的分发校验数据不完整（缺少{'、'.join(missing)}），无法确认来源，未合并")
    entries: dict[str, RowRecord] = {}
    for r in grid[META_TABLE_ROW:]:
        cells = [v.strip() if type(v) is str else _text(v) for v in (r + [None] * 4)[:4]]  # text as _text gives it
        if not cells[0]:
            continue
        try:
            values = json.loads(cells[3] or "{}")
        except json.JSONDecodeError:
            raise BadInput(f"文件“{name}”的分发校验数据已被改动（编号“{cells[0]}”一行无法识别），未合并") from None
        entries[cells[0]] = RowRecord(cells[1], cells[2], values if isinstance(values, dict) else {})
    return info, entries


def cell_errors(data: bytes, sheet: str) -> dict[str, CellError]:
    """Every error cell of one worksheet of an .xlsx/.xlsm (`data`, already guarded): calamine
    shows them as empty. A legacy .xls is not scanned (its error cells read as empty)."""
    if not data.startswith(ZIP_MAGIC):
        return {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        part = sheet_part(z, sheet)
        if part is None or part not in z.namelist():
            return {}
        xml = z.read(part)
    return errors_in(xml)


def errors_in(xml: bytes) -> dict[str, CellError]:
    """Every error cell of a worksheet part (already guarded), by its A1 address."""
    if b't="e"' not in xml and not _has_formula(xml):
        return {}  # no error cell and no formula: nothing calamine could show as empty
    root = fromstring(xml)
    found: dict[str, CellError] = {}
    for c in root.iter(f"{{{MAIN}}}c"):
        ref = c.get("r")
        value, formula = c.find(f"{{{MAIN}}}v"), c.find(f"{{{MAIN}}}f")
        typed = formula.text if formula is not None and formula.text else None
        shown = value.text if value is not None else None
        if not ref:
            continue
        if c.get("t") == "e":
            found[ref] = CellError(ref, shown or "#错误", typed)
        elif typed and not shown and c.get("t") != "str":
            found[ref] = CellError(ref, NO_RESULT, typed)
    return found


def _has_formula(xml: bytes) -> bool:
    """Whether a cell formula stands in `xml` (a prefixed one has ":f" in it)."""
    return _PLAIN_FORMULA.search(xml) is not None or (b":f" in xml and _FORMULA.search(xml) is not None)


def _stray(grid: list[list[Any]], ledger: Ledger) -> list[StrayValue]:
    """Values in the ledger sheet's data rows under no ledger column (a column the unit added, or
    typing to the right of the table); the split's own information columns are not the unit's."""
    known = {column_index(letter) for letter in ledger.columns.values()}
    known |= {column_index(letter) for header, letter in ledger.extra_columns.items() if header in INFO_HEADERS}
    headers = {column_index(letter): header for header, letter in ledger.extra_columns.items()}
    width = max((len(row) for row in grid[ledger.header_row:]), default=0)
    others = [c for c in range(width) if c not in known]  # only these are looked at, row by row
    found: list[StrayValue] = []
    for r in range(ledger.header_row, len(grid)):
        row = grid[r]
        for c in others:
            if c >= len(row):
                break
            value = row[c]
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            found.append(StrayValue(f"{column_letter(c)}{r + 1}", headers.get(c), value, r + 1))
    return found


def _other_sheets(book: BoundedBook, ledger_sheet: str) -> list[str]:
    """Sheets besides the ledger, the 填报说明 and the hidden 分发校验 that hold anything."""
    names: list[str] = []
    for name in book.worksheet_names():
        if name in (ledger_sheet, INSTRUCTIONS_SHEET):
            continue
        rows = book.grid(name)
        first = rows[0][0] if rows and rows[0] else None
        if first in (MARKER, INSTRUCTIONS_SHEET):
            continue
        if any(v not in (None, "") for row in rows for v in row):
            names.append(name)
    return names


def _ledger(book: BoundedBook, path: Path) -> Ledger:
    """The returned ledger sheet. A book as split left it (its 台账 sheet, the title above the
    header in row HEADER_ROW) is recognised from its first rows; anything else (a renamed sheet,
    rows inserted above) is read the general way, as any ledger."""
    if LEDGER_SHEET in book.worksheet_names():
        merged = book.merged(LEDGER_SHEET)
        match = find_header(book.grid(LEDGER_SHEET, HEADER_ROW + 1), merged)
        if match is not None and match.rows == [HEADER_ROW - 1]:
            return build_ledger(str(path), LEDGER_SHEET, book.grid(LEDGER_SHEET), match, merged)
    return read_source(book, path).ledger


def _ledger_errors(book: BoundedBook, data: bytes, sheet: str) -> dict[str, CellError]:
    """`cell_errors` of the ledger sheet, from the part calamine read (the guard's checked copy)."""
    zipbook = book.zipbook
    if zipbook is not None and sheet in zipbook.parts.sheets:
        return errors_in(zipbook.read(zipbook.parts.sheets[sheet], charge=False))
    return cell_errors(data, sheet)


def _sheet_extent(data: bytes) -> Extent:
    """A returned sheet's extent by bounded's numpy scan first: on a unit book's sheet it takes
    2.5 ms against the bound's 5.5, and a merge reads hundreds of them (numpy's import, ~0.1 s,
    pays); `extent` when the scan steps aside."""
    found = extent_by_numpy(data)
    return found if found is not None else extent(data)


def read_returned(path: str | Path) -> ReturnedBook:
    """A returned unit workbook, checked and read (the file once); raises BadInput naming the file."""
    path = Path(path)
    data, parts = guarded_parts(path)
    with open_book(path, data, parts, _sheet_extent) as book:
        grid = _meta_grid(book)
        if grid is None:
            raise BadInput(f"文件“{path.name}”中找不到分发校验数据，不是台账助手分发给单位的工作簿"
                           "（或隐藏的“分发校验”工作表被删除），无法确认单位和版本，未合并")
        info, entries = _parse_meta(grid, path.name)
        try:
            columns = json.loads(info["列"])
            split_date = date.fromisoformat(info["分发日期"][:10])
        except (json.JSONDecodeError, ValueError):
            raise BadInput(f"文件“{path.name}”的分发校验数据已被改动，无法识别，未合并") from None
        ledger = _ledger(book, path)
        stray = _stray(book.grid(ledger.sheet), ledger)
        others = _other_sheets(book, ledger.sheet)
        errors = _ledger_errors(book, data, ledger.sheet)
    return ReturnedBook(path=path, ledger=ledger, unit=info["单位"], split_date=split_date,
                        version=info["台账版本"], columns=[str(c) for c in columns if isinstance(c, str)],
                        split_id=info[SPLIT_ID], mac=info[MAC], entries=entries,
                        errors=errors, stray=stray, other_sheets=others)
