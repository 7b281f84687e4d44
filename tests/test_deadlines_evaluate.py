"""Evaluation beyond the presets: unknown years, the 节假日 sheet, 参阅 and 退回, scope, JSON, speed."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from taizhang.core.calendar import WorkCalendar
from taizhang.core.deadlines import (
    PRESETS,
    CaseDeadlines,
    DeadlineKind,
    DeadlineRule,
    Term,
    evaluate,
    to_json,
)
from taizhang.core.deadlines.conditions import parse_conditions
from taizhang.core.model import Case
from taizhang.core.settings import Holiday

LAW = PRESETS["代表法三个月"]
CAL = WorkCalendar.from_settings([])
UNKNOWN_2027 = "2027年的节假日安排未知，请在“节假日”工作表中按国务院办公厅通知填写2027年的放假和调休日期"


def case(row: int = 5, **values: Any) -> Case:
    return Case(row=row, sheet="台账", cells={}, 编号=f"第{row}号", 主办单位="县教育局", **values)


def run(one: Case, today: date, rules: list[DeadlineRule] = LAW, cal: WorkCalendar = CAL,
        year: int | None = 2026, **options: Any) -> CaseDeadlines:
    return evaluate([one], rules, cal, today, ledger_year=year, due_soon_days=5, **options)[0]


def reply_rule(term: Term, when: str = "", **extra: Any) -> DeadlineRule:
    return DeadlineRule(stage="正式答复", done_column="正式答复日期", term=term,
                        conditions=parse_conditions(when), **extra)


def test_a_deadline_in_an_unknown_year_is_unknown_with_the_message() -> None:
    result = run(case(交办日期=date(2026, 11, 10)), date(2026, 11, 20))
    assert (result.stage, result.due, result.status, result.working_days_left) == ("正式答复", None, "未知", None)
    assert result.reason == UNKNOWN_2027


def whole_year_2027() -> list[Holiday]:
    """A whole notice's rest days for 2027 (the sheet must carry the year, not a stray row)."""
    spans = [(date(2027, 1, 1), 1, "元旦"), (date(2027, 2, 5), 7, "春节"), (date(2027, 4, 5), 1, "清明"),
             (date(2027, 5, 1), 5, "劳动节"), (date(2027, 6, 9), 1, "端午"), (date(2027, 9, 15), 1, "中秋"),
             (date(2027, 10, 1), 7, "国庆")]
    return [Holiday(day=start + timedelta(days=i), rest=True, note=note) for start, n, note in spans for i in range(n)]


def test_holiday_rows_make_2027_known() -> None:
    cal = WorkCalendar.from_settings(whole_year_2027())
    result = run(case(交办日期=date(2026, 11, 10)), date(2026, 11, 20), cal=cal)
    assert (result.due, result.status) == (date(2027, 2, 12), "正常")  # 2-10 is in the sheet's 春节


def test_a_stray_2027_row_leaves_2027_unknown() -> None:
    cal = WorkCalendar.from_settings([Holiday(day=date(2027, 1, 1), rest=True, note="元旦")])
    result = run(case(交办日期=date(2026, 11, 10)), date(2026, 11, 20), cal=cal)
    assert (result.due, result.status) == (None, "未知")  # not 2-10 guessed as a plain Wednesday
    assert result.reason == ("2027年的节假日安排不完整：“节假日”工作表中2027年只有1行，"
                             "请按国务院办公厅2027年部分节假日安排的通知填写全年的放假和调休日期")


def test_holiday_row_overriding_the_library_moves_a_deadline() -> None:
    cal = WorkCalendar.from_settings([Holiday(day=date(2026, 6, 22), rest=True)])
    result = run(case(交办日期=date(2026, 3, 20)), date(2026, 6, 1), cal=cal)
    assert result.due == date(2026, 6, 23)


def test_fixed_dates_in_an_unknown_year_are_known_but_their_working_days_are_not() -> None:
    jinghe = PRESETS["精河2025"]
    early = run(case(级别="县"), date(2027, 3, 1), jinghe, year=2027)
    assert (early.stage, early.due, early.status, early.reason) == ("承办情况表", date(2027, 3, 25), "未知", UNKNOWN_2027)
    late = run(case(级别="县"), date(2027, 4, 1), jinghe, year=2027)
    assert (late.stage, late.status, late.working_days_left) == ("承办情况表", "逾期", None)


def test_fixed_dates_need_a_year() -> None:
    result = run(case(), date(2025, 3, 1), PRESETS["精河2025"], year=None)
    assert result.status == "未知"
    assert "参数" in (result.reason or "")
    from_case = run(case(年度=2025), date(2025, 3, 1), PRESETS["精河2025"], year=None)
    assert from_case.due == date(2025, 3, 25)


def test_missing_assignment_date_is_unknown() -> None:
    result = run(case(), date(2026, 5, 1))
    assert (result.status, result.reason) == ("未知", "“交办日期”为空，无法计算截止日期")


