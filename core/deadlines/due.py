"""The due date of one rule for one case: its time limit(s), the earlier/later of two, an extension.

A due date is either a date, or unknown (data missing, or a year the calendar does not know:
never guessed), or waiting: the period runs from a later stage's date that is not there yet
(回头看 one month after 正式答复, before the reply), which is not a problem, only not yet started.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from taizhang.core.calendar import UnknownYear, WorkCalendar, remembered
from taizhang.core.columns import Col
from taizhang.core.deadlines.counting import (
    EXTENSION_CAP_MONTHS,
    add_months,
    extension_cap,
    fixed_date,
    months_after,
    natural_days_after,
    workdays_after,
)
from taizhang.core.deadlines.rules import (
    Combine,
    DeadlineKind,
    DeadlineRule,
    Term,
)
from taizhang.core.table import CaseValues

_COUNTERS = {
    DeadlineKind.NATURAL_DAYS: natural_days_after,
    DeadlineKind.WORKDAYS: workdays_after,
    DeadlineKind.MONTHS: months_after,
}
NO_YEAR = "不知道台账年度，无法确定固定日期：请在“参数”工作表填写“年度”"


class Due(NamedTuple):
    day: date | None
    unknown: str | None = None  # why the date cannot be known
    waiting: str | None = None  # the period has not started yet
    note: str | None = None  # e.g. the extension that set it

    @property
    def reason(self) -> str | None:
        return self.unknown or self.waiting or self.note


class DueCalculator:
    """Due dates for many cases; periods from the same date are computed once (cases are assigned in batches)."""

    def __init__(self, rules: list[DeadlineRule], calendar: WorkCalendar, ledger_year: int | None) -> None:
        self.calendar = calendar
        self.ledger_year = ledger_year
        # A base column that some stage fills is "not yet", not "missing".
        self._stage_columns = {r.done_column for r in rules} - {Col.ASSIGNED_DATE}
        self._periods: dict[tuple[DeadlineKind, int, date], date | UnknownYear] = {}
        self._fixed: dict[tuple[int, int, int], date] = {}
        self._caps: dict[date, date | UnknownYear] = {}

    def inputs(self, rule: DeadlineRule) -> tuple[str, ...]:
        """The columns the due date of `rule` depends on (cases alike in these share it)."""
        names = [t.base for t in rule.terms() if t.kind is not DeadlineKind.FIXED]
        if rule.extension_column:
            names += [rule.extension_column, Col.ASSIGNED_DATE]
        if self.ledger_year is None and any(t.kind is DeadlineKind.FIXED for t in rule.terms()):
            names += [Col.YEAR, Col.ASSIGNED_DATE]
        return tuple(dict.fromkeys(names))

    def _period(self, kind: DeadlineKind, amount: int, base: date) -> date:
        key = (kind, amount, base)
        return remembered(self._periods, key, lambda: _COUNTERS[kind](self.calendar, base, amount))

    def term(self, term: Term, case: CaseValues) -> Due:
        if term.kind is DeadlineKind.FIXED:
            assert term.month is not None and term.day is not None
            assigned = case[Col.ASSIGNED_DATE]
            year = self.ledger_year or case[Col.YEAR] or (assigned.year if assigned else None)
            if year is None:
                return Due(None, unknown=NO_YEAR)
            key = (year, term.month, term.day)
            day = self._fixed.get(key)
            if day is None:
                day = self._fixed[key] = fixed_date(*key)
            return Due(day)
        base = case[term.base]
        if not isinstance(base, date):
            if term.base in self._stage_columns:
                return Due(None, waiting=f"待“{term.base}”填写后起算")
            return Due(None, unknown=f"“{term.base}”为空，无法计算截止日期")
        assert term.amount is not None
        try:
            return Due(self._period(term.kind, term.amount, base))
        except UnknownYear as unknown:
            return Due(None, unknown=unknown.message)

    def rule(self, rule: DeadlineRule, case: CaseValues) -> Due:
        if rule.extension_column:
            granted = case[rule.extension_column]
            if isinstance(granted, date):
                return self._extended(granted, case)
        parts = [self.term(t, case) for t in rule.terms()]
        if len(parts) == 1:
            return parts[0]
        for part in parts:
            if part.unknown:
                return part
        days = [p.day for p in parts if p.day is not None]
        if rule.combine is Combine.EARLIER:
            return Due(min(days)) if days else parts[0]
        waiting = [p for p in parts if p.waiting]
        return waiting[0] if waiting else Due(max(days))

    def _extended(self, granted: date, case: CaseValues) -> Due:
        """The granted date replaces the due date, but never beyond 6 months after 交办 (代表法 第五十一条).
        The granted date is a date, not a period: it is not moved off a rest day."""
        note = f"已延期至{granted.isoformat()}"
        assigned = case[Col.ASSIGNED_DATE]
        # The cap only moves later when rolled off a rest day, so an earlier grant needs no calendar.
        if assigned is None or granted <= add_months(assigned, EXTENSION_CAP_MONTHS):
            return Due(granted, note=note)
        cap = self._caps.get(assigned)
        if cap is None:
            try:
                cap = extension_cap(self.calendar, assigned)
            except UnknownYear as unknown:
                cap = unknown
            self._caps[assigned] = cap
        if isinstance(cap, UnknownYear):
            return Due(None, unknown=cap.message)
        if granted <= cap:
            return Due(granted, note=note)
        return Due(cap, note=f"{Col.EXTENDED_TO}{granted.isoformat()}超过交办后{EXTENSION_CAP_MONTHS}个月，按{cap.isoformat()}计")
