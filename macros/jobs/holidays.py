"""`taizhang holidays`: the State Council's yearly notice into the ledger's 节假日 sheet, and the
reminder `due`, `weekly` and the ribbon give when next year is not known yet.

The parsing is core's (taizhang.core.holidays); this module reads the notice file and the sheet,
and writes through the lossless writer: into the staff's own sheet cell by cell (their other rows,
columns, formats and dropdowns stay), or as a new sheet laid out as `taizhang new` lays it out.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from taizhang.analysis import Analysis
from taizhang.core.errors import BadInput
from taizhang.core.holidays.notice import HolidayNotice, NoticeError, parse_notice
from taizhang.core.holidays.reminder import command_fix, fix_command, reminder
from taizhang.core.holidays.table import SheetPlan, new_sheet_rows, plan_update
from taizhang.core.model import column_letter
from taizhang.core.settings import HOLIDAY_HEADERS, HOLIDAYS_SHEET
from taizhang.workbook import writer as lossless  # LedgerWriter loads when used: `due` only reminds
from taizhang.workbook.reader import open_workbook, settings_table
from taizhang.workbook.writer import Style, ToolSheet, WriteResult

# The look `taizhang new` gives the settings sheets (workbook/template.py).
SETTINGS_HEADER = Style(bold=True, font_name="黑体", font_size=11, fill="E2EFDA", border=True, h_align="center",
                        v_align="center", wrap=True)
SETTINGS_BODY = Style(border=True)
SETTINGS_DATE = Style(border=True, number_format="yyyy-mm-dd")
WIDTHS = (12, 8, 30)


# ---------------------------------------------------------------- the notice

def read_notice_file(path: Path) -> str:
    """The notice as saved from a browser or Notepad: UTF-8 (with or without BOM), UTF-16 with
    BOM, or the GB18030 that Chinese Windows saves "ANSI" text in."""
    if not path.is_file():
        raise BadInput(f"找不到通知文件“{path}”")
    data = path.read_bytes()
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if b"\x00" in data or data.startswith(b"PK\x03\x04") or data.startswith(b"%PDF"):
        raise BadInput(f"“{path.name}”不是文本文件：请把通知全文复制后粘贴到记事本，另存为 .txt 文件再试")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInput(f"无法识别“{path.name}”的文字编码：请用记事本另存为 UTF-8 编码再试")


def load_notice(text: str, year: int | None = None) -> HolidayNotice:
    """The notice parsed, its inconsistencies turned into BadInput (exit 2) quoting the line."""
    try:
        return parse_notice(text, year)
    except NoticeError as err:
        raise BadInput(f"{err}（未写入任何内容）") from None


def _md(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _spans(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][1]).days == 1:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _shown(day: date, year: int) -> str:
    return _md(day) if day.year == year else f"{day.year}年{_md(day)}"


def festival_lines(notice: HolidayNotice) -> list[str]:
    """One line per item of the notice: its rest days and make-up working days."""
    lines = []
    for a in notice.arrangements:
        spans = [_shown(s, notice.year) if s == e else f"{_shown(s, notice.year)}至{_shown(e, notice.year)}"
                 for s, e in _spans(a.rest)]
        text = f"  {a.festival}：{'、'.join(spans)}放假，共{len(a.rest)}天"
        if a.work:
            text += f"；{'、'.join(_shown(d, notice.year) for d in a.work)}上班"
        lines.append(text)
    return lines


def notice_text(notice: HolidayNotice) -> str:
    """The table of days and the per-festival summary, as the plain output shows them."""
    days = notice.days
    rest = sum(1 for d in days if d.rest)
    weekday_rest = sum(1 for d in days if d.rest and d.day.weekday() < 5)
    lines = [f"{notice.year}年节假日安排：放假 {rest} 天（其中工作日 {weekday_rest} 天），"
             f"调休上班 {len(days) - rest} 天。", *festival_lines(notice), "", "日期        休/班  说明"]
    lines += [f"{d.day.isoformat()}  {d.kind}     {d.note}" for d in days]
    return "\n".join(lines)


# ---------------------------------------------------------------- the sheet

@dataclass
class HolidaySheet:
    """The ledger's 节假日 sheet as it is now: its grid and header row, or None when it has none."""

    grid: list[list[Any]] | None
    header_row: int = 1


def read_holiday_sheet(path: Path) -> HolidaySheet:
    """The saved workbook's 节假日 sheet as it is now (BadInput when the file cannot be read)."""
    with open_workbook(path) as book:
        if HOLIDAYS_SHEET not in book.worksheet_names():
            return HolidaySheet(None)
        grid = book.grid(HOLIDAYS_SHEET)
    return sheet_from_grid(grid)


def sheet_from_grid(grid: list[list[Any]]) -> HolidaySheet:
    """The sheet's header row found as the settings reader finds it (a 日期 header in the first 10 rows)."""
    table = settings_table(HOLIDAYS_SHEET, grid)
    return HolidaySheet([list(r) for r in grid], table.header_row)


