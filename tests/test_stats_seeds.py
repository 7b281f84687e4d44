"""The published figures of public notices and reports (docs/domain.md#sources), reproduced from ledgers
built for them."""

from __future__ import annotations

from datetime import date
from typing import Any

from taizhang.core.model import Case
from taizhang.core.settings import Settings
from taizhang.core.stats import compute_stats, stats_json


def cases_of(count: int, start: int, **values: Any) -> list[Case]:
    return [Case(row=start + i, sheet="台账", 编号=f"第{start + i}号", **values) for i in range(count)]


def seed_004() -> list[Case]:
    """新疆2024报告: 4 suggestions, 协办3件, 参阅1件; A类2件 占66.67%, B类1件 占33.33%; 办结率100%."""
    replied = {"类别": "人大代表建议", "级别": "全国", "年度": 2024, "本级承办方式": "协办",
               "主办单位": "自治区发展改革委", "正式答复日期": date(2024, 6, 20)}
    return [
        *cases_of(2, 5, 办理结果="A", **replied),
        *cases_of(1, 7, 办理结果="B", **replied),
        *cases_of(1, 8, 类别="人大代表建议", 级别="全国", 年度=2024, 本级承办方式="参阅"),
    ]


def test_seed_004_shares_are_over_the_classified_cases() -> None:
    stats = compute_stats(seed_004(), Settings(), date(2024, 12, 5), ledger_year=2024)
    out = stats_json(stats)
    assert out["totals"]["件数"] == 4
    assert (out["totals"]["本级协办"], out["totals"]["参阅"]) == (3, 1)
    assert out["classes"] == {"A": {"count": 2, "share": "66.67%"}, "B": {"count": 1, "share": "33.33%"},
                              "C": {"count": 0, "share": "0.00%"}}
    assert out["rates"]["办复率"] == {"num": 3, "den": 3, "value": "100.00%"}  # 参阅 is not due
    assert out["paragraph"] == ("截至2024年12月5日，共承办人大代表建议4件，其中本级协办3件，参阅1件；"
                                "各承办单位主办3件次；应办复3件，已办复3件，办复率100.00%；"
                                "A类2件，占66.67%，B类1件，占33.33%。")


def seed_000() -> list[Case]:
    """精河2025通知: 州人大代表建议36件,其中主办13件,协办23件。州政协委员提案45件,其中主办11件,
    协办34件。2021年以来B类州人大代表建议13件, B类政协委员提案8件, 县人大代表建议25件, 县政协委员提案43件."""
    zhou = {"级别": "州", "年度": 2025, "主办单位": "县发改委"}
    county = {"级别": "县", "年度": 2025, "本级承办方式": "主办", "主办单位": "县发改委"}
    earlier = {"级别": "州", "办理结果": "B", "主办单位": "县发改委"}
    return [
        *cases_of(13, 10, 类别="建议", 本级承办方式="主办", **zhou),
        *cases_of(23, 100, 类别="建议", 本级承办方式="协办", **zhou),
        *cases_of(11, 200, 类别="提案", 本级承办方式="主办", **zhou),
        *cases_of(34, 300, 类别="提案", 本级承办方式="协办", **zhou),
        *cases_of(13, 400, 类别="人大代表建议", 年度=2022, **earlier),
        *cases_of(8, 500, 类别="政协委员提案", 年度=2023, **earlier),
        *cases_of(25, 600, 类别="人大代表建议", **county),
        *cases_of(43, 700, 类别="政协委员提案", **county),
    ]


def test_seed_000_opening_counts_by_level_category_and_role() -> None:
    stats = compute_stats(seed_000(), Settings(), date(2025, 3, 17), ledger_year=2025)
    zhou = stats.by_level_category["州(市)"].groups
    suggestions, proposals = zhou["人大代表建议"], zhou["政协委员提案"]
    assert (suggestions.cases, suggestions.roles["主办"], suggestions.roles["协办"]) == (36, 13, 23)
    assert (proposals.cases, proposals.roles["主办"], proposals.roles["协办"]) == (45, 11, 34)
    assert (suggestions.earlier_b, proposals.earlier_b) == (13, 8)
    county = stats.by_level_category["县(区)"].groups
    assert (county["人大代表建议"].cases, county["政协委员提案"].cases) == (25, 43)
    # The one-way breakdowns agree with the cross table.
    assert stats.by_category.groups["人大代表建议"].cases == 36 + 25
    assert stats.by_level.groups["州(市)"].cases == 81
    assert stats.by_role.groups["协办"].cases == 23 + 34
    assert stats.totals.earlier_b == 21
    out = stats_json(stats)
    assert out["by_level_category"]["州(市)"]["人大代表建议"]["本级主办"] == 13
    assert out["by_category"]["政协委员提案"]["本级协办"] == 34
    assert out["paragraph"].startswith(
        "截至2025年3月17日，共承办人大代表建议61件、政协委员提案88件，其中本级主办92件，本级协办57件；")
