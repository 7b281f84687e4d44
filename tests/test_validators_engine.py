"""The engine around the rules: settings in the workbook, the report's shape, what is skipped."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

from taizhang.core.calendar import WorkCalendar
from taizhang.core.deadlines import PRESETS, evaluate
from taizhang.core.model import Case
from taizhang.core.settings import CHECK_RULE_HEADERS, Severity
from taizhang.validators import CODES, JSON_KEYS, RULES, Report, ledger_frame, rule_rows, validate
from taizhang.workbook.reader import read_workbook
from tests.ledger_factory import (
    FIRST_ROW,
    HEADER_ROW,
    HEADERS,
    clean_row,
    letter,
    make_ledger,
    make_settings,
    write_ledger,
)

TODAY = date(2025, 9, 1)


def check(path: Path, today: date = TODAY) -> Report:
    loaded = read_workbook(path)
    return validate(loaded.ledger, loaded.settings, today)


def test_clean_rows_give_no_finding(tmp_path: Path) -> None:
    rows = [clean_row(n) for n in range(1, 21)]
    report = check(write_ledger(tmp_path, rows))
    assert report.findings == []
    assert report.valid and report.rows == 20 and report.sheet == "台账"


def test_rule_sheet_switches_rule_off_and_changes_severity(tmp_path: Path) -> None:
    rows = [clean_row(1, 联系电话="12345"), clean_row(2, 编号=None)]
    default = check(write_ledger(tmp_path / "a.xlsx", rows))
    assert default.flatten(["row", "code", "severity"]) == [
        [FIRST_ROW, "phone-format", Severity.WARNING], [FIRST_ROW + 1, "missing-value", Severity.ERROR]]
    ruled = check(write_ledger(tmp_path / "b.xlsx", rows,
                               rules=[("phone-format", "否", ""), ("missing-value", "是", "警告")]))
    assert ruled.flatten(["row", "code", "severity"]) == [[FIRST_ROW + 1, "missing-value", Severity.WARNING]]
    assert ruled.valid  # a warning does not fail the ledger


def test_class_scheme_from_params(tmp_path: Path) -> None:
    rows = [clean_row(1, 办理结果="D"), clean_row(2, 办理结果="乙")]
    abcd = check(write_ledger(tmp_path / "a.xlsx", rows, params={"办理结果分类": "A/B/C/D"}))
    assert abcd.flatten(["row", "code"]) == [[FIRST_ROW + 1, "invalid-enum"]]
    chinese = check(write_ledger(tmp_path / "b.xlsx", rows, params={"办理结果分类": "甲/乙/丙"}))
    assert chinese.flatten(["row", "column", "code"]) == [
        [FIRST_ROW, letter("办理结果"), "invalid-enum"],
        [FIRST_ROW + 1, letter("B类计划解决时限"), "b-without-plan-deadline"]]


def test_missing_required_column_is_one_finding_at_header(tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "领衔人"]
    report = check(write_ledger(tmp_path, [clean_row(n) for n in range(1, 6)], headers=headers))
    assert report.flatten(["row", "column", "cell", "code", "field"]) == [
        [HEADER_ROW, "", "", "missing-value", "领衔人"]]


def test_absent_companion_column_reports_at_the_asking_cell(tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "督办领导"]
    report = check(write_ledger(tmp_path, [clean_row(1, 重点件="是")], headers=headers))
    assert report.flatten(["row", "column", "code"]) == [
        [FIRST_ROW, letter("重点件", headers), "key-case-without-supervisor"]]


def test_without_unit_list_units_are_not_checked(tmp_path: Path) -> None:
    rows = [clean_row(1, 主办单位="县某某局", 协办单位="县另一局")]
    assert check(write_ledger(tmp_path, rows, units=None)).findings == []


def test_unparsed_cell_is_reported_once(tmp_path: Path) -> None:
    # The bad 交办日期 is read as empty: missing-value and date-order must not pile onto it.
    rows = [clean_row(1, 交办日期="三月二十日")]
    report = check(write_ledger(tmp_path, rows))
    assert report.flatten(["row", "column", "code"]) == [[FIRST_ROW, letter("交办日期"), "unparsed-value"]]


def test_findings_sorted_by_row_then_column(tmp_path: Path) -> None:
    rows = [clean_row(1, 联系电话="1", 编号=None), clean_row(2), clean_row(3, 代表意见="好", 类别="议案")]
    report = check(write_ledger(tmp_path, rows))
    assert report.flatten(["row", "column"]) == [
        [FIRST_ROW, "A"], [FIRST_ROW, letter("联系电话")], [FIRST_ROW + 2, "B"], [FIRST_ROW + 2, letter("代表意见")]]
    assert report.errors == 3 and report.warnings == 1
    assert report.counts == {"missing-value": 1, "phone-format": 1, "invalid-enum": 2}


def test_json_and_frame_shapes(tmp_path: Path) -> None:
    report = check(write_ledger(tmp_path, [clean_row(1, 代表意见="好")]))
    data = json.loads(report.to_json_text())
    assert list(data) == ["sheet", "rows", "findings", "counts"]
    assert data["sheet"] == "台账" and data["rows"] == 1 and data["counts"] == {"invalid-enum": 1}
    [finding] = data["findings"]
    assert tuple(finding) == JSON_KEYS
    assert (finding["row"], finding["column"], finding["cell"], finding["severity"], finding["value"]) == (
        FIRST_ROW, letter("代表意见"), f"{letter('代表意见')}{FIRST_ROW}", "错误", "好")
    frame = report.to_frame()
    assert list(frame.columns) == [*JSON_KEYS, "field"]
    assert frame.loc[0, "field"] == "代表意见"


def test_rereply_deadline_hook() -> None:
    ledger = make_ledger([clean_row(1, 代表意见="不满意"), clean_row(2, 代表意见="不满意")])

    def due(case: Case) -> date | None:
        # A three-month local rule for row 1, unknown for row 2.
        return date(2025, 8, 20) if case.row == FIRST_ROW else None

    report = validate(ledger, make_settings(), TODAY, rereply_due=due)
    assert report.flatten(["row", "code"]) == [[FIRST_ROW, "dissatisfied-without-rereply"]]
    assert validate(ledger, make_settings(), date(2025, 6, 20)).findings == []  # due day itself is in time
    assert len(validate(ledger, make_settings(), date(2025, 6, 21)).findings) == 2


def test_default_rereply_deadline_moves_off_a_rest_day() -> None:
    # Replied 2025-05-21: one month on is Saturday 2025-06-21, so the re-reply is due Monday 06-23.
    ledger = make_ledger([clean_row(1, 正式答复日期=date(2025, 5, 21), 代表意见="不满意", 备案日期=None)])
    assert validate(ledger, make_settings(), date(2025, 6, 23)).findings == []
    late = validate(ledger, make_settings(), date(2025, 6, 24))
    assert late.flatten(["row", "code"]) == [[FIRST_ROW, "dissatisfied-without-rereply"]]
    assert "2025-06-23" in late.findings[0].message


def extension_rows(*granted: date, assigned: date = date(2026, 1, 5)) -> list[dict[str, object]]:
    return [clean_row(n, 交办日期=assigned, 延期至=g, 延期理由="需跨部门协调", 签收日期=None, 面商日期=None,
                      协办意见日期=None, 办理方案日期=None, 答复样稿日期=None, 正式答复日期=None,
                      办理结果=None, 代表意见=None, 备案日期=None, 年度=assigned.year)
            for n, g in enumerate(granted, start=1)]


def test_extension_cap_is_the_deadline_engines() -> None:
    # 交办 2026-01-05: six months on is Sunday 2026-07-05, so the cap is Monday 07-06 (民法典 第二百零三条).
    ledger = make_ledger(extension_rows(date(2026, 7, 6), date(2026, 7, 7)), year=2026)
    report = validate(ledger, make_settings(), date(2026, 1, 10))
    too_long = [f for f in report.findings if f.code == "extension-too-long"]
    assert [(f.row, f.field) for f in too_long] == [(FIRST_ROW + 1, "延期至")]
    assert "最迟2026-07-06" in too_long[0].message
    law = PRESETS["代表法三个月"]
    first, second = (next(s for s in d.stages if s.stage == "正式答复")
                     for d in evaluate(ledger.cases, law, WorkCalendar.from_settings([]), date(2026, 1, 10),
                                       ledger_year=2026, due_soon_days=5))
    assert (first.due, first.reason) == (date(2026, 7, 6), "已延期至2026-07-06")
    assert (second.due, second.reason) == (date(2026, 7, 6), "延期至2026-07-07超过交办后6个月，按2026-07-06计")


def test_extension_cap_in_an_unknown_year_is_the_corresponding_day() -> None:
    # 交办 2026-08-31: six months on is 2027-02-28, a Sunday in a year nobody knows: the check
    # falls back to that day (the deadline engine reports the due date as unknown).
    ledger = make_ledger(extension_rows(date(2027, 2, 28), date(2027, 3, 1), assigned=date(2026, 8, 31)),
                         year=2026)
    report = validate(ledger, make_settings(), date(2026, 9, 10))
    too_long = [f for f in report.findings if f.code == "extension-too-long"]
    assert [f.row for f in too_long] == [FIRST_ROW + 1]
    assert "最迟2027-02-28" in too_long[0].message


def test_today_decides_future() -> None:
    ledger = make_ledger([clean_row(1)])
    assert validate(ledger, make_settings(), date(2025, 6, 5)).findings == []
    assert validate(ledger, make_settings(), date(2025, 6, 4)).flatten(["code"]) == [["date-in-future"]]


def test_rule_rows_for_the_rules_sheet(tmp_path: Path) -> None:
    rows = rule_rows()
    assert [r[0] for r in rows] == list(CODES) == list(RULES)
    assert all(len(r) == len(CHECK_RULE_HEADERS) for r in rows)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", code) for code in CODES)
    # Written back as a 校验规则 sheet, the rows read as the defaults; the user's choices are kept.
    loaded = read_workbook(write_ledger(tmp_path, [clean_row(1)],
                                        rules=[(r[0], r[2], r[3]) for r in rows]))
    assert rule_rows(loaded.settings) == rows
    loaded.settings.rules[0].enabled = False
    assert rule_rows(loaded.settings)[0][2] == "否"


def test_ledger_frame_is_indexed_by_excel_row() -> None:
    frame = ledger_frame(make_ledger([clean_row(1), clean_row(2)]))
    assert list(frame.index) == [FIRST_ROW, FIRST_ROW + 1]
    assert str(frame["交办日期"].dtype).startswith("datetime64")
    assert frame.loc[FIRST_ROW, "协办单位"] == ["县财政局", "县住建局"]


def test_validators_import_no_workbook_library() -> None:
    code = ("import sys, taizhang.validators; "
            "print([m for m in ('openpyxl', 'python_calamine', 'xlwings', 'xlsxwriter') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
