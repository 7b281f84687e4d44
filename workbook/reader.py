"""Reading a ledger workbook: .xlsx, .xlsm, .xls, .xlsb, .ods, saved by Excel, WPS or LibreOffice
(python-calamine within bounds, `bounded.py`), or the workbook open in Excel (any `GridSource`).
Finds the ledger sheet and its header by itself and loads the settings sheets; reads the 变更记录.
Every function raises BadInput with a Chinese message naming the file, sheet or cell.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from taizhang.core.errors import BadInput
from taizhang.core.header import SCAN_ROWS, HeaderMatch, find_header
from taizhang.core.model import Ledger
from taizhang.core.names import CHANGES_SHEET, LEDGER_SHEET, NOT_LEDGER
from taizhang.core.rows import build_ledger
from taizhang.core.settings import (
    CHECK_RULE_HEADERS,
    DEADLINES_SHEET,
    HOLIDAY_HEADERS,
    HOLIDAYS_SHEET,
    PARAM_HEADERS,
    PARAMS_SHEET,
    RULES_SHEET,
    SETTINGS_SHEETS,
    UNIT_HEADERS,
    UNITS_SHEET,
    Settings,
    SheetTable,
    load_settings,
)
from taizhang.workbook.bounded import OLE_MAGIC, BoundedBook, encrypted_message, is_encrypted, open_book
from taizhang.workbook.source import GridSource, Merged

ZIP_MAGIC = b"PK\x03\x04"
# The header a settings sheet is recognised by (its first column).
SETTINGS_KEYS = {UNITS_SHEET: UNIT_HEADERS[0], HOLIDAYS_SHEET: HOLIDAY_HEADERS[0],
                 PARAMS_SHEET: PARAM_HEADERS[0], RULES_SHEET: CHECK_RULE_HEADERS[0], DEADLINES_SHEET: "环节"}


@dataclass
class LoadedWorkbook:
    """A workbook as read: its ledger, its settings and the settings sheets' tables they came from."""

    path: Path
    ledger: Ledger
    settings: Settings
    sheet_names: list[str]
    settings_tables: dict[str, SheetTable] = field(default_factory=dict)
    # the ledger sheet's rows and columns at most, when calamine read it whole within the bounds
    # (a writer's read-back of that sheet then needs no second scan of its extent)
    extent: tuple[int, int] | None = None


def open_workbook(path: Path) -> BoundedBook:
    """A saved workbook opened for reading within the bounds (use it as a context manager). Raises
    BadInput for a missing file, a folder, an empty, encrypted or non-workbook file."""
    if not path.exists():
        raise BadInput(f"找不到文件“{path}”，请检查路径")
    if path.is_dir():
        raise BadInput(f"“{path}”是文件夹，应为 Excel 工作簿（.xlsx、.xlsm 或 .xls）")
    with path.open("rb") as f:
        head = f.read(8)
    if not head:
        raise BadInput(f"文件“{path.name}”是空文件，应为 Excel 工作簿（.xlsx、.xlsm 或 .xls）")
    if head.startswith(OLE_MAGIC) and is_encrypted_ooxml(path):
        raise BadInput(encrypted_message(path.name))
    if head.startswith(ZIP_MAGIC) and not _has_workbook_part(path):
        raise BadInput(f"文件“{path.name}”不是 Excel 工作簿（压缩包中没有工作簿内容），应为 .xlsx、.xlsm 或 .xls")
    return open_book(path)


def is_encrypted_ooxml(path: Path) -> bool:
    """Whether the file at `path` is an .xlsx encrypted with a password (an OLE container)."""
    with path.open("rb") as f:
        return is_encrypted(f.read(65536))