def test_reference_cases_owe_nothing() -> None:
    result = run(case(本级承办方式="参阅", 交办日期=date(2026, 1, 5)), date(2026, 12, 1))
    assert (result.status, result.stage, result.stages, result.reason) == ("已办结", None, [], "参阅件，无需办理")


def test_returned_cases_are_never_overdue_until_reassigned() -> None:
    returned = run(case(交办日期=date(2026, 1, 5), 退回日期=date(2026, 1, 9)), date(2026, 12, 1))
    assert (returned.status, returned.stage, returned.stages) == ("正常", "已退回", [])
    assert returned.reason == "已于2026-01-09退回，待重新交办，不计逾期"
    reassigned = run(case(交办日期=date(2026, 1, 20), 退回日期=date(2026, 1, 9)), date(2026, 12, 1))
    assert (reassigned.status, reassigned.due) == ("逾期", date(2026, 4, 20))


def test_blank_role_counts_as_host_and_rules_can_name_other_roles() -> None:
    assert run(case(交办日期=date(2026, 3, 20)), date(2026, 4, 1)).stage == "正式答复"
    for_reference = [reply_rule(Term(kind=DeadlineKind.MONTHS, amount=1), roles=("参阅",))]
    result = run(case(本级承办方式="参阅", 交办日期=date(2026, 3, 20)), date(2026, 4, 1), for_reference)
    assert result.due == date(2026, 4, 20)


def test_planned_class_condition_follows_the_scheme() -> None:
    rules = [reply_rule(Term(kind=DeadlineKind.MONTHS, amount=1), when="办理结果=B")]
    today = date(2026, 4, 1)
    assert run(case(交办日期=date(2026, 3, 20), 办理结果="B类"), today, rules).stages
    assert not run(case(交办日期=date(2026, 3, 20), 办理结果="A"), today, rules).stages
    assert run(case(交办日期=date(2026, 3, 20), 办理结果="乙"), today, rules, class_scheme="甲/乙/丙").stages


def test_category_scope() -> None:
    rules = [DeadlineRule(stage="正式答复", done_column="正式答复日期", category="政协委员提案",
                          term=Term(kind=DeadlineKind.MONTHS, amount=1))]
    today = date(2026, 4, 1)
    assert run(case(交办日期=date(2026, 3, 20), 类别="提案"), today, rules).stages
    assert not run(case(交办日期=date(2026, 3, 20), 类别="人大代表建议"), today, rules).stages
    assert run(case(交办日期=date(2026, 3, 20)), today, rules).stages  # blank 类别 hides nothing


def test_earlier_and_later_of_two_limits() -> None:
    three_months = Term(kind=DeadlineKind.MONTHS, amount=3)
    august = Term(kind=DeadlineKind.FIXED, month=8, day=31)
    earlier = [reply_rule(three_months, second=august, combine="较早")]
    later = [reply_rule(three_months, second=august, combine="较晚")]
    assigned = case(交办日期=date(2026, 3, 20))
    assert run(assigned, date(2026, 4, 1), earlier).due == date(2026, 6, 22)
    assert run(assigned, date(2026, 4, 1), later).due == date(2026, 8, 31)
    late = case(交办日期=date(2026, 7, 1))
    assert run(late, date(2026, 7, 2), earlier).due == date(2026, 8, 31)


def test_json_document_shape() -> None:
    results = evaluate([case(row=5, 交办日期=date(2026, 3, 20)), case(row=6, 本级承办方式="参阅")], LAW, CAL,
                       date(2026, 6, 23), ledger_year=2026, due_soon_days=5)
    assert to_json(results) == {"untracked": [], "cases": [
        {"row": 5, "编号": "第5号", "stage": "正式答复", "due": "2026-06-22", "status": "逾期",
         "working_days_left": -1,
         "stages": [{"stage": "正式答复", "due": "2026-06-22", "state": "逾期"},
                    {"stage": "回头看", "due": None, "state": "未到期"}]},
        {"row": 6, "编号": "第6号", "stage": "", "due": None, "status": "已办结", "working_days_left": None,
         "stages": []},
    ]}


def test_twenty_thousand_cases_evaluate() -> None:
    """Scale, not speed: the timing lives in benchmarks/bench_core.py."""
    rules = PRESETS["精河2025"] + LAW
    start = date(2025, 1, 2)
    cases = [
        case(row=i + 5, 交办日期=start + timedelta(days=i % 300), 协办单位=["县财政局"] if i % 3 else [],
             级别="州" if i % 2 else "县", 公开属性="主动公开", 代表意见="不满意" if i % 7 == 0 else None,
             正式答复日期=start + timedelta(days=i % 300 + 60) if i % 4 else None)
        for i in range(20_000)
    ]
    results = evaluate(cases, rules, CAL, date(2025, 9, 1), ledger_year=2025, due_soon_days=5)
    assert len(results) == 20_000
    assert [r.row for r in results] == [c.row for c in cases]
