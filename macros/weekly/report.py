"""The dated report workbook 校验报告_YYYY-MM-DD.xlsx of one ledger: 概况, 校验问题, 逾期清单,
各单位 and 变化. A new workbook, never the master: it can be mailed and kept."""

from __future__ import annotations

import contextlib
import re
from datetime import date
from pathlib import Path

from taizhang.core.columns import Col
from taizhang.core.deadlines import CaseStatus
from taizhang.core.errors import FileInUse
from taizhang.core.settings import SEVERITY_HEADER
from taizhang.core.stats.figures import ON_TIME_RATE, REPLY_RATE
from taizhang.macros.jobs import sheet_styles as st
from taizhang.macros.jobs.check import CODE, rule_title
from taizhang.macros.jobs.due import overdue_sheet
from taizhang.macros.weekly.changes import Changes, Entry
from taizhang.macros.weekly.results import LedgerResult
from taizhang.workbook.writer import CellValue, Style, ToolSheet, new_workbook_with_sheets
from taizhang.workbook.writer.safety import lock_path

REPORT_PREFIX = "校验报告_"
REPORT_PATTERN = re.compile(r"^校验报告_(\d{4}-\d{2}-\d{2})(?:-\d+)?\.xlsx$")


def report_name(today: date) -> str:
    return f"{REPORT_PREFIX}{today.isoformat()}.xlsx"


def _title(sheet: ToolSheet, text: str, subtitle: str, last_col: str) -> None:
    sheet.write(1, 1, text, st.TITLE)
    sheet.merge(f"A1:{last_col}1")
    sheet.row_height(1, 30)
    sheet.write(2, 1, subtitle, st.SUBTITLE)
    sheet.merge(f"A2:{last_col}2")


def _cells(*values: CellValue) -> list[CellValue]:
    return list(values)


def _styles(*styles: Style) -> list[Style | None]:
    return list(styles)


def _widths(sheet: ToolSheet, widths: tuple[float, ...]) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_width(i, width)


def status_sentence(result: LedgerResult) -> str:
    """Whether the master was written, in the words the 概况 sheet and the email use."""
    if result.opened_by:
        return (f"台账正被{result.opened_by}打开，本次未写入台账；本报告依据台账最后一次保存的内容。"
                + (f" {result.write_note}" if result.write_note else ""))
    return result.write_note or "按设置未写入台账（只生成报告）。"


def _figure_rows(result: LedgerResult) -> list[tuple[str, CellValue]]:
    """The statistics' counts and rates, under the names 汇总 and the paragraph use."""
    if result.stats is None:
        return []
    fig = result.stats.totals
    counts: list[tuple[str, CellValue]] = [
        ("当年件数", fig.cases), ("应办复（件）", fig.due), ("已办复（件）", fig.replied),
        ("到期应办复（件）", "未知" if fig.reply_due is None else fig.reply_due),
        ("按期办复（件）", "未知" if fig.on_time is None else fig.on_time),
    ]
    return counts + [(name, st.rate_cell(rate)) for name, rate in fig.rates.items()]


def overview_sheet(result: LedgerResult) -> ToolSheet:
    assert result.analysis is not None
    a = result.analysis
    sheet = ToolSheet("概况")
    office = a.settings.params.office
    _title(sheet, "台账周检报告", f"{office + '    ' if office else ''}检查日期：{a.today.isoformat()}    "
                            f"台账：{result.path.name}（工作表“{a.ledger.sheet}”）", "B")
    rows: list[tuple[str, CellValue]] = [
        ("台账文件", str(result.path)),
        ("台账状态", status_sentence(result)),
        ("台账中的件（含往年件）", len(a.deadlines)),
        ("校验错误（条）", result.errors),
        ("校验警告（条）", result.warnings),
        ("逾期（件）", result.count(CaseStatus.OVERDUE)),
        ("临期（件）", result.count(CaseStatus.DUE_SOON)),
        ("已办结（件）", result.count(CaseStatus.DONE)),
        ("无法计算截止日期（件）", result.count(CaseStatus.UNKNOWN)),
        *_figure_rows(result),
    ]
    if a.untracked_note:
        rows.append(("不计逾期的环节", f"{a.untracked_note}。这些环节不计逾期"))
    if result.holidays_note:
        rows.append(("节假日安排", result.holidays_note))
    c = result.changes
    if c is not None and c.since is not None:
        rows += [("比较的上次运行", c.since.isoformat()), ("新增逾期（件）", len(c.newly_overdue)),
                 ("新办结（件）", len(c.newly_done)), ("新增错误（条）", len(c.new_errors)),
                 ("已改正错误（条）", len(c.fixed_errors))]
    else:
        rows.append(("比较的上次运行", "首次运行，无可比较的上次结果"))
    sheet.write_row(4, _cells("项目", "内容"), st.HEADER)
    for i, (label, value) in enumerate(rows, start=5):
        sheet.write_row(i, [label, value], [st.BODY, st.PERCENT_LEFT if isinstance(value, float) else st.BODY_WRAP])
    _widths(sheet, (24, 90))
    sheet.print_setup(landscape=False, paper="A4")
    return sheet


