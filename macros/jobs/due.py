"""`taizhang due`: each case's current stage, due date, working days left and status; with
--write the four tool columns, their colours and the 逾期清单 sheet grouped by the unit that owes
each overdue stage (`core.deadlines.blame`), earlier years' cases in their own section.

Colours (document for staff): only the tool's own 【系统】截止日期 and 【系统】状态 cells are filled —
red for 逾期, amber for 临期, green for 已办结 — and refilled or cleared on every run. The user's
own cells and colours are never touched by this job."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.deadlines import CaseDeadlines, CaseStatus, StageState
from taizhang.core.deadlines.blame import Owed, by_unit, cases_of, most_late_first
from taizhang.core.model import Ledger
from taizhang.core.names import OVERDUE_SHEET
from taizhang.core.stats import chinese_date
from taizhang.macros.jobs import sheet_styles as st
from taizhang.workbook.writer import CellValue, Hyperlink, Style

if TYPE_CHECKING:
    from taizhang.workbook.writer import LedgerWriter, ToolSheet

STAGE_COLUMN = "【系统】当前环节"
DUE_COLUMN = "【系统】截止日期"
LEFT_COLUMN = "【系统】剩余工作日"
STATUS_COLUMN = "【系统】状态"
# 日期有误 gets no colour here: `check` colours the wrong date's own cell.
FILL_OF = {CaseStatus.OVERDUE: "overdue", CaseStatus.DUE_SOON: "soon", CaseStatus.DONE: "done"}
# 责任单位 owes the stage; 承办 says as what, and 主办单位 whom a co-handler's opinion is for.
OVERDUE_HEADERS = (Col.SEQ, "责任单位", "承办", Col.HOST_UNIT, Col.NUMBER, Col.TITLE, "逾期环节", "截止日期", "逾期工作日", "位置")
LAST = "J"
SECTION = Style(bold=True, font_name="黑体", font_size=12, fill="D9D9D9", border=True)


def tool_columns(deadlines: list[CaseDeadlines]) -> dict[str, dict[int, CellValue]]:
    """The four tool columns, by header, as {Excel row: value}."""
    columns: dict[str, dict[int, CellValue]] = {STAGE_COLUMN: {}, DUE_COLUMN: {}, LEFT_COLUMN: {}, STATUS_COLUMN: {}}
    for d in deadlines:
        columns[STAGE_COLUMN][d.row] = d.stage or ("—" if d.status is CaseStatus.DONE else None)
        columns[DUE_COLUMN][d.row] = d.due
        columns[LEFT_COLUMN][d.row] = d.working_days_left
        columns[STATUS_COLUMN][d.row] = d.status.value
    return columns


def overdue_cases(items: list[Owed]) -> list[list[Owed]]:
    """One unit's overdue items as cases: the items of each case together, the longest overdue first."""
    by_case: dict[int, list[Owed]] = {}
    for item in most_late_first(items):
        by_case.setdefault(item.row, []).append(item)
    return list(by_case.values())


Groups = list[tuple[str, list[list[Owed]]]]
# Each analysis's overdue groups, made once: the 逾期清单, its subtitle and what `due` prints all ask
_SECTIONS: WeakKeyDictionary[Analysis, tuple[Groups, Groups]] = WeakKeyDictionary()


def overdue_groups(analysis: Analysis, *, earlier: bool) -> Groups:
    """This year's (or the earlier years') overdue stages, by the unit that owes them (units in
    单位名录 order), each unit's as cases. A co-handler's overdue opinion is under the co-handler.
    Built once per analysis, both sections in one pass over its owed stages; do not change them."""
    got = _SECTIONS.get(analysis)
    if got is None:
        this_year: list[Owed] = []
        earlier_years: list[Owed] = []
        overdue = StageState.OVERDUE  # `Owed.overdue`, without a property call per item
        for item in analysis.owed:
            if item.state is overdue:
                (earlier_years if item.earlier_year else this_year).append(item)
        got = _SECTIONS[analysis] = (_grouped(this_year, analysis), _grouped(earlier_years, analysis))
    return got[1] if earlier else got[0]


def _grouped(items: list[Owed], analysis: Analysis) -> Groups:
    return [(unit, overdue_cases(owed)) for unit, owed in by_unit(items, analysis.unit_names)]


def late_cell(days: int | None) -> CellValue:
    """The 逾期工作日 cell: the count when at least one, never 0 (a Friday deadline seen on Sunday)."""
    if days is None:
        return "未知"
    return days if days >= 1 else "不足1个"


ROW_STYLES = [st.BODY_CENTER, st.BODY_WRAP, st.BODY_CENTER, st.BODY_WRAP, st.BODY, st.BODY_WRAP,
              st.BODY_WRAP, st.DATE, st.BODY_CENTER]


def _case_row(case: list[Owed], n: int, link: Hyperlink | None) -> list[CellValue]:
    """A case's row; `link` goes to its ledger row (its 编号 cell), else the row number is shown."""
    first = case[0]  # the longest overdue of the case's stages owed by this unit
    if len(case) == 1:  # the usual case: one stage
        days, stages = first.days_late, first.stage
    else:
        days = max((i.days_late for i in case if i.days_late is not None), default=None)
        stages = "、".join(i.stage for i in case)
    return [n, first.unit, first.part, first.lead, first.number, first.title, stages, first.due, late_cell(days),
            first.row if link is None else link]


def _row_link(ledger: Ledger) -> Callable[[int], Hyperlink]:
    """The link to a ledger row's 编号 cell."""
    return st.row_links(ledger.sheet, ledger.columns.get(Col.NUMBER, "A"))


