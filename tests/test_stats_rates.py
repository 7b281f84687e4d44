"""Percentages as offices print them: two decimals, half up, over an exact fraction."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.stats import Rate, percent, percent_value


@pytest.mark.parametrize(
    ("num", "den", "shown"),
    [
        (2, 3, "66.67%"),  # 新疆2024报告
        (1, 3, "33.33%"),
        (1, 8, "12.50%"),
        (1, 6, "16.67%"),
        (1, 800, "0.13%"),  # 0.125 exactly: half up, not to even
        (3, 800, "0.38%"),  # 0.375
        (5, 7, "71.43%"),
        (0, 5, "0.00%"),
        (7, 7, "100.00%"),
        (1, 200000, "0.00%"),  # 0.0005%: below half a hundredth
        (1, 20000, "0.01%"),  # 0.005% exactly: up
    ],
)
def test_percent_rounds_half_up_to_two_decimals(num: int, den: int, shown: str) -> None:
    assert percent(num, den) == shown


def test_no_denominator_is_a_dash_not_a_number() -> None:
    assert percent(0, 0) == "—"
    assert percent_value(3, 0) is None
    assert Rate(0, 0).value == "—"
    assert not Rate(0, 0).measurable


def test_unknown_rate_has_no_numbers() -> None:
    rate = Rate.unknown()
    assert (rate.known, rate.measurable, rate.value) == (False, False, "未知")
    assert rate.to_json() == {"num": None, "den": None, "value": "未知"}
    assert (Rate(1, 2) + rate).value == "未知"


def test_rates_add_numerators_and_denominators() -> None:
    assert Rate(1, 2) + Rate(2, 4) == Rate(3, 6)
    assert Rate(2, 3).to_json() == {"num": 2, "den": 3, "value": "66.67%"}
    assert Rate(2, 3).percent == Decimal("66.67")


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=10**6))
def test_percent_matches_exact_half_up(num: int, den: int) -> None:
    hundredths = Fraction(num * 10000, den)
    # floor(2x) then halve, rounding up: half up on the exact fraction.
    expected = Decimal((hundredths.numerator * 2 // hundredths.denominator + 1) // 2).scaleb(-2)
    assert percent_value(num, den) == expected
    # The same as Decimal's own ROUND_HALF_UP (28 digits are plenty for these denominators).
    assert expected == (Decimal(num * 100) / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