def findings_sheet(result: LedgerResult) -> ToolSheet:
    assert result.analysis is not None
    a = result.analysis
    numbers, hosts = a.ledger.by_row(Col.NUMBER), a.ledger.by_row(Col.HOST_UNIT)
    sheet = ToolSheet("校验问题")
    report = a.report
    _title(sheet, "校验问题", f"共检查 {report.rows} 件：错误 {report.errors} 条，警告 {report.warnings} 条。"
                          f"单元格为台账“{a.ledger.sheet}”工作表中的位置。", "J")
    sheet.write_row(3, _cells(Col.SEQ, "单元格", Col.NUMBER, Col.HOST_UNIT, "列", SEVERITY_HEADER, "规则", "当前值", "问题说明",
                              "规则代码"),
                    st.HEADER)
    for i, f in enumerate(report.findings, start=1):
        on_ledger = f.sheet == report.sheet
        place = f.cell or f"第{f.row}行"
        place = place if f.sheet == report.sheet else f"“{f.sheet}”!{place}"
        sheet.write_row(3 + i, [i, place, numbers.get(f.row) if on_ledger else None,
                                hosts.get(f.row) if on_ledger else None,
                                f.field or f.column, f.severity.value, rule_title(f.code), f.value, f.message, f.code],
                        [st.BODY_CENTER, st.BODY_CENTER, st.BODY_WRAP, st.BODY_WRAP, st.BODY_WRAP, st.BODY_CENTER,
                         st.BODY_WRAP, st.BODY_WRAP, st.BODY_WRAP, CODE])
    if not report.findings:
        sheet.write(4, 1, "未发现问题", st.BODY)
    sheet.autofilter(f"A3:J{max(3 + len(report.findings), 4)}")
    _widths(sheet, (6, 10, 18, 20, 12, 7, 22, 18, 46, 14))
    sheet.freeze("A4")
    sheet.print_setup(landscape=True, paper="A4", repeat_rows=(3, 3))
    return sheet


def overdue_list_sheet(result: LedgerResult) -> ToolSheet:
    """The same 逾期清单 as `taizhang due --write` (by the unit that owes each stage, 往年件 apart),
    with ledger row numbers instead of links: this workbook is not the ledger."""
    assert result.analysis is not None
    return overdue_sheet(result.analysis, links=False)


UNIT_HEADERS = ("承办单位", "主办件次", "协办件次", "应办复", "已办复", "办复率", "按期办复率", "逾期件数", "临期件数",
                "校验错误", "校验警告")


def units_sheet(result: LedgerResult) -> ToolSheet:
    """Per unit, in the words of 汇总: 主办件次/协办件次, and 应办复/已办复/rates over its 主办 cases.
    The 合计 row counts each overdue or due-soon case once, as 概况 does (a case can be late at
    several units); the rates are the whole ledger's, not a sum of the units'."""
    assert result.analysis is not None
    sheet = ToolSheet("各单位")
    _title(sheet, "各承办单位情况", "主办件次、协办件次、应办复、已办复和办复率按当年件统计，办复按单位主办的件；"
                              "逾期、临期按负有该环节的单位统计，一件可计入多个单位，合计行为件数。", "K")
    sheet.write_row(3, list(UNIT_HEADERS), st.HEADER)
    figures = {row.unit: row.figures for row in result.stats.by_unit} if result.stats else {}
    for i, u in enumerate(result.units, start=4):
        fig = figures.get(u.unit)
        reply = st.rate_cell(fig.rates[REPLY_RATE]) if fig else u.reply_rate
        on_time = st.rate_cell(fig.rates[ON_TIME_RATE]) if fig else u.on_time_rate
        values: list[CellValue] = [u.unit, u.hosted, u.co, fig.due if fig else 0, u.replied, reply, on_time,
                                   u.overdue, u.due_soon, u.errors, u.warnings]
        sheet.write_row(i, values, [st.BODY, *[st.PERCENT if isinstance(v, float) else st.BODY_CENTER
                                               for v in values[1:]]])
    last = 3 + len(result.units)
    total: list[CellValue] = ["合计", *(sum(getattr(u, k) for u in result.units) for k in ("hosted", "co")),
                              sum(f.due for f in figures.values()), sum(u.replied for u in result.units), "", "",
                              result.count(CaseStatus.OVERDUE), result.count(CaseStatus.DUE_SOON),
                              sum(u.errors for u in result.units), sum(u.warnings for u in result.units)]
    if result.stats is not None:  # the rates of the whole ledger, not a sum of the units'
        rates = result.stats.totals.rates
        total[5], total[6] = st.rate_cell(rates[REPLY_RATE]), st.rate_cell(rates[ON_TIME_RATE])
    sheet.write_row(last + 1, total, [st.TOTAL_PERCENT if isinstance(v, float) else st.TOTAL for v in total])
    _widths(sheet, (28, 9, 9, 8, 8, 10, 11, 9, 9, 9, 9))
    sheet.freeze("B4")
    sheet.print_setup(landscape=True, paper="A4", repeat_rows=(3, 3))
    return sheet


