"""The report paragraph offices paste into a 通报 or 报告, in the style of 进展情况2024 and 新疆2024报告
(docs/domain.md#sources):

截至2024年12月5日，共承办人大代表建议4件，其中本级协办3件，参阅1件；各承办单位主办3件次；
应办复3件，已办复3件，办复率100.00%；A类2件，占66.67%，B类1件，占33.33%。  (新疆2024报告's figures)

Parts, in order, joined by "；": 件数 by 类别, and 其中 the ledger's own roles (本级主办, 本级协办, 参阅,
退回 …, which add up to the 件数); the units' 主办件次 and 协办件次 (the 汇总 合计 row's numbers);
应办复, 已办复 and 办复率; 到期应办复, 按期办复 and 按期办复率, and the cases with an overdue stage;
见面率; classes with a case; earlier years' B cases and B类转化率; 满意和基本满意率 with 满意占比
("代表" for suggestions only, "委员" for proposals only). Every name is the one
`taizhang.core.stats.figures` defines and 汇总 prints. Percentages are the same strings as the
JSON's (two decimals: "100.00%").

Every number comes from `Stats`; a part whose denominator is 0 (or unknown) is left out, never
printed as 0% or 100%.
"""

from __future__ import annotations

from taizhang.core.enums import PLANNED_CLASS, Category
from taizhang.core.stats.breakdowns import Stats
from taizhang.core.stats.dates import chinese_date
from taizhang.core.stats.facts import BLANK
from taizhang.core.stats.figures import (
    B_CONVERSION_RATE,
    MEETING_RATE,
    ON_TIME_RATE,
    REPLY_RATE,
    SATISFACTION_RATE,
    SATISFIED_SHARE,
    Figures,
    role_label,
)


def _counts(stats: Stats) -> str:
    groups = stats.by_category.groups
    parts = [f"{name}{fig.cases}件" for name, fig in groups.items() if fig.cases and name != BLANK]
    if groups.get(BLANK) and groups[BLANK].cases:
        parts.append(f"类别未填写的{groups[BLANK].cases}件")
    if not parts:
        return "共承办建议提案0件"
    return "共承办" + "、".join(parts) + _roles(stats.totals)


def _roles(fig: Figures) -> str:
    """其中本级主办…，本级协办…，参阅…，退回…: they add up to the 件数. A ledger that never fills in
    本级承办方式 (or has no such column) is not told so case by case."""
    filled = {role: n for role, n in fig.roles.items() if n}
    if set(filled) == {BLANK}:
        filled = {}
    roles = [f"{role_label(role)}{n}件" for role, n in filled.items()]
    if fig.returned:
        roles.append(f"退回{fig.returned}件")
    return "，其中" + "，".join(roles) if roles else ""


def _assignments(stats: Stats) -> str | None:
    """The units' assignments, as the 汇总 合计 row counts them (件次, not 件)."""
    total = stats.unit_total
    parts = [f"{name}{n}件次" for name, n in (("主办", total.hosted), ("协办", total.co)) if n]
    return "各承办单位" + "、".join(parts) if parts else None


def _reply(fig: Figures) -> str | None:
    if not fig.rates[REPLY_RATE].measurable:
        return None
    return f"应办复{fig.due}件，已办复{fig.replied}件，办复率{fig.rates[REPLY_RATE].value}"


def _on_time(fig: Figures) -> str | None:
    parts = []
    if fig.rates[ON_TIME_RATE].measurable:
        parts.append(f"到期应办复{fig.reply_due}件，按期办复{fig.on_time}件，"
                     f"按期办复率{fig.rates[ON_TIME_RATE].value}")
    if fig.overdue:
        parts.append(f"{fig.overdue}件有环节逾期")
    return "，".join(parts) or None


def _classes(fig: Figures) -> str | None:
    if not fig.classified:
        return None
    return "，".join(f"{c}类{n}件，占{fig.class_shares[c].value}" for c, n in fig.classes.items() if n)


def _earlier_b(stats: Stats) -> str | None:
    fig = stats.totals
    if not fig.rates[B_CONVERSION_RATE].measurable:
        return None
    planned = PLANNED_CLASS[stats.scheme]
    return (f"往年{planned}类建议提案{fig.earlier_b}件，已解决{fig.earlier_b_resolved}件，"
            f"转化率{fig.rates[B_CONVERSION_RATE].value}")


def _proposers(stats: Stats) -> str:
    groups = stats.by_category.groups
    suggestions = groups[Category.SUGGESTION].cases
    proposals = groups[Category.PROPOSAL].cases
    if suggestions and not proposals:
        return "代表"
    if proposals and not suggestions:
        return "委员"
    return "代表委员"


def _satisfaction(stats: Stats) -> str | None:
    fig = stats.totals
    if not fig.rates[SATISFACTION_RATE].measurable:
        return None
    return (f"{_proposers(stats)}满意和基本满意率{fig.rates[SATISFACTION_RATE].value}，"
            f"其中满意占比{fig.rates[SATISFIED_SHARE].value}")


def paragraph(stats: Stats) -> str:
    """The report paragraph for `stats`: counts, roles, replies and rates, classes and opinions, in the
    wording of published reports (see the module docstring for the parts and their order)."""
    fig = stats.totals
    meeting = fig.rates[MEETING_RATE]
    parts = [
        _counts(stats),
        _assignments(stats),
        _reply(fig),
        _on_time(fig),
        f"见面率{meeting.value}" if meeting.measurable else None,
        _classes(fig),
        _earlier_b(stats),
        _satisfaction(stats),
    ]
    return f"截至{chinese_date(stats.today)}，" + "；".join(p for p in parts if p) + "。"
