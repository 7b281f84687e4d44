"""The ribbon buttons that work on the open workbook: 校验, 计算时限, 标注逾期, 生成汇总, 一键更新, 设置.

Each button reads the workbook once (live.read_book), runs the same library calls as the
command line, writes all its tool columns in one block, adds the conditional formats that colour
them (only where the saved file does not have them yet), then the tool sheets' values, and
formats those sheets with whatever is left of the call budget. The colour rules of every job go
to Excel in one call at the end (live.flush_rules). 一键更新 does 校验, 标注逾期 and 生成汇总 on that
one read and one column block; it leaves out the 图表 sheet (its live form is data without charts)
so that a press stays within 30 calls, the first one included.

The jobs a button needs are imported inside its functions: the ribbon starts a Python process per
press, and 设置 should not load pandas and the validators that 校验 needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from taizhang.core.names import BULLETIN_SHEET, CHART_SHEET, CHECK_SHEET, OVERDUE_SHEET, SUMMARY_SHEET
from taizhang.core.settings import DEADLINES_SHEET, HOLIDAYS_SHEET, PARAMS_SHEET, RULES_SHEET, UNITS_SHEET
from taizhang.macros.excel import live, sheets
from taizhang.macros.excel.live import BookLike, LiveRead
from taizhang.macros.excel.marks import CODES, LAST_ROW, MARKS_COLUMN, mark_formula, row_marks, status_formula
from taizhang.workbook.writer import TOOL_FILLS

if TYPE_CHECKING:  # analysis imports the validators and pandas: only the jobs that use them do
    from taizhang.analysis import Analysis

Columns = dict[str, dict[int, Any]]


@dataclass
class Job:
    """One button's work: its tool columns, then what it does once they are written."""

    columns: Callable[[Analysis], Columns]
    after: Callable[[LiveRead, Analysis, dict[str, str]], str]
    skip_sheets: set[str] = field(default_factory=set)


# ---------------------------------------------------------------- 校验

def _check_columns(analysis: Analysis) -> Columns:
    from taizhang.macros.jobs.check import PROBLEMS_COLUMN, cell_fills, row_problems

    report = analysis.report
    problems = row_problems(report, analysis.ledger.header_row)
    return {PROBLEMS_COLUMN: dict(problems), MARKS_COLUMN: dict(row_marks(cell_fills(report)))}


def check_rules(read: LiveRead, marks_letter: str) -> None:
    """One rule per check colour on the ledger's columns, reading the row's marks."""
    top = read.ledger.header_row + 1
    fills = TOOL_FILLS["check"]
    rules = [(mark_formula(code, marks_letter, top), fills[name]) for name, code in CODES.items()]
    live.add_rules(read, f"A{top}:{read.ledger.last_column}{LAST_ROW}", rules, replace=False,
                   fresh=MARKS_COLUMN in read.new_columns)


def _check_after(read: LiveRead, analysis: Analysis, letters: dict[str, str]) -> str:
    from taizhang.macros.jobs.check import PROBLEMS_COLUMN, check_sheet

    check_rules(read, letters[MARKS_COLUMN])
    sheets.write_values(read, [check_sheet(analysis)])
    report = analysis.report
    return (f"校验完成：共 {report.rows} 件，错误 {report.errors} 条，警告 {report.warnings} 条，问题单元格已标色。"
            f"详见“{CHECK_SHEET}”工作表和“{PROBLEMS_COLUMN}”列。")


# ---------------------------------------------------------------- 计算时限, 标注逾期

def _due_columns(analysis: Analysis) -> Columns:
    from taizhang.macros.jobs.due import tool_columns

    return dict(tool_columns(analysis.deadlines))


