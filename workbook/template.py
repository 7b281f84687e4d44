"""The official blank ledger (`taizhang new`) and the built-in sample, built as NEW workbooks with
openpyxl. openpyxl never rewrites an existing ledger: that is the lossless writer's job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.core.columns import COLUMNS, ENUM_COLUMNS, Col, Kind
from taizhang.core.enums import allowed_values
from taizhang.core.names import LEDGER_SHEET
from taizhang.core.settings import (
    CHECK_RULE_HEADERS,
    DEADLINES_SHEET,
    DOC_NUMBER_LABEL,
    HOLIDAY_HEADERS,
    HOLIDAYS_SHEET,
    OFFICE_LABEL,
    PARAM_HEADERS,
    PARAM_KEYS,
    PARAMS_SHEET,
    RECIPIENTS_LABEL,
    RULES_SHEET,
    UNIT_HEADERS,
    UNITS_SHEET,
)
from taizhang.workbook.sheet_print import fit_worksheet

TITLE_FONT = Font(name="方正小标宋简体", size=18)
HEADER_FONT = Font(name="黑体", size=11, bold=True)
BODY_FONT = Font(name="仿宋_GB2312", size=11)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
SETTINGS_FILL = PatternFill("solid", fgColor="E2EFDA")
TO_FILL = PatternFill("solid", fgColor="FFF2CC")  # a setting left for the office to fill in
WRAPPED = (Col.TITLE, Col.PROGRESS, Col.CO_UNITS)  # long texts: wrapped in their column
TO_FILL_LABELS = (OFFICE_LABEL, DOC_NUMBER_LABEL, RECIPIENTS_LABEL)  # 参数 the office fills in itself
DATA_ROWS = 2000  # dropdowns and formats reach this far below the header in a blank ledger


@dataclass
class LedgerContent:
    """What goes into a new ledger workbook; empty lists give a blank official template."""

    year: int
    title: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    holidays: list[tuple[date, str, str]] = field(default_factory=list)  # (day, 休/班, note)
    deadline_headers: Sequence[str] = ()
    deadline_rows: list[list[Any]] = field(default_factory=list)
    rule_rows: list[list[Any]] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)  # 参数 label -> value
    class_scheme: str = "A/B/C"


def _header_row(ws: Worksheet, row: int, headers: Iterable[str], fill: PatternFill = HEADER_FILL) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = HEADER_FONT
        cell.fill = fill
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _ledger_sheet(ws: Worksheet, content: LedgerContent) -> None:
    names = [c.name for c in COLUMNS]
    last = get_column_letter(len(names))
    ws.title = LEDGER_SHEET
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = content.title
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    _header_row(ws, 2, names)
    for r, values in enumerate(content.rows, start=3):
        for col, spec in enumerate(COLUMNS, start=1):
            value = values.get(spec.name)
            cell = ws.cell(row=r, column=col, value=value)
            cell.font = BODY_FONT
            cell.border = BORDER
            if spec.kind is Kind.DATE and isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            if spec.name in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    data_end = max(3 + len(content.rows) - 1, 3)
    reach = max(data_end, 2 + DATA_ROWS)
    _dropdowns(ws, content.class_scheme, reach)
    for col, spec in enumerate(COLUMNS, start=1):
        if spec.kind is Kind.DATE and not content.rows:
            for r in range(3, 3 + 50):
                ws.cell(row=r, column=col).number_format = "yyyy-mm-dd"
    if content.rows:
        table = Table(displayName="台账表", ref=f"A2:{last}{data_end}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)
    else:
        ws.auto_filter.ref = f"A2:{last}2"
    ws.freeze_panes = "C3"
    # One page wide (landscape A3 for the forty columns: see sheet_print), the title and header
    # repeated on every page; long texts wrap in their usual width, other columns fit their content.
    # A blank ledger keeps every column's usual width: its content is still to come.
    widths = {i: spec.width for i, spec in enumerate(COLUMNS, start=1) if spec.name in WRAPPED or not content.rows}
    fit_worksheet(ws, widths=widths, header_rows=range(2, 3), title_rows="1:2")


def _dropdowns(ws: Worksheet, class_scheme: str, reach: int) -> None:
    letters: dict[str, str] = {c.name: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    for name in ENUM_COLUMNS:
        options = ",".join(allowed_values(name, class_scheme))
        dv = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True, showErrorMessage=False,
                            promptTitle=name, prompt=f"可选：{options}", showInputMessage=True)
        dv.add(f"{letters[name]}3:{letters[name]}{reach}")
        ws.add_data_validation(dv)
    flag = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    flag.add(f"{letters[Col.KEY_CASE]}3:{letters[Col.KEY_CASE]}{reach}")
    ws.add_data_validation(flag)
    units = DataValidation(type="list", formula1=f"='{UNITS_SHEET}'!$A$2:$A$200", allow_blank=True,
                           showErrorMessage=False)
    units.add(f"{letters[Col.HOST_UNIT]}3:{letters[Col.HOST_UNIT]}{reach}")
    ws.add_data_validation(units)


def _table_sheet(wb: Workbook, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                 widths: Sequence[float]) -> Worksheet:
    ws = wb.create_sheet(name)
    _header_row(ws, 1, headers, SETTINGS_FILL)
    for r, values in enumerate(rows, start=2):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            cell.border = BORDER
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    # The given widths; a text wider than its column wraps, its row as tall as it needs.
    fit_worksheet(ws, widths=dict(enumerate(widths, start=1)), header_rows=range(1, 2), title_rows="1:1")
    return ws


def _mark_to_fill(ws: Worksheet, rows: Iterable[int]) -> None:
    """A 参数 value the office must fill in itself (办理机关): tinted, never guessed."""
    for r in rows:
        ws.cell(row=r, column=2).fill = TO_FILL


def build_ledger_workbook(path: Path, content: LedgerContent) -> Path:
    """Write a new ledger workbook: the 台账 sheet and the settings sheets."""
    wb = Workbook()
    _ledger_sheet(wb.active, content)
    _table_sheet(wb, UNITS_SHEET, UNIT_HEADERS, ([u.get(h) for h in UNIT_HEADERS] for u in content.units),
                 (26, 14, 26, 10, 6, 28))
    units_ws = wb[UNITS_SHEET]
    kind = DataValidation(type="list", formula1='"承办单位,内设机构"', allow_blank=True)
    kind.add("D2:D500")
    units_ws.add_data_validation(kind)
    if content.deadline_headers:
        _table_sheet(wb, DEADLINES_SHEET, content.deadline_headers, content.deadline_rows,
                     [14] * len(content.deadline_headers))
    hol = _table_sheet(wb, HOLIDAYS_SHEET, HOLIDAY_HEADERS, content.holidays, (12, 8, 30))
    rest = DataValidation(type="list", formula1='"休,班"', allow_blank=False)
    rest.add("B2:B1000")
    hol.add_data_validation(rest)
    params = [[label, content.params.get(label), explain] for label, (_, explain) in PARAM_KEYS.items()]
    params_ws = _table_sheet(wb, PARAMS_SHEET, PARAM_HEADERS, params, (16, 24, 60))
    _mark_to_fill(params_ws, [r for r, (label, value, _) in enumerate(params, start=2)
                              if label in TO_FILL_LABELS and not value])
    if content.rule_rows:
        rules = _table_sheet(wb, RULES_SHEET, CHECK_RULE_HEADERS, content.rule_rows, (30, 50, 8, 8))
        on = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        on.add("C2:C200")
        level = DataValidation(type="list", formula1='"错误,警告,提示"', allow_blank=True)
        level.add("D2:D200")
        rules.add_data_validation(on)
        rules.add_data_validation(level)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.properties.creator = "台账助手"
    wb.properties.title = content.title
    wb.save(path)
    return path
