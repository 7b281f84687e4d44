"""One pass over the cases, then every breakdown: by 承办单位, 类别, 级别, 本级承办方式, 提出时间, 重点件,
and 级别 × 类别.

Cases with the same `Facts` are counted together first, so each breakdown's tally is updated
once per distinct tuple instead of once per case, and no unit re-scans the ledger.

By unit (`UnitRow`; the names are defined in `taizhang.core.stats.figures`): a case counts for its
主办单位 as 主办件次 and for each of its 协办单位 as 协办件次; 参阅 cases are no unit's. The unit's
other figures are over its 主办 cases (the 主办单位 replies), except 逾期件数: the cases where the
unit owes an overdue stage. Cases without a 主办单位 are grouped under a pseudo-unit so the units'
合计 row covers every case; the 合计 row's 逾期件数 counts each overdue case once.

Other breakdowns list every value of the column even when empty (类别, 级别, 本级承办方式, 提出时间 in
the enums' order; 重点件 as 重点件 / 一般件, a blank 重点件 being 一般件), then spellings outside the
enumeration, then 未填写. By 本级承办方式 a 退回 case is in the group 退回, not in its role's, so the
groups are the totals' role counts. Each breakdown carries its total, the overall figures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING

from taizhang.core.columns import Col
from taizhang.core.enums import Category, Level, Role, Timing
from taizhang.core.settings import Settings
from taizhang.core.stats.facts import BLANK, ORDINARY_CASE, CaseTiming, Facts, FactsReader, Period
from taizhang.core.stats.figures import RATE_COLUMNS, ROLES, Figures, Tally
from taizhang.core.stats.units import NO_HOST, UnitNames
from taizhang.core.table import CaseTable

if TYPE_CHECKING:
    from taizhang.core.case import Case

TOTAL = "合计"


@dataclass(frozen=True)
class Breakdown:
    """Figures per value of one column, fixed values first (zeros kept), then the total."""

    column: str
    groups: dict[str, Figures]
    total: Figures


@dataclass(frozen=True)
class UnitRow:
    """One unit's line of the statistics: its 主办件次 and 协办件次, and its figures over its 主办 cases."""

    unit: str
    listed: bool  # in the 单位名录
    hosted: int  # 主办件次: current-year cases (not 参阅) naming the unit in 主办单位
    co: int  # 协办件次: current-year cases (not 参阅) naming the unit in 协办单位
    # Over the unit's 主办 cases (and its earlier years' B cases); `figures.overdue` is the unit's
    # 逾期件数: cases where it owes an overdue stage (the 合计 row: each overdue case once).
    figures: Figures


@dataclass(frozen=True)
class Stats:
    """Every figure of a ledger on `today` (`compute_stats`): the totals, one row per unit, and the
    breakdowns by 类别, 级别, 本级承办方式, 提出时间 and 重点件. Definitions: core/stats/figures.py."""

    today: date
    ledger_year: int | None
    scheme: str
    timing_known: bool
    totals: Figures
    by_unit: list[UnitRow]
    unit_total: UnitRow
    by_category: Breakdown
    by_level: Breakdown
    by_role: Breakdown
    by_timing: Breakdown
    by_key_case: Breakdown
    by_level_category: dict[str, Breakdown]  # 级别 → 类别: 精河2025通知 opens with 州 建议/提案 × 主办/协办


RETURNED = "退回"

# The groups every table shows even when empty, in the order offices list them.
_FIXED: dict[str, tuple[str, ...]] = {
    Col.CATEGORY: tuple(c.value for c in Category),
    Col.LEVEL: tuple(lv.value for lv in Level),
    Col.ROLE: (*ROLES, RETURNED),
    Col.TIMING: tuple(t.value for t in Timing),
    Col.KEY_CASE: (Col.KEY_CASE, ORDINARY_CASE),
}


def _role_group(facts: Facts) -> str:
    """The 本级承办方式 group: 退回 apart, as in the totals' role counts (a 参阅 case stays 参阅)."""
    return RETURNED if facts.returned and facts.role != Role.REFERENCE else facts.role


_GROUP: dict[str, Callable[[Facts], str]] = {
    Col.CATEGORY: attrgetter("category"), Col.LEVEL: attrgetter("level"), Col.ROLE: _role_group,
    Col.TIMING: attrgetter("timing"), Col.KEY_CASE: attrgetter("key_case"),
}


def _breakdown(column: str, counted: Counter[Facts], total: Figures, scheme: str, timing_known: bool,
               unknown: frozenset[str]) -> Breakdown:
    group = _GROUP[column]
    tallies: dict[str, Tally] = {value: Tally() for value in _FIXED[column]}
    for facts, n in counted.items():
        tallies.setdefault(group(facts), Tally()).add(facts, n)
    if BLANK in tallies:  # blanks last, after odd spellings
        tallies[BLANK] = tallies.pop(BLANK)
    groups = {key: tally.figures(scheme, timing_known, unknown) for key, tally in tallies.items()}
    return Breakdown(column, groups, total)


def compute_stats(cases: list[Case] | CaseTable, settings: Settings, today: date, *, ledger_year: int | None,
                  timing: dict[int, CaseTiming] | None = None, units: UnitNames | None = None,
                  columns: Iterable[str] | None = None) -> Stats:
    """Every figure of the ledger as of `today`. `timing` comes from the deadline engine, by row;
    `units` the run's unit names (so other reports group alike), else built from `settings`;
    `columns` the canonical columns the ledger has (a rate whose column is missing is unknown).
    `cases`: a ledger's table, or a list of cases."""
    table = cases if isinstance(cases, CaseTable) else CaseTable.from_cases(cases)
    if columns is not None:
        have = set(columns)
        unknown = frozenset(rate for rate, column in RATE_COLUMNS.items() if column not in have)
        return _compute(table, settings, today, ledger_year, timing, units, unknown)
    return _compute(table, settings, today, ledger_year, timing, units, frozenset())


