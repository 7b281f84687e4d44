"""Stages follow the ledger: a stage whose column the ledger lacks is not tracked, a sheet rule
that needs a missing column is a settings problem at its cell, and each stage says whose work it is."""

from __future__ import annotations

from typing import Any

import pytest

from taizhang.core.deadlines import (
    PRESETS,
    RULE_HEADERS,
    Owner,
    plan_rules,
    rules_from_table,
    rules_to_rows,
)
from taizhang.core.settings import DEADLINES_SHEET, SheetTable

# The 25 columns of a plain ledger kept by an office that never used the tool's template.
PLAIN = ("序号", "编号", "类别", "年度", "标题", "领衔人", "代表团", "联系电话", "本级承办方式", "主办单位",
         "协办单位", "交办日期", "面商日期", "正式答复日期", "答复文号", "办理结果", "代表意见",
         "重新答复日期", "延期至", "延期理由", "退回日期", "退回理由", "备案日期", "公开属性", "备注")


def sheet_rules(*rows: dict[str, Any]) -> SheetTable:
    grid: list[list[Any]] = [list(RULE_HEADERS)] + [[row.get(h) for h in RULE_HEADERS] for row in rows]
    return SheetTable.from_grid(DEADLINES_SHEET, grid)


def test_default_rules_on_a_plain_ledger_track_only_what_it_can_record() -> None:
    plan = plan_rules(PRESETS["代表法三个月"], PLAIN, from_sheet=False)
    assert plan.stages() == ["正式答复", "重新答复"]
    assert [str(u) for u in plan.untracked] == [
        "协办意见（台账没有“协办意见日期”列）",
        "回头看（台账没有“回头看日期”列）",
    ]
    assert plan.note() == "未跟踪：协办意见（台账没有“协办意见日期”列）；回头看（台账没有“回头看日期”列）"
    assert plan.problems == []


def test_a_ledger_with_every_column_tracks_every_stage() -> None:
    from taizhang.core.columns import COLUMNS

    plan = plan_rules(PRESETS["精河2025"], [c.name for c in COLUMNS], from_sheet=False)
    assert plan.untracked == [] and plan.note() is None
    assert plan.tracked == PRESETS["精河2025"]


def test_a_missing_start_column_is_named_too() -> None:
    columns = [c for c in PLAIN if c != "正式答复日期"] + ["回头看日期"]
    plan = plan_rules(PRESETS["代表法三个月"], columns, from_sheet=False)
    reasons = {u.stage: u.reason for u in plan.untracked}
    assert reasons["重新答复"] == "台账没有“正式答复日期”列"
    assert reasons["正式答复"] == "台账没有“正式答复日期”列"
    assert reasons["回头看"] == "台账没有“正式答复日期”列"  # it runs from the reply


def test_a_sheet_rule_for_a_missing_column_is_a_problem_at_its_cell() -> None:
    table = sheet_rules(
        {"环节": "正式答复", "完成标志列": "正式答复日期", "时限类型": "个月", "数值": 3},
        {"环节": "回头看", "完成标志列": "回头看日期", "时限类型": "个月", "数值": 1, "起算列": "正式答复日期"},
    )
    plan = plan_rules(rules_from_table(table), PLAIN, from_sheet=True)
    assert [(p.stage, p.column, p.cell) for p in plan.problems] == [("回头看", "回头看日期", "B3")]
    assert "“时限规则”工作表 B3 单元格" in plan.problems[0].message
    assert "启用" in plan.problems[0].message


def test_a_rule_switched_off_is_listed_not_evaluated() -> None:
    table = sheet_rules(
        {"环节": "正式答复", "完成标志列": "正式答复日期", "时限类型": "个月", "数值": 3},
        {"环节": "回头看", "完成标志列": "回头看日期", "时限类型": "个月", "数值": 1, "启用": "否"},
    )
    plan = plan_rules(rules_from_table(table), PLAIN, from_sheet=True)
    assert plan.problems == []
    assert plan.stages() == ["正式答复"]
    assert plan.note() == "未跟踪：回头看（时限规则中已停用）"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_co_opinion_is_owed_by_the_co_handlers_except_on_our_own_co_cases(name: str) -> None:
    for rule in PRESETS[name]:
        if rule.done_column != "协办意见日期":
            assert rule.responsible is Owner.HOST
        elif rule.roles == ("协办",):
            assert rule.responsible is Owner.HOST  # the local unit named in 主办单位 co-handles for us
        else:
            assert rule.responsible is Owner.CO


def test_owner_and_switch_are_read_and_written() -> None:
    table = sheet_rules({"环节": "面商", "完成标志列": "面商日期", "时限类型": "工作日", "数值": 10,
                         "责任单位": "协办单位", "启用": "否"})
    rule = rules_from_table(table)[0]
    assert (rule.responsible, rule.enabled) == (Owner.CO, False)
    row = dict(zip(RULE_HEADERS, rules_to_rows([rule])[0], strict=True))
    assert (row["责任单位"], row["启用"]) == ("协办单位", "否")
