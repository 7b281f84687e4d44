"""Split → a unit fills its workbook (openpyxl; LibreOffice re-saving as .xlsx and .xls standing in
for WPS) → merge: the master's new values read back with calamine, and the 变更记录 rows."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as pc

from taizhang.macros.jobs.demo import write_sample
from taizhang.macros.jobs.merge import merge
from taizhang.macros.jobs.split import split
from taizhang.workbook.reader import read_workbook
from tests.libreoffice import convert

TODAY = date(2026, 5, 20)
WHEN = datetime(2026, 5, 21, 9, 30)
HOST = "县财政局"
UNITS = ("县财政局", "县民政局", "县人力资源和社会保障局")
SHARED = "州人大第52号建议"  # 主办 县人社局, 协办 县财政局 and 县民政局


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """The sample master and the three units' split workbooks, made once."""
    folder = tmp_path_factory.mktemp("pristine")
    master = write_sample(folder / "台账.xlsx", TODAY)
    result = split(master, folder / "分发", TODAY, units=UNITS)
    return master, {f.unit: f.path for f in result.files}


@pytest.fixture
def env(pristine: tuple[Path, dict[str, Path]], tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    """A fresh copy of the master and split files for one test."""
    master, files = pristine
    copy = tmp_path / "台账.xlsx"
    shutil.copyfile(master, copy)
    units = {}
    for unit, path in files.items():
        units[unit] = tmp_path / path.name
        shutil.copyfile(path, units[unit])
    return copy, units


def header(ws: Any) -> dict[str, int]:
    return {c.value: c.column for c in ws[2] if c.value}


def edit(path: Path, edits: dict[str, dict[str, Any]], out: Path, sheet: str = "台账") -> Path:
    """Fill cells as a unit would: {编号: {column: value}}; text is typed as text."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    cols = header(ws)
    rows = {ws.cell(r, cols["编号"]).value: r for r in range(3, ws.max_row + 1)}
    for number, values in edits.items():
        for name, value in values.items():
            cell = ws.cell(rows[number], cols[name])
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    wb.save(out)
    return out


def first_host_case(path: Path, empty: str = "答复文号") -> str:
    ws = openpyxl.load_workbook(path)["台账"]
    cols = header(ws)
    for r in range(3, ws.max_row + 1):
        if ws.cell(r, cols["本单位承办方式"]).value == "主办" and ws.cell(r, cols[empty]).value is None:
            return str(ws.cell(r, cols["编号"]).value)
    raise AssertionError("no open host case")


def master_values(master: Path, number: str) -> dict[str, Any]:
    ledger = read_workbook(master).ledger
    case = next(c for c in ledger.cases if c.number == number)
    return case.canonical_values()


def change_rows(master: Path) -> list[list[Any]]:
    book = pc.CalamineWorkbook.from_path(str(master))
    try:
        return [list(r) for r in book.get_sheet_by_name("变更记录").to_python()]
    finally:
        book.close()


REPLY = {"正式答复日期": date(2026, 5, 18), "答复文号": "财复〔2026〕5号", "办理结果": "A类",
         "落实进展": "已列入年度预算"}


def test_openpyxl_edit_is_merged_and_logged(env: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    returned = edit(units[HOST], {number: REPLY}, tmp_path / "财政局回传.xlsx")
    report = merge(master, [returned], TODAY, now=WHEN)
    assert report.exit_code == 0
    [result] = report.files
    assert (result.status, result.unit) == ("merged", HOST)
    assert {c.field: c.new for c in result.changes} == {
        "正式答复日期": "2026-05-18", "答复文号": "财复〔2026〕5号", "办理结果": "A", "落实进展": "已列入年度预算"}
    values = master_values(master, number)
    assert (values["正式答复日期"], values["答复文号"], values["办理结果"]) == ("2026-05-18", "财复〔2026〕5号", "A")
    rows = change_rows(master)
    assert rows[0] == ["时间", "文件", "单位", "编号", "字段", "原值", "新值"]
    assert ["2026-05-21 09:30:00", "财政局回传.xlsx", HOST, number, "答复文号", "", "财复〔2026〕5号"] in rows
    assert len(rows) == 5


def test_merging_the_same_file_twice_changes_nothing(env: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    master, units = env
    returned = edit(units[HOST], {first_host_case(units[HOST]): REPLY}, tmp_path / "回传.xlsx")
    merge(master, [returned], TODAY, now=WHEN)
    before = master.read_bytes()
    again = merge(master, [returned], TODAY, now=WHEN)
    assert [f.status for f in again.files] == ["no-change"]
    assert again.exit_code == 0
    assert master.read_bytes() == before


def test_change_log_is_appended_across_runs(env: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    merge(master, [edit(units[HOST], {number: REPLY}, tmp_path / "一.xlsx")], TODAY, now=WHEN)
    second = edit(units[HOST], {number: {**REPLY, "落实进展": "资金已拨付"}}, tmp_path / "二.xlsx")
    report = merge(master, [second], TODAY, now=datetime(2026, 5, 22, 10, 0))
    assert [(c.field, c.old, c.new) for c in report.files[0].changes] == [("落实进展", "已列入年度预算", "资金已拨付")]
    rows = change_rows(master)
    assert len(rows) == 6
    assert rows[-1][:2] == ["2026-05-22 10:00:00", "二.xlsx"]


def test_dry_run_reports_without_writing(env: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    master, units = env
    before = master.read_bytes()
    returned = edit(units[HOST], {first_host_case(units[HOST]): REPLY}, tmp_path / "回传.xlsx")
    report = merge(master, [returned], TODAY, dry_run=True)
    assert report.files[0].status == "merged" and len(report.files[0].changes) == 4
    assert master.read_bytes() == before


def test_renamed_sheet_resorted_rows_and_renamed_file(env: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    wb = openpyxl.load_workbook(units[HOST])
    ws = wb["台账"]
    ws.title = "财政局办理情况"
    wb["分发校验"].title = "Sheet9"
    # re-sort: reverse the data rows
    data = [[c.value for c in row] for row in ws.iter_rows(min_row=3)]
    for r, values in enumerate(reversed(data), start=3):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value
    wb.save(tmp_path / "tmp.xlsx")
    returned = edit(tmp_path / "tmp.xlsx", {number: {"答复文号": "财复〔2026〕9号"}}, tmp_path / "随便起的名字.xlsx",
                    sheet="财政局办理情况")
    report = merge(master, [returned], TODAY, now=WHEN)
    assert [f.status for f in report.files] == ["merged"]
    assert master_values(master, number)["答复文号"] == "财复〔2026〕9号"


@pytest.mark.parametrize("fmt", ["xlsx", "xls"])
def test_file_resaved_by_libreoffice(env: tuple[Path, dict[str, Path]], tmp_path: Path, soffice: str, fmt: str) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    filled = edit(units[HOST], {number: REPLY}, tmp_path / "filled.xlsx")
    resaved = convert(filled, fmt, tmp_path / "lo")
    report = merge(master, [resaved], TODAY, now=WHEN)
    assert [f.status for f in report.files] == ["merged"], report.text()
    values = master_values(master, number)
    assert (values["正式答复日期"], values["办理结果"], values["落实进展"]) == ("2026-05-18", "A", "已列入年度预算")


def test_co_unit_fills_its_opinion_date(env: tuple[Path, dict[str, Path]], tmp_path: Path) -> None:
    master, units = env
    returned = edit(units["县民政局"], {SHARED: {"协办意见日期": date(2026, 4, 12)}}, tmp_path / "民政.xlsx")
    report = merge(master, [returned], TODAY, now=WHEN)
    assert [(c.number, c.field, c.old, c.new) for c in report.files[0].changes] == [
        (SHARED, "协办意见日期", "2026-04-10", "2026-04-12")]
    assert master_values(master, SHARED)["协办意见日期"] == "2026-04-12"
