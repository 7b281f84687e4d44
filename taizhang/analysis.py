"""One ledger's analysis: its deadline rules and calendar, each case's deadlines, the validation
report. Pure (no workbook access): the command line, the ribbon and the weekly run all call it,
each with its own way of reading the workbook."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING

from taizhang.core.columns import Col
from taizhang.core.deadlines import (
    CaseDeadlines,
    DeadlineRule,
    RulePlan,
    WorkCalendar,
    evaluate,
    plan_rules,
    rules_for_settings,
    rules_from_sheet,
)
from taizhang.core.deadlines.evaluate import CaseStatus, StageDeadline, StageState
from taizhang.core.deadlines.rules import Owner
from taizhang.core.enums import Opinion
from taizhang.core.errors import BadInput
from taizhang.core.model import Ledger
from taizhang.core.settings import Settings
from taizhang.core.table import CaseValues

if TYPE_CHECKING:
    from taizhang.core.deadlines.blame import Owed
    from taizhang.core.stats import CaseTiming, Stats
    from taizhang.core.stats.units import UnitNames
    from taizhang.validators import Report

REREPLY_STAGE_WORDS = ("重新答复",)


class Analysis:
    """Computed once, on demand: a job asks only for what it shows."""

    def __init__(self, ledger: Ledger, settings: Settings, today: date) -> None:
        self.ledger = ledger
        self.settings = settings
        self.today = today

    @cached_property
    def rule_plan(self) -> RulePlan:
        """The workbook's 时限规则 sheet (or the default preset), split into the stages this ledger
        can track, the ones it cannot, and the sheet's rules that need a column the ledger lacks."""
        return plan_rules(rules_for_settings(self.settings), self.ledger.columns,
                          from_sheet=rules_from_sheet(self.settings))

    @cached_property
    def rules(self) -> list[DeadlineRule]:
        """The rules of the stages this ledger tracks."""
        return self.rule_plan.tracked

    @property
    def untracked_note(self) -> str | None:
        """未跟踪：协办意见（台账没有“协办意见日期”列）；…: what every job that shows deadlines says once."""
        return self.rule_plan.note()

    def untracked_json(self) -> list[dict[str, str]]:
        """The stages not tracked, for --json outputs."""
        return [{"stage": u.stage, "reason": u.reason} for u in self.rule_plan.untracked]

    def require_sound_rules(self) -> None:
        """Deadlines from a 时限规则 sheet that asks for columns the ledger lacks would report stages
        nobody can complete: refuse (exit 2) naming each cell, so the staff fix the sheet or the ledger."""
        problems = self.rule_plan.problems
        if problems:
            raise BadInput("；\n".join(p.message for p in problems))

    @cached_property
    def unit_names(self) -> UnitNames:
        """How every report of this run names, groups and orders units."""
        from taizhang.core.stats.units import UnitNames  # the statistics only for jobs that show units

        return UnitNames(self.settings)

    @cached_property
    def calendar(self) -> WorkCalendar:
        return WorkCalendar.from_settings(self.settings.holidays)

    @cached_property
    def deadlines(self) -> list[CaseDeadlines]:
        self.require_sound_rules()
        return evaluate(self.ledger.table, self.rules, self.calendar, self.today,
                        ledger_year=self.ledger.year, due_soon_days=self.settings.params.due_soon_days,
                        class_scheme=self.settings.params.class_scheme)

    @cached_property
    def owed(self) -> list[Owed]:
        """Every stage overdue, done late or due soon, under the unit that owes it (`core.deadlines.blame`)."""
        from taizhang.core.deadlines.blame import owed

        return owed(self.deadlines, self.ledger.table, self.unit_names, self.calendar, ledger_year=self.ledger.year)

    @cached_property
    def deadlines_by_row(self) -> dict[int, CaseDeadlines]:
        return {d.row: d for d in self.deadlines}

    @cached_property
    def _rereply_deadlines(self) -> dict[int, CaseDeadlines]:
        """Deadlines of the 不满意 cases only: `check` needs no other case's, so it does not pay for
        evaluating the whole ledger (a job that already did reuses that)."""
        if "deadlines" in self.__dict__:
            return self.deadlines_by_row
        table = self.ledger.table
        dissatisfied = table.take(i for i, o in enumerate(table.column(Col.OPINION)) if o == Opinion.DISSATISFIED)
        found = evaluate(dissatisfied, self.rules, self.calendar, self.today, ledger_year=self.ledger.year,
                         due_soon_days=self.settings.params.due_soon_days,
                         class_scheme=self.settings.params.class_scheme)
        return {d.row: d for d in found}

    def rereply_due(self, case: CaseValues) -> date | None:
        """The 重新答复 deadline the workbook's own rules give a 不满意 case, if they have one."""
        found = self._rereply_deadlines.get(case.row)
        if found is None:
            return None
        for stage in found.stages:
            if any(word in stage.stage for word in REREPLY_STAGE_WORDS):
                return stage.due
        return None

    @cached_property
    def report(self) -> Report:
        # The checks (and pandas under them) only when a job asks for the report.
        from taizhang.validators import validate

        has_rereply_rule = any(any(w in r.stage for w in REREPLY_STAGE_WORDS) for r in self.rules)
        return validate(self.ledger, self.settings, self.today,
                        rereply_due=self.rereply_due if has_rereply_rule else None, calendar=self.calendar)

    @cached_property
    def timing(self) -> dict[int, CaseTiming]:
        """What the statistics need from the deadlines, by Excel row."""
        from taizhang.core.deadlines.blame import units_owing
        from taizhang.core.stats import CaseTiming

        reply_stages = {r.stage for r in self.rules if r.done_column == Col.REPLY_DATE}
        table = self.ledger.table
        # Cases alike share their stage lists (`evaluate`): what a list says is read once, and one
        # CaseTiming (frozen, costly to make) serves every case alike in it and its late units.
        said: dict[int, tuple[bool | None, bool, frozenset[Owner]]] = {}
        made: dict[tuple[int, CaseStatus, frozenset[str] | None], CaseTiming] = {}
        timing: dict[int, CaseTiming] = {}
        for d, host, co_units in zip(self.deadlines, table.column(Col.HOST_UNIT), table.column(Col.CO_UNITS),
                                     strict=True):
            stages = d.stages
            found = said.get(id(stages))
            if found is None:
                found = said[id(stages)] = self._stages_timing(stages, reply_stages)
            on_time, due_by_today, late_owners = found
            late = frozenset(units_owing(late_owners, host, co_units)) or None if late_owners else None
            key = (id(stages), d.status, late)
            got = made.get(key)
            if got is None:
                got = made[key] = CaseTiming(overdue=d.status is CaseStatus.OVERDUE, replied_on_time=on_time,
                                             reply_due_by_today=due_by_today, overdue_units=late)
            timing[d.row] = got
        return timing

    def _stages_timing(self, stages: list[StageDeadline],
                       reply_stages: set[str]) -> tuple[bool | None, bool, frozenset[Owner]]:
        """What one list of stages says for the statistics, whatever case has it: the reply on time,
        the reply due by today, whose stages (the lead's, the co-handlers') are overdue."""
        reply = next((s for s in stages if s.stage in reply_stages), None)
        state = reply.state if reply else None
        on_time = {StageState.DONE_ON_TIME: True, StageState.DONE_LATE: False}.get(state) if state else None
        # A reply date that cannot be true says nothing of the reply; its deadline may still have passed.
        wrong_but_due = (state is StageState.DATE_WRONG and reply is not None and reply.due is not None
                         and reply.due < self.today)
        due_by_today = on_time is not None or state is StageState.OVERDUE or wrong_but_due
        return on_time, due_by_today, frozenset(s.owner for s in stages if s.state is StageState.OVERDUE)

    @cached_property
    def stats(self) -> Stats:
        from taizhang.core.stats import compute_stats

        return compute_stats(self.ledger.table, self.settings, self.today, ledger_year=self.ledger.year,
                             timing=self.timing, units=self.unit_names, columns=self.ledger.columns)
