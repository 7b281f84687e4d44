"""`taizhang check`: the validation report, and with --write the 校验结果 sheet, a tool column of
each row's problems and the tool's fill on each offending cell (cleared once fixed)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.names import CHECK_SHEET
from taizhang.core.settings import SEVERITY_HEADER, Severity
from taizhang.macros.excel.marks import MARKS_COLUMN, row_marks
from taizhang.macros.jobs import sheet_styles as st
from taizhang.validators import RULES, Finding, Report
from taizhang.workbook.writer import CellValue, Style

if TYPE_CHECKING:
    from taizhang.workbook.writer import LedgerWriter, ToolSheet

PROBLEMS_COLUMN = "【系统】校验问题"
FILL_OF = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}
FINDING_HEADERS = (Col.SEQ, "单元格", Col.NUMBER, "列", SEVERITY_HEADER, "规则", "当前值", "问题说明", "规则代码")
CODE = Style(font_name="Arial", font_size=8, border=True, v_align="center", wrap=True, font_color="595959")


def rule_title(code: str) -> str:
    """The rule's Chinese title (what a clerk reads); the code itself when no rule has it."""
    rule = RULES.get(code)
    return rule.title if rule else code


def where(f: Finding, report: Report) -> str:
    """F12 on the ledger's sheet; “时限规则”!B3 on a settings sheet."""
    place = f.cell or f"第{f.row}行"
    return place if f.sheet == report.sheet else f"“{f.sheet}”!{place}"


def row_problems(report: Report, header_row: int = 0) -> dict[int, str]:
    """Each ledger row's problems in short, for the tool column: “领衔人：必填项为空；……”.
    Findings about the sheet as a whole (at the header, such as a missing column) have no row
    of their own: they are listed in the 校验结果 sheet only."""
    by_row: dict[int, list[str]] = defaultdict(list)
    for f in report.ledger_findings():
        if f.row <= header_row:
            continue
        where = f.field or f.column
        by_row[f.row].append(f"【{f.severity.value}】{f.message}" if where else f"【{f.severity.value}】{rule_title(f.code)}")
    return {row: "；".join(items) for row, items in by_row.items()}


def cell_fills(report: Report) -> dict[str, str]:
    """The offending cells and the tool colour of their worst finding."""
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    worst: dict[str, Finding] = {}
    for f in report.ledger_findings():
        if f.cell and f.row > 0 and (f.cell not in worst or order[f.severity] < order[worst[f.cell].severity]):
            worst[f.cell] = f
    return {cell: FILL_OF[f.severity] for cell, f in worst.items()}


def check_sheet(analysis: Analysis) -> ToolSheet:
    """校验结果: the counts per rule, then every finding. A clerk reads the rule's Chinese title;
    its stable code (for the 校验规则 sheet) comes last, in a narrow column."""
    report = analysis.report
    ledger = analysis.ledger
    numbers = ledger.by_row(Col.NUMBER)
    sheet = st.new_sheet(CHECK_SHEET)
    sheet.write(1, 1, f"台账校验结果（{ledger.sheet}）", st.TITLE)
    sheet.merge("A1:I1")
    sheet.write(2, 1, f"校验日期：{analysis.today.isoformat()}    共检查 {report.rows} 件；错误 {report.errors} 条，"
                      f"警告 {report.warnings} 条。点击“单元格”列可跳到台账中的位置。", st.SUBTITLE)
    sheet.merge("A2:I2")
    row = 4
    _rule_row(sheet, row, ["规则", SEVERITY_HEADER, "条数", "规则代码"], st.HEADER)
    severities = {f.code: f.severity.value for f in report.findings}
    for code, count in report.counts.items():
        row += 1
        _rule_row(sheet, row, [rule_title(code), severities[code], count, code], st.BODY_WRAP)
    if not report.counts:
        row += 1
        _rule_row(sheet, row, ["未发现问题", None, None, None], st.BODY)
    row += 2
    header_row = row
    sheet.write_row(header_row, list(FINDING_HEADERS), st.HEADER)
    for i, f in enumerate(report.findings, start=1):
        row += 1
        link = st.cell_link(f.sheet, f.cell or f"A{f.row}", where(f, report))
        number = numbers.get(f.row) if f.sheet == report.sheet else None
        sheet.write_row(row, [i, link, number, f.field or f.column, f.severity.value, rule_title(f.code),
                              f.value, f.message, f.code],
                        [st.BODY_CENTER, st.LINK, st.BODY_WRAP, st.BODY_WRAP, st.BODY_CENTER, st.BODY_WRAP,
                         st.BODY_WRAP, st.BODY_WRAP, CODE])
    sheet.autofilter(f"A{header_row}:I{max(row, header_row + 1)}")
    for col, width in zip("ABCDEFGHI", (6, 10, 18, 12, 7, 24, 18, 48, 14), strict=True):
        sheet.column_width(col, width)
    sheet.print_setup(landscape=True, paper="A4", fit_width=1, fit_height=0, repeat_rows=(header_row, header_row))
    return sheet


