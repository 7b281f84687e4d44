"""Per case: each applicable stage's due date and state, the current stage, and an overall status.

- A stage is complete when its 完成标志列 holds a date; its state then says whether it was on time.
- 参阅 cases owe nothing (no rule reaches them unless it names 参阅): status 已办结, no stages.
- A case with a 退回日期 on or after its 交办日期 was returned as outside the unit's remit: it is
  waiting for the office to re-assign it, never overdue (status 正常, stage 已退回, no stages).
  Re-assigned (a 交办日期 after the 退回日期), it is evaluated again.
- A completion date that cannot be true (after today, or before the case's 交办日期) is not a
  completion: the stage is 日期有误 — neither done nor done late, never overdue either (the unit
  may well have done it; the date must be corrected first). It keeps the date for display.
- The current stage is the first incomplete stage, in rule order, whose state is the worst
  (逾期 > 日期有误 > 临期 > 未知 > 未到期), so 当前环节, 截止日期 and 状态 always agree; with rules in
  chronological order that is simply the first incomplete stage. 日期有误 ranks after 逾期 (real
  overdue work elsewhere in the case is what the unit must act on) and before 临期 (until the date
  is fixed nobody can say whether the stage is done or overdue): 状态 shows 日期有误, 当前环节 the
  stage, 截止日期 its due date and 剩余工作日 stays empty.
- Each stage says whose work it is (`owner`, from the rule's 责任单位). A stage owed by the
  协办单位 applies only to cases that name one: there is nobody else to owe it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from itertools import repeat
from typing import TYPE_CHECKING, Any

from taizhang.core.calendar import UnknownYear, WorkCalendar, remembered
from taizhang.core.columns import Col
from taizhang.core.deadlines.conditions import CaseScope
from taizhang.core.deadlines.due import Due, DueCalculator
from taizhang.core.deadlines.rules import DeadlineKind, DeadlineRule, Owner
from taizhang.core.enums import Role
from taizhang.core.table import CaseTable, CaseValues

if TYPE_CHECKING:
    from taizhang.core.case import Case

RETURNED_STAGE = "已退回"


class StageState(StrEnum):
    """The state of one stage of a case on `today`: done (on time or late), pending (not due, due
    soon, overdue), unknown (a date the calendar cannot count) or a completion date that cannot be true."""

    DONE_ON_TIME = "已完成按期"
    DONE_LATE = "已完成逾期"
    NOT_DUE = "未到期"
    DUE_SOON = "临期"
    OVERDUE = "逾期"
    UNKNOWN = "未知"
    DATE_WRONG = "日期有误"  # a completion date after today or before 交办: not a completion


DONE_STATES = frozenset({StageState.DONE_ON_TIME, StageState.DONE_LATE})


class CaseStatus(StrEnum):
    """A case's status: the worst of its pending stages, 已办结 when every stage is done (docs/domain.md#stage-and-case-status)."""

    NORMAL = "正常"
    DUE_SOON = "临期"
    OVERDUE = "逾期"
    DONE = "已办结"
    UNKNOWN = "未知"
    DATE_WRONG = "日期有误"


_WORST_FIRST = (StageState.OVERDUE, StageState.DATE_WRONG, StageState.DUE_SOON, StageState.UNKNOWN,
                StageState.NOT_DUE)
_STATUS_OF = {
    StageState.OVERDUE: CaseStatus.OVERDUE,
    StageState.DATE_WRONG: CaseStatus.DATE_WRONG,
    StageState.DUE_SOON: CaseStatus.DUE_SOON,
    StageState.UNKNOWN: CaseStatus.UNKNOWN,
    StageState.NOT_DUE: CaseStatus.NORMAL,
}


@dataclass(frozen=True, slots=True)  # shared between cases alike in what the stage reads
class StageDeadline:
    """One stage of one case: its due date, state, completion date, working days left and the unit that owes it."""

    stage: str
    due: date | None
    state: StageState
    done_date: date | None = None
    working_days_left: int | None = None  # incomplete stages only; negative when overdue
    reason: str | None = None
    owner: Owner = Owner.HOST  # whose work the stage is (the rule's 责任单位)

    @property
    def done(self) -> bool:
        """Completed: on time or late (a 日期有误 date is not a completion)."""
        return self.state in DONE_STATES


@dataclass(slots=True)
class CaseDeadlines:
    """Every tracked stage of one case (by Excel row), its current stage, due date and status."""

    row: int
    sheet: str
    number: str | None  # 编号
    unit: str | None  # 主办单位, for grouping
    stage: str | None  # 当前环节; None when nothing is pending
    due: date | None
    status: CaseStatus
    working_days_left: int | None
    stages: list[StageDeadline] = field(default_factory=list)  # shared by cases alike: never changed
    reason: str | None = None


def _stage(stage: str, due: date | None, state: StageState, *, done_date: date | None = None,
           working_days_left: int | None = None, reason: str | None = None) -> StageDeadline:
    return StageDeadline(stage=stage, due=due, state=state, done_date=done_date,
                         working_days_left=working_days_left, reason=reason)


