"""Statistics: counts, rates, breakdowns and the report paragraph. Imports no workbook library.

The exact definitions are in `taizhang.core.stats.figures`.
"""

from taizhang.core.stats.breakdowns import TOTAL, Breakdown, Stats, UnitRow, compute_stats
from taizhang.core.stats.export import stats_json
from taizhang.core.stats.facts import CaseTiming
from taizhang.core.stats.figures import RATE_NAMES, Figures
from taizhang.core.stats.paragraph import chinese_date, paragraph
from taizhang.core.stats.rates import Rate, percent, percent_value

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
