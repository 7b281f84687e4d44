"""`taizhang stats` and `taizhang summary`: the figures, and the sheets offices circulate —
汇总 (the official statistics table), 通报 (units with overdue or late cases) and 图表 (native charts)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.deadlines import StageState
from taizhang.core.deadlines.blame import Owed, by_unit, cases_of, situation
from taizhang.core.model import column_letter
from taizhang.core.names import BULLETIN_SHEET, CHART_SHEET, SUMMARY_SHEET
from taizhang.core.stats import Figures, UnitRow, chinese_date, paragraph
from taizhang.core.stats.breakdowns import TOTAL
from taizhang.core.stats.figures import (
    B_CONVERSION_RATE,
    MEETING_RATE,
    ON_TIME_RATE,
    REPLY_RATE,
    SATISFACTION_RATE,
    SATISFIED_SHARE,
)
from taizhang.macros.jobs import sheet_styles as st
from taizhang.workbook.writer import CellValue, Chart, Style

if TYPE_CHECKING:
    from taizhang.workbook.writer import LedgerWriter, ToolSheet

NUMBER = Style(font_name="仿宋_GB2312", font_size=10, border=True, h_align="center", v_align="center")
PERCENT = replace(NUMBER, number_format=st.PERCENT_FORMAT)
UNIT = Style(font_name="仿宋_GB2312", font_size=10, border=True, wrap=True, v_align="center")
TOTAL_ROW = Style(bold=True, font_name="黑体", font_size=10, border=True, h_align="center", v_align="center")
TOTAL_PERCENT = replace(TOTAL_ROW, number_format=st.PERCENT_FORMAT)
HEAD = Style(bold=True, font_name="黑体", font_size=10, fill="D9E1F2", border=True, h_align="center",
             v_align="center", wrap=True)
TABLE_NOTE_STYLE = Style(font_name="仿宋_GB2312", font_size=9, wrap=True, v_align="top")
PARAGRAPH = Style(font_name="仿宋_GB2312", font_size=12, wrap=True, v_align="top")
SECTION = Style(bold=True, font_name="黑体", font_size=12, fill="D9D9D9", border=True)
# 承办单位 owes the stage; 承办 says as what, 主办单位 whom a co-handler's opinion is for.
BULLETIN_HEADERS = (Col.SEQ, "承办单位", "承办", Col.HOST_UNIT, Col.NUMBER, Col.TITLE, "环节", "情况")
BULLETIN_LAST = "H"

# Printed under the table: what each count counts (taizhang.core.stats.figures defines them).
TABLE_NOTE = (
    "注：主办件次、协办件次为各单位在“主办单位”“协办单位”中被列出的件数（一件可有多个协办单位；参阅件不列入）；"
    "应办复为除参阅、退回以外的全部当年件，办复率＝已办复÷应办复；到期应办复为答复期限已到或已答复的件，"
    "按期办复率＝按期办复÷到期应办复；单位的办复、见面、办理结果和意见按其主办件统计；"
    "单位的逾期件数为该单位负有逾期环节的件（协办意见逾期计入协办单位），一件可同时计入多个单位，"
    "合计行为有环节逾期的件数。"
)


def summary_title(analysis: Analysis) -> str:
    year = analysis.ledger.year or analysis.today.year
    return f"{year}年人大代表建议和政协委员提案办理情况统计表"


def summary_subtitle(analysis: Analysis) -> str:
    """编制机关 and the day: the office only when the 参数 sheet names it (never a guess)."""
    office = analysis.settings.params.office
    day = f"统计截至：{chinese_date(analysis.today)}"
    return f"编制：{office}    {day}" if office else day


def _groups(classes: list[str]) -> list[tuple[str, list[str]]]:
    """The two-level header: group title over its sub-columns. The names are the paragraph's."""
    return [
        ("承办件次", ["主办件次", "协办件次"]),
        ("办复情况", ["应办复", "已办复", REPLY_RATE, "到期应办复", "按期办复", ON_TIME_RATE, "逾期件数"]),
        ("面商", [MEETING_RATE]),
        (Col.RESULT, [f"{c}类{part}" for c in classes for part in ("件数", "占比")]),
        ("代表委员意见", ["满意", "基本满意", "不满意", SATISFACTION_RATE, SATISFIED_SHARE]),
        ("往年B类", ["件数", "已解决", B_CONVERSION_RATE]),
    ]


def _known(count: int | None) -> CellValue:
    return "未知" if count is None else count


