"""A unit's workbook for `taizhang split`, built as a NEW workbook with openpyxl from the unit's
rows only, so nothing of the master (other units' rows, names, styles, caches) can travel with it.

Sheets: 台账 (the unit's cases, fillable cells unlocked and tinted, the rest protected),
填报说明, and a hidden 分发校验 sheet: A1 holds MARKER (found by content, so a renamed sheet still
works), rows 2–8 the metadata (META_KEYS: 单位, 年度, 分发日期, 台账版本, 列, 分发编号, 校验码), then
below row META_TABLE_ROW one record per case (RECORD_HEADERS: 编号, 承办方式, 指纹, 分发时值 as JSON).
The records are for the unit's reference only: a merge trusts the master's 分发明细, and the 校验码
(a keyed MAC whose key stays in the master) ties the file to it. What is fillable and what a record holds is taizhang.core.exchange's."""

from __future__ import annotations

import json
from collections.abc import Callable
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, PatternFill, Protection
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.core.columns import BY_NAME, Col, Kind
from taizhang.core.enums import Role, allowed_values
from taizhang.core.exchange import META_KEYS, RECORD_HEADERS, RowRecord, fillable
from taizhang.core.names import INSTRUCTIONS_SHEET, LEDGER_SHEET
from taizhang.workbook.sheet_print import HEADER_LINES, fit_worksheet
from taizhang.workbook.template import BODY_FONT, BORDER, HEADER_FILL, HEADER_FONT, TITLE_FONT
from taizhang.workbook.writer.measure import CELL_PADDING, CellText, shown, text_units
from taizhang.workbook.writer.safety import complete

META_SHEET = "分发校验"
INSTRUCTIONS_WIDTH = 72  # one column of wrapped lines inside portrait A4: LibreOffice never shrinks a lone column to fit
MARKER = "台账助手分发校验数据（请勿修改）"
META_TABLE_ROW = 10  # header of the per-case table; cases below it
INFO_HEADERS = ("本单位承办方式", "当前环节", "截止日期", "办理状态")
WRAPPED = (Col.TITLE, Col.PROGRESS, Col.CO_UNITS, Col.EXTENSION_REASON, Col.RETURN_REASON)
WRAPPED_WIDTH = 28
TEXT_WIDTH = 14  # other texts (编号, 届次会次 …) wrap beyond this width
DATE_WIDTH = round(text_units("2026-05-20") + CELL_PADDING, 1)
FILL_TINT = PatternFill("solid", fgColor="FFF2CC")
INFO_FILL = PatternFill("solid", fgColor="F2F2F2")
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2100, 12, 31)


@dataclass
class UnitRow:
    """One case as its unit receives it: the cell values, the deadline as the unit sees it, and what
    the split records of it for the merge."""

    number: str
    values: dict[str, Any]  # canonical name -> cell value
    stage: str | None
    due: date | None
    status: str | None
    record: RowRecord

    @property
    def role(self) -> str:
        return self.record.role

    @property
    def fillable(self) -> tuple[str, ...]:
        return fillable(self.record.role)


@dataclass
class UnitBook:
    unit: str
    year: int
    split_date: date
    version: str
    columns: list[str]
    rows: list[UnitRow]
    class_scheme: str = "A/B/C"
    password: str | None = None
    office: str | None = None
    split_id: str = ""
    mac: str = ""


def _put(ws: Worksheet, row: int, col: int, value: Any) -> Cell:
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl takes "=..." for a formula; here text stays text
    return cell


