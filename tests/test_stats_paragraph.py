"""The report paragraph: figures in the order offices write them, parts over no cases left out."""

from __future__ import annotations

from datetime import date
from typing import Any

from taizhang.core.model import Case
from taizhang.core.settings import Settings
from taizhang.core.stats import CaseTiming, compute_stats, paragraph

TODAY = date(2026, 5, 20)
D = date(2026, 4, 1)


def case(row: int, **values: Any) -> Case:
    values = {"年度": 2026, "主办单位": "县水利局", **values}
    return Case(row=row, sheet="台账", **values)


def test_full_paragraph() -> None:
    cases = [
        case(1, 类别="人大代表建议", 本级承办方式="主办", 正式答复日期=D, 面商日期=D, 办理结果="A", 代表意见="满意"),
        case(2, 类别="人大代表建议", 本级承办方式="主办", 面商日期=D),
        case(3, 类别="政协委员提案", 本级承办方式="协办", 正式答复日期=D, 办理结果="B", 代表意见="基本满意"),
        case(4, 类别="政协委员提案", 本级承办方式="参阅"),
        case(5, 年度=2025, 类别="政协委员提案", 办理结果="B", 落实进展="已解决"),
    ]
    timing = {1: CaseTiming(False, True, True), 2: CaseTiming(True, None, True), 3: CaseTiming(False, True, True)}
    stats = compute_stats(cases, Settings(), TODAY, ledger_year=2026, timing=timing)
    assert paragraph(stats) == (
        "截至2026年5月20日，共承办人大代表建议2件、政协委员提案2件，其中本级主办2件，本级协办1件，参阅1件；"
        "各承办单位主办3件次；应办复3件，已办复2件，办复率66.67%；"
        "到期应办复3件，按期办复2件，按期办复率66.67%，1件有环节逾期；见面率100.00%；"
        "A类1件，占50.00%，B类1件，占50.00%；往年B类建议提案1件，已解决1件，转化率100.00%；"
        "代表委员满意和基本满意率100.00%，其中满意占比50.00%。"
    )


def test_parts_over_no_cases_are_left_out() -> None:
    stats = compute_stats([case(1, 类别="人大代表建议", 本级承办方式="参阅")], Settings(), TODAY, ledger_year=2026)
    assert paragraph(stats) == "截至2026年5月20日，共承办人大代表建议1件，其中参阅1件。"


def test_empty_ledger() -> None:
    stats = compute_stats([], Settings(), TODAY, ledger_year=2026)
    assert paragraph(stats) == "截至2026年5月20日，共承办建议提案0件。"


def test_only_proposals_speak_of_members() -> None:
    cases = [case(1, 类别="提案", 本级承办方式="主办", 正式答复日期=D, 代表意见="满意")]
    text = paragraph(compute_stats(cases, Settings(), TODAY, ledger_year=2026))
    assert "共承办政协委员提案1件，其中本级主办1件；各承办单位主办1件次；应办复1件，已办复1件，办复率100.00%；见面率0.00%；" in text
    assert text.endswith("委员满意和基本满意率100.00%，其中满意占比100.00%。")


def test_a_ledger_without_roles_is_not_told_so() -> None:
    """No 本级承办方式 filled in anywhere (many offices' ledgers have no such column): no role counts."""
    cases = [case(1, 类别="人大代表建议"), case(2, 类别="人大代表建议", 退回日期=D)]
    text = paragraph(compute_stats(cases, Settings(), TODAY, ledger_year=2026))
    assert text.startswith("截至2026年5月20日，共承办人大代表建议2件，其中退回1件；各承办单位主办2件次；应办复1件，")