def _values(hosted: int, co: int, f: Figures, classes: list[str]) -> list[CellValue]:
    """One row of the table; a rate is a number (st.rate_cell), shown with the 0.00% format."""
    rate = st.rate_cell
    row: list[CellValue] = [hosted, co, f.due, f.replied, rate(f.rates[REPLY_RATE]), _known(f.reply_due),
                            _known(f.on_time), rate(f.rates[ON_TIME_RATE]), _known(f.overdue),
                            rate(f.rates[MEETING_RATE])]
    for c in classes:
        row += [f.classes.get(c, 0), rate(f.class_shares[c])]
    row += [f.opinions.get(o, 0) for o in ("满意", "基本满意", "不满意")]
    row += [rate(f.rates[SATISFACTION_RATE]), rate(f.rates[SATISFIED_SHARE]),
            f.earlier_b, f.earlier_b_resolved, rate(f.rates[B_CONVERSION_RATE])]
    return row


def _write_values(sheet: ToolSheet, row: int, values: list[CellValue], count: Style, percent: Style) -> None:
    """From column C on: floats are rates (percent format); counts and "—"/"未知" plain."""
    for i, value in enumerate(values):
        sheet.write(row, 3 + i, value, percent if isinstance(value, float) else count)


def _header(sheet: ToolSheet, groups: list[tuple[str, list[str]]]) -> None:
    for col, text in ((1, Col.SEQ), (2, "承办单位")):
        sheet.write(3, col, text, HEAD)
        sheet.write(4, col, None, HEAD)
        sheet.merge(f"{column_letter(col - 1)}3:{column_letter(col - 1)}4")
    col = 3
    for title, subs in groups:
        for i, sub in enumerate(subs):
            sheet.write(3, col + i, title if i == 0 else None, HEAD)
            sheet.write(4, col + i, sub, HEAD)
        if len(subs) > 1:
            sheet.merge(f"{column_letter(col - 1)}3:{column_letter(col + len(subs) - 2)}3")
        col += len(subs)
    sheet.row_height(4, 30)


def summary_sheet(analysis: Analysis) -> ToolSheet:
    stats = analysis.stats
    classes = list(stats.totals.classes)
    groups = _groups(classes)
    width = 2 + sum(len(subs) for _, subs in groups)
    last = column_letter(width - 1)
    sheet = st.new_sheet(SUMMARY_SHEET)
    sheet.write(1, 1, summary_title(analysis), st.TITLE)
    sheet.merge(f"A1:{last}1")
    sheet.row_height(1, 32)
    sheet.write(2, 1, summary_subtitle(analysis), st.SUBTITLE)
    sheet.merge(f"A2:{last}2")
    _header(sheet, groups)
    row = 4
    rows: list[UnitRow] = stats.by_unit
    for n, unit_row in enumerate(rows, start=1):
        row += 1
        sheet.write(row, 1, n, NUMBER)
        sheet.write(row, 2, unit_row.unit, UNIT)
        _write_values(sheet, row, _values(unit_row.hosted, unit_row.co, unit_row.figures, classes), NUMBER, PERCENT)
    row += 1
    total = stats.unit_total
    sheet.write(row, 1, TOTAL, TOTAL_ROW)
    sheet.write(row, 2, None, TOTAL_ROW)
    sheet.merge(f"A{row}:B{row}")
    _write_values(sheet, row, _values(total.hosted, total.co, total.figures, classes), TOTAL_ROW, TOTAL_PERCENT)
    row += 1
    sheet.write(row, 1, TABLE_NOTE, TABLE_NOTE_STYLE)
    sheet.merge(f"A{row}:{last}{row}")
    sheet.row_height(row, 40)
    row += 2
    sheet.write(row, 1, paragraph(stats), PARAGRAPH)
    sheet.merge(f"A{row}:{last}{row + 3}")
    sheet.column_width("A", 5)
    sheet.column_width("B", 24)
    for c in range(3, width + 1):
        sheet.column_width(column_letter(c - 1), 8)
    sheet.freeze("C5")
    sheet.print_setup(landscape=True, paper="A4", fit_width=1, fit_height=0, repeat_rows=(3, 4))
    return sheet


def _late_cases(analysis: Analysis) -> tuple[Groups, Groups]:
    """Per unit that owes them: this year's and earlier years' stages overdue now or done late, in
    the case's order. A co-handler's opinion is under the co-handler, never under the lead."""
    this_year: list[Owed] = []
    earlier_years: list[Owed] = []
    for item in analysis.owed:
        if item.state in LATE:
            (earlier_years if item.earlier_year else this_year).append(item)
    return by_unit(this_year, analysis.unit_names), by_unit(earlier_years, analysis.unit_names)


