"""Per-unit figures for the report: counts and rates from the statistics, overdue and due-soon
cases from the deadlines, errors and warnings from the validation, all under one unit name.

Overdue and due-soon count the cases where the unit owes a stage in that state
(`core.deadlines.blame`): a co-handler's late opinion counts for the co-handler, not for the lead.
Errors and warnings count by the case's 主办单位 (the lead keeps the row)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.deadlines import StageState
from taizhang.core.deadlines.blame import Owed
from taizhang.core.settings import Severity
from taizhang.core.stats import Stats
from taizhang.core.stats.figures import ON_TIME_RATE, REPLY_RATE
from taizhang.core.stats.units import NO_HOST

RANK = {StageState.OVERDUE: 0, StageState.DUE_SOON: 1}


@dataclass(frozen=True)
class UnitLine:
    unit: str
    hosted: int  # 主办件数 (current year)
    co: int  # 协办件数
    replied: int
    reply_rate: str
    on_time_rate: str
    overdue: int
    due_soon: int
    errors: int
    warnings: int
    email: str | None


def unit_lines(analysis: Analysis, stats: Stats) -> list[UnitLine]:
    names = analysis.unit_names
    host_of = {row: names.host(host) for row, host in analysis.ledger.by_row(Col.HOST_UNIT).items()}
    overdue = owing(analysis.owed, StageState.OVERDUE)
    soon = owing(analysis.owed, StageState.DUE_SOON)
    findings = analysis.report.ledger_findings()
    errors = Counter(host_of.get(f.row, NO_HOST) for f in findings if f.severity is Severity.ERROR)
    warnings = Counter(host_of.get(f.row, NO_HOST) for f in findings if f.severity is Severity.WARNING)
    emails = {u.name: u.email for u in analysis.settings.units if u.email}
    lines: list[UnitLine] = []
    for row in stats.by_unit:
        fig = row.figures
        lines.append(UnitLine(row.unit, row.hosted, row.co, fig.replied, fig.rates[REPLY_RATE].value,
                              fig.rates[ON_TIME_RATE].value, overdue[row.unit], soon[row.unit], errors[row.unit],
                              warnings[row.unit], emails.get(row.unit)))
    # units the statistics leave out (only earlier years' cases) still show their problems
    shown = {line.unit for line in lines}
    for unit in sorted((set(overdue) | set(soon) | set(errors) | set(warnings)) - shown, key=names.sort_key):
        lines.append(UnitLine(unit, 0, 0, 0, "—", "—", overdue[unit], soon[unit], errors[unit], warnings[unit],
                              emails.get(unit)))
    return lines


def owing(items: list[Owed], state: StageState) -> Counter[str]:
    """Per unit: the cases whose worst stage owed by that unit is in `state` (overdue before due
    soon, as a case's status ranks them), each case once however many stages it has."""
    worst: dict[tuple[str, int], int] = {}
    for i in items:
        if i.state in RANK:
            key = (i.unit, i.row)
            worst[key] = min(worst.get(key, RANK[i.state]), RANK[i.state])
    return Counter(unit for (unit, _row), rank in worst.items() if rank == RANK[state])
