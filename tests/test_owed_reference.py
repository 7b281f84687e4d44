"""Who owes what, made from shared parts (`blame.owed`, `Analysis.timing`, the 逾期清单's groups),
agrees with a straightforward per-case reading of docs/domain.md on generated ledgers of every
stage, role, 往年件 and 协办单位 spelling (`test_columnar_reference`'s generator and deadlines).

A lead's stage is owed by the 主办单位 (by 本级协办件's local unit when the office only co-handles
the case); the 协办意见 of the office's own case by each unit in 协办单位."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings

from taizhang.core.columns import Col
from taizhang.core.stats.units import NO_HOST
from taizhang.macros.jobs.due import overdue_groups
from tests.test_columnar_reference import LEDGER_YEAR, analysed, ledgers, reference_case

BLAMED = ("逾期", "已完成逾期", "临期")
FIRST_ROW = 3  # a title row, then the header


def owed_reference(rows: list[dict[str, Any]]) -> list[tuple[int, str, str, str, bool, str, str]]:
    """(Excel row, unit, stage, state, 往年件, 承办, 主办单位 shown) of each stage owed, case by case."""
    items = []
    for n, case in enumerate(rows):
        role = case[Col.ROLE] or "主办"
        host = case[Col.HOST_UNIT] or NO_HOST
        earlier = case[Col.YEAR] is not None and case[Col.YEAR] < LEDGER_YEAR
        for stage, state, _due in reference_case(case)[3]:
            if state not in BLAMED:
                continue
            as_co = stage == "协办意见" and role != "协办"
            units = list(dict.fromkeys(case[Col.CO_UNITS])) if as_co else [host]
            part = "协办" if as_co or role == "协办" else "主办"
            lead = "本级协办件" if not as_co and role == "协办" else host
            items += [(FIRST_ROW + n, unit, stage, state, earlier, part, lead) for unit in units]
    return items


def late_units_reference(case: dict[str, Any]) -> frozenset[str] | None:
    """The units (as the ledger spells them) owing an overdue stage; None when none is named."""
    role = case[Col.ROLE] or "主办"
    units: set[str] = set()
    for stage, state, _due in reference_case(case)[3]:
        if state == "逾期":
            if stage == "协办意见" and role != "协办":
                units.update(case[Col.CO_UNITS])
            elif case[Col.HOST_UNIT]:
                units.add(case[Col.HOST_UNIT])
    return frozenset(units) or None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ledgers())
def test_owed_stages_and_late_units_agree_with_the_reference(rows: list[dict[str, Any]]) -> None:
    analysis = analysed(rows)
    got = [(i.row, i.unit, i.stage, i.state.value, i.earlier_year, i.part, i.lead) for i in analysis.owed]
    assert got == owed_reference(rows)
    timing = analysis.timing
    assert [timing[FIRST_ROW + n].overdue_units for n in range(len(rows))] == [late_units_reference(c) for c in rows]
    assert [timing[FIRST_ROW + n].overdue for n in range(len(rows))] == [reference_case(c)[1] == "逾期" for c in rows]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(ledgers())
def test_overdue_groups_list_each_units_cases_most_late_first(rows: list[dict[str, Any]]) -> None:
    """Within a unit: the earliest due date first (unknown last), then the most working days late,
    then the ledger's order; a case's stages together under its most late one."""
    analysis = analysed(rows)
    for earlier in (False, True):
        for unit, cases in overdue_groups(analysis, earlier=earlier):
            items = [i for i in analysis.owed if i.state.value == "逾期" and i.earlier_year == earlier and i.unit == unit]
            ordered = sorted(items, key=lambda i: (i.due is None, i.due or date.max, -(i.days_late or 0), i.row))
            expected: dict[int, list[Any]] = {}
            for item in ordered:
                expected.setdefault(item.row, []).append(item)
            assert [[(i.row, i.stage) for i in case] for case in cases] == \
                   [[(i.row, i.stage) for i in case] for case in expected.values()]
