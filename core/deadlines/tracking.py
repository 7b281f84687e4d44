"""Which stages a ledger can track: a stage is tracked only where the ledger can record its completion.

Many offices' ledgers have no 协办意见日期, 回头看日期 or 签收日期 column. A stage whose 完成标志列 (or
the 起算列 its period runs from) the ledger lacks can never be completed, so it is *not tracked*:
never evaluated, never overdue, and every job says once which stages are not tracked and why.

Two sources of rules are treated differently:
- the built-in defaults (no 时限规则 sheet): a rule that needs a missing column is quietly not tracked;
- the workbook's own 时限规则 sheet: the staff asked for that rule, so an enabled rule that needs a
  column the ledger lacks is a settings problem reported at its cell (`RuleProblem`). A rule switched
  off (启用 = 否) is listed as not tracked.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from taizhang.core.deadlines.rules import DeadlineRule
from taizhang.core.settings import DEADLINES_SHEET

DISABLED = "时限规则中已停用"


@dataclass(frozen=True)
class Untracked:
    """A stage this ledger does not track, and why (in Chinese)."""

    stage: str
    reason: str

    def __str__(self) -> str:
        return f"{self.stage}（{self.reason}）"


@dataclass(frozen=True)
class RuleProblem:
    """An enabled rule of the workbook's 时限规则 sheet that needs a column the ledger lacks."""

    stage: str
    column: str  # the canonical ledger column that is missing
    cell: str | None  # the 时限规则 cell that names it, e.g. "B3"
    sheet: str = DEADLINES_SHEET

    @property
    def message(self) -> str:
        where = f"“{self.sheet}”工作表 {self.cell} 单元格" if self.cell else f"“{self.sheet}”工作表"
        return (f"{where}：环节“{self.stage}”要用台账的“{self.column}”列，但台账没有这一列。"
                f"请在台账中加上这一列，或把该行的“启用”改为“否”")


@dataclass(frozen=True)
class RulePlan:
    """A ledger's deadline rules sorted for it: the rules of the stages it can track, the stages it
    cannot (a column missing), and the sheet's rules that need a column it lacks (refused by `Analysis`)."""

    tracked: list[DeadlineRule]
    untracked: list[Untracked] = field(default_factory=list)
    problems: list[RuleProblem] = field(default_factory=list)

    def note(self) -> str | None:
        """The one line every job prints: 未跟踪：协办意见（台账没有“协办意见日期”列）；…"""
        if not self.untracked:
            return None
        return "未跟踪：" + "；".join(str(u) for u in self.untracked)

    def stages(self) -> list[str]:
        """Tracked stage names, each once, in rule order."""
        return list(dict.fromkeys(r.stage for r in self.tracked))


def missing_reason(columns: Iterable[str]) -> str:
    return "、".join(f"台账没有“{c}”列" for c in columns)


def _header_naming(rule: DeadlineRule, column: str) -> str:
    if column == rule.done_column:
        return "完成标志列"
    return "起算列" if column == rule.term.base else "起算列2"


def plan_rules(rules: list[DeadlineRule], ledger_columns: Iterable[str], *, from_sheet: bool) -> RulePlan:
    """Split `rules` into the ones this ledger tracks, the stages it does not, and (for rules from the
    workbook's own sheet) the problems to report. `ledger_columns` are the canonical columns it has.

    A stage split over several rows (协办意见 for 本级协办 cases and for cases with 协办单位) is
    listed as untracked once, and only when none of its rows is tracked."""
    have = set(ledger_columns)
    tracked: list[DeadlineRule] = []
    reasons: dict[str, str] = {}
    problems: list[RuleProblem] = []
    for rule in rules:
        if not rule.enabled:
            reasons.setdefault(rule.stage, DISABLED)
            continue
        missing = [c for c in rule.needed_columns() if c not in have]
        if not missing:
            tracked.append(rule)
            continue
        if from_sheet:
            problems += [RuleProblem(rule.stage, c, rule.cell(_header_naming(rule, c)) or rule.cell("环节"))
                         for c in missing]
        reasons.setdefault(rule.stage, missing_reason(missing))
    done = {r.stage for r in tracked}
    untracked = [Untracked(stage, why) for stage, why in reasons.items() if stage not in done]
    return RulePlan(tracked, untracked, problems)
