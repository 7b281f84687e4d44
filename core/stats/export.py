"""Stats as the JSON `taizhang stats --json` prints: Chinese figure names, English structure.

Every count is named as `taizhang.core.stats.figures` defines it and as 汇总 and the paragraph print
it: 件数 = 本级主办 + 本级协办 + 本级会办 + 本级分办 (+ 本级承办方式未填写) + 参阅 + 退回; then 应办复,
已办复, 到期应办复, 按期办复, 逾期件数 …; a unit row has 主办件次 and 协办件次 instead of 件数.

{"totals": {...}, "by_unit": [{"unit": ..., ...}], "by_category": {...},
 "classes": {"A": {"count", "share"}}, "rates": {"办复率": {"num", "den", "value"}}, "paragraph": ...},
plus today, ledger_year, class_scheme, by_level, by_role, by_timing, by_key_case, by_level_category
and earlier_b. by_unit ends with the "合计" row; each breakdown ends with its "合计". Every rate keeps
num and den; an unknown rate has them null and the value "未知".
"""

from __future__ import annotations

from typing import Any

from taizhang.core.stats.breakdowns import TOTAL, Breakdown, Stats, UnitRow
from taizhang.core.stats.figures import B_CONVERSION_RATE, Figures, role_label
from taizhang.core.stats.prose import paragraph


def classes_json(fig: Figures) -> dict[str, dict[str, Any]]:
    """{class: {count, share}} of a figure set (办理结果 A/B/C …)."""
    return {c: {"count": n, "share": fig.class_shares[c].value} for c, n in fig.classes.items()}


def figures_json(fig: Figures) -> dict[str, Any]:
    """One figure set as JSON: counts under their Chinese names, rates with numerator and denominator."""
    return {
        "件数": fig.cases,
        **{role_label(role): n for role, n in fig.roles.items()},
        "退回": fig.returned,
        "应办复": fig.due,
        "已办复": fig.replied,
        "到期应办复": fig.reply_due,
        "按期办复": fig.on_time,
        "逾期件数": fig.overdue,
        **fig.opinions,
        "已分类": fig.classified,
        "往年B类件数": fig.earlier_b,
        "往年B类已解决": fig.earlier_b_resolved,
        "往年其他件数": fig.earlier_other,
        "classes": classes_json(fig),
        "rates": {name: rate.to_json() for name, rate in fig.rates.items()},
    }


def unit_json(row: UnitRow) -> dict[str, Any]:
    """One unit's row as JSON: its 主办件次 and 协办件次 and its figures."""
    body = figures_json(row.figures)
    # A unit's cases are its assignments: 主办件次 and 协办件次; the ledger's own roles are no unit's.
    for role in row.figures.roles:
        del body[role_label(role)]
    del body["件数"]
    return {"unit": row.unit, "在名录": row.listed, "主办件次": row.hosted, "协办件次": row.co, **body}


def breakdown_json(breakdown: Breakdown) -> dict[str, Any]:
    """A breakdown as JSON: each group's figures and the 合计."""
    return {**{k: figures_json(v) for k, v in breakdown.groups.items()}, TOTAL: figures_json(breakdown.total)}


def stats_json(stats: Stats) -> dict[str, Any]:
    """Every figure of `stats` as JSON (what `taizhang stats --json` prints)."""
    totals = stats.totals
    return {
        "today": stats.today.isoformat(),
        "ledger_year": stats.ledger_year,
        "class_scheme": stats.scheme,
        "totals": figures_json(totals),
        "by_unit": [unit_json(row) for row in [*stats.by_unit, stats.unit_total]],
        "by_category": breakdown_json(stats.by_category),
        "by_level": breakdown_json(stats.by_level),
        "by_role": breakdown_json(stats.by_role),
        "by_timing": breakdown_json(stats.by_timing),
        "by_key_case": breakdown_json(stats.by_key_case),
        "by_level_category": {level: breakdown_json(b) for level, b in stats.by_level_category.items()},
        "classes": classes_json(totals),
        "rates": {name: rate.to_json() for name, rate in totals.rates.items()},
        "earlier_b": {"count": totals.earlier_b, "resolved": totals.earlier_b_resolved,
                      **totals.rates[B_CONVERSION_RATE].to_json()},
        "paragraph": paragraph(stats),
    }
