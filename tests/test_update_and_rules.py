"""Issue 12: `taizhang update` refreshes everything in one write; `merge` says the results are stale
(or refreshes them with --update); `preset` switches off the stages the ledger cannot record; a
时限规则 sheet that asks for a column the ledger lacks is a finding for `check` and a clean exit 2,
naming the cell, for every job that shows deadlines."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from taizhang.macros.weekly.run import run_once
from tests.test_acceptance_jobs import run
from tests.test_blame import fill, new_blank
from tests.test_stages_follow_ledger import TODAY as PLAIN_TODAY
from tests.test_stages_follow_ledger import plain_ledger
from tests.weekly_helpers import write_config

TODAY = "2026-05-20"
TOOL_SHEETS = {"校验结果", "逾期清单", "汇总", "通报", "图表"}


def grid(path: Path, name: str) -> list[list[Any]]:
    return [list(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()]


def sheet_names(path: Path) -> list[str]:
    return list(CalamineWorkbook.from_path(str(path)).sheet_names)


@pytest.fixture
def master(tmp_path: Path) -> Path:
    return fill(new_blank(tmp_path, 2026), tmp_path / "台账" / "台账.xlsx", [
        # reply due 1-05 + 3 months = Sun 4-05 (清明) → Tue 4-07: overdue
        {"编号": "第2号", "主办单位": "县交通运输局", "交办日期": date(2026, 1, 5)},
        {"编号": "第3号", "主办单位": "县财政局", "交办日期": date(2026, 3, 20)},
    ])


def numbers_listed(path: Path) -> set[str]:
    return {r[4] for r in grid(path, "逾期清单") if isinstance(r[0], float)}


# ---------------------------------------------------------------- update

def test_update_writes_check_due_and_summary_in_one_write(master: Path) -> None:
    result = run("update", master, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert set(sheet_names(master)) >= TOOL_SHEETS
    assert numbers_listed(master) == {"第2号"}
    header = grid(master, "台账")[1]
    assert {"【系统】校验问题", "【系统】状态", "【系统】截止日期"} <= set(header)
    backups = list((master.parent / "备份").iterdir())
    assert len(backups) == 1  # one write, one backup
    again = run("update", master, "--today", TODAY)
    assert again.exit_code == 0 and "未改动" in again.output  # nothing new: the file is left alone


# ---------------------------------------------------------------- merge: stale, or --update

def returned(master: Path, folder: Path) -> Path:
    """The 县交通运输局 workbook, with 第2号 replied, as the unit sends it back."""
    result = run("split", master, "--out", folder, "--today", TODAY, "--unit", "县交通运输局")
    assert result.exit_code == 0, result.output
    path = next(folder.glob("县交通运输局*.xlsx"))
    book = load_workbook(path)
    ws = book["台账"]
    head = next(r for r in range(1, 10) if any(c.value == "编号" for c in ws[r]))
    col = {c.value: c.column for c in ws[head]}
    row = next(r for r in range(head + 1, ws.max_row + 1) if ws.cell(r, col["编号"]).value == "第2号")
    for name, value in (("正式答复日期", date(2026, 5, 18)), ("答复文号", "县交通函〔2026〕2号"),
                        ("办理结果", "A"), ("代表意见", "满意")):
        cell = ws.cell(row, col[name], value)
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    book.save(path)
    return path


def test_merge_says_the_results_are_stale_and_how_to_refresh(master: Path, tmp_path: Path) -> None:
    assert run("update", master, "--today", TODAY).exit_code == 0
    back = returned(master, tmp_path / "分发")
    result = run("merge", master, back, "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert f"taizhang update {master} --today {TODAY}" in result.output
    assert numbers_listed(master) == {"第2号"}  # stale until refreshed
    refreshed = run("update", master, "--today", TODAY)
    assert refreshed.exit_code == 0, refreshed.output
    assert numbers_listed(master) == set()


def test_merge_json_carries_the_refresh_command(master: Path, tmp_path: Path) -> None:
    back = returned(master, tmp_path / "分发")
    result = run("merge", master, back, "--today", TODAY, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["refresh"] == f"taizhang update {master} --today {TODAY}"
    again = json.loads(run("merge", master, back, "--today", TODAY, "--json").output)
    assert again["refresh"] is None  # the same file again changes nothing


def test_merge_update_refreshes_in_the_same_run(master: Path, tmp_path: Path) -> None:
    assert run("update", master, "--today", TODAY).exit_code == 0
    back = returned(master, tmp_path / "分发")
    result = run("merge", master, back, "--today", TODAY, "--update")
    assert result.exit_code == 0, result.output
    assert "taizhang update" not in result.output
    assert numbers_listed(master) == set()
    assert json.loads(run("due", master, "--json", "--today", TODAY).output)["cases"][0]["status"] != "逾期"


def test_merge_dry_run_changes_nothing_and_says_nothing_is_stale(master: Path, tmp_path: Path) -> None:
    back = returned(master, tmp_path / "分发")
    result = run("merge", master, back, "--today", TODAY, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "taizhang update" not in result.output


# ---------------------------------------------------------------- preset on a ledger that lacks columns

JINGHE_OFF = {"承办情况表": "签收日期", "协办意见": "协办意见日期", "答复样稿": "答复样稿日期", "回头看": "回头看日期",
              "公开": "公开日期"}  # what the plain 25-column ledger cannot record


def rules_rows(path: Path) -> list[dict[str, Any]]:
    rows = grid(path, "时限规则")
    return [dict(zip(rows[0], r, strict=False)) for r in rows[1:] if r[0]]


def test_preset_writes_untrackable_stages_switched_off_and_says_so(tmp_path: Path) -> None:
    ledger = plain_ledger(tmp_path / "台账.xlsx")
    result = run("preset", ledger, "精河2025")
    assert result.exit_code == 0, result.output
    for stage, column in JINGHE_OFF.items():
        assert f"{stage}（台账没有“{column}”列）" in result.output
    for row in rules_rows(ledger):
        off = row["环节"] in JINGHE_OFF
        assert row["启用"] == ("否" if off else "是"), row
        if off:
            assert JINGHE_OFF[row["环节"]] in row["说明"]
    due = run("due", ledger, "--json", "--today", PLAIN_TODAY.isoformat())
    assert due.exit_code == 0, due.output
    data = json.loads(due.output)
    stages = {s["stage"] for c in data["cases"] for s in c["stages"]}
    assert not stages & set(JINGHE_OFF)
    assert {u["stage"] for u in data["untracked"]} == set(JINGHE_OFF)
    assert {u["reason"] for u in data["untracked"]} == {"时限规则中已停用"}


# ---------------------------------------------------------------- a 时限规则 rule for a missing column

@pytest.fixture
def asks_for_missing(tmp_path: Path) -> Path:
    """The plain ledger with 精河2025 written, then the staff switch 承办情况表 back on in Excel."""
    ledger = plain_ledger(tmp_path / "台账.xlsx")
    assert run("adopt", ledger, "--write").exit_code == 0  # a 单位名录, so split gets as far as the rules
    assert run("preset", ledger, "精河2025").exit_code == 0
    book = load_workbook(ledger)
    ws = book["时限规则"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("启用") + 1, "是")  # row 2: 承办情况表, 完成标志列 签收日期 in column B
    book.save(ledger)
    return ledger


def test_check_reports_the_rule_at_its_cell_and_does_not_exit_2(asks_for_missing: Path) -> None:
    result = run("check", asks_for_missing, "--json", "--today", PLAIN_TODAY.isoformat())
    assert result.exit_code == 1, result.output
    found = json.loads(result.output)["findings"]
    assert [(f["sheet"], f["cell"]) for f in found if f["code"] == "deadline-rule-column"] == [("时限规则", "B2")]
    text = run("check", asks_for_missing, "--today", PLAIN_TODAY.isoformat()).output
    assert "“时限规则”!B2" in text


@pytest.mark.parametrize("command", [
    ["due"], ["due", "--json"], ["stats"], ["summary"], ["update"], ["split", "--out", "分发"],
])
def test_jobs_that_show_deadlines_exit_2_naming_the_cell(asks_for_missing: Path, command: list[str]) -> None:
    before = asks_for_missing.read_bytes()
    args = [a if a != "分发" else str(asks_for_missing.parent / a) for a in command]
    result = run(args[0], asks_for_missing, *args[1:], "--today", PLAIN_TODAY.isoformat())
    assert result.exit_code == 2, result.output
    assert "“时限规则”工作表 B2 单元格" in result.output and "签收日期" in result.output
    assert "Traceback" not in result.output
    assert asks_for_missing.read_bytes() == before


def test_weekly_run_reports_the_rule_as_the_ledgers_problem(asks_for_missing: Path) -> None:
    config = write_config(asks_for_missing.parent, '[run]\nledgers = ["台账.xlsx"]\n')
    result = run_once(config, PLAIN_TODAY, send=False)
    problem = result.ledgers[0].problem
    assert "B2" in problem and "签收日期" in problem
    assert int(result.ledgers[0].exit_code) == 2
