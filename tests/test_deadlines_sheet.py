"""The 时限规则 sheet: read into rules, written back, and bad cells named."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from taizhang.core.deadlines import (
    DEFAULT_PRESET,
    PRESETS,
    RULE_HEADERS,
    Combine,
    Condition,
    DeadlineKind,
    DeadlineRule,
    Term,
    preset_rules,
    rules_for_settings,
    rules_from_table,
    rules_to_rows,
)
from taizhang.core.errors import BadInput
from taizhang.core.settings import DEADLINES_SHEET, Settings, SheetTable
from tests.test_deadlines_properties import plain


def table(*rows: dict[str, Any], headers: list[str] = RULE_HEADERS) -> SheetTable:
    grid: list[list[Any]] = [list(headers)]
    grid += [[row.get(h) for h in headers] for row in rows]
    return SheetTable.from_grid(DEADLINES_SHEET, grid)


def one(**cells: Any) -> DeadlineRule:
    """The rule a single sheet row reads as; where it was read from is left aside."""
    return rules_from_table(table(cells))[0].model_copy(update={"cells": ()})


def error(*rows: dict[str, Any], headers: list[str] = RULE_HEADERS) -> str:
    with pytest.raises(BadInput) as raised:
        rules_from_table(table(*rows, headers=headers))
    return raised.value.message


def test_headers_are_the_documented_layout() -> None:
    assert RULE_HEADERS == [
        "环节", "完成标志列", "适用承办方式", "适用类别", "适用条件",
        "时限类型", "数值", "固定日期", "起算列",
        "组合", "时限类型2", "数值2", "固定日期2", "起算列2",
        "延期列", "责任单位", "启用", "说明",
    ]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_survives_the_sheet(name: str) -> None:
    rows = rules_to_rows(PRESETS[name])
    assert all(len(r) == len(RULE_HEADERS) for r in rows)
    grid = [RULE_HEADERS, *rows]
    assert plain(rules_from_table(SheetTable.from_grid(DEADLINES_SHEET, grid))) == plain(PRESETS[name])


def test_a_relative_rule_with_defaults() -> None:
    rule = one(环节="正式答复", 完成标志列="答复日期", 时限类型="个月", 数值=3, 延期列="延期至")
    assert rule == DeadlineRule(
        stage="正式答复", done_column="正式答复日期",
        term=Term(kind=DeadlineKind.MONTHS, amount=3, base="交办日期"), extension_column="延期至",
    )


@pytest.mark.parametrize("written", ["3月25日", "03-25", "3.25", "3月25日前", datetime(2025, 3, 25), "2025年3月25日"])
def test_fixed_month_day_spellings(written: object) -> None:
    rule = one(环节="面商", 完成标志列="面商日期", 时限类型="固定日期", 固定日期=written)
    assert (rule.term.month, rule.term.day) == (3, 25)


def test_scope_columns() -> None:
    rule = one(环节="重新答复", 完成标志列="重新答复日期", 适用承办方式="主办、分办", 适用类别="提案",
               适用条件="代表意见=不满意；重点件=是", 时限类型="个月", 数值="1", 起算列="正式答复日期")
    assert rule.roles == ("主办", "分办")
    assert rule.category == "政协委员提案"
    assert rule.conditions == (Condition(column="代表意见", value="不满意"), Condition(column="重点件", value="是"))
    assert rule.term.base == "正式答复日期"


def test_earlier_of_two_limits() -> None:
    rule = one(环节="正式答复", 完成标志列="正式答复日期", 时限类型="个月", 数值=3,
               组合="较早", 时限类型2="固定日期", 固定日期2="8月31日")
    assert rule.combine is Combine.EARLIER
    assert rule.second == Term(kind=DeadlineKind.FIXED, month=8, day=31)


def test_conditions_normalise_spellings() -> None:
    rule = one(环节="回头看", 完成标志列="回头看日期", 时限类型="固定日期", 固定日期="10月10日",
               适用条件="级别=州；办理结果=b类；协办单位=有")
    assert [str(c) for c in rule.conditions] == ["级别=州(市)", "办理结果=B", "协办单位=有"]


@pytest.mark.parametrize(
    ("cells", "cell", "expected"),
    [
        ({"时限类型": "季度", "数值": 1}, "F2", "“固定日期”“自然日”“工作日”或“个月”"),
        ({"时限类型": "个月", "数值": "三"}, "G2", "正整数"),
        ({"时限类型": "个月", "数值": 0}, "G2", "正整数"),
        ({"时限类型": "固定日期"}, "H2", "月日"),
        ({"时限类型": "固定日期", "固定日期": "2月30日"}, "H2", "存在的月日"),
        ({"时限类型": "个月", "数值": 1, "起算列": "标题"}, "I2", "日期列"),
        ({"时限类型": "个月", "数值": 1, "完成标志列": "答复文号"}, "B2", "日期列"),
        ({"时限类型": "个月", "数值": 1, "适用承办方式": "牵头"}, "C2", "主办"),
        ({"时限类型": "个月", "数值": 1, "适用类别": "议案"}, "D2", "“建议”或“提案”"),
        ({"时限类型": "个月", "数值": 1, "适用条件": "代表意见=很好"}, "E2", "满意、基本满意、不满意"),
        ({"时限类型": "个月", "数值": 1, "适用条件": "不满意"}, "E2", "列=值"),
        ({"时限类型": "个月", "数值": 1, "适用条件": "标题=城市"}, "E2", "标题=有"),
        ({"时限类型": "个月", "数值": 1, "时限类型2": "个月", "数值2": 2}, "J2", "“较早”或“较晚”"),
        ({"时限类型": "个月", "数值": 1, "组合": "较早"}, "K2", "“固定日期”"),
        ({"时限类型": "个月", "数值": 1, "延期列": "延期理由"}, "O2", "日期列"),
    ],
)
def test_a_bad_cell_is_named_with_what_was_expected(cells: dict[str, Any], cell: str, expected: str) -> None:
    row = {"环节": "正式答复", "完成标志列": "正式答复日期", **cells}
    message = error(row)
    assert message.startswith(f"“时限规则”工作表 {cell} 单元格的值")
    assert expected in message


def test_a_row_without_a_stage_is_an_error_unless_it_is_only_a_note() -> None:
    assert "A3 单元格" in error({"环节": "面商", "完成标志列": "面商日期", "时限类型": "固定日期", "固定日期": "3月31日"},
                                {"完成标志列": "正式答复日期", "时限类型": "个月", "数值": 3})
    rules = rules_from_table(table({"说明": "以下按精河县通知"},
                                   {"环节": "面商", "完成标志列": "面商日期", "时限类型": "固定日期", "固定日期": "3月31日"}))
    assert [r.stage for r in rules] == ["面商"]


def test_missing_headers_and_empty_sheets_are_refused() -> None:
    assert "缺少表头“完成标志列”“时限类型”" in error(headers=["环节", "说明"])
    assert "没有任何规则行" in error()


def test_a_workbook_without_rules_uses_the_default_preset() -> None:
    assert rules_for_settings(Settings()) == PRESETS[DEFAULT_PRESET]
    assert rules_for_settings(Settings(deadline_table=table())) == PRESETS[DEFAULT_PRESET]
    own = Settings(deadline_table=table({"环节": "面商", "完成标志列": "面商日期", "时限类型": "固定日期",
                                         "固定日期": "3月31日"}))
    assert [r.stage for r in rules_for_settings(own)] == ["面商"]


def test_an_unknown_preset_lists_the_known_ones() -> None:
    with pytest.raises(BadInput, match="可选：精河2025、彭水2023、代表法三个月"):
        preset_rules("重庆2024")
