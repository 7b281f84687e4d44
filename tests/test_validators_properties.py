"""Property tests: date order, the six-month limit's month arithmetic, and the phone patterns."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.core.calendar import WorkCalendar
from taizhang.core.deadlines.counting import add_months, extension_cap
from taizhang.validators import validate
from taizhang.validators.dates import CHAIN
from taizhang.validators.formats import _PHONES, bad_phones
from tests.ledger_factory import FIRST_ROW, clean_row, make_ledger, make_settings

TODAY = date(2025, 12, 31)
SETTINGS = make_settings()
days_2025 = st.dates(min_value=date(2025, 1, 1), max_value=date(2025, 12, 31))


def codes(rows: list[dict]) -> list[tuple[int, str, str]]:
    report = validate(make_ledger(rows), SETTINGS, TODAY)
    return [(f.row, f.field, f.code) for f in report.findings]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), days_2025), min_size=len(CHAIN), max_size=len(CHAIN)))
def test_date_order_flags_each_step_back(dates: list[date | None]) -> None:
    changes = dict(zip(CHAIN, dates, strict=True))
    # Keep the other rules quiet: no opinion/result needs a reply, and the dates outside the chain
    # (compared with 交办日期 on their own) are left empty.
    row = clean_row(1, **changes, 协办意见日期=None, 签收日期=None, 办理方案日期=None, 备案日期=None, 代表意见=None,
                    办理结果=None, 答复文号=None)
    row = {k: v for k, v in row.items() if k not in CHAIN or changes[k] is not None}
    expected = []
    latest = None
    for name, day in changes.items():
        if day is None:
            continue
        if latest is not None and day < latest:
            expected.append((FIRST_ROW, name, "date-order"))
        latest = day
    found = [c for c in codes([row]) if c[2] == "date-order"]
    assert found == expected


CAL = WorkCalendar.from_settings([])


@settings(max_examples=60, deadline=None)
@given(days_2025, st.integers(min_value=-3, max_value=3))
def test_extension_limit_is_the_engine_cap(assigned: date, offset: int) -> None:
    # The cap is the deadline engine's: the corresponding day (8-31 → 2-28), moved off a rest day.
    cap = extension_cap(CAL, assigned)
    assert cap >= add_months(assigned, 6) and CAL.is_workday(cap)
    extended = cap + timedelta(days=offset)
    row = clean_row(1, 交办日期=assigned, 延期至=extended, 延期理由="需跨部门协调", 面商日期=None,
                    协办意见日期=None, 办理方案日期=None, 答复样稿日期=None, 正式答复日期=None, 签收日期=None,
                    备案日期=None, 办理结果=None, 代表意见=None)
    too_long = [c for c in codes([row]) if c[2] == "extension-too-long"]
    assert bool(too_long) == (offset > 0)


mobile = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
landline = st.from_regex(r"(0\d{2,3}-|\(0\d{2,3}\))?\d{7,8}", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(mobile, landline), min_size=1, max_size=3), st.sampled_from(["、", ",", "；", "/"]))
def test_good_phone_cells_pass(numbers: list[str], separator: str) -> None:
    cell = separator.join(numbers)
    assert bad_phones(cell) == []
    assert _PHONES.fullmatch(cell)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789139-()、,/ ", max_size=30))
def test_phone_fast_path_never_passes_a_bad_number(cell: str) -> None:
    # The whole-cell pattern is only a shortcut: whatever it passes, the per-number check passes too.
    if _PHONES.fullmatch(cell):
        assert bad_phones(cell) == []
