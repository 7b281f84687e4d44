"""From 1 November on, say once that next year's holidays are not known yet, and how to fix it.

The notice usually comes out in late October or November; until it is entered, every working-day
deadline that falls in the new year is 未知. A year that is already under way without its
holidays is said at any time of the year.
"""

from __future__ import annotations

from datetime import date

from taizhang.core.calendar import WorkCalendar
from taizhang.core.settings import HOLIDAYS_SHEET

REMIND_FROM_MONTH = 11  # 1 November


def year_to_remind(calendar: WorkCalendar, today: date) -> int | None:
    """This year when nobody knows it, else next year from 1 November when nobody knows that."""
    if not calendar.knows(today.year):
        return today.year
    if today.month >= REMIND_FROM_MONTH and not calendar.knows(today.year + 1):
        return today.year + 1
    return None


def fix_command(ledger: str) -> str:
    """The command that enters the notice (saved as 通知.txt) into this ledger."""
    shown = f'"{ledger}"' if any(ch.isspace() for ch in ledger) else ledger
    return f"taizhang holidays {shown} --notice 通知.txt --write"


def command_fix(ledger: str) -> str:
    """How to enter the notice from the command line."""
    return f"请把通知全文复制保存为文本文件（如 通知.txt），然后运行：{fix_command(ledger)}"


def reminder(calendar: WorkCalendar, today: date, fix: str) -> str | None:
    """One sentence, or None when nothing is missing. `fix` says how to enter the notice
    (`command_fix` for the command line)."""
    year = year_to_remind(calendar, today)
    if year is None:
        return None
    which = "今年" if year == today.year else "明年"
    return (f"提醒：{which}（{year}年）的放假和调休安排尚未录入（chinese-calendar 和“{HOLIDAYS_SHEET}”工作表中都没有），"
            f"落在{year}年的截止日期将显示为“未知”。国务院办公厅关于{year}年部分节假日安排的通知发布后，{fix}")
