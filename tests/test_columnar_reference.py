"""The columnar path (grid -> columns -> deadlines and statistics) agrees with a straightforward
per-case reference written here, in plain Python over dicts, from docs/domain.md (default preset
代表法三个月, statistics' counts): on generated ledgers of every stage, role, 日期有误, 往年件,
unknown year (2027 is not in the built-in calendar) and extension."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import chinese_calendar
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.header import find_header
from taizhang.core.rows import build_ledger
from taizhang.core.settings import Settings

TODAY = date(2026, 11, 16)
LEDGER_YEAR = 2026
SOON = 5  # 临期提醒工作日, the default
KNOWN_YEARS = range(min(chinese_calendar.constants.holidays).year, max(chinese_calendar.constants.holidays).year + 1)
HEADERS = [Col.NUMBER, Col.YEAR, Col.ROLE, Col.HOST_UNIT, Col.CO_UNITS, Col.ASSIGNED_DATE, Col.CO_OPINION_DATE,
           Col.MEETING_DATE, Col.REPLY_DATE, Col.EXTENDED_TO, Col.OPINION, Col.REREPLY_DATE, Col.REVIEW_DATE,
           Col.RESULT, Col.PLAN_DEADLINE, Col.PROGRESS, Col.RETURNED_DATE]
BASE = date(2025, 9, 1)

# -- the reference: docs/domain.md, one case at a time ----------------------------------------------


class Unknown(Exception):
    """A date in a year nobody published the holidays of."""


def workday(day: date) -> bool:
    if day.year not in KNOWN_YEARS:
        raise Unknown
    return bool(chinese_calendar.is_workday(day))


def plus_months(day: date, months: int) -> date:
    """The corresponding day, or the month's last day where there is none (民法典 第二百零二条)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def months_after(base: date, months: int) -> date:
    """The end of a period in months, moved off rest days (第二百零三条)."""
    day = plus_months(base, months)
    while not workday(day):
        day += timedelta(days=1)
    return day


def working_days_left(due: date) -> int:
    low, high = sorted((TODAY, due))
    count = 0
    day = low + timedelta(days=1)
    while day <= high:
        count += workday(day)
        day += timedelta(days=1)
    return count if due >= TODAY else -count


def impossible(done: date, assigned: date | None) -> bool:
    return done > TODAY or (assigned is not None and done < assigned)


def stage_state(case: dict[str, Any], done_column: str, due: date | None, *, waiting: bool) -> tuple[str, date | None]:
    """(state, due date shown) of one stage, as docs/domain.md#stage-and-case-status."""
    done = case[done_column]
    if done is not None:
        if impossible(done, case[Col.ASSIGNED_DATE]):
            return "日期有误", due
        if due is None:
            return "未知", None
        return ("已完成按期" if done <= due else "已完成逾期"), due
    if due is None:
        return ("未到期" if waiting else "未知"), None
    if due < TODAY:
        return "逾期", due
    try:
        left = working_days_left(due)
    except Unknown:
        return "未知", due
    return ("临期" if left <= SOON else "未到期"), due


def reply_due(case: dict[str, Any]) -> date | None:
    """正式答复: three months after 交办, or the 延期至 granted, capped at six months (#extensions)."""
    assigned, granted = case[Col.ASSIGNED_DATE], case[Col.EXTENDED_TO]
    if granted is not None:
        if assigned is None or granted <= plus_months(assigned, 6):
            return granted
        return min(granted, months_after(assigned, 6))
    if assigned is None:
        return None
    return months_after(assigned, 3)


def reference_stages(case: dict[str, Any]) -> list[tuple[str, str, date | None]]:
    """(stage, state, due) of each stage of 代表法三个月 that reaches the case, in rule order."""
    role = case[Col.ROLE] or "主办"
    own = role in ("主办", "会办", "分办")
    assigned, replied = case[Col.ASSIGNED_DATE], case[Col.REPLY_DATE]
    stages: list[tuple[str, str, date | None]] = []

    def add(stage: str, done_column: str, compute: Any, *, from_reply: bool = False) -> None:
        if from_reply and replied is not None and impossible(replied, assigned):
            stages.append((stage, "未知", None))  # a period from a date that cannot be true
            return
        waiting = from_reply and replied is None
        try:
            due = None if waiting else compute()
        except Unknown:
            due = None
        state, shown = stage_state(case, done_column, due, waiting=waiting)
        stages.append((stage, state, shown))

    if role == "协办" or (own and case[Col.CO_UNITS]):
        add("协办意见", Col.CO_OPINION_DATE, lambda: months_after(assigned, 1) if assigned else None)
    if own:
        add("正式答复", Col.REPLY_DATE, lambda: reply_due(case))
        if case[Col.OPINION] == "不满意":
            add("重新答复", Col.REREPLY_DATE, lambda: months_after(replied, 1), from_reply=True)
        add("回头看", Col.REVIEW_DATE, lambda: months_after(replied, 1), from_reply=True)
    return stages