LATE = frozenset({StageState.OVERDUE, StageState.DONE_LATE})
Groups = list[tuple[str, list[Owed]]]


def _bulletin_intro(analysis: Analysis, sections: list[tuple[str, list[tuple[str, list[Owed]]]]]) -> str:
    this_year = sections[0][1]
    units = len(this_year)
    overdue_units = sum(1 for _, items in this_year if any(i.overdue for i in items))
    text = (f"截至{chinese_date(analysis.today)}，本年度有 {units} 个单位存在逾期未完成或超期完成的办理环节，"
            f"其中 {overdue_units} 个单位目前仍有逾期未完成的环节。")
    earlier = sections[1][1]
    if earlier:
        text += f"往年件另列（{len(earlier)} 个单位，{cases_of(i for _, items in earlier for i in items)} 件）。"
    return text + "各环节按负责的单位列出：协办意见列在负责报送的协办单位下。"


def bulletin_sheet(analysis: Analysis) -> ToolSheet:
    """The 通报: units with stages overdue or done late, this year's cases first, earlier years'
    (往年件) in their own section; each stage under the unit that owes it (`core.deadlines.blame`)."""
    sheet = st.new_sheet(BULLETIN_SHEET)
    this_year, earlier_years = _late_cases(analysis)
    sections = [("一、本年度件", this_year), ("二、往年件", earlier_years)]
    sheet.write(1, 1, "建议提案办理逾期情况通报", st.TITLE)
    sheet.merge(f"A1:{BULLETIN_LAST}1")
    sheet.row_height(1, 30)
    sheet.write(2, 1, _bulletin_intro(analysis, sections), st.NOTE)
    sheet.merge(f"A2:{BULLETIN_LAST}2")
    sheet.row_height(2, 32)
    sheet.write_row(3, list(BULLETIN_HEADERS), st.HEADER)
    row, n = 3, 0
    said: dict[tuple[StageState, date | None, date | None, int | None, int | None], str] = {}
    today = analysis.today
    styles: list[Style | None] = [st.BODY_CENTER, st.BODY_WRAP, st.BODY_CENTER, st.BODY_WRAP, st.BODY, st.BODY_WRAP,
                                  st.BODY, st.BODY_WRAP]
    for label, groups in sections:
        if not groups:
            continue
        if sections[1][1]:  # the section bands only when there are earlier years' cases to set apart
            row += 1
            _band(sheet, row, f"{label}（{len(groups)}个单位）", SECTION)
        for unit, items in groups:
            row += 1
            _band(sheet, row, f"{unit}（{cases_of(items)}件）", st.GROUP)
            for item in items:
                row += 1
                n += 1
                # `situation` reads only these: items alike (a batch's cases) share its text
                key = (item.state, item.due, item.done_date, item.days_late, item.days_left)
                text = said.get(key)
                if text is None:
                    text = said[key] = situation(item, today)
                sheet.write_row(row, [n, unit, item.part, item.lead, item.number, item.title, item.stage, text],
                                styles)
    if not n:
        row += 1
        sheet.write(row, 1, "所有办理环节均按期完成", st.BODY)
    row = st.untracked_note_row(sheet, row, analysis.untracked_note, "本通报", BULLETIN_LAST)
    for col, w in zip("ABCDEFGH", (6, 22, 6, 22, 18, 32, 10, 52), strict=True):
        sheet.column_width(col, w)
    sheet.freeze("A4")
    sheet.print_setup(landscape=True, paper="A4", fit_width=1, fit_height=0, repeat_rows=(3, 3))
    return sheet


def _band(sheet: ToolSheet, row: int, text: str, style: Style) -> None:
    sheet.write(row, 1, text, style)
    for c in range(2, len(BULLETIN_HEADERS) + 1):
        sheet.write(row, c, None, style)
    sheet.merge(f"A{row}:{BULLETIN_LAST}{row}")


CHART_ROW = 21.0  # points: the rows beside the charts, so a chart's height in rows is its height
CHART_COLS = 8  # columns of width CHART_COL a chart spans
CHART_COL = 10.0
PIE_ROWS = 13
# Rows of CHART_ROW a page holds below the title: landscape A4 (501 pt of 595 inside the margins)
# at full size; portrait A4 (748 pt of 842) shrunk to fit the sheet's 125 units in its 97.
LANDSCAPE_ROWS, PORTRAIT_ROWS = 21, 40


