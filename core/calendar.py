"""Working days as the State Council's yearly notice sets them, make-up working days (调休) included.

chinese-calendar knows the years it was released for (2004–2026 in 1.11.0); the workbook's 节假日
sheet overrides it day by day and extends it to later years. A year neither knows raises
`UnknownYear`: a deadline is never guessed from plain weekdays.

A year the library does not know becomes known through the sheet only when the sheet holds a
plausible whole year: at least `MIN_REST_DAYS` rest days (休) in it. Every State Council notice
gives 元旦, 春节, 清明, 劳动节, 端午, 中秋 and 国庆, so fewer means the notice was not copied in
whole (one stray row must not turn 春节 and 国庆 into working days).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Hashable, Iterable
from datetime import date, timedelta
from typing import Any, TypeVar

from chinese_calendar import constants as library

from taizhang.core.errors import TaizhangError
from taizhang.core.settings import HOLIDAYS_SHEET, Holiday

T = TypeVar("T")

LIBRARY_YEARS: frozenset[int] = frozenset(
    range(min(library.holidays).year, max(library.holidays).year + 1)
)
_CHINESE_NAMES: dict[str, str] = {h.value: h.chinese for h in library.Holiday}
# 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆: each gives at least one rest day in every notice.
MIN_REST_DAYS = 7


class UnknownYear(TaizhangError):
    """A date falls in a year whose holidays nobody told us."""

    def __init__(self, year: int, rows: int = 0) -> None:
        """`rows`: how many rows the 节假日 sheet has for the year (too few to make it known)."""
        if rows:
            message = (
                f"{year}年的节假日安排不完整：“{HOLIDAYS_SHEET}”工作表中{year}年只有{rows}行，"
                f"请按国务院办公厅{year}年部分节假日安排的通知填写全年的放假和调休日期"
            )
        else:
            message = (
                f"{year}年的节假日安排未知，请在“{HOLIDAYS_SHEET}”工作表中按国务院办公厅通知"
                f"填写{year}年的放假和调休日期"
            )
        super().__init__(message)
        self.year = year
        self.rows = rows


class WorkCalendar:
    """Which days are working days, for the years it knows.

    Built once per run: every working day of every known year goes into a sorted list of
    ordinals, so counting and stepping are two bisections whatever the distance.
    """

    def __init__(self, overrides: dict[date, bool] | None = None, *, use_library: bool = True) -> None:
        """`overrides` maps a day to True when it is a rest day (休), False when it is a working day (班).

        Overrides apply day by day in the library's years; another year is known only when it has
        at least `MIN_REST_DAYS` rest days among them (a whole notice), else its rows are kept
        only to say how many there are."""
        overrides = overrides or {}
        library_years = LIBRARY_YEARS if use_library else frozenset()
        rows: dict[int, int] = {}
        rests: dict[int, int] = {}
        for day, is_rest in overrides.items():
            rows[day.year] = rows.get(day.year, 0) + 1
            rests[day.year] = rests.get(day.year, 0) + is_rest
        years = set(library_years) | {y for y in rows if y not in library_years and rests[y] >= MIN_REST_DAYS}
        self._known: frozenset[int] = frozenset(years)
        self._partial: dict[int, int] = {y: n for y, n in rows.items() if y not in years}
        # By day ordinal (date.fromordinal(1) is a Monday): Monday to Friday, less the library's
        # holidays, plus its make-up days, then the sheet's rows; built once per run for ~25 years.
        rest = {d.toordinal() for d in library.holidays}
        made_up = {d.toordinal() for d in library.workdays}
        changed = {d.toordinal(): not is_rest for d, is_rest in overrides.items()}
        workdays: list[int] = []
        for year in sorted(years):
            first, end = date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()
            if year in library_years:
                plain = [o for o in range(first, end) if ((o - 1) % 7 < 5 and o not in rest) or o in made_up]
            else:
                plain = [o for o in range(first, end) if (o - 1) % 7 < 5]
            if changed:
                kept = [o for o in plain if changed.get(o, True)]
                added = [o for o in range(first, end) if changed.get(o) is True and o not in plain]
                plain = sorted(kept + added) if added else kept
            workdays += plain
        self._workdays = workdays
        self._workday_set = frozenset(workdays)

    @classmethod
    def from_settings(cls, holidays: list[Holiday], *, use_library: bool = True) -> WorkCalendar:
        """The library's calendar overridden and extended by the 节假日 sheet's rows (later rows win)."""
        return cls({h.day: h.rest for h in holidays}, use_library=use_library)

    @property
    def known_years(self) -> tuple[int, ...]:
        return tuple(sorted(self._known))

    def knows(self, year: int) -> bool:
        return year in self._known

    def _require(self, first: date, last: date) -> None:
        """Raise `UnknownYear` for the first year from `first` to `last` that is not known."""
        for year in range(first.year, last.year + 1):
            if year not in self._known:
                raise UnknownYear(year, self._partial.get(year, 0))

    def _require_from(self, first: date) -> None:
        """Stepping ran past the last known working day: name the first unknown year it needed."""
        year = first.year
        while year in self._known:
            year += 1
        raise UnknownYear(year, self._partial.get(year, 0))

    def is_workday(self, day: date) -> bool:
        self._require(day, day)
        return day.toordinal() in self._workday_set

    def next_workday_on_or_after(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it (民法典 第二百零三条)."""
        i = bisect_left(self._workdays, day.toordinal())
        if i == len(self._workdays):
            self._require_from(day)
        found = date.fromordinal(self._workdays[i])
        self._require(day, found)
        return found

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n >= 1); `day` itself is never counted."""
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        i = bisect_right(self._workdays, day.toordinal()) + n - 1
        start = day + timedelta(days=1)
        if i >= len(self._workdays):
            self._require_from(start)
        found = date.fromordinal(self._workdays[i])
        self._require(start, found)
        return found

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; when `end` is before `start`,
        minus the working days after `end` up to and including `start`.

        Called as `workdays_between(today, due)` it is the working days left: 0 when due today,
        1 when due on the next working day, -1 one working day overdue. It may be 0 on the rest
        days straight after a deadline (a Saturday after a Friday deadline): overdue is decided
        by the dates, this only counts.
        """
        low, high = (start, end) if start <= end else (end, start)
        if low == high:
            return 0
        self._require(low + timedelta(days=1), high)
        count = bisect_right(self._workdays, high.toordinal()) - bisect_right(self._workdays, low.toordinal())
        return count if start <= end else -count


def holiday_rows_for_years(years: Iterable[int]) -> list[Holiday]:
    """The library's rest days and make-up working days for `years`, to prefill the 节假日 sheet.

    Years the library does not know give no rows: staff fill them from that year's notice.
    """
    wanted = {y for y in years if y in LIBRARY_YEARS}
    rows = [
        Holiday(day=day, rest=True, note=_CHINESE_NAMES.get(name, name))
        for day, name in library.holidays.items()
        if day.year in wanted
    ]
    rows += [
        Holiday(day=day, rest=False, note=f"{_CHINESE_NAMES.get(name, name)}调休上班")
        for day, name in library.workdays.items()
        if day.year in wanted
    ]
    return sorted(rows, key=lambda h: h.day)


def remembered(cache: dict[Any, Any], key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per key, an unknown year included: deadline counts repeat across cases,
    and so does the answer that a year is unknown."""
    found = cache.get(key)
    if found is None:
        try:
            found = compute()
        except UnknownYear as unknown:
            found = unknown
        cache[key] = found
    if isinstance(found, UnknownYear):
        raise found
    return found  # type: ignore[no-any-return]
