"""Each rule on a small real workbook: two clean rows, then one row with (or without) a mistake.

Assertions are (row, column, code) triples, never message text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from taizhang.validators import Report, validate
from taizhang.workbook.reader import read_workbook
from tests.ledger_factory import FIRST_ROW, HEADERS, clean_row, letter, write_ledger

TODAY = date(2025, 9, 1)
ROW = FIRST_ROW + 2  # the third data row carries the change under test


def check(tmp_path: Path, changes: dict[str, Any], **workbook: Any) -> Report:
    rows = [clean_row(1), clean_row(2), clean_row(3, **changes)]
    loaded = read_workbook(write_ledger(tmp_path, rows, **workbook))
    return validate(loaded.ledger, loaded.settings, TODAY)


def triples(report: Report) -> list[tuple[int, str, str]]:
    return [(f.row, f.column, f.code) for f in report.findings]


def at(name: str, code: str) -> tuple[int, str, str]:
    return ROW, letter(name), code


FOUND: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
    ("missing-number", {"编号": None}, [("编号", "missing-value")]),
    ("missing-assigned", {"交办日期": None}, [("交办日期", "missing-value")]),
    ("missing-host", {"主办单位": None}, [("主办单位", "missing-value")]),
    ("enum-opinion", {"代表意见": "很满意"}, [("代表意见", "invalid-enum")]),
    ("enum-category", {"类别": "议案"}, [("类别", "invalid-enum")]),
    ("enum-class", {"办理结果": "D"}, [("办理结果", "invalid-enum")]),
    ("enum-disclosure", {"公开属性": "内部"}, [("公开属性", "invalid-enum")]),
    ("duplicate-number", {"编号": "第1号"}, [("编号", "duplicate-number")]),
    ("duplicate-title", {"标题": clean_row(2)["标题"], "领衔人": "代表2"}, [("标题", "duplicate-title")]),
    ("unparsed-date", {"交办日期": "2025年13月1日"}, [("交办日期", "unparsed-value")]),
    ("unparsed-flag", {"重点件": "也许"}, [("重点件", "unparsed-value")]),
    ("order-meeting", {"面商日期": date(2025, 3, 10)}, [("面商日期", "date-order")]),
    ("order-gap", {"面商日期": None, "答复样稿日期": date(2025, 3, 1)}, [("答复样稿日期", "date-order")]),
    ("order-rereply", {"代表意见": "不满意", "重新答复日期": date(2025, 5, 1)}, [("重新答复日期", "date-order")]),
    ("order-co-opinion", {"协办意见日期": date(2025, 5, 25)}, [("正式答复日期", "date-order")]),
    ("future", {"备案日期": date(2025, 9, 2)}, [("备案日期", "date-in-future")]),
    # two years early is also before the case was assigned
    ("out-of-year", {"签收日期": date(2023, 3, 24)}, [("签收日期", "date-order"), ("签收日期", "date-out-of-year")]),
    ("order-received", {"签收日期": date(2025, 3, 19)}, [("签收日期", "date-order")]),
    ("order-review", {"回头看日期": date(2025, 1, 5)}, [("回头看日期", "date-order")]),
    ("unknown-host", {"主办单位": "县教体育局"}, [("主办单位", "unknown-unit")]),
    ("unknown-co", {"协办单位": "县财政局、县水利局"}, [("协办单位", "unknown-unit")]),
    ("host-in-co", {"协办单位": "县财政局、县教体局"}, [("协办单位", "host-in-co-units")]),
    ("section-host", {"主办单位": "县教育和体育局办公室"}, [("主办单位", "section-as-host")]),
    ("reference-result", {"本级承办方式": "参阅"}, [("办理结果", "reference-with-result")]),
    ("reply-no-result", {"办理结果": None}, [("办理结果", "reply-without-result")]),
    ("result-no-reply", {"正式答复日期": None, "代表意见": None}, [("正式答复日期", "result-without-reply")]),
    ("opinion-no-reply", {"正式答复日期": None, "办理结果": None}, [("正式答复日期", "opinion-without-reply")]),
    ("dissatisfied", {"代表意见": "不满意"}, [("重新答复日期", "dissatisfied-without-rereply")]),
    ("key-case", {"重点件": "是"}, [("督办领导", "key-case-without-supervisor")]),
    ("disclosure", {"公开属性": "不公开"}, [("不公开理由", "disclosure-without-reason")]),
    ("b-class", {"办理结果": "B类"}, [("B类计划解决时限", "b-without-plan-deadline")]),
    ("extension-reason", {"延期至": date(2025, 8, 20)}, [("延期理由", "extension-without-reason")]),
    # 交办 3-20 + 6 months = Saturday 9-20, so the cap is Monday 9-22 (民法典 第二百零三条)
    ("extension-long", {"延期至": date(2025, 9, 23), "延期理由": "涉及跨部门协调"},
     [("延期至", "extension-too-long")]),
    ("return-reason", {"退回日期": date(2025, 3, 22)}, [("退回理由", "return-without-reason")]),
    ("reply-number", {"答复文号": "县教体函2025年12号"}, [("答复文号", "reply-number-format")]),
    ("phone-short", {"联系电话": "1391234567"}, [("联系电话", "phone-format")]),
    ("phone-second", {"联系电话": "13912345678/12345"}, [("联系电话", "phone-format")]),
]

CLEAN: list[tuple[str, dict[str, Any]]] = [
    ("reference-no-host", {"本级承办方式": "参阅", "主办单位": None, "协办单位": None, "办理结果": None}),
    ("short-spellings", {"类别": "建议", "级别": "县", "代表意见": "比较满意", "办理结果": "a类"}),
    ("same-number-other-category", {"编号": "第1号", "类别": "政协委员提案"}),
    ("same-number-other-year", {"编号": "第1号", "年度": 2024}),
    ("same-title-other-lead", {"标题": clean_row(1)["标题"]}),
    ("equal-dates", {"面商日期": date(2025, 3, 20), "答复样稿日期": date(2025, 5, 20),
                     "协办意见日期": date(2025, 5, 20)}),
    ("extension-future", {"延期至": date(2025, 9, 20), "延期理由": "涉及跨部门协调"}),
    ("extension-to-the-cap-off-a-weekend", {"延期至": date(2025, 9, 22), "延期理由": "涉及跨部门协调"}),
    ("b-with-deadline", {"办理结果": "B", "B类计划解决时限": date(2027, 12, 31)}),
    ("alias-units", {"主办单位": "教体局", "协办单位": "县卫健委、县财政局"}),
    ("dissatisfied-rereplied", {"代表意见": "不满意", "重新答复日期": date(2025, 6, 15)}),
    ("dissatisfied-not-due", {"代表意见": "不满意", "正式答复日期": date(2025, 8, 15)}),
    ("key-case-led", {"重点件": "是", "督办领导": "王副县长"}),
    ("on-request-reason", {"公开属性": "依申请公开", "不公开理由": "涉及个人信息"}),
    ("returned-reason", {"退回日期": date(2025, 3, 22), "退回理由": "不属本单位职责"}),
    ("reply-number-brackets", {"答复文号": "[2025]12号"}),
    ("reply-number-parens", {"答复文号": "县教体函（2025）第3号"}),
    ("reply-number-lenticular", {"答复文号": "县财函【2025】7号"}),
    ("landline", {"联系电话": "0994-1234567"}),
    ("landline-parens", {"联系电话": "(0994)1234567、7654321"}),
    ("mobile-spaced", {"联系电话": "139 1234 5678；0994-1234567-801"}),
    ("phone-number-cell", {"联系电话": 13912345678}),
]


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in FOUND], ids=[c[0] for c in FOUND])
def test_rule_finds_mistake(tmp_path: Path, changes: dict[str, Any], expected: list[tuple[str, str]]) -> None:
    assert triples(check(tmp_path, changes)) == [at(name, code) for name, code in expected]


@pytest.mark.parametrize("changes", [c[1] for c in CLEAN], ids=[c[0] for c in CLEAN])
def test_rule_passes_clean_variant(tmp_path: Path, changes: dict[str, Any]) -> None:
    assert triples(check(tmp_path, changes)) == []


def test_a_deadline_rule_naming_a_missing_column_is_found_at_its_rules_cell(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from taizhang.core.deadlines import RULE_HEADERS

    path = write_ledger(tmp_path, [clean_row(1), clean_row(2)], headers=[h for h in HEADERS if h != "回头看日期"])
    book = load_workbook(path)
    sheet = book.create_sheet("时限规则")
    sheet.append(list(RULE_HEADERS))
    for stage, done, amount, base in (("正式答复", "正式答复日期", 3, "交办日期"), ("回头看", "回头看日期", 1, "正式答复日期")):
        sheet.append([{"环节": stage, "完成标志列": done, "时限类型": "个月", "数值": amount, "起算列": base}.get(h)
                      for h in RULE_HEADERS])
    book.save(path)
    loaded = read_workbook(path)
    report = validate(loaded.ledger, loaded.settings, TODAY)
    # B3: the 完成标志列 of the second rule; on the 时限规则 sheet, reported first
    assert report.flatten(["sheet", "row", "column", "cell", "code"]) == [
        ["时限规则", 3, "B", "B3", "deadline-rule-column"]]
    assert report.findings[0].field == "回头看日期"
    assert report.ledger_findings() == []


SETTINGS_RULES = {"deadline-rule-column": test_a_deadline_rule_naming_a_missing_column_is_found_at_its_rules_cell}


def test_every_rule_has_a_finding_test() -> None:
    from taizhang.validators import CODES

    tested = {code for _, _, expected in FOUND for _, code in expected} | set(SETTINGS_RULES)
    assert tested == set(CODES)