def current(stages: list[StageDeadline]) -> tuple[StageDeadline | None, CaseStatus]:
    """The current stage of `stages` and the status it gives: the first incomplete stage whose
    state is the worst; (None, 已办结) when every stage is complete (or there is none)."""
    pending = [s for s in stages if not s.done]
    if not pending:
        return None, CaseStatus.DONE
    worst = next(state for state in _WORST_FIRST if any(s.state is state for s in pending))
    return next(s for s in pending if s.state is worst), _STATUS_OF[worst]


def impossible_date(column: str, done: date, assigned: date | None, today: date) -> str | None:
    """Why a completion date cannot be true, or None when it can."""
    if done > today:
        return f"“{column}”{done.isoformat()}晚于今天（{today.isoformat()}），不能算作完成，请更正"
    if assigned is not None and done < assigned:
        return f"“{column}”{done.isoformat()}早于交办日期{assigned.isoformat()}，不能算作完成，请更正"
    return None


# A case's result apart from who it is: (stage, due, status, working_days_left, stages, reason).
_Outcome = tuple[str | None, date | None, CaseStatus, int | None, list[StageDeadline], str | None]


class _Evaluator:
    def __init__(self, rules: list[DeadlineRule], calendar: WorkCalendar, today: date,
                 ledger_year: int | None, due_soon_days: int, class_scheme: str) -> None:
        self.rules = rules
        self.calendar = calendar
        self.today = today
        self.due_soon_days = due_soon_days
        self.class_scheme = class_scheme
        self.dues = DueCalculator(rules, calendar, ledger_year)
        self._left: dict[date, int | UnknownYear] = {}
        # A stage's result depends only on a few columns of the case: compute it once per distinct set.
        # 交办日期 always: a completion date before it is not a completion.
        self._inputs = [tuple(dict.fromkeys((r.done_column, Col.ASSIGNED_DATE, *self.dues.inputs(r))))
                        for r in rules]
        # Which rules reach a case depends on its 承办方式, 类别, whether it names a 协办单位 and the
        # columns the 适用条件 read.
        self._scope_columns = tuple(dict.fromkeys(c.column for r in rules for c in r.conditions))
        self._stages: dict[tuple[Any, ...], StageDeadline] = {}
        self._scopes: dict[tuple[Any, ...], tuple[tuple[int, ...], str]] = {}
        self._outcomes: dict[tuple[int, ...], _Outcome] = {}

    def left(self, due: date) -> int:
        """Working days from today to `due`, cached: many cases share a due date."""
        return remembered(self._left, due, lambda: self.calendar.workdays_between(self.today, due))

    def _stage(self, key: tuple[Any, ...], case: CaseValues) -> StageDeadline:
        """The stage of rule `key[0]` for a case whose inputs are the rest of `key`, worked out once."""
        rule = self.rules[key[0]]
        found = self._evaluate_stage(rule, case)
        if found.owner is not rule.responsible:  # dataclasses.replace is slow: only for the co-handlers' stages
            found = replace(found, owner=rule.responsible)
        self._stages[key] = found
        return found

    def _evaluate_stage(self, rule: DeadlineRule, case: CaseValues) -> StageDeadline:
        done = case[rule.done_column]
        done_date = done if isinstance(done, date) else None
        wrong_base = self._wrong_base(rule, case)
        if wrong_base:  # a period from a date that cannot be true has no true end either
            return _stage(rule.stage, None, StageState.UNKNOWN, done_date=done_date, reason=wrong_base)
        due = self.dues.rule(rule, case)
        if done_date is not None:
            wrong = impossible_date(rule.done_column, done_date, case[Col.ASSIGNED_DATE], self.today)
            if wrong:
                return _stage(rule.stage, due.day, StageState.DATE_WRONG, done_date=done_date, reason=wrong)
            return self._done(rule.stage, due, done_date)
        if due.day is None:
            state = StageState.NOT_DUE if due.waiting else StageState.UNKNOWN
            return _stage(rule.stage, None, state, reason=due.reason)
        try:
            left: int | None = self.left(due.day)
        except UnknownYear as unknown:
            left = None
            if self.today <= due.day:
                return _stage(rule.stage, due.day, StageState.UNKNOWN, reason=unknown.message)
        if self.today > due.day:
            state = StageState.OVERDUE  # known from the dates alone, even when the count is not
        elif left is not None and left <= self.due_soon_days:
            state = StageState.DUE_SOON
        else:
            state = StageState.NOT_DUE
        return _stage(rule.stage, due.day, state, working_days_left=left, reason=due.note)

    def _wrong_base(self, rule: DeadlineRule, case: CaseValues) -> str | None:
        """Why the date a period of `rule` runs from (another stage's completion date, such as the
        正式答复日期 回头看 counts from) cannot be true, or None."""
        for term in rule.terms():
            if term.kind is DeadlineKind.FIXED or term.base == Col.ASSIGNED_DATE:
                continue
            base = case[term.base]
            if isinstance(base, date):
                wrong = impossible_date(term.base, base, case[Col.ASSIGNED_DATE], self.today)
                if wrong:
                    return f"起算日期有误，无法计算截止日期：{wrong}"
        return None

    @staticmethod
    def _done(stage: str, due: Due, done_date: date) -> StageDeadline:
        if due.day is None:
            return _stage(stage, None, StageState.UNKNOWN, done_date=done_date, reason=due.reason)
        state = StageState.DONE_ON_TIME if done_date <= due.day else StageState.DONE_LATE
        return _stage(stage, due.day, state, done_date=done_date, reason=due.note)

    def _scope_keys(self, table: CaseTable) -> Iterator[tuple[Any, ...]]:
        """Per case, what decides which rules reach it: its 承办方式, 类别, whether it names a
        协办单位, and the columns the 适用条件 read (lists as tuples, to be hashable)."""
        # A condition on 协办单位 can only ask whether it is filled (协办单位=有 / 无).
        extra = [list(map(bool, table.column(c))) if c == Col.CO_UNITS else table.column(c)
                 for c in self._scope_columns]
        return zip(table.column(Col.ROLE), table.column(Col.CATEGORY), map(bool, table.column(Col.CO_UNITS)),
                   *extra, strict=True)

    def _scope(self, key: tuple[Any, ...], case: CaseValues) -> tuple[tuple[int, ...], str]:
        """The indexes of the rules that reach `case`, and its 承办方式, once per kind of case."""
        found = self._scopes.get(key)
        if found is None:
            scope = CaseScope(case, self.class_scheme)
            found = self._scopes[key] = (tuple(i for i, r in enumerate(self.rules) if scope.admits(r)), scope.role)
        return found

    def _outcome(self, stages: list[StageDeadline], role: str) -> _Outcome:
        now, status = current(stages)
        if now is None:
            reason = None
            if not stages:
                reason = "参阅件，无需办理" if role == Role.REFERENCE.value else "没有适用的时限规则"
            return None, None, status, None, stages, reason
        return now.stage, now.due, status, now.working_days_left, stages, now.reason

    def table(self, table: CaseTable) -> list[CaseDeadlines]:
        """Every case of `table`, read from its columns: each distinct stage input, kind of case and
        set of stages is worked out once; a case is then a few lookups."""
        returned, assigned = table.column(Col.RETURNED_DATE), table.column(Col.ASSIGNED_DATE)
        numbers, units, rows = table.column(Col.NUMBER), table.column(Col.HOST_UNIT), table.rows
        # Per rule, each case's key: the rule's index and the columns its stage reads.
        keys = [list(zip(repeat(j), *(table.column(c) for c in inputs), strict=False))
                for j, inputs in enumerate(self._inputs)]
        sheet, scopes, known, outcomes = table.sheet, self._scopes, self._stages, self._outcomes
        out: list[CaseDeadlines] = []
        for i, (row, kind) in enumerate(zip(rows, self._scope_keys(table), strict=True)):
            back, given = returned[i], assigned[i]
            if back and (given is None or given <= back):
                out.append(CaseDeadlines(row, sheet, numbers[i], units[i], RETURNED_STAGE, None, CaseStatus.NORMAL,
                                         None, [], f"已于{back.isoformat()}退回，待重新交办，不计逾期"))
                continue
            admitted, role = scopes.get(kind) or self._scope(kind, table.row(i))
            stages = [known.get(key) or self._stage(key, table.row(i)) for key in (keys[j][i] for j in admitted)]
            ids = (id(role), *map(id, stages))
            outcome = outcomes.get(ids)
            if outcome is None:
                outcome = outcomes[ids] = self._outcome(stages, role)
            out.append(CaseDeadlines(row, sheet, numbers[i], units[i], *outcome))
        return out


def evaluate(cases: list[Case] | CaseTable, rules: list[DeadlineRule], calendar: WorkCalendar, today: date, *,
             ledger_year: int | None, due_soon_days: int, class_scheme: str = "A/B/C") -> list[CaseDeadlines]:
    """Deadlines of every case (a list of cases or a ledger's table), in the order given. `today` is
    always passed in, never read from the clock.

    `ledger_year` places fixed month-days (3月25日); without it a case's 年度, then its 交办日期's year.
    """
    table = cases if isinstance(cases, CaseTable) else CaseTable.from_cases(cases)
    evaluator = _Evaluator(rules, calendar, today, ledger_year, due_soon_days, class_scheme)
    return evaluator.table(table)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def to_json(results: list[CaseDeadlines], untracked: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The `taizhang due --json` document; `untracked`: the stages the ledger cannot track, and why."""
    return {"untracked": untracked or [], "cases": [
        {
            "row": r.row,
            Col.NUMBER: r.number or "",
            "stage": r.stage or "",
            "due": _iso(r.due),
            "status": r.status.value,
            "working_days_left": r.working_days_left,
            "stages": [{"stage": s.stage, "due": _iso(s.due), "state": s.state.value} for s in r.stages],
        }
        for r in results
    ]}
