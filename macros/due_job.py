"""`taizhang due`: each case's current stage, due date, working days left and status; with
--write the four tool columns, their colours and the 逾期清单 sheet grouped by unit.

Colours (document for staff): only the tool's own 【系统】截止日期 and 【系统】状态 cells are filled —
red for 逾期, amber for 临期, green for 已办结 — and refilled or cleared on every run. The user's
own cells and colours are never touched by this job."""

from __future__ import annotations

from collections import defaultdict

from taizhang.core.deadlines import CaseDeadlines, CaseStatus
from taizhang.core.model import Ledger
from taizhang.core.names import OVERDUE_SHEET
from taizhang.macros import sheet_styles as st
from taizhang.macros.analysis import Analysis
from taizhang.workbook.writer import CellValue, LedgerWriter, ToolSheet

STAGE_COLUMN = "【系统】当前环节"
DUE_COLUMN = "【系统】截止日期"
LEFT_COLUMN = "【系统】剩余工作日"
STATUS_COLUMN = "【系统】状态"
FILL_OF = {CaseStatus.OVERDUE: "overdue", CaseStatus.DUE_SOON: "soon", CaseStatus.DONE: "done"}


def tool_columns(deadlines: list[CaseDeadlines]) -> dict[str, dict[int, CellValue]]:
    """The four tool columns, by header, as {Excel row: value}."""
    columns: dict[str, dict[int, CellValue]] = {STAGE_COLUMN: {}, DUE_COLUMN: {}, LEFT_COLUMN: {}, STATUS_COLUMN: {}}
    for d in deadlines:
        columns[STAGE_COLUMN][d.row] = d.stage or ("—" if d.status is CaseStatus.DONE else None)
        columns[DUE_COLUMN][d.row] = d.due
        columns[LEFT_COLUMN][d.row] = d.working_days_left
        columns[STATUS_COLUMN][d.row] = d.status.value
    return columns


def overdue_by_unit(analysis: Analysis) -> list[tuple[str, list[CaseDeadlines]]]:
    """Overdue cases grouped by 主办单位 (canonical name), units in 单位名录 order (`UnitNames`)."""
    overdue = [d for d in analysis.deadlines if d.status is CaseStatus.OVERDUE]
    return analysis.unit_names.grouped(overdue, lambda d: d.unit)


def overdue_sheet(analysis: Analysis) -> ToolSheet:
    ledger: Ledger = analysis.ledger
    titles = {c.row: c.title for c in ledger.cases}
    number_col = ledger.columns.get("编号", "A")
    sheet = ToolSheet(OVERDUE_SHEET)
    headers: list[CellValue] = ["序号", "主办单位", "编号", "标题", "当前环节", "截止日期", "逾期工作日", "位置"]
    sheet.write(1, 1, "逾期件清单", st.TITLE)
    sheet.merge("A1:H1")
    sheet.row_height(1, 30)
    groups = overdue_by_unit(analysis)
    total = sum(len(cases) for _, cases in groups)
    sheet.write(2, 1, f"统计截至 {analysis.today.isoformat()}：{len(groups)} 个单位共 {total} 件逾期，按单位排列。",
                st.SUBTITLE)
    sheet.merge("A2:H2")
    sheet.write_row(3, headers, st.HEADER)
    row, n = 3, 0
    for unit, cases in groups:
        row += 1
        sheet.write(row, 1, f"{unit}（{len(cases)}件）", st.GROUP)
        for col in range(2, 9):
            sheet.write(row, col, None, st.GROUP)
        sheet.merge(f"A{row}:H{row}")
        for d in sorted(cases, key=lambda c: (c.working_days_left or 0, c.row)):
            row += 1
            n += 1
            late = -d.working_days_left if d.working_days_left is not None else None
            sheet.write_row(row, [n, unit, d.number, titles.get(d.row), d.stage, d.due, late,
                                  st.cell_link(ledger.sheet, f"{number_col}{d.row}", f"第{d.row}行")],
                            [st.BODY_CENTER, st.BODY, st.BODY, st.BODY_WRAP, st.BODY, st.DATE, st.BODY_CENTER, st.LINK])
    if not groups:
        sheet.write(4, 1, "没有逾期件", st.BODY)
    for letter, width in zip("ABCDEFGH", (6, 22, 20, 44, 14, 12, 10, 10), strict=True):
        sheet.column_width(letter, width)
    sheet.freeze("A4")
    sheet.print_setup(landscape=True, paper="A4", fit_width=1, fit_height=0, repeat_rows=(3, 3))
    return sheet


def apply_due(writer: LedgerWriter, analysis: Analysis) -> list[str]:
    ledger = analysis.ledger
    letters: dict[str, str] = {}
    widths = {STAGE_COLUMN: 14, DUE_COLUMN: 12, LEFT_COLUMN: 10, STATUS_COLUMN: 9}
    for header, values in tool_columns(analysis.deadlines).items():
        style = st.TOOL_DATE if header == DUE_COLUMN else st.TOOL_BODY
        letters[header] = writer.set_tool_column(ledger.sheet, ledger.header_row, header, values, style=style,
                                                 header_style=st.TOOL_HEADER, width=widths[header])
    fills: dict[str, str | None] = {}
    for d in analysis.deadlines:
        colour = FILL_OF.get(d.status)
        if colour:
            for header in (DUE_COLUMN, STATUS_COLUMN):
                fills[f"{letters[header]}{d.row}"] = colour
    writer.clear_tool_fills(ledger.sheet, "due", keep=set(fills))
    skipped = writer.set_cell_fills(ledger.sheet, fills, "due")
    writer.replace_sheet(overdue_sheet(analysis))
    return skipped


def due_text(analysis: Analysis, limit: int = 20) -> str:
    counts: dict[str, int] = defaultdict(int)
    for d in analysis.deadlines:
        counts[d.status.value] += 1
    parts = "、".join(f"{status} {counts[status.value]} 件" for status in CaseStatus if counts[status.value])
    lines = [f"按 {analysis.today.isoformat()} 计算，共 {len(analysis.deadlines)} 件：{parts}"]
    for unit, cases in overdue_by_unit(analysis)[:limit]:
        worst = min(cases, key=lambda c: c.working_days_left or 0)
        lines.append(f"  {unit}：逾期 {len(cases)} 件（最久 {-(worst.working_days_left or 0)} 个工作日，"
                     f"{worst.number} {worst.stage}）")
    unknown = [d for d in analysis.deadlines if d.status is CaseStatus.UNKNOWN]
    if unknown:
        lines.append(f"  有 {len(unknown)} 件无法计算截止日期，例如第 {unknown[0].row} 行：{unknown[0].reason or ''}")
    return "\n".join(lines)
