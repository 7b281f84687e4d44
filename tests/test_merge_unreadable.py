"""Merge says, cell by cell, every value it could not take, in --dry-run too: a #NAME? Excel made of
text typed with a leading "=", a formula saved without its result, a date it cannot read, a column
the unit added, a sheet the unit added. Nothing a unit typed is silently dropped, and a cell read
as empty is never taken for a cleared value."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from click.testing import CliRunner

from taizhang.macros.cli.split_merge import merge_cmd
from taizhang.macros.jobs.merge import merge
from tests import test_merge_roundtrip as roundtrip
from tests.test_merge_hostile import rezip
from tests.test_merge_roundtrip import HOST, REPLY, TODAY, WHEN, edit, first_host_case, header, master_values

Env = tuple[Path, dict[str, Path]]
pristine, env = roundtrip.pristine, roundtrip.env  # the shared fixtures


def cell_of(path: Path, number: str, name: str) -> str:
    """The A1 address of `name` on the row of `number` in a unit's workbook."""
    ws = openpyxl.load_workbook(path)["台账"]
    cols = header(ws)
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, cols["编号"]).value == number)
    return f"{ws.cell(row, cols[name]).column_letter}{row}"


def host_case_with(path: Path, name: str) -> tuple[str, Any]:
    """A 主办 case of the unit's file whose `name` is already filled in, and that value."""
    ws = openpyxl.load_workbook(path)["台账"]
    cols = header(ws)
    for r in range(3, ws.max_row + 1):
        if ws.cell(r, cols["本单位承办方式"]).value == "主办" and ws.cell(r, cols[name]).value:
            return str(ws.cell(r, cols["编号"]).value), ws.cell(r, cols[name]).value
    raise AssertionError(f"no host case with {name}")


def excel_error(source: Path, out: Path, cell: str, typed: str) -> Path:
    """What Excel saves when a unit types `=…` text into `cell`: a formula whose result is #NAME?."""
    with zipfile.ZipFile(source) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    pattern = re.compile(rf'<c r="{cell}"(?P<attrs>[^>]*?)(?:/>|>.*?</c>)', re.S)
    assert pattern.search(xml), cell

    def error(m: re.Match[str]) -> str:
        style = re.search(r'\ss="\d+"', m.group("attrs"))
        return f'<c r="{cell}"{style.group(0) if style else ""} t="e"><f>{typed}</f><v>#NAME?</v></c>'

    return rezip(source, out, {"xl/worksheets/sheet1.xml": pattern.sub(error, xml, count=1).encode()})


def test_name_error_is_reported_at_its_cell_and_never_clears_the_master(env: Env, tmp_path: Path) -> None:
    master, units = env
    number, kept = host_case_with(units[HOST], "答复文号")
    cell = cell_of(units[HOST], number, "答复文号")
    returned = excel_error(units[HOST], tmp_path / "回传.xlsx", cell, "财复2026")
    before = master.read_bytes()
    for dry_run in (True, False):
        report = merge(master, [returned], TODAY, dry_run=dry_run, now=WHEN)
        [f] = report.files
        assert f.status == "rejected"
        assert [(c.number, c.field, c.cell) for c in f.conflicts] == [(number, "答复文号", cell)]
        assert "#NAME?" in f.conflicts[0].reason and "=财复2026" in f.conflicts[0].reason
        assert f"{number} 答复文号（{cell}）" in report.text()
        assert master.read_bytes() == before
    assert master_values(master, number)["答复文号"] == kept


def test_name_error_in_an_empty_cell_is_not_skipped(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    filled = edit(units[HOST], {number: REPLY}, tmp_path / "填好.xlsx")
    cell = cell_of(filled, number, "答复文号")
    returned = excel_error(filled, tmp_path / "回传.xlsx", cell, "财复2026")
    result = CliRunner().invoke(merge_cmd, [str(master), str(returned), "--dry-run", "--today", TODAY.isoformat()])
    assert result.exit_code == 1
    assert f"！{number} 答复文号（{cell}）：单元格是错误值“#NAME?”" in result.output
    assert "试运行" in result.output


def test_unreadable_date_is_reported_at_its_cell_in_dry_run(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    returned = edit(units[HOST], {number: {**REPLY, "正式答复日期": "五月下旬"}}, tmp_path / "日期.xlsx")
    report = merge(master, [returned], TODAY, dry_run=True)
    [f] = report.files
    bad = [c for c in f.conflicts if c.field == "正式答复日期"]
    assert [(c.number, c.cell) for c in bad] == [(number, cell_of(returned, number, "正式答复日期"))]
    assert "五月下旬" in bad[0].reason and "无法识别" in bad[0].reason
    assert bad[0].to_json()["cell"] == bad[0].cell


def test_a_column_or_sheet_the_unit_added_is_said_not_merged(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    wb = openpyxl.load_workbook(edit(units[HOST], {number: REPLY}, tmp_path / "填好.xlsx"))
    ws = wb["台账"]
    ws.protection.sheet = False
    cols = header(ws)
    extra = ws.max_column + 1
    ws.cell(2, extra).value = "经办人"
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, cols["编号"]).value == number)
    ws.cell(row, extra).value = "张三"
    wb.create_sheet("备注").append(["第二季度再补充材料"])
    wb.save(tmp_path / "加列.xlsx")
    report = merge(master, [tmp_path / "加列.xlsx"], TODAY, now=WHEN)
    [f] = report.files
    assert f.status == "merged" and len(f.changes) == 4  # the reply is taken
    notes = [(c.number, c.cell, c.blocking) for c in f.conflicts]
    assert (number, f"{ws.cell(row, extra).column_letter}{row}", False) in notes
    assert any("张三" in c.reason and "经办人" in c.reason and c.reason.endswith("未合并") for c in f.conflicts)
    assert any("“备注”" in c.reason for c in f.conflicts)
    assert report.exit_code == 1  # said, so the clerk looks