def _band(sheet: ToolSheet, row: int, text: str, style: Style) -> None:
    sheet.write(row, 1, text, style)
    for col in range(2, len(OVERDUE_HEADERS) + 1):
        sheet.write(row, col, None, style)
    sheet.merge(f"A{row}:{LAST}{row}")


def overdue_subtitle(analysis: Analysis) -> str:
    parts = []
    for earlier, label in ((False, "本年度"), (True, "往年件")):
        groups = overdue_groups(analysis, earlier=earlier)
        cases = cases_of(i for _, unit_cases in groups for case in unit_cases for i in case)
        if cases or not earlier:
            parts.append(f"{label}{len(groups)}个单位{cases}件逾期")
    return (f"统计截至{chinese_date(analysis.today)}：" + "；".join(parts) + "。按负责逾期环节的单位排列："
            "主办单位的环节列在主办单位下，协办意见列在负责报送的协办单位下。")


def overdue_sheet(analysis: Analysis, *, links: bool = True) -> ToolSheet:
    """The 逾期清单: one row per (unit, case) of the stages the unit owes and has not done in time,
    this year's cases first, then earlier years' (往年件) in their own section. `links`: the 位置
    column links to the ledger row (in the ledger itself); else it holds the row number."""
    ledger: Ledger = analysis.ledger
    sheet = st.new_sheet(OVERDUE_SHEET)
    sheet.write(1, 1, "逾期件清单", st.TITLE)
    sheet.merge(f"A1:{LAST}1")
    sheet.row_height(1, 30)
    sheet.write(2, 1, overdue_subtitle(analysis), st.NOTE)
    sheet.merge(f"A2:{LAST}2")
    sheet.row_height(2, 32)
    headers: list[CellValue] = [*OVERDUE_HEADERS[:-1], "位置" if links else "台账行号"]
    sheet.write_row(3, headers, st.HEADER)
    sections = [(label, overdue_groups(analysis, earlier=earlier))
                for earlier, label in ((False, "一、本年度件"), (True, "二、往年件"))]
    with_earlier = bool(sections[1][1])
    link = _row_link(ledger) if links else None
    styles: list[Style | None] = [*ROW_STYLES, st.LINK if links else st.BODY_CENTER]
    row, n = 3, 0
    for label, groups in sections:
        if with_earlier and groups:
            row += 1
            count = cases_of(i for _, cases in groups for case in cases for i in case)
            _band(sheet, row, f"{label}（{len(groups)}个单位，{count}件）", SECTION)
        for unit, cases in groups:
            row += 1
            _band(sheet, row, f"{unit}（{len(cases)}件）", st.GROUP)
            for case in cases:
                row += 1
                n += 1
                sheet.write_row(row, _case_row(case, n, link(case[0].row) if link else None), styles)
    if not n:
        row += 1
        sheet.write(row, 1, "没有逾期件", st.BODY)
    row = st.untracked_note_row(sheet, row, analysis.untracked_note, "本表", LAST)
    for letter, width in zip("ABCDEFGHIJ", (6, 24, 6, 24, 20, 40, 12, 12, 10, 9), strict=True):
        sheet.column_width(letter, width)
    sheet.freeze("A4")
    sheet.print_setup(landscape=True, paper="A4", fit_width=1, fit_height=0, repeat_rows=(3, 3))
    return sheet


def apply_due(writer: LedgerWriter, analysis: Analysis) -> list[str]:
    """Write the deadlines into the ledger: the four 【系统】 columns, their colours by status and the
    逾期清单 sheet. Returns the cells left uncoloured because the user had coloured them."""
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


def _unit_line(unit: str, cases: list[list[Owed]]) -> str:
    worst = cases[0][0]
    days = worst.days_late
    longest = f"最久{days}个工作日" if days else f"最早截止{worst.due.isoformat() if worst.due else '未知'}"
    return f"  {unit}：逾期 {len(cases)} 件（{longest}，{worst.number or ''} {worst.stage}）"


def due_text(analysis: Analysis, limit: int = 20) -> str:
    """What `due` prints (the untracked stages are said by the caller, once per run)."""
    counts: dict[str, int] = defaultdict(int)
    for d in analysis.deadlines:
        counts[d.status.value] += 1
    parts = "、".join(f"{status} {counts[status.value]} 件" for status in CaseStatus if counts[status.value])
    lines = [f"按 {analysis.today.isoformat()} 计算，共 {len(analysis.deadlines)} 件：{parts}"]
    for earlier in (False, True):
        groups = overdue_groups(analysis, earlier=earlier)
        if earlier and groups:
            lines.append("往年件：")
        lines += [_unit_line(unit, cases) for unit, cases in groups[:limit]]
        if len(groups) > limit:
            lines.append(f"  …… 另有 {len(groups) - limit} 个单位，见“{OVERDUE_SHEET}”工作表")
    unknown = [d for d in analysis.deadlines if d.status is CaseStatus.UNKNOWN]
    if unknown:
        lines.append(f"  有 {len(unknown)} 件无法计算截止日期，例如第 {unknown[0].row} 行：{unknown[0].reason or ''}")
    wrong = [d for d in analysis.deadlines if d.status is CaseStatus.DATE_WRONG]
    if wrong:
        lines.append(f"  有 {len(wrong)} 件的完成日期不可能成立（晚于今天或早于交办日期），未算作完成，"
                     f"例如第 {wrong[0].row} 行：{wrong[0].reason or ''}")
    return "\n".join(lines)