def bar_layout(count: int) -> tuple[float, int]:
    """The label font (points) and the height (rows) of a bar chart of `count` units: every
    unit gets a band about twice its label's height, the font shrinking as units grow."""
    label = 10.0 if count <= 12 else 9.0 if count <= 25 else 8.0 if count <= 45 else 7.0
    return label, math.ceil((80 + count * label * 2.0) / CHART_ROW)


def chart_sheet(analysis: Analysis) -> ToolSheet:
    """图表: the tables the charts plot, and a chart only where there is something to plot; where
    there is not, the sheet says so instead of drawing an empty frame."""
    stats = analysis.stats
    sheet = st.new_sheet(CHART_SHEET)
    sheet.write(1, 1, "图表", st.TITLE)
    overdue = sorted(((u.unit, u.figures.overdue or 0) for u in stats.by_unit if (u.figures.overdue or 0) > 0),
                     key=lambda kv: -kv[1])
    classes = [(f"{name}类", count) for name, count in stats.totals.classes.items()]
    sheet.write_row(3, ["承办单位", "逾期件数"], st.HEADER)
    for i, (unit, count) in enumerate(overdue, start=4):
        sheet.write_row(i, [unit, count], [st.BODY, st.BODY_CENTER])
    end = 3 + len(overdue)
    if not overdue:
        end += 1
        sheet.write(end, 1, "没有逾期件，不绘制“各单位逾期件数”图", st.NOTE)
    start_classes = end + 2
    sheet.write_row(start_classes, [Col.RESULT, "件数"], st.HEADER)
    for i, (name, count) in enumerate(classes, start=start_classes + 1):
        sheet.write_row(i, [name, count], [st.BODY, st.BODY_CENTER])
    class_end = start_classes + len(classes)
    if not any(count for _, count in classes):
        sheet.write(class_end + 1, 1, "尚无已填写办理结果的件，不绘制“办理结果分类占比”图", st.NOTE)
    label, bar_rows = bar_layout(len(overdue))
    if overdue:  # beside the tables
        sheet.add_chart(Chart(kind="bar", title="各单位逾期件数", categories=f"A4:A{end}", values=f"B4:B{end}",
                              anchor="D3", series_name="逾期件数", width_cols=CHART_COLS, height_rows=bar_rows,
                              label_size=label))
    pie_row = class_end + 3
    if any(count for _, count in classes):  # under the tables
        sheet.add_chart(Chart(kind="pie", title="办理结果分类占比", categories=f"A{start_classes + 1}:A{class_end}",
                              values=f"B{start_classes + 1}:B{class_end}", anchor=f"A{pie_row}", series_name="件数",
                              width_cols=3, height_rows=PIE_ROWS, label_size=10))
    for col in range(4, 4 + CHART_COLS):
        sheet.column_width(col, CHART_COL)
    last_row = max(3 + bar_rows, pie_row + PIE_ROWS)
    for row in range(3, last_row + 1):
        sheet.row_height(row, CHART_ROW)
    # A bar chart taller than a landscape page prints on portrait A4; a pie that would run over
    # the first page's end starts the next page: a page break never cuts a chart.
    landscape = bar_rows <= LANDSCAPE_ROWS
    if pie_row + PIE_ROWS > 3 + (LANDSCAPE_ROWS if landscape else PORTRAIT_ROWS):
        sheet.page_break_after(pie_row - 1)
    sheet.print_setup(landscape=landscape, paper="A4", fit_width=1, fit_height=0)
    return sheet


def summary_sheets(analysis: Analysis) -> list[ToolSheet]:
    """The 汇总, 通报 and 图表 sheets of `analysis`, in that order."""
    return [summary_sheet(analysis), bulletin_sheet(analysis), chart_sheet(analysis)]


def apply_summary(writer: LedgerWriter, analysis: Analysis) -> None:
    """Write the 汇总, 通报 and 图表 sheets into the ledger (replacing the tool's earlier ones),
    each built when it is written, so only one is held at a time."""
    for build in (summary_sheet, bulletin_sheet, chart_sheet):
        writer.replace_sheet(build(analysis))


def stats_text(analysis: Analysis) -> str:
    """What `stats` prints: the report paragraph, then one line per unit."""
    stats = analysis.stats
    lines = [paragraph(stats), "", "各单位（主办件次、协办件次；办复按主办件统计；逾期件数为该单位负有逾期环节的件）："]
    for u in [*stats.by_unit, stats.unit_total]:
        f = u.figures
        lines.append(f"  {u.unit}：主办 {u.hosted} 件次、协办 {u.co} 件次，应办复 {f.due}、已办复 {f.replied}，"
                     f"办复率 {f.rates[REPLY_RATE].value}，逾期件数 {_known(f.overdue)}")
    return "\n".join(lines)