WORST_FIRST = ["逾期", "日期有误", "临期", "未知", "未到期"]
STATUS = {"逾期": "逾期", "日期有误": "日期有误", "临期": "临期", "未知": "未知", "未到期": "正常"}


def reference_case(case: dict[str, Any]) -> tuple[str | None, str, date | None, list[tuple[str, str, date | None]]]:
    """(当前环节, 状态, 截止日期, stages) of one case."""
    returned, assigned = case[Col.RETURNED_DATE], case[Col.ASSIGNED_DATE]
    if returned is not None and (assigned is None or assigned <= returned):
        return "已退回", "正常", None, []
    stages = reference_stages(case)
    pending = [s for s in stages if not s[1].startswith("已完成")]
    if not pending:
        return None, "已办结", None, stages
    worst = next(state for state in WORST_FIRST if any(s[1] == state for s in pending))
    stage = next(s for s in pending if s[1] == worst)
    return stage[0], STATUS[worst], stage[2], stages


def reference_counts(cases: list[dict[str, Any]]) -> dict[str, int]:
    """The counts of docs/domain.md#statistics over the whole ledger."""
    out = dict.fromkeys(("cases", "referral", "returned", "due", "replied", "reply_due", "on_time", "overdue",
                         "earlier_b", "earlier_b_resolved", "earlier_other"), 0)
    for case in cases:
        _, status, _, stages = reference_case(case)
        year = case[Col.YEAR]
        if year is not None and year < LEDGER_YEAR:
            if case[Col.RESULT] == "B" or case[Col.PLAN_DEADLINE] is not None:
                out["earlier_b"] += 1
                progress = case[Col.PROGRESS] or ""
                out["earlier_b_resolved"] += case[Col.RESULT] == "A" or any(
                    w in progress for w in ("已解决", "基本解决", "已完成", "已落实", "已办结"))
            else:
                out["earlier_other"] += 1
            continue
        out["cases"] += 1
        out["overdue"] += status == "逾期"
        role = case[Col.ROLE]
        if role != "参阅" and case[Col.RETURNED_DATE] is not None:
            out["returned"] += 1
            continue
        if role == "参阅":
            out["referral"] += 1
            continue
        out["due"] += 1
        out["replied"] += case[Col.REPLY_DATE] is not None
        reply = next((s for s in stages if s[0] == "正式答复"), None)
        if reply is not None and (reply[1] in ("已完成按期", "已完成逾期", "逾期")
                                  or (reply[1] == "日期有误" and reply[2] is not None and reply[2] < TODAY)):
            out["reply_due"] += 1
            out["on_time"] += reply[1] == "已完成按期"
    return out


# -- generated ledgers --------------------------------------------------------------------------------

days = st.integers(min_value=0, max_value=470)  # 2025-09-01 .. 2026-12-15: past, future and 2027 deadlines
offsets = st.one_of(st.none(), st.integers(min_value=-20, max_value=200))  # negative: before 交办 (日期有误)


@st.composite
def cases(draw: st.DrawFn, number: int) -> dict[str, Any]:
    assigned = draw(st.one_of(st.none(), days.map(lambda d: BASE + timedelta(days=d))))

    def after() -> date | None:
        offset = draw(offsets)
        if offset is None:
            return None
        return (assigned or BASE) + timedelta(days=offset)

    # Granted 2 to 8 months after 交办: some within six months, some capped.
    extension = ((assigned or BASE) + timedelta(days=draw(st.integers(min_value=60, max_value=260)))
                 if draw(st.booleans()) else None)
    case = {
        Col.NUMBER: f"J{number:03d}",
        Col.YEAR: draw(st.sampled_from([None, 2025, 2026])),
        Col.ROLE: draw(st.sampled_from([None, "主办", "会办", "分办", "协办", "参阅"])),
        Col.HOST_UNIT: draw(st.sampled_from([None, "县教育局", "县水利局"])),
        Col.CO_UNITS: draw(st.sampled_from([[], ["县财政局"], ["县财政局", "县交通局"]])),
        Col.ASSIGNED_DATE: assigned,
        Col.CO_OPINION_DATE: after(),
        Col.MEETING_DATE: after(),
        Col.REPLY_DATE: after(),
        Col.EXTENDED_TO: extension,
        Col.OPINION: draw(st.sampled_from([None, "满意", "基本满意", "不满意"])),
        Col.REREPLY_DATE: after(),
        Col.REVIEW_DATE: after(),
        Col.RESULT: draw(st.sampled_from([None, "A", "B", "C"])),
        Col.PLAN_DEADLINE: draw(st.sampled_from([None, date(2026, 12, 31)])),
        Col.PROGRESS: draw(st.sampled_from([None, "已落实", "尚未解决"])),
        Col.RETURNED_DATE: draw(st.one_of(st.none(), days.map(lambda d: BASE + timedelta(days=d)))),
    }
    return case