def _rule_row(sheet: ToolSheet, row: int, values: list[CellValue], style: Style) -> None:
    """One row of the counts table: the rule's title over A:D, 级别, 条数, then the code."""
    sheet.write(row, 1, values[0], style)
    for col in (2, 3, 4):
        sheet.write(row, col, None, style)
    sheet.merge(f"A{row}:D{row}")
    sheet.write(row, 5, values[1], style if style is st.HEADER else st.BODY_CENTER)
    sheet.write(row, 6, values[2], style if style is st.HEADER else st.BODY_CENTER)
    sheet.write(row, 7, values[3], style if style is st.HEADER else CODE)


def apply_check(writer: LedgerWriter, analysis: Analysis) -> list[str]:
    """Write the check's results into the ledger; return the cells left uncoloured because the
    user had coloured them."""
    ledger = analysis.ledger
    report = analysis.report
    problems = row_problems(report, ledger.header_row)
    writer.set_tool_column(ledger.sheet, ledger.header_row, PROBLEMS_COLUMN, dict(problems),
                           style=st.TOOL_WRAP, header_style=st.TOOL_HEADER, width=40)
    fills = cell_fills(report)
    if MARKS_COLUMN in ledger.tool_columns:  # added by the ribbon's 校验: its colours read these marks
        writer.set_tool_column(ledger.sheet, ledger.header_row, MARKS_COLUMN, dict(row_marks(fills)),
                               style=st.TOOL_BODY, header_style=st.TOOL_HEADER)
    writer.clear_tool_fills(ledger.sheet, "check", keep=set(fills))
    skipped = writer.set_cell_fills(ledger.sheet, dict(fills), "check")
    writer.replace_sheet(check_sheet(analysis))
    return skipped


def unknown_rule_codes(analysis: Analysis) -> list[str]:
    """Codes in the 校验规则 sheet that name no rule: a typo there would silently switch nothing."""
    return [r.code for r in analysis.settings.rules if r.code not in RULES]


def check_text(analysis: Analysis, limit: int = 30) -> str:
    """What `check` prints: the counts, then at most `limit` findings, each at its cell."""
    report = analysis.report
    lines = [f"校验“{analysis.ledger.sheet}”工作表 {report.rows} 件：错误 {report.errors} 条，警告 {report.warnings} 条"]
    unknown = unknown_rule_codes(analysis)
    if unknown:
        lines.append(f"注意：“校验规则”工作表中的规则代码 {'、'.join(unknown)} 不存在，已忽略；"
                     f"可用的代码见 taizhang new 生成的台账中的“校验规则”工作表")
    for code, count in report.counts.items():
        lines.append(f"  {code}（{rule_title(code)}）：{count} 条")
    for f in report.findings[:limit]:
        lines.append(f"  {where(f, report)} [{f.severity.value}] {f.message}")
    if len(report.findings) > limit:
        lines.append(f"  …… 另有 {len(report.findings) - limit} 条，用 --json 或 --write 查看全部")
    return "\n".join(lines)
