"""The working-day calendar: the library's years, the 节假日 sheet over them, unknown years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from taizhang.core.calendar import UnknownYear, WorkCalendar, holiday_rows_for_years
from taizhang.core.settings import Holiday


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.from_settings([])


def rest(day: date, note: str | None = None) -> Holiday:
    return Holiday(day=day, rest=True, note=note)


def work(day: date) -> Holiday:
    return Holiday(day=day, rest=False)


def test_library_knows_holidays_and_make_up_working_days(cal: WorkCalendar) -> None:
    assert not cal.is_workday(date(2026, 6, 19))  # 端午
    assert not cal.is_workday(date(2026, 6, 20))  # Saturday
    assert cal.is_workday(date(2026, 10, 10))  # Saturday, 国庆 make-up working day
    assert cal.is_workday(date(2026, 5, 9))  # Saturday, 劳动节 make-up working day
    assert cal.is_workday(date(2026, 6, 22))


def test_year_nobody_knows_raises_with_a_message_asking_for_the_holiday_sheet(cal: WorkCalendar) -> None:
    with pytest.raises(UnknownYear) as raised:
        cal.is_workday(date(2027, 3, 1))
    assert raised.value.year == 2027
    assert raised.value.message == (
        "2027年的节假日安排未知，请在“节假日”工作表中按国务院办公厅通知填写2027年的放假和调休日期"
    )
    assert not cal.knows(2027)
    assert cal.knows(2004) and cal.knows(2026) and not cal.knows(2003)


def test_holiday_rows_override_the_library() -> None:
    cal = WorkCalendar.from_settings([rest(date(2026, 6, 22)), work(date(2026, 6, 20))])
    assert not cal.is_workday(date(2026, 6, 22))
    assert cal.is_workday(date(2026, 6, 20))
    assert cal.is_workday(date(2026, 6, 23))


def notice_2027() -> list[Holiday]:
    """A whole year's notice, as staff would copy it into the 节假日 sheet (seven holidays, make-up days)."""
    spans = [(date(2027, 1, 1), 3, "元旦"), (date(2027, 2, 6), 8, "春节"), (date(2027, 4, 3), 3, "清明"),
             (date(2027, 5, 1), 5, "劳动节"), (date(2027, 6, 9), 3, "端午"), (date(2027, 9, 15), 3, "中秋"),
             (date(2027, 10, 1), 7, "国庆")]
    rows = [rest(start + timedelta(days=i), note) for start, n, note in spans for i in range(n)]
    return [*rows, work(date(2027, 2, 20)), work(date(2027, 9, 26)), work(date(2027, 10, 9))]


def test_holiday_rows_make_a_new_year_known() -> None:
    cal = WorkCalendar.from_settings(notice_2027())
    assert cal.knows(2027)
    assert not cal.is_workday(date(2027, 1, 1))  # a Friday, 休 by the sheet
    assert not cal.is_workday(date(2027, 1, 2))  # Saturday
    assert cal.is_workday(date(2027, 1, 4))  # Monday
    assert cal.next_workday_on_or_after(date(2026, 12, 31)) == date(2026, 12, 31)
    assert cal.add_workdays(date(2026, 12, 31), 1) == date(2027, 1, 4)
    assert not cal.is_workday(date(2027, 10, 4))  # 国庆, a Monday
    assert cal.is_workday(date(2027, 10, 9))  # Saturday, make-up working day


@pytest.mark.parametrize("rows", [
    [rest(date(2027, 1, 1), "元旦")],  # one stray row
    [rest(date(2027, 2, 6) + timedelta(days=i), "春节") for i in range(6)],  # six rest days
    [rest(date(2027, 1, 1)), *(work(date(2027, 2, 20) + timedelta(days=7 * i)) for i in range(7))],  # 班 are not 休
])
def test_a_year_the_sheet_covers_only_in_part_stays_unknown(rows: list[Holiday]) -> None:
    cal = WorkCalendar.from_settings(rows)
    assert not cal.knows(2027)
    with pytest.raises(UnknownYear) as raised:
        cal.is_workday(date(2027, 10, 4))  # 国庆 must not become a working day
    assert (raised.value.year, raised.value.rows) == (2027, len(rows))
    assert raised.value.message == (
        f"2027年的节假日安排不完整：“节假日”工作表中2027年只有{len(rows)}行，"
        "请按国务院办公厅2027年部分节假日安排的通知填写全年的放假和调休日期"
    )
    with pytest.raises(UnknownYear) as stepping:
        cal.add_workdays(date(2026, 12, 20), 30)
    assert stepping.value.rows == len(rows)


