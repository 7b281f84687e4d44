"""Statistics: counts, rates, breakdowns and the report paragraph. Imports no workbook library.

The exact definitions are in `taizhang.core.stats.figures`.

The names below load their module when first used (PEP 562): a job that needs only the unit
names, a rate or a date's wording (`due`, `check`) does not import the statistics themselves.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from taizhang.core.stats.breakdowns import TOTAL, Breakdown, Stats, UnitRow, compute_stats
    from taizhang.core.stats.dates import chinese_date
    from taizhang.core.stats.export import stats_json
    from taizhang.core.stats.facts import CaseTiming
    from taizhang.core.stats.figures import RATE_NAMES, Figures
    from taizhang.core.stats.prose import paragraph
    from taizhang.core.stats.rates import Rate, percent, percent_value

# Each name's module, under this package.
_HOMES = {
    "TOTAL": "breakdowns", "Breakdown": "breakdowns", "Stats": "breakdowns", "UnitRow": "breakdowns",
    "compute_stats": "breakdowns", "chinese_date": "dates", "stats_json": "export", "CaseTiming": "facts",
    "RATE_NAMES": "figures", "Figures": "figures", "paragraph": "prose", "Rate": "rates", "percent": "rates",
    "percent_value": "rates",
}

__all__ = [
    "RATE_NAMES",
    "TOTAL",
    "Breakdown",
    "CaseTiming",
    "Figures",
    "Rate",
    "Stats",
    "UnitRow",
    "chinese_date",
    "compute_stats",
    "paragraph",
    "percent",
    "percent_value",
    "stats_json",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # asked once
    return value
