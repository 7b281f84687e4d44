"""Breakdowns keep a fixed shape (every value, zeros included, then odd values and blanks) and a total."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.core.enums import CLASS_SCHEMES
from taizhang.core.model import Case
from taizhang.core.settings import Params, Settings
from taizhang.core.stats import compute_stats

TODAY = date(2026, 6, 30)


def case(row: int, **values: Any) -> Case:
    return Case(row=row, sheet="台账", 年度=2026, **values)


def test_fixed_groups_first_then_odd_values_then_blanks() -> None:
    cases = [
        case(1, 级别="州", 提出时间="大会", 重点件=True, 本级承办方式="主办"),
        case(2, 级别="乡镇", 提出时间="闭会期间", 本级承办方式="主办"),
        case(3, 提出时间="大会期间", 本级承办方式="会办"),
    ]
    stats = compute_stats(cases, Settings(), TODAY, ledger_year=2026)
    levels = {k: v.cases for k, v in stats.by_level.groups.items()}
    assert levels == {"全国": 0, "省": 0, "州(市)": 1, "县(区)": 0, "乡镇": 1, "未填写": 1}
    assert list(levels)[-1] == "未填写"
    assert {k: v.cases for k, v in stats.by_timing.groups.items()} == {"大会期间": 2, "闭会期间": 1}
    assert {k: v.cases for k, v in stats.by_key_case.groups.items()} == {"重点件": 1, "一般件": 2}
    assert {k: v.cases for k, v in stats.by_role.groups.items()} == {
        "主办": 2, "协办": 0, "会办": 1, "分办": 0, "参阅": 0, "退回": 0}
    assert stats.by_category.groups["未填写"].cases == 3
    for breakdown in (stats.by_level, stats.by_timing, stats.by_key_case, stats.by_role, stats.by_category):
        assert breakdown.total is stats.totals
        assert sum(g.cases for g in breakdown.groups.values()) == breakdown.total.cases


def test_short_spellings_are_read_as_the_canonical_values() -> None:
    cases = [case(1, 类别="建议", 代表意见="比较满意"), case(2, 类别="政协提案", 代表意见="满意")]
    stats = compute_stats(cases, Settings(), TODAY, ledger_year=2026)
    assert stats.by_category.groups["人大代表建议"].cases == 1
    assert stats.by_category.groups["政协委员提案"].cases == 1
    assert stats.totals.opinions == {"满意": 1, "基本满意": 1, "不满意": 0}


SCHEMES = st.sampled_from(["A/B/C", "A/B/C/D", "甲/乙/丙"])


@settings(max_examples=60, deadline=None)
@given(SCHEMES, st.data())
def test_class_shares_sum_to_100_within_rounding(scheme: str, data: st.DataObject) -> None:
    letters = CLASS_SCHEMES[scheme]
    results = data.draw(st.lists(st.sampled_from([*letters, None]), min_size=1, max_size=300))
    roles = data.draw(st.lists(st.sampled_from(["主办", "协办", "参阅"]), min_size=len(results),
                               max_size=len(results)))
    pairs = list(zip(results, roles, strict=True))
    cases = [case(i, 本级承办方式=role, 办理结果=result) for i, (result, role) in enumerate(pairs)]
    stats = compute_stats(cases, Settings(params=Params(class_scheme=scheme)), TODAY, ledger_year=2026)
    fig = stats.totals
    expected = sum(1 for r, role in pairs if r is not None and role != "参阅")
    assert fig.classified == expected
    if expected:
        total = sum(share.percent or 0 for share in fig.class_shares.values())
        assert abs(total - 100) <= len(letters) * Decimal("0.01")
    else:
        assert all(share.value == "—" for share in fig.class_shares.values())
