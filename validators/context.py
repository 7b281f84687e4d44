"""What every rule sees: the ledger, its columns, the settings, today, the working-day calendar, and
a way to emit hits.

The rules work column-wise on the ledger's own lists (`CaseTable`): a column is one Python list,
a test over it a comprehension, a hit a position where the test holds. No pandas and no numpy:
on a county ledger importing them cost more than the whole check (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property, partial
from itertools import compress
from operator import is_, is_not
from typing import Any

from taizhang.core.calendar import UnknownYear, WorkCalendar
from taizhang.core.columns import BY_NAME, Col, Kind
from taizhang.core.model import Ledger
from taizhang.core.settings import Settings
from taizhang.core.table import CaseValues
from taizhang.validators.registry import Hit

# When the 不满意 re-reply is due: given a case (read in place, `case.row` and `case[Col.X]`), its
# deadline, or None when unknown.
RereplyDue = Callable[[CaseValues], date | None]
# A column as the rules read it: one value per case, None when empty.
Column = Sequence[Any]


class PerRow(list[Any]):
    """A message parameter that differs per case (one value per case), as opposed to a fixed one."""


def shown(value: Any) -> str | None:
    """A value as the message and the report show it: dates ISO, lists joined with 、."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or None
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@dataclass
class Context:
    """What every rule sees: the ledger, its columns (`col`), the settings, today, the working-day
    calendar, and `emit` to yield hits."""

    ledger: Ledger
    settings: Settings
    today: date
    rereply_due: RereplyDue | None = None
    # The deadlines' calendar when the caller has one; else built from the 节假日 sheet on first use.
    given_calendar: WorkCalendar | None = None
    rows: list[int] = field(init=False)
    _columns: dict[str, Column] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.rows = list(self.ledger.table.rows)

    def col(self, name: str) -> Column:
        """A canonical column's values, one per case (all empty when the sheet lacks the column: a
        rule need not ask). Dates are `date` or None, 协办单位 lists, 年度 and counts int."""
        found = self._columns.get(name)
        if found is None:
            found = self._columns[name] = self._read(name)
        return found

    def _read(self, name: str) -> Column:
        n = len(self.rows)
        kind = BY_NAME[name].kind
        if name not in self.ledger.columns:  # only the sheet's columns: a case built in memory may carry others
            return [[] for _ in range(n)] if kind is Kind.UNITS else [None] * n
        values = self.ledger.table.column(name)
        if kind is Kind.DATE and not set(map(type, values)) <= {date, type(None)}:
            # A datetime compares with no date: keep the day, as the reader does.
            return [v.date() if isinstance(v, datetime) else v for v in values]
        return values

    @cached_property
    def calendar(self) -> WorkCalendar:
        if self.given_calendar is not None:
            return self.given_calendar
        return WorkCalendar.from_settings(self.settings.holidays)

    def counted(self, base: Column, count: Callable[[WorkCalendar, date], date],
                plain: Callable[[date], date], where: Sequence[bool] | None = None) -> list[date | None]:
        """`count(calendar, day)` for each filled value of `base` (where `where` holds; None elsewhere):
        the deadline engine's own counting, so a check and the engine agree on rest days. When the
        result falls in a year the calendar does not know, `plain(day)` (the corresponding day): a
        check then says nothing about rest days rather than staying silent."""
        found: dict[date, date] = {}
        out: list[date | None] = []
        for i, day in enumerate(base):
            if day is None or (where is not None and not where[i]):
                out.append(None)
                continue
            if day not in found:
                try:
                    found[day] = count(self.calendar, day)
                except UnknownYear:
                    found[day] = plain(day)
            out.append(found[day])
        return out

    @cached_property
    def year(self) -> list[int | None]:
        """Each case's year: its 年度, else the ledger's year; None when neither is known."""
        fallback = self.ledger.year or None
        return [own if own is not None else fallback for own in self.col(Col.YEAR)]

    @cached_property
    def co_units(self) -> list[tuple[int, str]]:
        """(Excel row, unit) for each 协办单位 of each case, in sheet order."""
        return [(row, unit) for row, units in zip(self.rows, self.col(Col.CO_UNITS), strict=True) for unit in units]

    def case(self, i: int) -> CaseValues:
        """The i-th case read in place (no `Case` is built: a rule needs only a few values)."""
        return self.ledger.table.row(i)

    def has(self, name: str) -> bool:
        return name in self.ledger.columns

    def at(self, name: str, *fallbacks: str) -> str:
        """The first of the columns the ledger has: a finding about a missing value goes to the cell
        to fill in, or to the cell that asked for it when the ledger lacks that column."""
        for candidate in (name, *fallbacks):
            if self.has(candidate):
                return candidate
        return name

    def emit(self, mask: Sequence[bool], name: str, value: Column | None = None, **params: Any) -> Iterator[Hit]:
        """One hit per case where `mask` holds, at column `name` (its value, or `value`'s); a param
        given as `PerRow` takes that case's value, any other is the same for every hit."""
        positions = list(compress(range(len(mask)), mask))  # at C speed: most masks hold nowhere
        if not positions:
            return
        values = self.col(name) if value is None else value
        fixed = {k: v for k, v in params.items() if not isinstance(v, PerRow)}
        varying = {k: v for k, v in params.items() if isinstance(v, PerRow)}
        rows = self.rows
        for i in positions:
            row_params = fixed | {k: shown(v[i]) for k, v in varying.items()} if varying else dict(fixed)
            yield Hit(rows[i], name, shown(values[i]), row_params)


_GIVEN = partial(is_not, None)  # `v is not None`, as a C-level predicate
_EMPTY = partial(is_, None)


def missing(column: Column) -> list[bool]:
    """True where the case's value is empty."""
    return list(map(_EMPTY, column))


def bounds(column: Column) -> tuple[Any, Any] | None:
    """The smallest and the largest value given (dates, numbers), None when all are empty: a
    rule whose limit they both respect need not look at each case."""
    given = list(filter(_GIVEN, column))
    return (min(given), max(given)) if given else None


def filled(column: Column) -> list[bool]:
    """True where the case's value is filled in."""
    return list(map(_GIVEN, column))


def before(later: Column, earlier: Column) -> list[bool]:
    """True where both dates are given and `later` comes before `earlier`."""
    return [a is not None and b is not None and a < b for a, b in zip(later, earlier, strict=True)]
