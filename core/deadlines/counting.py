"""Counting periods as 民法典 第二百零一条至第二百零三条 do.

- The start day is not counted (第二百零一条): N days after D ends on D + N.
- A period in months ends on the corresponding day of the last month, or on that month's last
  day where there is none (第二百零二条): 1-31 + 1 month = 2-28.
- A period whose last day is a rest day ends on the next working day (第二百零三条).
- N working days after D: the N-th working day counting from the day after D.
- A fixed month-day (“3月25日前”) is a date the notice names, not a period: it is taken as given
  and never moved, even when it is a rest day.
"""

from __future__ import annotations

import calendar as gregorian
from datetime import date, timedelta

from taizhang.core.calendar import WorkCalendar

# 代表法 第五十一条 and 提案实施意见: a reply may be extended, at most to six months after 交办
# (docs/domain.md#extensions).
EXTENSION_CAP_MONTHS = 6


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` later, or that month's last day where there is none."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, gregorian.monthrange(year, month)[1]))


def natural_days_after(cal: WorkCalendar, base: date, n: int) -> date:
    return cal.next_workday_on_or_after(base + timedelta(days=n))


def months_after(cal: WorkCalendar, base: date, n: int) -> date:
    return cal.next_workday_on_or_after(add_months(base, n))


def workdays_after(cal: WorkCalendar, base: date, n: int) -> date:
    return cal.add_workdays(base, n)


def fixed_date(year: int, month: int, day: int) -> date:
    """Month-day in `year`; 2月29日 in a common year is 2月28日."""
    return date(year, month, min(day, gregorian.monthrange(year, month)[1]))


def extension_cap(cal: WorkCalendar, assigned: date) -> date:
    """The latest date a 延期 may grant: six months after 交办, moved off a rest day like any
    period (第二百零三条). Raises `UnknownYear` when that day's year is not known.

    It is never before `add_months(assigned, EXTENSION_CAP_MONTHS)`, so a grant up to that day
    needs no calendar."""
    return months_after(cal, assigned, EXTENSION_CAP_MONTHS)