def plan_for(sheet: HolidaySheet, notice: HolidayNotice) -> SheetPlan | None:
    """The cells to change in the existing sheet; None when there is no sheet to change."""
    return None if sheet.grid is None else plan_update(sheet.grid, sheet.header_row, notice)


def new_holiday_sheet(rows: Iterable[tuple[date, str, str]]) -> ToolSheet:
    """A 节假日 sheet as `taizhang new` lays it out: a green header, borders, dates as dates."""
    sheet = ToolSheet(HOLIDAYS_SHEET)
    sheet.write_row(1, list(HOLIDAY_HEADERS), SETTINGS_HEADER)
    for r, (day, kind, note) in enumerate(rows, start=2):
        sheet.write_row(r, [day, kind, note], [SETTINGS_DATE, SETTINGS_BODY, SETTINGS_BODY])
    for c, width in enumerate(WIDTHS):
        sheet.column_width(column_letter(c), width)
    sheet.freeze("A2")
    return sheet


@dataclass
class HolidaysWritten:
    """What `write_holidays` did: the writer's result and the plan it carried out (None: a new sheet)."""

    result: WriteResult
    plan: SheetPlan | None  # None: the sheet was created

    def note(self, notice: HolidayNotice) -> str:
        days = notice.days
        rest = sum(1 for d in days if d.rest)
        head = f"{notice.year}年的放假和调休安排（休 {rest} 天、班 {len(days) - rest} 天）"
        if self.plan is None:
            text = f"已新建“{HOLIDAYS_SHEET}”工作表并写入{head}"
        elif self.plan.unchanged:
            return f"“{HOLIDAYS_SHEET}”工作表中{head}已与通知一致，未作改动。"
        else:
            p = self.plan
            text = f"已把{head}写入“{HOLIDAYS_SHEET}”工作表：{_changes(p)}"
        where = f"原文件备份在“{self.result.backup}”" if self.result.backup else f"文件：{self.result.path}"
        return f"{text}。{where}。{notice.year}年的截止日期现在可以按工作日计算了。"


def write_holidays(path: Path, notice: HolidayNotice) -> HolidaysWritten:
    """The notice's rows into the ledger's 节假日 sheet, through the lossless writer."""
    with lossless.LedgerWriter(path) as writer:
        # Read under the writer's lock: a change made after this is caught by its fingerprint.
        plan = plan_for(read_holiday_sheet(path), notice)
        if plan is None:
            # A settings sheet is the staff's: an explicit command may create it (as `preset` does).
            writer.replace_sheet(new_holiday_sheet(new_sheet_rows(notice)), take_over=True)
        elif not plan.unchanged:
            writer.set_cells(HOLIDAYS_SHEET, plan.cells, like=plan.like)
        return HolidaysWritten(writer.commit(), plan)


def dry_run_note(sheet: HolidaySheet, notice: HolidayNotice) -> str:
    """What `holidays` without --write says it would change in `sheet`."""
    plan = plan_for(sheet, notice)
    if plan is None:
        return f"加 --write 将新建“{HOLIDAYS_SHEET}”工作表并写入以上 {len(notice.days)} 行。"
    if plan.unchanged:
        return f"台账的“{HOLIDAYS_SHEET}”工作表中{notice.year}年的安排已与通知一致。"
    return f"加 --write 将写入“{HOLIDAYS_SHEET}”工作表：{_changes(plan)}。"


def _changes(plan: SheetPlan) -> str:
    parts = [f"改写 {plan.replaced} 行" if plan.replaced else "", f"新增 {plan.added} 行" if plan.added else "",
             f"清空 {plan.cleared} 行" if plan.cleared else "", f"{plan.same} 行原已一致" if plan.same else ""]
    return "、".join(p for p in parts if p) + f"；其他年份的 {plan.kept} 行不动"


# ---------------------------------------------------------------- the reminder

def holiday_reminder(analysis: Analysis, ledger: str | Path) -> str | None:
    """The sentence `due` and `weekly` add when this year, or from 1 November next year, is unknown."""
    return reminder(analysis.calendar, analysis.today, command_fix(str(ledger)))


def ribbon_reminder(analysis: Analysis) -> str:
    """The same sentence for the ribbon's 计算时限, pointing at the 节假日 button; '' when not needed."""
    name = Path(analysis.ledger.path).name
    if not name.lower().endswith((".xlsx", ".xlsm")):  # an unsaved 工作簿1
        name = "台账.xlsx"
    fix = ("请点“台账助手”选项卡中的“节假日”按钮，把通知全文粘贴进去；或把通知保存为 通知.txt，"
           f"保存并关闭台账后运行：{fix_command(name)}")
    text = reminder(analysis.calendar, analysis.today, fix)
    return f"\n{text}" if text else ""
