"""Per-unit figures for the report: counts and rates from the statistics, overdue and due-soon
cases from the deadlines, errors and warnings from the validation, all under one unit name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from taizhang.core.deadlines import CaseDeadlines, CaseStatus
from taizhang.core.settings import Severity
from taizhang.core.stats import Stats
from taizhang.core.stats.figures import ON_TIME_RATE, REPLY_RATE
from taizhang.core.stats.units import NO_HOST, UnitNames
from taizhang.macros.analysis import Analysis


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
    host_of = {c.row: names.host(c.host_unit) for c in analysis.ledger.cases}
    overdue = Counter(_host(d, names) for d in analysis.deadlines if d.status is CaseStatus.OVERDUE)
    soon = Counter(_host(d, names) for d in analysis.deadlines if d.status is CaseStatus.DUE_SOON)
    errors = Counter(host_of.get(f.row, NO_HOST) for f in analysis.report.findings if f.severity is Severity.ERROR)
    warnings = Counter(host_of.get(f.row, NO_HOST) for f in analysis.report.findings
                       if f.severity is Severity.WARNING)
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


def _host(d: CaseDeadlines, names: UnitNames) -> str:
    return names.host(d.unit)