def _compute(table: CaseTable, settings: Settings, today: date, ledger_year: int | None,
             timing: dict[int, CaseTiming] | None, units: UnitNames | None, unknown: frozenset[str]) -> Stats:
    scheme = settings.params.class_scheme
    year = ledger_year if ledger_year is not None else settings.params.year
    timing_known = timing is not None
    units = units if units is not None else UnitNames(settings)
    reader = FactsReader(scheme, year, units, timing)

    every: list[Facts] = []
    co_named: list[list[str]] = []  # per case: its co-handlers
    owing_named: list[list[str]] = []  # per case: the units owing an overdue stage (current year)
    # Cases alike in what these read get the same units: each is worked out once (the units' names
    # are then already known, so the order units are first named in is the cases' order still).
    owing_of: dict[tuple[frozenset[str] | None, str | None, str | None, tuple[str, ...]], list[str]] = {}
    co_of: dict[tuple[str | None, tuple[str, ...]], list[str]] = {}
    for facts, row, host, co_units in zip(reader.read_table(table), table.rows, table.column(Col.HOST_UNIT),
                                          table.column(Col.CO_UNITS), strict=True):
        every.append(facts)
        if facts.period != Period.CURRENT:
            continue
        named = tuple(co_units)
        if facts.overdue:
            given = timing[row].overdue_units if timing is not None and row in timing else None
            key = (given, facts.host, host, named)
            late = owing_of.get(key)
            if late is None:
                late = owing_of[key] = _owing_units(row, facts, timing, units, [host, *co_units])
            owing_named.append(late)
        if facts.role == Role.REFERENCE:
            continue  # 参阅: nobody's assignment
        co = co_of.get((facts.host, named))
        if co is None:
            # a unit never co-handles the case it hosts
            co = co_of[(facts.host, named)] = [name for name in map(units.name, co_units) if name != facts.host]
        co_named.append(co)
    # Counted at C speed, each key in the order the cases first give it (as `+= 1` case by case would)
    counted = Counter(every)
    co_counts = Counter(chain.from_iterable(co_named))
    owing = Counter(chain.from_iterable(owing_named))  # per unit: current-year cases where it owes an overdue stage

    overall = Tally()
    by_host: dict[str, Tally] = {}
    for facts, n in counted.items():
        overall.add(facts, n)
        if facts.period == Period.CURRENT and facts.role == Role.REFERENCE:
            continue
        by_host.setdefault(facts.host or NO_HOST, Tally()).add(facts, n)
    totals = overall.figures(scheme, timing_known, unknown)

    names = sorted(set(by_host) | set(co_counts) | set(owing), key=units.sort_key)
    rows: list[UnitRow] = []
    sum_tally = Tally()
    for name in names:
        tally = by_host.get(name) or Tally()
        sum_tally.merge(tally)
        if not (tally.cases or tally.earlier_b or co_counts.get(name) or owing.get(name)):
            continue  # only earlier years' A/C cases: nothing to show on this year's table
        figures = tally.figures(scheme, timing_known, unknown)
        if timing_known:
            figures = replace(figures, overdue=owing.get(name, 0))
        rows.append(UnitRow(name, units.listed(name), tally.cases, co_counts.get(name, 0), figures))
    unit_total = UnitRow(TOTAL, False, sum_tally.cases, sum(co_counts.values()),
                         replace(sum_tally.figures(scheme, timing_known, unknown), overdue=totals.overdue))

    def breakdown(column: str) -> Breakdown:
        return _breakdown(column, counted, totals, scheme, timing_known, unknown)

    by_level = breakdown(Col.LEVEL)
    by_level_category: dict[str, Breakdown] = {}
    for level, level_figures in by_level.groups.items():
        if level_figures.cases or level_figures.earlier_b:
            subset = Counter({f: n for f, n in counted.items() if f.level == level})
            by_level_category[level] = _breakdown(Col.CATEGORY, subset, level_figures, scheme, timing_known, unknown)

    return Stats(
        today=today, ledger_year=year, scheme=scheme, timing_known=timing_known, totals=totals,
        by_unit=rows, unit_total=unit_total,
        by_category=breakdown(Col.CATEGORY), by_level=by_level, by_role=breakdown(Col.ROLE),
        by_timing=breakdown(Col.TIMING), by_key_case=breakdown(Col.KEY_CASE), by_level_category=by_level_category,
    )


def _owing_units(row: int, facts: Facts, timing: dict[int, CaseTiming] | None,
                 units: UnitNames, named: list[str | None]) -> list[str]:
    """The units (canonical names) that owe an overdue stage of the case at Excel `row`:
    `CaseTiming.overdue_units`, or the 主办单位 when the deadline engine did not say. Named in the
    order the case names them (`named`: its 主办单位, then its 协办单位), never a set's order, so a
    unit the 单位名录 lacks is listed where the ledger first names it, whatever the run."""
    given = timing[row].overdue_units if timing is not None and row in timing else None
    if given is None:
        return [facts.host or NO_HOST]
    ordered = [raw for raw in named if raw in given]
    rest = given.difference(named)
    if rest:  # none, unless the engine named a unit the case does not
        ordered += sorted(rest)
    return list(dict.fromkeys(units.name(raw) for raw in ordered if raw))
