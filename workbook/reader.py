"""Reading a ledger workbook with python-calamine: .xlsx, .xlsm, .xls, .xlsb, .ods, saved by
Excel, WPS or LibreOffice. Finds the ledger sheet and its header by itself and loads the settings sheets.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine as pc

from taizhang.core.errors import BadInput
from taizhang.core.header import HeaderMatch, find_header
from taizhang.core.model import Ledger
from taizhang.core.names import LEDGER_SHEET, NOT_LEDGER
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

ZIP_MAGIC = b"PK\x03\x04"
# The header a settings sheet is recognised by (its first column).
SETTINGS_KEYS = {UNITS_SHEET: UNIT_HEADERS[0], HOLIDAYS_SHEET: HOLIDAY_HEADERS[0],
                 PARAMS_SHEET: PARAM_HEADERS[0], RULES_SHEET: CHECK_RULE_HEADERS[0], DEADLINES_SHEET: "环节"}


@dataclass
class LoadedWorkbook:
    path: Path
    ledger: Ledger
    settings: Settings
    sheet_names: list[str]


def _open(path: Path) -> BoundedBook:
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
    with path.open("rb") as f:
        return is_encrypted(f.read(65536))


def _has_workbook_part(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return bool(names & {"xl/workbook.xml", "xl/workbook.bin", "content.xml"})


def settings_table(name: str, grid: list[list[Any]]) -> SheetTable:
    """A settings sheet's table: its header is the row (among the first 10) holding its key header."""
    key = SETTINGS_KEYS[name]
    header_row = next((i + 1 for i, row in enumerate(grid[:10])
                       if any(isinstance(v, str) and v.strip() == key for v in row)), None)
    if header_row is None:
        raise BadInput(f"“{name}”工作表中找不到表头：前 10 行中应有一列名为“{key}”")
    return SheetTable.from_grid(name, grid, header_row)


def read_settings(book: BoundedBook | pc.CalamineWorkbook, names: list[str]) -> Settings:
    """The settings sheets of a book opened by open_book (bounded) or, for older callers, by
    calamine directly."""
    def grid(name: str) -> list[list[Any]]:
        if isinstance(book, BoundedBook):
            return book.grid(name)
        return [list(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]

    tables = {name: settings_table(name, grid(name)) for name in SETTINGS_SHEETS if name in names}
    return load_settings(tables)


def read_file_settings(path: Path) -> tuple[list[str], Settings]:
    """A saved workbook's sheet names and settings, read within the bounds."""
    with _open(path) as book:
        names = book.worksheet_names()
        return names, read_settings(book, names)


def _choose_sheet(path: Path, book: BoundedBook, names: list[str], wanted: str | None
                  ) -> tuple[str, HeaderMatch]:
    # calamine parses a whole sheet when it is fetched: the book keeps each sheet it read.
    if wanted:
        if wanted not in names:
            raise BadInput(f"文件“{path.name}”中没有名为“{wanted}”的工作表；现有工作表：{'、'.join(names)}")
        match = find_header(book.grid(wanted, 31), book.merged(wanted))
        if match is None:
            raise BadInput(f"文件“{path.name}”的“{wanted}”工作表前 30 行中找不到台账表头："
                           "应有“编号”“标题”“主办单位”“交办日期”等列名")
        return wanted, match
    found: list[tuple[str, HeaderMatch]] = []
    for name in names:
        if name in NOT_LEDGER:
            continue
        match = find_header(book.grid(name, 31), book.merged(name))
        if match is not None:
            found.append((name, match))
    if not found:
        raise BadInput(f"文件“{path.name}”中找不到台账：没有哪个工作表的前 30 行含有“编号”“标题”“主办单位”"
                       f"“交办日期”等台账列名（现有工作表：{'、'.join(names) or '无'}）")
    if len(found) > 1:
        named = [f for f in found if f[0] == LEDGER_SHEET]
        if len(named) == 1:
            return named[0]
        listed = "、".join(f"“{f[0]}”" for f in found)
        raise BadInput(f"文件“{path.name}”中有多个工作表都像台账：{listed}。请把台账工作表命名为“{LEDGER_SHEET}”，"
                       "或在“参数”工作表的“台账工作表”一行写明，或用 --sheet 指定")
    return found[0]


def read_workbook(path: str | Path, sheet: str | None = None) -> LoadedWorkbook:
    """Read the ledger and the settings sheets of a workbook. Raises BadInput with a Chinese message."""
    path = Path(path)
    with _open(path) as book:
        names = book.worksheet_names()
        if not names:
            raise BadInput(f"文件“{path.name}”中没有工作表")
        settings = read_settings(book, names)
        chosen, match = _choose_sheet(path, book, names, sheet or settings.params.ledger_sheet)
        ledger = build_ledger(str(path), chosen, book.grid(chosen), match, book.merged(chosen),
                              settings.params.year)
    return LoadedWorkbook(path=path, ledger=ledger, settings=settings, sheet_names=names)


def read_ledger(path: str | Path, sheet: str | None = None) -> Ledger:
    return read_workbook(path, sheet).ledger
