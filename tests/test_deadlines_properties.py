"""Properties of date arithmetic: a relative due date is a working day, and later starts never end earlier."""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.calendar import WorkCalendar
from taizhang.core.deadlines import PRESETS, DeadlineKind, DeadlineRule, Term, evaluate, rules_to_rows
from taizhang.core.deadlines.counting import add_months, months_after, natural_days_after, workdays_after
from taizhang.core.deadlines.sheet import RULE_HEADERS, rules_from_table
from taizhang.core.model import Case
from taizhang.core.settings import DEADLINES_SHEET, SheetTable

CAL = WorkCalendar.from_settings([])
# Starts late enough in the library's range that 6 months or 120 working days stay inside it.
starts = st.dates(min_value=date(2004, 1, 1), max_value=date(2026, 6, 15))
COUNTERS = {
    DeadlineKind.NATURAL_DAYS: (natural_days_after, st.integers(1, 90)),
    DeadlineKind.WORKDAYS: (workdays_after, st.integers(1, 100)),
    DeadlineKind.MONTHS: (months_after, st.integers(1, 6)),
}
kinds = st.sampled_from(sorted(COUNTERS))


@given(kinds, starts, st.data())
def test_a_relative_due_date_is_never_a_rest_day(kind: DeadlineKind, start: date, data: st.DataObject) -> None:
    count, amounts = COUNTERS[kind]
    due = count(CAL, start, data.draw(amounts))
    assert CAL.is_workday(due)
    assert due > start


@given(kinds, starts, starts, st.data())
def test_a_later_start_never_gives_an_earlier_due_date(kind: DeadlineKind, a: date, b: date,
                                                       data: st.DataObject) -> None:
    count, amounts = COUNTERS[kind]
    n = data.draw(amounts)
    early, late = sorted((a, b))
    assert count(CAL, early, n) <= count(CAL, late, n)


@given(starts, st.integers(1, 120))
def test_working_days_left_counts_back_what_was_added(start: date, n: int) -> None:
    due = CAL.add_workdays(start, n)
    assert CAL.workdays_between(start, due) == n
    assert CAL.workdays_between(due, start) == -n


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2900, 1, 1)), st.integers(0, 60))
def test_months_keep_the_day_or_end_the_month(start: date, months: int) -> None:
    end = add_months(start, months)
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == months
    assert end.day == min(start.day, monthrange(end.year, end.month)[1])


@given(starts, starts, st.one_of(st.none(), starts))
def test_a_later_assignment_never_gives_an_earlier_reply_deadline(a: date, b: date, extension: date | None) -> None:
    rules = PRESETS["代表法三个月"]
    early, late = sorted((a, b))
    cases = [Case(row=r, sheet="台账", 交办日期=d, 延期至=extension) for r, d in ((5, early), (6, late))]
    first, second = evaluate(cases, rules, CAL, date(2026, 1, 1), ledger_year=None, due_soon_days=5)
    assert first.due is not None and second.due is not None
    assert first.due <= second.due


relative_terms = st.builds(
    Term, kind=st.sampled_from([DeadlineKind.NATURAL_DAYS, DeadlineKind.WORKDAYS, DeadlineKind.MONTHS]),
    amount=st.integers(1, 400), base=st.sampled_from(["交办日期", "正式答复日期", "面商日期"]),
)
fixed_terms = st.builds(Term, kind=st.just(DeadlineKind.FIXED), month=st.integers(1, 12), day=st.integers(1, 28))
rules = st.builds(
    DeadlineRule,
    stage=st.sampled_from(["面商", "正式答复", "回头看"]),
    done_column=st.sampled_from(["面商日期", "正式答复日期", "回头看日期"]),
    roles=st.lists(st.sampled_from(["主办", "协办", "会办", "分办", "参阅"]), unique=True).map(tuple),
    category=st.sampled_from([None, "人大代表建议", "政协委员提案"]),
    term=st.one_of(relative_terms, fixed_terms),
    extension_column=st.sampled_from([None, "延期至"]),
)


@given(st.lists(rules, min_size=1, max_size=5))
def test_rules_survive_the_sheet(written: list[DeadlineRule]) -> None:
    table = SheetTable.from_grid(DEADLINES_SHEET, [RULE_HEADERS, *rules_to_rows(written)])
    assert plain(rules_from_table(table)) == plain(written)


def plain(rules: list[DeadlineRule]) -> list[DeadlineRule]:
    """Rules as data: where a rule was read from, and whether its 责任单位 was written or implied, aside."""
    return [r.model_copy(update={"cells": (), "owner": r.responsible}) for r in rules]
