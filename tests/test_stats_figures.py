"""Every rate on a small hand-checked ledger: numerator, denominator and value.

The ledger (year 2026) holds 9 current-year cases, 3 earlier years' B cases and 1 earlier A case:

 #  类别  方式  主办单位      答复 面商 结果 意见      timing (overdue, on time, due)
 1  建议  主办  县水利局       ✓    ✓    A   满意      -, ✓, ✓
 2  建议  主办  水利局         ✓    ✓    B   基本满意  -, ✗, ✓
 3  建议  主办  县 水利局      ✗    ✗    -   -         overdue, -, ✓
 4  提案  分办  县教育和体育局 ✓    ✓    C   不满意    -, ✓, ✓
 5  提案  协办  教体局         ✓    ✗    A   -         -, -, no reply deadline (协办: no 正式答复 stage)
 6  提案  主办  县交通运输局   ✗    ✓    -   -         -, -, not yet due
 7  提案  参阅  县交通运输局   (no rate)
 8  建议  主办  县交通运输局   退回 (no rate)
 13 建议  主办  县自然资源局   ✓    ✓    A   满意      -, ✓, ✓   (not in the 单位名录)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from taizhang.core.model import Case
from taizhang.core.settings import Params, Settings, Unit
from taizhang.core.stats import CaseTiming, Stats, compute_stats, paragraph

TODAY = date(2026, 6, 30)
D = date(2026, 4, 1)
SETTINGS = Settings(units=[
    Unit(name="县交通运输局", order=3),
    Unit(name="县水利局", short="水利局", order=1),
    Unit(name="县教育和体育局", short="县教体局", aliases=["教体局"], order=2),
])


def case(row: int, **values: Any) -> Case:
    values.setdefault("年度", 2026)
    values.setdefault("交办日期", D)
    return Case(row=row, sheet="台账", 编号=f"第{row}号", **values)


def t(overdue: bool = False, on_time: bool | None = None, due: bool = True) -> CaseTiming:
    return CaseTiming(overdue=overdue, replied_on_time=on_time, reply_due_by_today=due)


CASES = [
    case(1, 类别="人大代表建议", 本级承办方式="主办", 主办单位="县水利局", 协办单位=["县教体局"],
         正式答复日期=D, 面商日期=D, 办理结果="A", 代表意见="满意"),
    case(2, 类别="人大代表建议", 本级承办方式="主办", 主办单位="水利局", 协办单位=["县林草局"],
         正式答复日期=D, 面商日期=D, 办理结果="B", 代表意见="基本满意"),
    case(3, 类别="人大代表建议", 本级承办方式="主办", 主办单位="县 水利局"),
    case(4, 类别="政协委员提案", 本级承办方式="分办", 主办单位="县教育和体育局",
         正式答复日期=D, 面商日期=D, 办理结果="C", 代表意见="不满意"),
    case(5, 类别="政协委员提案", 本级承办方式="协办", 主办单位="教体局", 协办单位=["县水利局"],
         正式答复日期=D, 办理结果="A"),
    case(6, 类别="政协委员提案", 本级承办方式="主办", 主办单位="县交通运输局", 面商日期=D),
    case(7, 类别="政协委员提案", 本级承办方式="参阅", 主办单位="县交通运输局"),
    case(8, 类别="人大代表建议", 本级承办方式="主办", 主办单位="县交通运输局", 退回日期=D),
    case(9, 年度=2024, 类别="人大代表建议", 本级承办方式="主办", 主办单位="县水利局", 办理结果="B",
         落实进展="道路硬化已完成"),
    case(10, 年度=2023, 类别="政协委员提案", 主办单位="县教体局", 办理结果="A",
         B类计划解决时限=date(2025, 12, 31)),  # a B case since re-marked A
    case(11, 年度=2024, 类别="人大代表建议", 主办单位="县交通运输局", 办理结果="B", 落实进展="尚未解决"),
    case(12, 年度=2024, 类别="人大代表建议", 主办单位="县交通运输局", 办理结果="A"),
    case(13, 类别="人大代表建议", 本级承办方式="主办", 主办单位="县自然资源局",
         正式答复日期=D, 面商日期=D, 办理结果="A", 代表意见="满意"),
]
TIMING = {
    1: t(on_time=True), 2: t(on_time=False), 3: t(overdue=True), 4: t(on_time=True), 5: t(due=False),
    6: t(due=False), 7: t(due=False), 8: t(due=False), 13: t(on_time=True),
}


@pytest.fixture(scope="module")
def stats() -> Stats:
    return compute_stats(CASES, SETTINGS, TODAY, ledger_year=2026, timing=TIMING)


def nums(rates: dict) -> dict[str, tuple]:
    return {name: (r.num, r.den, r.value) for name, r in rates.items()}


def test_every_rate_over_the_whole_ledger(stats: Stats) -> None:
    assert nums(stats.totals.rates) == {
        # 应办复: 1-6, 13 (not 参阅 7, not 退回 8), whatever the deadline; 已办复 1, 2, 4, 5, 13
        "办复率": (5, 7, "71.43%"),
        "见面率": (5, 6, "83.33%"),  # 主办/分办 due cases 1, 2, 3, 4, 6, 13; met all but 3
        "按期办复率": (3, 5, "60.00%"),  # reply deadline passed: 1-4, 13; on time 1, 4, 13
        "满意率": (3, 4, "75.00%"),  # opinions on 1, 2, 4, 13
        "满意占比": (2, 4, "50.00%"),
        "解决率": (4, 5, "80.00%"),  # A 1, 5, 13; B 2; C 4
        "B类转化率": (2, 3, "66.67%"),  # 9 (已完成) and 10 (now A) of 9, 10, 11
    }


def test_counts_over_the_whole_ledger(stats: Stats) -> None:
    fig = stats.totals
    assert (fig.cases, fig.referral, fig.returned, fig.due, fig.replied, fig.overdue) == (9, 1, 1, 7, 5, 1)
    # the ledger's own role, 退回 apart: 主办 1, 2, 3, 6, 13 (8 is 退回); they and 退回 add up to 件数
    assert fig.roles == {"主办": 5, "协办": 1, "会办": 0, "分办": 1, "参阅": 1}
    assert sum(fig.roles.values()) + fig.returned == fig.cases
    assert (fig.reply_due, fig.on_time) == (5, 3)  # 到期应办复 1-4, 13; 按期办复 1, 4, 13
    assert fig.classes == {"A": 3, "B": 1, "C": 1}
    assert {c: r.value for c, r in fig.class_shares.items()} == {"A": "60.00%", "B": "20.00%", "C": "20.00%"}
    assert fig.opinions == {"满意": 2, "基本满意": 1, "不满意": 1}
    assert (fig.earlier_b, fig.earlier_b_resolved, fig.earlier_other) == (3, 2, 1)


def test_units_in_directory_order_then_unknown_in_first_seen_order(stats: Stats) -> None:
    assert [(r.unit, r.listed, r.hosted, r.co) for r in stats.by_unit] == [
        ("县水利局", True, 3, 1),  # 水利局 and "县 水利局" are the same unit; co on case 5
        ("县教育和体育局", True, 2, 1),  # 教体局 is an alias; co on case 1
        ("县交通运输局", True, 2, 0),  # 6 and 退回 8; 参阅 7 is nobody's assignment
        ("县林草局", False, 0, 1),  # first named by case 2
        ("县自然资源局", False, 1, 0),  # first named by case 13
    ]


def test_per_unit_rates_are_over_its_own_host_cases(stats: Stats) -> None:
    water, education, transport, _, _ = (r.figures for r in stats.by_unit)
    assert nums(water.rates) == {
        "办复率": (2, 3, "66.67%"), "见面率": (2, 3, "66.67%"), "按期办复率": (1, 3, "33.33%"),
        "满意率": (2, 2, "100.00%"), "满意占比": (1, 2, "50.00%"), "解决率": (2, 2, "100.00%"),
        "B类转化率": (1, 1, "100.00%"),
    }
    assert water.overdue == 1
    assert {c: (n, water.class_shares[c].value) for c, n in water.classes.items()} == {
        "A": (1, "50.00%"), "B": (1, "50.00%"), "C": (0, "0.00%")}
    assert nums(education.rates)["见面率"] == (1, 1, "100.00%")  # case 5 is 协办: no meeting due
    assert nums(education.rates)["满意率"] == (0, 1, "0.00%")
    assert nums(education.rates)["B类转化率"] == (1, 1, "100.00%")
    assert nums(education.rates)["办复率"] == (2, 2, "100.00%")  # 4, and 协办 5 because it is replied
    assert nums(education.rates)["按期办复率"] == (1, 1, "100.00%")  # 4 only: 协办 5 has no deadline
    assert nums(transport.rates)["办复率"] == (0, 1, "0.00%")  # case 6 must be replied, deadline or not
    assert nums(transport.rates)["按期办复率"] == (0, 0, "—")
    assert transport.class_shares["A"].value == "—"
    assert nums(transport.rates)["B类转化率"] == (0, 1, "0.00%")


def test_units_total_row_adds_the_units(stats: Stats) -> None:
    total = stats.unit_total
    assert (total.unit, total.hosted, total.co) == ("合计", 8, 3)  # 件数 9 less the 参阅 case
    assert total.figures.overdue == stats.totals.overdue == 1
    assert nums(total.figures.rates) == nums(stats.totals.rates)


def test_without_timing_on_time_rate_and_overdue_are_unknown() -> None:
    stats = compute_stats(CASES, SETTINGS, TODAY, ledger_year=2026)
    assert stats.totals.rates["按期办复率"].value == "未知"
    assert stats.totals.overdue is None
    # every due case is taken as due to be replied: 1-6, 13; replied 1, 2, 4, 5, 13
    assert nums(stats.totals.rates)["办复率"] == (5, 7, "71.43%")
    transport = stats.by_unit[2]
    assert (transport.unit, nums(transport.figures.rates)["办复率"]) == ("县交通运输局", (0, 1, "0.00%"))


def test_case_missing_from_timing_is_left_out_of_on_time_rate() -> None:
    timing = {row: value for row, value in TIMING.items() if row not in (2, 3)}
    stats = compute_stats(CASES, SETTINGS, TODAY, ledger_year=2026, timing=timing)
    assert nums(stats.totals.rates)["按期办复率"] == (3, 3, "100.00%")  # 1, 4, 13
    # 办复率 does not depend on the timing: every case to be replied counts
    assert nums(stats.totals.rates)["办复率"] == (5, 7, "71.43%")


def test_mid_year_reply_rate_is_over_every_case_to_be_replied() -> None:
    """办复率 = 已办复 / 应办复 whatever the deadlines: mid-year it is below 100% while replies are
    outstanding; 到期应办复 and 按期办复率 say how many were due by now."""
    cases = [case(1, 本级承办方式="主办", 主办单位="县水利局", 正式答复日期=D),
             case(2, 本级承办方式="主办", 主办单位="县水利局"), case(3, 本级承办方式="协办", 主办单位="县水利局")]
    before = compute_stats(cases, SETTINGS, TODAY, ledger_year=2026,
                           timing={1: t(on_time=True), 2: t(due=False), 3: t(due=False)})
    assert nums(before.totals.rates)["办复率"] == (1, 3, "33.33%")  # not 100%: 2 and 3 are unreplied
    assert before.totals.reply_due == 1
    assert nums(before.totals.rates)["按期办复率"] == (1, 1, "100.00%")
    after = compute_stats(cases, SETTINGS, TODAY, ledger_year=2026,
                          timing={1: t(on_time=True), 2: t(overdue=True), 3: t(due=False)})
    assert nums(after.totals.rates)["办复率"] == (1, 3, "33.33%")
    assert after.totals.reply_due == 2  # 2's deadline has passed; 协办 3 has none
    assert nums(after.totals.rates)["按期办复率"] == (1, 2, "50.00%")


def test_a_unit_is_overdue_for_the_stages_it_owes() -> None:
    """A co-handler late with its opinion counts for the co-handler, not the lead; the 合计 row
    counts each overdue case once."""
    cases = [case(1, 本级承办方式="主办", 主办单位="县水利局", 协办单位=["县教体局"]),
             case(2, 本级承办方式="主办", 主办单位="县水利局", 协办单位=["县教体局", "县林草局"]),
             case(3, 本级承办方式="主办", 主办单位="县交通运输局"),
             case(4, 本级承办方式="主办", 主办单位="县交通运输局", 协办单位=["县教体局"])]
    timing = {
        1: CaseTiming(True, None, False, overdue_units=frozenset({"县教体局"})),  # only the opinion is late
        2: CaseTiming(True, None, True, overdue_units=frozenset({"水利局", "县林草局"})),  # lead and one co
        3: CaseTiming(True, None, True),  # not said: the 主办单位
        4: t(),
    }
    stats = compute_stats(cases, SETTINGS, TODAY, ledger_year=2026, timing=timing)
    overdue = {r.unit: r.figures.overdue for r in stats.by_unit}
    assert overdue == {"县水利局": 1, "县教育和体育局": 1, "县交通运输局": 1, "县林草局": 1}
    assert stats.unit_total.figures.overdue == stats.totals.overdue == 3


def test_ledger_year_falls_back_to_the_params_sheet() -> None:
    settings = SETTINGS.model_copy(update={"params": Params(year=2026)})
    stats = compute_stats(CASES, settings, TODAY, ledger_year=None)
    assert (stats.ledger_year, stats.totals.cases, stats.totals.earlier_b) == (2026, 9, 3)


def test_without_any_year_every_case_is_current() -> None:
    stats = compute_stats(CASES, SETTINGS, TODAY, ledger_year=None)
    assert (stats.totals.cases, stats.totals.earlier_b) == (13, 0)


def test_class_letters_follow_the_scheme() -> None:
    settings = Settings(params=Params(class_scheme="甲/乙/丙"))
    cases = [case(1, 类别="建议", 本级承办方式="主办", 主办单位="县水利局", 办理结果=r) for r in ("甲", "乙类", "乙")]
    cases.append(case(9, 年度=2025, 类别="建议", 主办单位="县水利局", 办理结果="乙", 落实进展="已落实"))
    stats = compute_stats(cases, settings, TODAY, ledger_year=2026)
    assert stats.totals.classes == {"甲": 1, "乙": 2, "丙": 0}
    assert stats.totals.rates["解决率"].value == "100.00%"
    assert stats.totals.rates["B类转化率"].value == "100.00%"


def test_a_class_outside_the_scheme_is_not_counted() -> None:
    cases = [case(1, 本级承办方式="主办", 办理结果="A"), case(2, 本级承办方式="主办", 办理结果="D")]
    stats = compute_stats(cases, Settings(), TODAY, ledger_year=2026)
    assert stats.totals.classes == {"A": 1, "B": 0, "C": 0}
    assert stats.totals.class_shares["A"].value == "100.00%"


def test_blank_role_counts_as_host_for_meetings() -> None:
    cases = [case(1, 面商日期=D), case(2)]
    stats = compute_stats(cases, Settings(), TODAY, ledger_year=2026)
    assert stats.totals.roles["未填写"] == 2
    assert nums(stats.totals.rates)["见面率"] == (1, 2, "50.00%")


def test_a_unit_does_not_co_handle_what_it_hosts() -> None:
    cases = [case(1, 本级承办方式="主办", 主办单位="县水利局", 协办单位=["水利局", "县教体局"])]
    stats = compute_stats(cases, SETTINGS, TODAY, ledger_year=2026)
    assert [(r.unit, r.hosted, r.co) for r in stats.by_unit] == [("县水利局", 1, 0), ("县教育和体育局", 0, 1)]


def test_cases_without_a_host_unit_keep_the_totals_row_whole() -> None:
    cases = [case(1, 本级承办方式="主办", 主办单位="县水利局"), case(2, 本级承办方式="主办")]
    stats = compute_stats(cases, SETTINGS, TODAY, ledger_year=2026)
    assert [(r.unit, r.hosted) for r in stats.by_unit] == [("县水利局", 1), ("（未填写主办单位）", 1)]
    assert stats.unit_total.hosted == stats.totals.cases == 2


def test_a_rate_whose_column_the_ledger_lacks_is_unknown_not_zero() -> None:
    """A ledger with no 面商日期 column has met nobody as far as anyone can tell: 见面率 未知, not 0%."""
    columns = ["编号", "本级承办方式", "主办单位", "交办日期", "正式答复日期"]
    cases = [case(1, 本级承办方式="主办", 主办单位="县水利局", 正式答复日期=D), case(2, 本级承办方式="主办", 主办单位="县水利局")]
    stats = compute_stats(cases, SETTINGS, TODAY, ledger_year=2026, columns=columns)
    assert stats.totals.rates["见面率"].value == "未知"
    assert stats.by_unit[0].figures.rates["见面率"].value == "未知"
    assert nums(stats.totals.rates)["办复率"] == (1, 2, "50.00%")
    assert "见面率" not in paragraph(stats)
    with_column = compute_stats(cases, SETTINGS, TODAY, ledger_year=2026, columns=[*columns, "面商日期"])
    assert nums(with_column.totals.rates)["见面率"] == (0, 2, "0.00%")
