"""The column-wise checks agree with a straightforward per-case reference written here, in plain
Python over dicts, from docs/domain.md#checks-on-a-case: the date checks (order, future, near the
year) and the duplicates, on generated ledgers whose dates, years and numbers go every way (the
checks settle whole columns by their earliest and latest dates and look for duplicates among
repeated values only, so these are where a shortcut could go wrong)."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.core.columns import Col
from taizhang.core.settings import Settings
from taizhang.validators import validate
from tests.ledger_factory import FIRST_ROW, make_ledger

TODAY = date(2026, 5, 20)
LEDGER_YEAR = 2026
CHAIN = [Col.ASSIGNED_DATE, Col.MEETING_DATE, Col.DRAFT_DATE, Col.REPLY_DATE, Col.REREPLY_DATE]
AFTER_ASSIGNMENT = [Col.RECEIVED_DATE, Col.CO_OPINION_DATE, Col.PLAN_DATE, Col.FILED_DATE, Col.REVIEW_DATE,
                    Col.PUBLISH_DATE]
OTHER_DATES = [Col.EXTENDED_TO, Col.PLAN_DEADLINE, Col.RETURNED_DATE]
DATES = CHAIN + AFTER_ASSIGNMENT + OTHER_DATES
CODES = ("date-order", "date-in-future", "date-out-of-year", "duplicate-number", "duplicate-title")

days = st.dates(min_value=date(2023, 6, 1), max_value=date(2028, 6, 30))
sparse_days = st.one_of(st.none(), st.none(), days)


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    row: dict[str, Any] = {name: draw(sparse_days) for name in DATES}
    row[Col.NUMBER] = draw(st.sampled_from([None, "1号", "2号", "3号"]))
    row[Col.CATEGORY] = draw(st.sampled_from([None, "人大代表建议", "政协委员提案"]))
    row[Col.YEAR] = draw(st.sampled_from([None, 2025, 2026, 2027]))
    row[Col.TITLE] = draw(st.sampled_from([None, "关于修路的建议", "关于办学的建议"]))
    row[Col.LEAD] = draw(st.sampled_from([None, "代表甲", "代表乙"]))
    return row


# -- the reference: one case at a time ----------------------------------------------------------


def date_findings(row: int, case: dict[str, Any], year: int | None) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    latest: tuple[str, date] | None = None
    for name in CHAIN:  # each stage against the nearest earlier stage that has a date
        day = case[name]
        if day is None:
            continue
        if latest is not None and day < latest[1]:
            found.append(("date-order", row, name, latest[0]))
        latest = (name, day)
    pairs = [(Col.CO_OPINION_DATE, Col.REPLY_DATE), *((Col.ASSIGNED_DATE, n) for n in AFTER_ASSIGNMENT)]
    for earlier, later in pairs:
        if case[earlier] is not None and case[later] is not None and case[later] < case[earlier]:
            found.append(("date-order", row, later, earlier))
    for name in DATES:
        day = case[name]
        if day is None:
            continue
        if name not in (Col.EXTENDED_TO, Col.PLAN_DEADLINE) and day > TODAY:
            found.append(("date-in-future", row, name, None))
        if name != Col.PLAN_DEADLINE and year is not None and not year - 1 <= day.year <= year + 1:
            found.append(("date-out-of-year", row, name, None))
    return found


def duplicate_findings(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = []
    numbers: dict[tuple[Any, ...], list[int]] = {}
    titles: dict[tuple[Any, ...], list[int]] = {}
    for row, case in enumerate(rows, start=FIRST_ROW):
        year = case[Col.YEAR] if case[Col.YEAR] is not None else LEDGER_YEAR
        if case[Col.NUMBER] is not None:
            numbers.setdefault((case[Col.NUMBER], case[Col.CATEGORY] or "", year), []).append(row)
        if case[Col.TITLE] is not None and case[Col.LEAD] is not None:
            titles.setdefault((case[Col.TITLE], case[Col.LEAD]), []).append(row)
    for code, field, groups in (("duplicate-number", Col.NUMBER, numbers), ("duplicate-title", Col.TITLE, titles)):
        for members in groups.values():
            for row in members[1:]:  # the first entry is the original
                others = "、".join(f"第{r}行" for r in members if r != row)
                found.append((code, row, field, others))
    return found


def reference(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    found = duplicate_findings(rows)
    for row, case in enumerate(rows, start=FIRST_ROW):
        found += date_findings(row, case, case[Col.YEAR] if case[Col.YEAR] is not None else LEDGER_YEAR)
    return sorted(found, key=repr)


# -- the checks -----------------------------------------------------------------------------------


def checked(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    report = validate(make_ledger(rows, year=LEDGER_YEAR), Settings(), TODAY)
    found = []
    for f in report.findings:
        if f.code not in CODES:
            continue
        detail = None
        if f.code == "date-order":
            detail = f.message.split("早于“")[1].split("”")[0]
        elif f.code.startswith("duplicate"):
            detail = f.message.split("与")[1].split("重复" if f.code == "duplicate-number" else "的领衔人")[0]
        found.append((f.code, f.row, f.field, detail))
    return sorted(found, key=repr)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cases(), min_size=1, max_size=12))
def test_the_column_wise_checks_agree_with_the_per_case_reference(rows: list[dict[str, Any]]) -> None:
    assert checked(rows) == reference(rows)


def test_a_ledger_within_its_years_and_before_today_has_no_date_findings() -> None:
    """The shortcut's own edge: dates exactly on the bounds (today, the year before's 1 January, the
    year after's 31 December) are fine."""
    rows = [{**{name: None for name in DATES}, Col.NUMBER: None, Col.CATEGORY: None, Col.YEAR: None,
             Col.TITLE: None, Col.LEAD: None, Col.ASSIGNED_DATE: day}
            for day in (date(2025, 1, 1), TODAY)]
    rows.append({**rows[0], Col.ASSIGNED_DATE: None, Col.PLAN_DEADLINE: date(2027, 12, 31)})
    assert checked(rows) == reference(rows) == []
