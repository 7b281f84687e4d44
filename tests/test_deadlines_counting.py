"""Counting periods per 民法典 第二百零一条至第二百零三条, on the working-day calendar."""

from __future__ import annotations

from datetime import date

import pytest

from taizhang.core.calendar import WorkCalendar
from taizhang.core.deadlines.counting import (
    add_months,
    fixed_date,
    months_after,
    natural_days_after,
    workdays_after,
)
from taizhang.core.settings import Holiday


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.from_settings([])


def test_three_months_ending_in_the_dragon_boat_holiday_move_to_the_next_working_day(cal: WorkCalendar) -> None:
    assert add_months(date(2026, 3, 20), 3) == date(2026, 6, 20)
    assert months_after(cal, date(2026, 3, 20), 3) == date(2026, 6, 22)


def test_three_months_ending_on_a_make_up_working_saturday_stay(cal: WorkCalendar) -> None:
    assert months_after(cal, date(2026, 7, 10), 3) == date(2026, 10, 10)


def test_seven_working_days_count_from_the_day_after(cal: WorkCalendar) -> None:
    assert workdays_after(cal, date(2026, 4, 30), 7) == date(2026, 5, 13)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
    ],
)
def test_months_end_on_the_corresponding_day_or_the_month_end(start: date, months: int, end: date) -> None:
    assert add_months(start, months) == end


def test_month_end_start_clamped_then_moved_off_a_sunday(cal: WorkCalendar) -> None:
    assert months_after(cal, date(2025, 10, 31), 1) == date(2025, 12, 1)  # 11-30 is a Sunday
    assert months_after(cal, date(2026, 1, 31), 1) == date(2026, 2, 28)  # a make-up working Saturday


def test_natural_days_ending_in_mid_autumn_move(cal: WorkCalendar) -> None:
    assert natural_days_after(cal, date(2026, 9, 24), 1) == date(2026, 9, 28)
    assert natural_days_after(cal, date(2026, 9, 21), 2) == date(2026, 9, 23)


def test_thirty_working_days_over_labour_day_with_make_up_sunday(cal: WorkCalendar) -> None:
    # 彭水2023通知: 协办意见 within 30 working days of 交办; 2023-04-23 (Sunday) and 05-06 (Saturday) are working days
    assert workdays_after(cal, date(2023, 4, 10), 30) == date(2023, 5, 23)


def test_holiday_row_moves_a_deadline() -> None:
    cal = WorkCalendar.from_settings([Holiday(day=date(2026, 6, 22), rest=True)])
    assert months_after(cal, date(2026, 3, 20), 3) == date(2026, 6, 23)


def test_fixed_feb_29_in_a_common_year_is_feb_28() -> None:
    assert fixed_date(2026, 2, 29) == date(2026, 2, 28)
    assert fixed_date(2028, 2, 29) == date(2028, 2, 29)