_SECTIONS = (("newly_overdue", "新增逾期", "当前环节与截止日期"), ("newly_done", "新办结", "办结前的环节"),
             ("new_errors", "新增错误", "问题说明"), ("fixed_errors", "已改正错误", "原问题说明"))


def changes_sheet(result: LedgerResult) -> ToolSheet:
    sheet = ToolSheet("变化")
    c = result.changes or Changes(since=None)
    if c.since is None:
        _title(sheet, "与上次运行相比的变化", "首次运行，无可比较的上次结果；下次运行起在此列出变化。", "F")
        _widths(sheet, (12, 8, 22, 26, 10, 60))
        return sheet
    _title(sheet, "与上次运行相比的变化",
           f"比较 {c.since.isoformat()} 与 {result.analysis.today.isoformat() if result.analysis else ''}："
           + "，".join(f"{label} {len(getattr(c, name))}" for name, label, _ in _SECTIONS), "F")
    sheet.write_row(3, _cells("变化", Col.SEQ, Col.NUMBER, Col.HOST_UNIT, "单元格", "说明"), st.HEADER)
    row = 3
    for name, label, _what in _SECTIONS:
        entries: list[Entry] = getattr(c, name)
        row += 1
        sheet.write(row, 1, f"{label}（{len(entries)}）", st.GROUP)
        for col in range(2, 7):
            sheet.write(row, col, None, st.GROUP)
        sheet.merge(f"A{row}:F{row}")
        for i, e in enumerate(entries, start=1):
            row += 1
            sheet.write_row(row, [label, i, e.number or e.key, e.unit, e.cell, e.text],
                            [st.BODY, st.BODY_CENTER, st.BODY, st.BODY, st.BODY_CENTER, st.BODY_WRAP])
    _widths(sheet, (12, 6, 22, 26, 10, 60))
    sheet.freeze("A4")
    sheet.print_setup(landscape=True, paper="A4", repeat_rows=(3, 3))
    return sheet


def write_report(result: LedgerResult, folder: Path) -> Path:
    """Write the day's report (replacing an earlier one of the same day); when that one is open in
    Excel, write beside it under a numbered name rather than fail the run."""
    assert result.analysis is not None
    sheets = [overview_sheet(result), findings_sheet(result), overdue_list_sheet(result), units_sheet(result),
              changes_sheet(result)]
    target = folder / report_name(result.analysis.today)
    n = 2
    while True:
        try:
            return new_workbook_with_sheets(target, sheets).path
        except FileInUse:
            if n > 9:
                raise
            target = folder / f"{REPORT_PREFIX}{result.analysis.today.isoformat()}-{n}.xlsx"
            n += 1


def prune_reports(folder: Path, keep: int) -> list[Path]:
    """Keep the `keep` newest reports (by the date in their name); return those removed."""
    dated = [(m.group(1), p.name, p) for p in folder.glob(f"{REPORT_PREFIX}*.xlsx")
             if (m := REPORT_PATTERN.match(p.name))]
    reports = [p for _day, _name, p in sorted(dated)]
    removed: list[Path] = []
    for old in reports[:-keep] if keep > 0 else []:
        with contextlib.suppress(OSError):  # one open in Excel stays until next week
            old.unlink()
            removed.append(old)
            lock_path(old).unlink(missing_ok=True)  # the writer's lock file beside it
    return removed
