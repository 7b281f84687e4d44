"""The one Python entry of the 台账助手 ribbon: `run(tag)` finds the calling workbook and its handler.

The add-in's VBA callback runs `import taizhang.macros.ribbon as r; r.run('<tag>')` for every button.
A handler takes the workbook and today and returns the sentence the user sees; it calls the same
library functions as the command line. Any failure ends in a Chinese message box saying what to
do, and a log file; never a traceback.
"""

from __future__ import annotations

import logging
import os
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from taizhang import __version__
from taizhang.core.errors import TaizhangError
from taizhang.core.names import BULLETIN_SHEET, CHART_SHEET, CHECK_SHEET, OVERDUE_SHEET, SUMMARY_SHEET
from taizhang.core.settings import DEADLINES_SHEET, HOLIDAYS_SHEET, PARAMS_SHEET, RULES_SHEET, UNITS_SHEET
from taizhang.macros import excel_live as live
from taizhang.macros import excel_sheets as sheets
from taizhang.macros import excel_split_merge as split_merge
from taizhang.macros.analysis import Analysis
from taizhang.macros.excel_live import BookLike, LiveRead
from taizhang.macros.holidays_live import holidays_button
from taizhang.workbook.writer import TOOL_FILLS

TITLE = "台账助手"
Handler = Callable[[BookLike, date], str]


def log_path() -> Path:
    base = os.environ.get("LOCALAPPDATA")
    folder = Path(base) / "taizhang" if base else Path(tempfile.gettempdir()) / "taizhang"
    return folder / "ribbon.log"


def _logger() -> logging.Logger:
    log = logging.getLogger("taizhang.ribbon")
    if not log.handlers:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    return log


# ---------------------------------------------------------------- the jobs, on one read

def _analysis(read: LiveRead, today: date) -> Analysis:
    return Analysis(read.ledger, read.settings, today)


def _formatting_note(skipped: int) -> str:
    if not skipped:
        return ""
    return "（为保持速度，部分格式从简；完整格式可在保存并关闭台账后用命令行 --write 生成。）"


def _check(read: LiveRead, analysis: Analysis) -> str:
    from taizhang.macros.check_job import PROBLEMS_COLUMN, cell_fills, check_sheet, row_problems

    report = analysis.report
    live.write_columns(read, {PROBLEMS_COLUMN: dict(row_problems(report))})
    sheets.write_values(read, [check_sheet(analysis)])
    left = live.fill_cells(read, cell_fills(report), TOOL_FILLS["check"], ["error", "warning", "info"])
    skipped = sheets.format_written(read)
    text = (f"校验完成：共 {report.rows} 件，错误 {report.errors} 条，警告 {report.warnings} 条。"
            f"详见“{CHECK_SHEET}”工作表和“{PROBLEMS_COLUMN}”列。")
    if left:
        text += f"问题单元格较多，另有 {left} 个未标色；如需全部标色，请保存并关闭台账后运行 taizhang check 台账.xlsx --write。"
    return text + _formatting_note(skipped)


def _due_columns(read: LiveRead, analysis: Analysis) -> dict[str, str]:
    from taizhang.macros.due_job import tool_columns

    return live.write_columns(read, tool_columns(analysis.deadlines))


def _due(read: LiveRead, analysis: Analysis) -> str:
    from taizhang.macros.due_job import due_text
    from taizhang.macros.holidays_job import ribbon_reminder

    _due_columns(read, analysis)
    return "计算时限完成。" + due_text(analysis, limit=8) + ribbon_reminder(analysis)


def _mark_overdue(read: LiveRead, analysis: Analysis) -> str:
    from taizhang.core.deadlines import CaseStatus
    from taizhang.macros.due_job import DUE_COLUMN, STATUS_COLUMN, overdue_by_unit, overdue_sheet

    letters = _due_columns(read, analysis)
    sheets.write_values(read, [overdue_sheet(analysis)])
    first, last = read.ledger.header_row + 1, max(read.grid.last_row, read.ledger.header_row + 1)
    address = ",".join(f"{letters[h]}{first}:{letters[h]}{last}" for h in (DUE_COLUMN, STATUS_COLUMN))
    fills = TOOL_FILLS["due"]
    live.value_rules(read, address, [(CaseStatus.OVERDUE.value, fills["overdue"]),
                                     (CaseStatus.DUE_SOON.value, fills["soon"])])
    skipped = sheets.format_written(read)
    groups = overdue_by_unit(analysis)
    total = sum(len(cases) for _, cases in groups)
    return (f"标注完成：{len(groups)} 个单位共 {total} 件逾期（红色），临期为黄色。"
            f"按单位排列的清单见“{OVERDUE_SHEET}”工作表。" + _formatting_note(skipped))


