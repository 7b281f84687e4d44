"""Rates as offices print them: a numerator, a denominator and a percentage rounded half up.

Offices print two decimals, rounded half up (新疆2024报告: 2/3 → 66.67%, 1/3 → 33.33%;
docs/domain.md#statistics), not the banker's rounding of `round()`. The arithmetic is exact (integers, then a `Decimal` with two
places), so a value on the boundary such as 1/800 = 0.125% always becomes 0.13%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

NO_DENOMINATOR = "—"  # shown when nothing is due: a rate over zero cases is not 0% and not 100%
UNKNOWN = "未知"  # shown when the figure cannot be known (no deadline evaluation was given)


def percent_value(num: int, den: int) -> Decimal | None:
    """num/den as a percentage with two decimals, half up; None when den is 0."""
    if den <= 0:
        return None
    # Hundredths of a percent, half up, in integers: no float, no context precision to worry about.
    hundredths, rest = divmod(num * 10000, den)
    if 2 * rest >= den:
        hundredths += 1
    return Decimal(hundredths).scaleb(-2)


def percent(num: int, den: int) -> str:
    """num/den as offices print it: "66.67%"; den 0 gives "—" (nothing to measure)."""
    value = percent_value(num, den)
    return NO_DENOMINATOR if value is None else f"{value:.2f}%"


@dataclass(frozen=True)
class Rate:
    """A published rate. `num`/`den` are None only when the rate is unknown (`known` is False)."""

    num: int | None
    den: int | None

    @classmethod
    def unknown(cls) -> Rate:
        return cls(None, None)

    @property
    def known(self) -> bool:
        return self.num is not None and self.den is not None

    @property
    def measurable(self) -> bool:
        """Known and over at least one case: worth printing in a report."""
        return self.known and bool(self.den)

    @property
    def percent(self) -> Decimal | None:
        if self.num is None or self.den is None:
            return None
        return percent_value(self.num, self.den)

    @property
    def value(self) -> str:
        if self.num is None or self.den is None:
            return UNKNOWN
        return percent(self.num, self.den)

    def __add__(self, other: Rate) -> Rate:
        """Totals rows add numerators and denominators, never percentages."""
        if self.num is None or self.den is None or other.num is None or other.den is None:
            return Rate.unknown()
        return Rate(self.num + other.num, self.den + other.den)

    def to_json(self) -> dict[str, int | str | None]:
        return {"num": self.num, "den": self.den, "value": self.value}