def due_rules(read: LiveRead, letters: dict[str, str]) -> None:
    """The due-date and status cells coloured by the row's status, as `due --write` fills them.
    These are the tool's own columns, so their conditional formats are replaced."""
    from taizhang.core.deadlines import CaseStatus
    from taizhang.macros.jobs.due import DUE_COLUMN, STATUS_COLUMN

    top = read.ledger.header_row + 1
    fills = TOOL_FILLS["due"]
    status = letters[STATUS_COLUMN]
    rules = [(status_formula(status, top, s.value), fills[name]) for s, name in
             ((CaseStatus.OVERDUE, "overdue"), (CaseStatus.DUE_SOON, "soon"), (CaseStatus.DONE, "done"))]
    address = ",".join(f"{letters[h]}{top}:{letters[h]}{LAST_ROW}" for h in (DUE_COLUMN, STATUS_COLUMN))
    live.add_rules(read, address, rules, replace=True,
                   fresh={DUE_COLUMN, STATUS_COLUMN} <= read.new_columns)


def _due_after(read: LiveRead, analysis: Analysis, letters: dict[str, str]) -> str:
    from taizhang.macros.jobs.due import due_text
    from taizhang.macros.jobs.holidays import ribbon_reminder

    due_rules(read, letters)
    return ("计算时限完成，逾期、临期、已办结分别标为红、黄、绿色。" + due_text(analysis, limit=8)
            + ribbon_reminder(analysis))


def _overdue_after(read: LiveRead, analysis: Analysis, letters: dict[str, str]) -> str:
    from taizhang.macros.jobs.due import overdue_groups, overdue_sheet

    due_rules(read, letters)
    sheets.write_values(read, [overdue_sheet(analysis)])
    groups = overdue_groups(analysis, earlier=False) + overdue_groups(analysis, earlier=True)
    total = len({case[0].row for _, cases in groups for case in cases})
    return (f"标注完成：{len({unit for unit, _ in groups})} 个单位共 {total} 件逾期（红色），临期为黄色。"
            f"按单位排列的清单见“{OVERDUE_SHEET}”工作表。")


# ---------------------------------------------------------------- 生成汇总

def _no_columns(analysis: Analysis) -> Columns:
    return {}


def _summary_sheets(read: LiveRead, analysis: Analysis, skip: set[str]) -> str:
    from taizhang.core.stats import paragraph
    from taizhang.macros.jobs.summary import summary_sheets

    sheets.write_values(read, [s for s in summary_sheets(analysis) if s.name not in skip])
    written = "”“".join(n for n in (SUMMARY_SHEET, BULLETIN_SHEET, CHART_SHEET) if n not in skip)
    note = ("（图表需用命令行生成）" if CHART_SHEET not in skip
            else f"（“{CHART_SHEET}”请点“生成汇总”，或用命令行生成图表）")
    return f"汇总完成，见“{written}”工作表{note}：{paragraph(analysis.stats)}"


def _summary_after(read: LiveRead, analysis: Analysis, letters: dict[str, str]) -> str:
    return _summary_sheets(read, analysis, set())


def _summary_after_no_chart(read: LiveRead, analysis: Analysis, letters: dict[str, str]) -> str:
    return _summary_sheets(read, analysis, {CHART_SHEET})


CHECK = Job(_check_columns, _check_after)
DUE = Job(_due_columns, _due_after)
OVERDUE = Job(_due_columns, _overdue_after)
SUMMARY = Job(_no_columns, _summary_after)
SUMMARY_NO_CHART = Job(_no_columns, _summary_after_no_chart)

STATUS = {"check": "正在校验台账……", "due": "正在计算办理时限……", "mark_overdue": "正在标注逾期件……",
          "summary": "正在生成汇总……", "update_all": "正在一键更新（校验、时限、逾期、汇总）……"}
JOBS = {"check": [CHECK], "due": [DUE], "mark_overdue": [OVERDUE], "summary": [SUMMARY],
        "update_all": [CHECK, OVERDUE, SUMMARY_NO_CHART]}


def _analysis(read: LiveRead, today: date) -> Analysis:
    from taizhang.analysis import Analysis

    return Analysis(read.ledger, read.settings, today)


def _formatting_note(skipped: int) -> str:
    if not skipped:
        return ""
    return "（为保持速度，部分格式从简；完整格式可在保存并关闭台账后用命令行 --write 生成。）"