def _summary(read: LiveRead, analysis: Analysis) -> str:
    from taizhang.core.stats import paragraph
    from taizhang.macros.summary_job import summary_sheets

    sheets.write_values(read, summary_sheets(analysis))  # the same 汇总, 通报, 图表 as summary --write
    skipped = sheets.format_written(read)
    return (f"汇总完成，见“{SUMMARY_SHEET}”“{BULLETIN_SHEET}”“{CHART_SHEET}”工作表（图表需用命令行生成）："
            f"{paragraph(analysis.stats)}" + _formatting_note(skipped))


Job = Callable[[LiveRead, Analysis], str]
STATUS = {"check": "正在校验台账……", "due": "正在计算办理时限……", "mark_overdue": "正在标注逾期件……",
          "summary": "正在生成汇总……", "update_all": "正在一键更新（校验、时限、逾期、汇总）……"}


def _live(tag: str, jobs: list[Job]) -> Handler:
    """A handler that reads the open workbook once and runs `jobs` on it, quietly."""

    def handler(book: BookLike, today: date) -> str:
        budget = live.Budget()
        with live.quiet(book.app, f"台账助手：{STATUS[tag]}", budget):
            read = live.read_book(book, budget)
            analysis = _analysis(read, today)
            return "\n".join(job(read, analysis) for job in jobs)

    return handler


# ---------------------------------------------------------------- buttons that are not live jobs

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
    from taizhang.macros.new_ledger import base_content

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


def help_text(book: BookLike, today: date) -> str:
    return (f"台账助手 {__version__}（xlwings 加载项）。\n"
            f"日志文件：{log_path()}\n"
            "按钮没有反应时：① 确认已安装 Python 和台账助手（命令行运行 taizhang --version）；"
            "② 重新运行 taizhang addin install；③ 在“文件 → 选项 → 信任中心”中启用宏；"
            "④ 把日志文件发给维护人员。详见安装指南。")


HANDLERS: dict[str, Handler] = {
    "check": _live("check", [_check]),
    "due": _live("due", [_due]),
    "mark_overdue": _live("mark_overdue", [_mark_overdue]),
    "summary": _live("summary", [_summary]),
    "split": split_merge.split_button,
    "merge": split_merge.merge_button,
    "update_all": _live("update_all", [_check, _mark_overdue, _summary]),
    "settings": settings,
    "holidays": holidays_button,
    "help": help_text,
}


# ---------------------------------------------------------------- entry

def alert(book: Any, text: str, critical: bool = False) -> None:
    try:
        book.app.alert(text, title=TITLE, mode="critical" if critical else "info")
    except Exception:  # no Excel to show it in: the log has it
        _logger().error("无法显示消息框：%s", text)


def run(tag: str, book: Any = None, today: date | None = None) -> str:
    """Run the job of the button tagged `tag` on the calling workbook; return what was shown."""
    log = _logger()
    try:
        if book is None:
            import xlwings as xw

            book = xw.Book.caller()
        handler = HANDLERS.get(tag)
        if handler is None:
            raise TaizhangError(f"按钮标记“{tag}”没有对应的功能：加载项与已安装的台账助手版本不一致，"
                                "请重新运行 taizhang addin install")
        log.info("run %s", tag)
        message = handler(book, today or date.today())
        log.info("done %s", tag)
        alert(book, message)
        return message
    except TaizhangError as err:
        log.warning("%s: %s", tag, err.message)
        message = f"{err.message}\n\n（详细记录：{log_path()}）"
        alert(book, message, critical=True)
        return message
    except Exception:
        log.error("%s failed\n%s", tag, traceback.format_exc())
        message = ("程序内部错误，这不是您的操作问题。请保存台账后再试一次；仍然出错时，"
                   f"请把日志文件 {log_path()} 发给维护人员。")
        if book is not None:
            alert(book, message, critical=True)
        return message