def _ledger_sheet(ws: Worksheet, book: UnitBook) -> None:
    headers = [*INFO_HEADERS, *book.columns]
    last = get_column_letter(len(headers))
    ws.title = LEDGER_SHEET
    ws.merge_cells(f"A1:{last}1")
    title = f"{book.unit}{book.year}年建议提案办理情况（{book.split_date:%Y年%m月%d日}分发）"
    _put(ws, 1, 1, title)
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    texts = {(1, 1): CellText(title, float(TITLE_FONT.sz), bool(TITLE_FONT.b), False, False)}
    for col, text in enumerate(headers, start=1):
        cell = _put(ws, 2, col, text)
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        texts[(2, col)] = CellText(text, float(HEADER_FONT.sz), bool(HEADER_FONT.b), True, False, HEADER_LINES)
    styles = _StyleCache()
    kinds = {name: BY_NAME[name].kind for name in book.columns}
    for r, unit_row in enumerate(book.rows, start=3):
        info = [unit_row.role, unit_row.stage, unit_row.due, unit_row.status]
        for col, value in enumerate(info, start=1):
            cell = _put(ws, r, col, value)
            is_date = isinstance(value, date)
            styles.apply(cell, ("info", is_date), _info_style)
            if value is not None:
                texts[(r, col)] = _text(value, not is_date)
        fillable_here = unit_row.fillable
        for col, name in enumerate(book.columns, start=len(INFO_HEADERS) + 1):
            value = unit_row.values.get(name)
            cell = _put(ws, r, col, value)
            styles.apply(cell, (kinds[name], name in fillable_here), _data_style)
            if value is not None:
                texts[(r, col)] = _text(value, kinds[name] not in (Kind.DATE, Kind.INT, Kind.YEAR))
    _validations(ws, book, 3, 2 + len(book.rows))
    ws.freeze_panes = ws.cell(row=3, column=len(INFO_HEADERS) + 3)
    ws.auto_filter.ref = f"A2:{last}{max(2 + len(book.rows), 2)}"
    # Long texts wrap in a column of their usual width; every other column is as wide as its content.
    # A date column is as wide as a date, filled in or not.
    widths = {i: min(BY_NAME[name].width, WRAPPED_WIDTH) for i, name in enumerate(headers, start=1) if name in WRAPPED}
    widths |= {i: DATE_WIDTH for i, name in enumerate(headers, start=1)
               if name in BY_NAME and BY_NAME[name].kind is Kind.DATE}
    fit_worksheet(ws, widths=widths, header_rows=range(2, 3), title_rows="1:2", wrap_width=TEXT_WIDTH, cells=texts)
    # Protected: only the tinted cells take input; filters, widths and heights still work.
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.sort = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    if book.password:
        ws.protection.password = book.password


def _text(value: Any, wrap: bool) -> CellText:
    """A body cell's text as fit_worksheet measures it (what Excel shows, in the body font)."""
    fixed = isinstance(value, int | float | date) and not isinstance(value, bool)
    shown_as = shown(value, "yyyy-mm-dd" if isinstance(value, date) else "General")
    return CellText(shown_as, float(BODY_FONT.sz), bool(BODY_FONT.b), wrap, fixed)


class _StyleCache:
    """Each distinct look is built once through openpyxl's style API; every other cell of that look
    gets a copy of the first one's style indexes (openpyxl hashes every style object on each
    assignment otherwise: most of a unit book's build time)."""

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], StyleArray] = {}

    def apply(self, cell: Cell, key: tuple[Any, ...], setup: Callable[[Cell, tuple[Any, ...]], None]) -> None:
        found = self.cache.get(key)
        if found is None:
            setup(cell, key)
            self.cache[key] = copy(cell._style)
        else:
            cell._style = copy(found)


def _info_style(cell: Cell, key: tuple[Any, ...]) -> None:
    is_date = key[1]
    cell.font, cell.border, cell.fill = BODY_FONT, BORDER, INFO_FILL
    cell.alignment = Alignment(vertical="center", wrap_text=not is_date)
    if is_date:
        cell.number_format = "yyyy-mm-dd"


def _data_style(cell: Cell, key: tuple[Any, ...]) -> None:
    kind, fill = key
    cell.font, cell.border = BODY_FONT, BORDER
    if kind is Kind.DATE:
        cell.number_format = "yyyy-mm-dd"
    if fill:
        cell.protection = Protection(locked=False)
        cell.fill = FILL_TINT
    cell.alignment = Alignment(wrap_text=kind not in (Kind.DATE, Kind.INT, Kind.YEAR), vertical="center")