def run_jobs(tag: str, book: BookLike, today: date) -> str:
    """Read the open workbook once, write every job's tool columns as one block, then the rest."""
    budget = live.Budget()
    with live.quiet(book.app, f"台账助手：{STATUS[tag]}", budget):
        read = live.read_book(book, budget)
        analysis = _analysis(read, today)
        columns: Columns = {}
        for job in JOBS[tag]:
            columns.update(job.columns(analysis))
        letters = live.write_columns(read, columns) if columns else {}
        texts = [job.after(read, analysis, letters) for job in JOBS[tag]]
        live.flush_rules(read)  # every job's colour rules in one call, before the optional formatting
        if tag != "check" and analysis.untracked_note:  # once, for every job that shows deadlines
            texts.append(f"{analysis.untracked_note}。这些环节不计逾期。")
        skipped = sheets.format_written(read)
    return "\n".join(texts) + _formatting_note(skipped)


def check(book: BookLike, today: date) -> str:
    """The 校验 button: the check's column, colours and 校验结果 sheet written into the open workbook."""
    return run_jobs("check", book, today)


def due(book: BookLike, today: date) -> str:
    """The 计算时限 button: the four deadline columns, coloured by status."""
    return run_jobs("due", book, today)


def mark_overdue(book: BookLike, today: date) -> str:
    """The 标注逾期 button: the deadline columns and the 逾期清单 sheet."""
    return run_jobs("mark_overdue", book, today)


def summary(book: BookLike, today: date) -> str:
    """The 生成汇总 button: the 汇总, 通报 and 图表 sheets (the chart's data; charts need the command line)."""
    return run_jobs("summary", book, today)


def update_all(book: BookLike, today: date) -> str:
    """The 一键更新 button: 校验, 标注逾期 and 生成汇总 on one read and one column block."""
    return run_jobs("update_all", book, today)


# ---------------------------------------------------------------- 设置

SETTINGS_ORDER = (UNITS_SHEET, DEADLINES_SHEET, HOLIDAYS_SHEET, PARAMS_SHEET, RULES_SHEET)


def settings_grids(year: int) -> dict[str, list[list[Any]]]:
    """The settings sheets a new ledger starts with (`taizhang new`), as header + rows."""
    from taizhang.core.settings import (
        CHECK_RULE_HEADERS,
        HOLIDAY_HEADERS,
        PARAM_HEADERS,
        PARAM_KEYS,
        UNIT_HEADERS,
    )
    from taizhang.macros.jobs.new import base_content

    content = base_content(year)
    return {
        UNITS_SHEET: [list(UNIT_HEADERS)],
        DEADLINES_SHEET: [list(content.deadline_headers), *content.deadline_rows],
        HOLIDAYS_SHEET: [list(HOLIDAY_HEADERS), *[list(h) for h in content.holidays]],
        PARAMS_SHEET: [list(PARAM_HEADERS), *[[label, content.params.get(label), explain]
                                              for label, (_, explain) in PARAM_KEYS.items()]],
        RULES_SHEET: [list(CHECK_RULE_HEADERS), *content.rule_rows],
    }


def settings(book: BookLike, today: date) -> str:
    """The 设置 button: the settings sheets the workbook lacks, as `taizhang new` lays them out."""
    names = list(book.sheet_names)
    missing = [n for n in SETTINGS_ORDER if n not in names]
    if not missing:
        book.sheets[PARAMS_SHEET].activate()
        return f"设置工作表都已存在：{'、'.join(SETTINGS_ORDER)}。已切换到“{PARAMS_SHEET}”工作表，改完保存即可生效。"
    budget = live.Budget()
    budget.spend()  # sheet_names
    with live.quiet(book.app, "台账助手：正在创建设置工作表……", budget):
        read = live.read_book(book, budget, names=names)
        grids = settings_grids(read.ledger.year or read.settings.params.year or today.year)
        after = read.grid.sheet  # right after the ledger, in the order `taizhang new` uses
        for name in missing:
            after = live.add_sheet(read, name, grids[name], after)
    return (f"已创建设置工作表：{'、'.join(missing)}（按“{SETTINGS_ORDER[1]}”默认预设和今年的节假日）。"
            f"请先在“{UNITS_SHEET}”中填写本地承办单位，然后保存。")
