"""Each preset on hand-computed cases: which stages apply, when they are due, what state they are in."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from taizhang.core.calendar import WorkCalendar
from taizhang.core.deadlines import PRESETS, CaseDeadlines, evaluate
from taizhang.core.model import Case

CAL = WorkCalendar.from_settings([])


def case(**values: Any) -> Case:
    return Case(row=5, sheet="台账", cells={}, 编号="第1号", 主办单位="县教育局", **values)


def run(preset: str, today: date, year: int, **values: Any) -> CaseDeadlines:
    return evaluate([case(**values)], PRESETS[preset], CAL, today, ledger_year=year, due_soon_days=5)[0]


def table(result: CaseDeadlines) -> list[tuple[str, str | None, str]]:
    return [(s.stage, s.due.isoformat() if s.due else None, s.state.value) for s in result.stages]


# 代表法三个月 -------------------------------------------------------------------------------

LAW = "代表法三个月"


@pytest.mark.parametrize(
    ("today", "status", "left"),
    [
        (date(2026, 6, 10), "正常", 7),  # 6-11, 6-12, 6-15..6-18, 6-22
        (date(2026, 6, 16), "临期", 3),  # 6-17, 6-18, 6-22
        (date(2026, 6, 22), "临期", 0),
        (date(2026, 6, 23), "逾期", -1),
    ],
)
def test_law_reply_three_months_after_assignment(today: date, status: str, left: int) -> None:
    result = run(LAW, today, 2026, 交办日期=date(2026, 3, 20))
    assert (result.stage, result.due, result.status, result.working_days_left) == (
        "正式答复", date(2026, 6, 22), status, left)
    assert table(result)[1] == ("回头看", None, "未到期")  # waits for the reply
    assert result.stages[1].reason == "待“正式答复日期”填写后起算"


def test_law_dissatisfied_needs_a_new_reply_within_a_month() -> None:
    result = run(LAW, date(2026, 6, 20), 2026, 交办日期=date(2026, 3, 20), 正式答复日期=date(2026, 5, 15),
                 代表意见="不满意", 协办单位=["县财政局"], 协办意见日期=date(2026, 4, 30))
    assert table(result) == [
        ("协办意见", "2026-04-20", "已完成逾期"),
        ("正式答复", "2026-06-22", "已完成按期"),
        ("重新答复", "2026-06-15", "逾期"),
        ("回头看", "2026-06-15", "逾期"),
    ]
    assert (result.stage, result.status, result.working_days_left) == ("重新答复", "逾期", -3)  # 6-16..6-18


def test_law_satisfied_case_done_when_every_stage_is() -> None:
    result = run(LAW, date(2026, 9, 1), 2026, 交办日期=date(2026, 3, 20), 正式答复日期=date(2026, 5, 15),
                 代表意见="满意", 回头看日期=date(2026, 6, 10))
    assert (result.status, result.stage, result.due) == ("已办结", None, None)
    assert [s.stage for s in result.stages] == ["正式答复", "回头看"]


def test_law_extension_replaces_the_reply_deadline() -> None:
    result = run(LAW, date(2026, 8, 21), 2026, 交办日期=date(2026, 3, 20), 延期至=date(2026, 8, 20))
    assert (result.stage, result.due, result.status, result.working_days_left) == (
        "正式答复", date(2026, 8, 20), "逾期", -1)
    assert result.reason == "已延期至2026-08-20"


def test_law_extension_is_capped_six_months_after_assignment() -> None:
    # 3-20 + 6 months = 9-20, a Sunday that is a make-up working day
    result = run(LAW, date(2026, 9, 21), 2026, 交办日期=date(2026, 3, 20), 延期至=date(2026, 12, 1))
    assert (result.due, result.status) == (date(2026, 9, 20), "逾期")
    assert result.reason == "延期至2026-12-01超过交办后6个月，按2026-09-20计"


def test_law_month_end_assignment() -> None:
    result = run(LAW, date(2026, 2, 2), 2026, 交办日期=date(2026, 1, 31), 协办单位=["县财政局"])
    # 1-31 + 1 month = 2-28, a make-up working Saturday; + 3 months = 4-30
    assert table(result)[:2] == [("协办意见", "2026-02-28", "未到期"), ("正式答复", "2026-04-30", "未到期")]
    moved = run(LAW, date(2025, 9, 1), 2025, 交办日期=date(2025, 8, 31))
    assert moved.due == date(2025, 12, 1)  # 11-30 is a Sunday


def test_law_co_handler_only_owes_its_opinion() -> None:
    result = run(LAW, date(2026, 4, 21), 2026, 本级承办方式="协办", 交办日期=date(2026, 3, 20))
    assert table(result) == [("协办意见", "2026-04-20", "逾期")]


# 精河2025 (精河2025通知) -------------------------------------------------------------------

JH = "精河2025"


def test_jinghe_host_case_by_the_notice_dates() -> None:
    result = run(JH, date(2025, 4, 10), 2025, 级别="州", 公开属性="主动公开", 协办单位=["县财政局"],
                 签收日期=date(2025, 3, 24), 面商日期=date(2025, 4, 1))
    assert table(result) == [
        ("承办情况表", "2025-03-25", "已完成按期"),
        ("面商", "2025-03-31", "已完成逾期"),
        ("协办意见", "2025-04-07", "逾期"),
        ("答复样稿", "2025-04-18", "未到期"),  # 6 working days left
        ("正式答复", "2025-05-26", "未到期"),
        ("备案", "2025-06-06", "未到期"),
        ("回头看", "2025-10-10", "未到期"),
        ("公开", "2025-11-03", "未到期"),
    ]
    assert (result.stage, result.status, result.working_days_left) == ("协办意见", "逾期", -3)  # 4-04 is 清明


def test_jinghe_county_case_without_active_disclosure_skips_review_and_publishing() -> None:
    result = run(JH, date(2025, 3, 1), 2025, 级别="县", 公开属性="不公开")
    assert [s.stage for s in result.stages] == ["承办情况表", "面商", "答复样稿", "正式答复", "备案"]


def test_jinghe_dissatisfied_case_worst_stage_is_current() -> None:
    done = {"签收日期": date(2025, 3, 20), "面商日期": date(2025, 3, 28), "答复样稿日期": date(2025, 4, 15)}
    result = run(JH, date(2025, 6, 10), 2025, 级别="县", 正式答复日期=date(2025, 5, 20), 代表意见="不满意", **done)
    assert table(result)[3:] == [
        ("正式答复", "2025-05-26", "已完成按期"),
        ("重新答复", "2025-06-20", "未到期"),
        ("备案", "2025-06-06", "逾期"),
    ]
    assert (result.stage, result.status, result.working_days_left) == ("备案", "逾期", -2)  # 6-09, 6-10


def test_jinghe_co_handler_done_with_its_opinion() -> None:
    result = run(JH, date(2025, 6, 1), 2025, 本级承办方式="协办", 协办意见日期=date(2025, 4, 3))
    assert (result.status, table(result)) == ("已办结", [("协办意见", "2025-04-07", "已完成按期")])


def test_fixed_dates_are_not_moved_off_rest_days() -> None:
    result = run(JH, date(2026, 4, 17), 2026, 级别="县")
    assert table(result)[2] == ("答复样稿", "2026-04-18", "临期")  # a Saturday, as the notice says


# 彭水2023 (彭水2023通知) -------------------------------------------------------------------

PS = "彭水2023"


def test_pengshui_thirty_working_days_and_august_31() -> None:
    result = run(PS, date(2023, 8, 25), 2023, 交办日期=date(2023, 4, 10), 协办单位=["县财政局"],
                 办理方案日期=date(2023, 4, 18), 协办意见日期=date(2023, 5, 24))
    assert table(result) == [
        ("办理方案", "2023-04-20", "已完成按期"),
        ("协办意见", "2023-05-23", "已完成逾期"),
        ("正式答复", "2023-08-31", "临期"),
        ("备案", "2023-08-31", "临期"),
    ]
    assert (result.stage, result.working_days_left) == ("正式答复", 4)


def test_pengshui_extension_on_a_holiday_is_kept_as_granted() -> None:
    result = run(PS, date(2023, 9, 1), 2023, 交办日期=date(2023, 4, 10), 办理方案日期=date(2023, 4, 18),
                 延期至=date(2023, 9, 30))
    assert table(result)[1] == ("正式答复", "2023-09-30", "未到期")
    assert (result.stage, result.status) == ("备案", "逾期")