@st.composite
def ledgers(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(min_value=1, max_value=40))
    return [draw(cases(i + 1)) for i in range(count)]


def grid_of(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """The sheet as calamine hands it over: a title, the header, dates as datetimes, 协办 joined by 、."""
    def cell(value: Any) -> Any:
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, list):
            return "、".join(value) or None
        return value
    return [[f"{LEDGER_YEAR}年建议提案办理台账"], [str(h) for h in HEADERS],
            *[[cell(row[h]) for h in HEADERS] for row in rows]]


def analysed(rows: list[dict[str, Any]]) -> Analysis:
    grid = grid_of(rows)
    match = find_header(grid)
    assert match is not None
    ledger = build_ledger("generated.xlsx", "台账", grid, match)
    return Analysis(ledger, Settings(), TODAY)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ledgers())
def test_the_columnar_deadlines_agree_with_the_reference(rows: list[dict[str, Any]]) -> None:
    analysis = analysed(rows)
    assert analysis.ledger.year == LEDGER_YEAR
    got = [(d.stage, d.status.value, d.due, [(s.stage, s.state.value, s.due) for s in d.stages])
           for d in analysis.deadlines]
    assert got == [reference_case(row) for row in rows]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ledgers())
def test_the_columnar_statistics_agree_with_the_reference(rows: list[dict[str, Any]]) -> None:
    totals = analysed(rows).stats.totals
    got = {name: getattr(totals, name) for name in reference_counts(rows)}
    assert got == reference_counts(rows)


def row(number: int, **values: Any) -> dict[str, Any]:
    case: dict[str, Any] = dict.fromkeys(HEADERS)
    case.update({Col.NUMBER: f"K{number}", Col.CO_UNITS: []})
    case.update({Col(k): v for k, v in values.items()})
    return case


EVERY_STATE = [
    row(1, 交办日期=date(2026, 3, 2), 正式答复日期=date(2026, 5, 20)),  # replied on time
    row(2, 交办日期=date(2026, 3, 2), 正式答复日期=date(2026, 7, 1)),  # replied late
    row(3, 交办日期=date(2026, 3, 2)),  # overdue
    row(4, 交办日期=date(2026, 8, 21)),  # due 2026-11-23 (11-21 is a Saturday): 5 working days left, due soon
    row(5, 交办日期=date(2026, 9, 1)),  # due 2026-12-01: not due
    row(6, 交办日期=date(2026, 10, 20)),  # due in 2027: unknown year
    row(7, 交办日期=date(2026, 3, 2), 正式答复日期=date(2026, 2, 1)),  # reply before 交办: 日期有误
    row(8, 交办日期=date(2026, 3, 2), 退回日期=date(2026, 3, 5)),  # returned
    row(9, 交办日期=date(2026, 3, 2), 本级承办方式="参阅"),  # owes nothing
    row(10, 交办日期=date(2026, 3, 2), 延期至=date(2026, 12, 1)),  # extension capped at six months
    row(11, 交办日期=date(2026, 3, 2), 本级承办方式="协办", 协办意见日期=date(2026, 3, 20)),
    row(12, 年度=2025, 办理结果="B", 落实进展="已落实"),  # an earlier year's B case, resolved
]


def test_a_fixed_ledger_reaches_every_state_and_agrees() -> None:
    expected = [reference_case(r) for r in EVERY_STATE]
    states = {s[1] for case in expected for s in case[3]}
    assert states >= {"已完成按期", "已完成逾期", "逾期", "临期", "未到期", "未知", "日期有误"}
    assert {case[1] for case in expected} >= {"已办结", "正常", "逾期", "临期", "未知", "日期有误"}
    assert expected[9][2] == date(2026, 9, 2)  # 2026-09-02: six months after 交办, a working day
    analysis = analysed(EVERY_STATE)
    got = [(d.stage, d.status.value, d.due, [(s.stage, s.state.value, s.due) for s in d.stages])
           for d in analysis.deadlines]
    assert got == expected
    totals = analysis.stats.totals
    assert {name: getattr(totals, name) for name in reference_counts(EVERY_STATE)} == reference_counts(EVERY_STATE)