def _has_workbook_part(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return bool(names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"})


# -- settings sheets ----------------------------------------------------------------------------

def settings_table(name: str, grid: list[list[Any]]) -> SheetTable:
    """A settings sheet's table: its header is the row (among the first 10) holding its key header."""
    key = SETTINGS_KEYS[name]
    header_row = next((i + 1 for i, row in enumerate(grid[:10])
                       if any(isinstance(v, str) and v.strip() == key for v in row)), None)
    if header_row is None:
        raise BadInput(f"“{name}”工作表中找不到表头：前 10 行中应有一列名为“{key}”")
    return SheetTable.from_grid(name, grid, header_row)


def read_settings_tables(source: GridSource, names: list[str] | None = None) -> dict[str, SheetTable]:
    """The table of each settings sheet the workbook has (`names`: its worksheets, when known)."""
    names = source.worksheet_names() if names is None else names
    return {name: settings_table(name, source.grid(name)) for name in SETTINGS_SHEETS if name in names}


# -- the ledger sheet ---------------------------------------------------------------------------

def _header(source: GridSource, name: str) -> HeaderMatch | None:
    return find_header(source.grid(name, SCAN_ROWS + 1), source.merged(name))


def choose_sheet(source: GridSource, names: list[str], wanted: str | None) -> tuple[str, HeaderMatch]:
    """The ledger sheet and its header: `wanted` (the --sheet option or the 参数 sheet's 台账工作表)
    when given; else the sheet named 台账 when it looks like a ledger; else the one sheet that does.
    Two or more sheets that look like a ledger, none of them named 台账, are refused: guessing could
    report on the wrong table. Settings and tool sheets are never taken."""
    where = source.where
    if wanted:
        if wanted not in names:
            raise BadInput(f"{where}中没有名为“{wanted}”的工作表；现有工作表：{'、'.join(names)}")
        match = _header(source, wanted)
        if match is None:
            raise BadInput(f"{where}的“{wanted}”工作表前 {SCAN_ROWS} 行中找不到台账表头："
                           "应有“编号”“标题”“主办单位”“交办日期”等列名")
        return wanted, match
    if LEDGER_SHEET in names and (named := _header(source, LEDGER_SHEET)) is not None:
        return LEDGER_SHEET, named  # the usual name wins: the other sheets need not be read
    found = [(name, match) for name in names if name not in NOT_LEDGER and name != LEDGER_SHEET
             and (match := _header(source, name)) is not None]
    if not found:
        raise BadInput(f"{where}中找不到台账：没有哪个工作表的前 {SCAN_ROWS} 行含有“编号”“标题”“主办单位”"
                       f"“交办日期”等台账列名（现有工作表：{'、'.join(names) or '无'}）")
    if len(found) > 1:
        listed = "、".join(f"“{f[0]}”" for f in found)
        raise BadInput(f"{where}中有多个工作表都像台账：{listed}。请把台账工作表命名为“{LEDGER_SHEET}”，"
                       "或在“参数”工作表的“台账工作表”一行写明，或用 --sheet 指定")
    return found[0]


def read_source(source: GridSource, path: str | Path, sheet: str | None = None) -> LoadedWorkbook:
    """The ledger and the settings of a workbook from any source; `path` names it in the ledger."""
    names = source.worksheet_names()
    if not names:
        raise BadInput(f"{source.where}中没有工作表")
    tables = read_settings_tables(source, names)
    settings = load_settings(tables)
    chosen, match = choose_sheet(source, names, sheet or settings.params.ledger_sheet)
    ledger = build_ledger(str(path), chosen, source.grid(chosen), match, source.merged(chosen), settings.params.year)
    return LoadedWorkbook(path=Path(path), ledger=ledger, settings=settings, sheet_names=names,
                          settings_tables=tables)


def read_workbook(path: str | Path, sheet: str | None = None) -> LoadedWorkbook:
    """Read the ledger and the settings sheets of a saved workbook. Raises BadInput with a Chinese message."""
    path = Path(path)
    with open_workbook(path) as book:
        loaded = read_source(book, path, sheet)
        loaded.extent = book.dense.get(loaded.ledger.sheet)
        return loaded


def read_ledger(path: str | Path, sheet: str | None = None) -> Ledger:
    """The ledger of a saved workbook (its settings read only for the ledger sheet's name and year)."""
    return read_workbook(path, sheet).ledger


def file_merges(path: Path, sheet: str) -> Merged:
    """The merged areas of a sheet of the saved file at `path`; [] when there is none to read (an
    unsaved workbook, an old or foreign copy): merges only refine how a header is read."""
    if not path.is_absolute() or not path.is_file():
        return []
    try:
        with open_workbook(path) as book:
            return book.merged(sheet) if sheet in book.worksheet_names() else []
    except Exception:  # any failure of the copy on disk: read without merges
        return []


# -- the 变更记录 -----------------------------------------------------------------------------

def read_change_records(source: GridSource) -> list[list[str | None]]:
    """The rows of the 变更记录 sheet below its header, each as its texts (`cell_text`); [] when the
    workbook has no such sheet. Blank rows are left out."""
    if CHANGES_SHEET not in source.worksheet_names():
        return []
    from taizhang.core.exchange import CHANGE_HEADERS, cell_text  # here: only the jobs that merge read it

    width = len(CHANGE_HEADERS)
    rows = [[cell_text(v) for v in (list(row) + [None] * width)[:width]] for row in source.grid(CHANGES_SHEET)[1:]]
    return [row for row in rows if any(row)]


def change_records_end(source: GridSource) -> int | None:
    """The Excel row below the last row of the 变更记录 sheet (where a new record goes); None when
    the workbook has none."""
    if CHANGES_SHEET not in source.worksheet_names():
        return None
    return len(source.grid(CHANGES_SHEET)) + 1