def _validations(ws: Worksheet, book: UnitBook, first: int, last: int) -> None:
    if last < first:
        return
    letters = {name: get_column_letter(i) for i, name in enumerate(book.columns, start=len(INFO_HEADERS) + 1)}
    fill_names = {n for r in book.rows for n in r.fillable}
    for name in sorted(fill_names & set(letters)):
        rng = f"{letters[name]}{first}:{letters[name]}{last}"
        kind = BY_NAME[name].kind
        if kind is Kind.ENUM:
            options = ",".join(allowed_values(name, book.class_scheme))
            dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True, showErrorMessage=True,
                                errorTitle=name, error=f"请从下拉选项中选择：{options}",
                                promptTitle=name, prompt=f"可选：{options}", showInputMessage=True)
        elif kind is Kind.DATE:
            dv = DataValidation(type="date", operator="between", formula1=str(_serial(MIN_DATE)),
                                formula2=str(_serial(MAX_DATE)), allow_blank=True, showErrorMessage=True,
                                errorTitle=name, error="请填写日期，如 2026-05-20",
                                promptTitle=name, prompt="填写日期，如 2026-05-20", showInputMessage=True)
        else:
            continue
        dv.add(rng)
        ws.add_data_validation(dv)


def _serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def instructions(book: UnitBook) -> list[str]:
    host = "、".join(fillable(Role.HOST))
    co = "、".join(fillable(Role.CO))
    return [
        f"{book.unit}：本工作簿列出贵单位承办的 {book.year} 年建议提案，共 {len(book.rows)} 件。",
        "1. “本单位承办方式”一列说明贵单位是该件的主办单位还是协办单位。",
        "2. 只需填写浅黄色单元格，其余内容已锁定，请勿改动。",
        f"3. 主办单位填写：{host}。" if host else "",
        f"4. 协办单位只填写：{co}（协办意见请直接送主办单位）。" if co else "",
        "5. 日期请填写为日期格式，如 2026-05-20；办理结果、代表意见、公开属性请从下拉选项中选择。",
        "6. “当前环节”“截止日期”“办理状态”是分发当天的计算结果，仅供参考。",
        "7. 请不要增删行、不要调整表格结构，也不要把其他单位的内容复制进来；可以排序、筛选、改文件名。",
        f"8. 填好后请把本文件回传给{book.office or '分发本表的单位'}，Excel、WPS 保存的 .xlsx 或 .xls 均可。",
        f"分发日期：{book.split_date.isoformat()}" + (f"；分发单位：{book.office}" if book.office else ""),
    ]


def _instructions_sheet(ws: Worksheet, book: UnitBook) -> None:
    ws.title = INSTRUCTIONS_SHEET
    _put(ws, 1, 1, "填报说明").font = TITLE_FONT
    for r, line in enumerate((x for x in instructions(book) if x), start=3):
        cell = _put(ws, r, 1, line)
        cell.font = BODY_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    fit_worksheet(ws, widths={1: INSTRUCTIONS_WIDTH})
    ws.protection.sheet = True


def _meta_sheet(ws: Worksheet, book: UnitBook) -> None:
    ws.title = META_SHEET
    ws.sheet_state = "hidden"
    _put(ws, 1, 1, MARKER)
    meta = [book.unit, book.year, book.split_date.isoformat(), book.version,
            json.dumps(book.columns, ensure_ascii=False), book.split_id, book.mac]
    for r, (key, value) in enumerate(zip(META_KEYS, meta, strict=True), start=2):
        _put(ws, r, 1, key)
        _put(ws, r, 2, value)
    for col, text in enumerate(RECORD_HEADERS, start=1):
        _put(ws, META_TABLE_ROW, col, text)
    for r, unit_row in enumerate(book.rows, start=META_TABLE_ROW + 1):
        record = unit_row.record
        split_values = json.dumps(record.split_values, ensure_ascii=False, default=_json_default)
        for col, value in enumerate((unit_row.number, record.role, record.fingerprint, split_values), start=1):
            _put(ws, r, col, value)
    ws.protection.sheet = True
    if book.password:
        ws.protection.password = book.password


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def write_unit_book(path: Path, book: UnitBook) -> Path:
    wb = Workbook()
    _ledger_sheet(wb.active, book)
    _instructions_sheet(wb.create_sheet(), book)
    _meta_sheet(wb.create_sheet(), book)
    # Minimal document properties: nothing of the master or of the machine that split it.
    props = wb.properties
    props.creator = "台账助手"
    props.lastModifiedBy = None
    props.title = f"{book.unit}{book.year}年建议提案办理情况"
    fixed = datetime(book.split_date.year, book.split_date.month, book.split_date.day)
    props.created = props.modified = fixed
    path.parent.mkdir(parents=True, exist_ok=True)
    with complete(path) as temp:  # a full disk leaves no broken workbook under the unit's name
        wb.save(temp)
    return path
