"""Two runs a week apart on the sample: the report's “changed since last run” is exactly what the
analysis of each day says, after an error was fixed and a case finished between the runs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from taizhang.analysis import Analysis
from taizhang.core.deadlines import CaseStatus
from taizhang.core.settings import Severity
from taizhang.macros.weekly.run import run_once
from taizhang.workbook.reader import read_workbook
from tests.weekly_helpers import MONDAY, NEXT_MONDAY, sample_copy, sheet_rows, sheet_text, write_config

PENDING = (CaseStatus.OVERDUE, CaseStatus.DUE_SOON, CaseStatus.NORMAL)


def analyse(path: Path, today: date) -> Analysis:
    loaded = read_workbook(path)
    return Analysis(loaded.ledger, loaded.settings, today)


def overdue_numbers(a: Analysis) -> set[str | None]:
    return {d.number for d in a.deadlines if d.status is CaseStatus.OVERDUE}


def done_numbers(a: Analysis) -> set[str | None]:
    return {d.number for d in a.deadlines if d.status is CaseStatus.DONE}


def error_triples(a: Analysis) -> set[tuple[str | None, str, str]]:
    numbers = {c.row: c.number for c in a.ledger.cases}
    return {(numbers.get(f.row), f.code, f.field or f.column) for f in a.report.findings
            if f.severity is Severity.ERROR}


def finish_one_case(path: Path, a: Analysis) -> str:
    """Complete the last open stage of a case that has exactly one: fill its 完成标志列 date."""
    done_column = {r.stage: r.done_column for r in a.rules}
    for d in a.deadlines:
        open_stages = [s for s in d.stages if s.done_date is None]
        if d.status in PENDING and len(open_stages) == 1 and d.number:
            column = a.ledger.columns[done_column[open_stages[0].stage]]
            set_cell(path, f"{column}{d.row}", date(2026, 5, 12))
            return d.number
    raise AssertionError("the sample has no case one stage from done")


def set_cell(path: Path, cell: str, value: object) -> None:
    book = openpyxl.load_workbook(path)  # a test fixture edit, not the tool's own write
    book["台账"][cell] = value
    book.save(path)


@pytest.fixture
def two_runs(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):
    ledger = sample_copy(tmp_path, cache_dir=tmp_path_factory.getbasetemp())
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\n')
    first = run_once(config, MONDAY)
    before = analyse(ledger, MONDAY)
    missing_lead = next(f for f in before.report.findings if f.code == "missing-value" and f.field == "领衔人")
    set_cell(ledger, missing_lead.cell, "王建国")
    finished = finish_one_case(ledger, before)
    second = run_once(config, NEXT_MONDAY)
    after = analyse(ledger, NEXT_MONDAY)
    return first, second, before, after, finished


def test_first_run_has_nothing_to_compare(two_runs) -> None:
    first, *_ = two_runs
    changes = first.ledgers[0].changes
    assert changes.since is None
    assert not (changes.newly_overdue or changes.newly_done or changes.new_errors or changes.fixed_errors)
    assert "首次运行" in sheet_text(first.ledgers[0].report, "变化")


def test_second_run_reports_exactly_what_changed(two_runs) -> None:
    _first, second, before, after, finished = two_runs
    changes = second.ledgers[0].changes
    assert changes.since == MONDAY
    assert {e.number for e in changes.newly_overdue} == overdue_numbers(after) - overdue_numbers(before)
    assert {e.number for e in changes.newly_done} == done_numbers(after) - done_numbers(before)
    assert finished in {e.number for e in changes.newly_done}
    assert {(e.number, e.code, e.column) for e in changes.fixed_errors} == error_triples(before) - error_triples(after)
    assert {(e.number, e.code, e.column) for e in changes.new_errors} == error_triples(after) - error_triples(before)
    assert any(e.code == "missing-value" and e.column == "领衔人" for e in changes.fixed_errors)
    assert changes.newly_overdue  # the sample has cases falling overdue in that week


def test_the_changes_sheet_lists_them(two_runs) -> None:
    _first, second, *_ = two_runs
    result = second.ledgers[0]
    rows = sheet_rows(result.report, "变化")
    listed = {(row[0], row[2]) for row in rows[3:] if row[1] != ""}
    c = result.changes
    assert {("新增逾期", e.number) for e in c.newly_overdue} <= listed
    assert {("已改正错误", e.number) for e in c.fixed_errors} <= listed
    reports = sorted(r.name for r in result.report.parent.glob("校验报告_*.xlsx"))
    assert reports == ["校验报告_2026-05-11.xlsx", "校验报告_2026-05-18.xlsx"]


def test_rerun_on_the_same_day_still_compares_with_last_week(two_runs, tmp_path: Path) -> None:
    _first, second, *_ = two_runs
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\n')
    again = run_once(config, NEXT_MONDAY)
    assert again.ledgers[0].changes.since == MONDAY
    assert again.ledgers[0].changes.keys("newly_overdue") == second.ledgers[0].changes.keys("newly_overdue")