def test_seven_rest_days_make_a_year_known() -> None:
    cal = WorkCalendar.from_settings([rest(date(2027, 2, 6) + timedelta(days=i), "春节") for i in range(7)])
    assert cal.knows(2027)


def test_without_the_library_only_the_sheet_years_are_known() -> None:
    cal = WorkCalendar.from_settings([*notice_2027(), work(date(2026, 10, 10))], use_library=False)
    assert cal.known_years == (2027,)  # 2026's one row is not a whole notice
    assert not cal.is_workday(date(2027, 10, 1))
    with pytest.raises(UnknownYear):
        cal.is_workday(date(2026, 10, 10))


def test_stepping_into_an_unknown_year_raises(cal: WorkCalendar) -> None:
    with pytest.raises(UnknownYear) as raised:
        cal.add_workdays(date(2026, 12, 20), 30)
    assert raised.value.year == 2027
    with pytest.raises(UnknownYear):
        cal.next_workday_on_or_after(date(2027, 1, 1))
    with pytest.raises(UnknownYear):
        cal.workdays_between(date(2026, 12, 1), date(2027, 1, 5))


def test_stepping_over_a_gap_between_known_years_raises() -> None:
    whole_2028 = [rest(date(2028, 1, 3) + timedelta(days=i)) for i in range(7)]
    cal = WorkCalendar.from_settings(whole_2028)  # 2028 known, 2027 not
    with pytest.raises(UnknownYear) as raised:
        cal.add_workdays(date(2026, 12, 30), 5)
    assert raised.value.year == 2027


def test_seven_working_days_after_labour_day_eve(cal: WorkCalendar) -> None:
    # 5-01..5-05 off, Saturday 5-09 is a working day
    assert cal.add_workdays(date(2026, 4, 30), 7) == date(2026, 5, 13)


def test_next_workday_on_or_after(cal: WorkCalendar) -> None:
    assert cal.next_workday_on_or_after(date(2026, 6, 20)) == date(2026, 6, 22)
    assert cal.next_workday_on_or_after(date(2026, 10, 10)) == date(2026, 10, 10)
    assert cal.next_workday_on_or_after(date(2026, 10, 1)) == date(2026, 10, 8)


@pytest.mark.parametrize(
    ("today", "due", "left"),
    [
        (date(2026, 6, 16), date(2026, 6, 16), 0),  # due today
        (date(2026, 6, 16), date(2026, 6, 17), 1),
        (date(2026, 6, 18), date(2026, 6, 22), 1),  # over 端午 and the weekend
        (date(2026, 6, 17), date(2026, 6, 16), -1),
        (date(2026, 6, 23), date(2026, 6, 18), -2),  # 6-22 and 6-23
        (date(2026, 6, 20), date(2026, 6, 18), 0),  # rest days straight after the deadline
    ],
)
def test_workdays_between_counts_after_start_up_to_end(
    cal: WorkCalendar, today: date, due: date, left: int
) -> None:
    assert cal.workdays_between(today, due) == left


def test_holiday_rows_for_prefilling_the_sheet() -> None:
    rows = holiday_rows_for_years([2026, 2027])
    assert {r.day.year for r in rows} == {2026}
    by_day = {r.day: r for r in rows}
    assert by_day[date(2026, 6, 19)] == Holiday(day=date(2026, 6, 19), rest=True, note="端午")
    assert by_day[date(2026, 10, 10)] == Holiday(day=date(2026, 10, 10), rest=False, note="国庆节调休上班")
    assert [r.day for r in rows] == sorted(r.day for r in rows)
    assert holiday_rows_for_years([2027]) == []


def test_prefilled_rows_give_the_same_calendar() -> None:
    library = WorkCalendar.from_settings([])
    from_rows = WorkCalendar.from_settings(holiday_rows_for_years([2026]), use_library=False)
    days = [date.fromordinal(date(2026, 1, 1).toordinal() + i) for i in range(365)]
    assert [from_rows.is_workday(d) for d in days] == [library.is_workday(d) for d in days]
