"""`taizhang split`: one workbook per unit with only its own cases, locked where it may not write,
and nothing of any other unit in any part of the file."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from taizhang.core.exchange import CO_FIELDS, HOST_FIELDS
from taizhang.macros.jobs.demo import write_sample
from taizhang.macros.jobs.split import SplitResult, assignments, split
from taizhang.workbook.reader import read_workbook

TODAY = date(2026, 5, 20)


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SplitResult]:
    folder = tmp_path_factory.mktemp("split")
    master = write_sample(folder / "台账.xlsx", TODAY)
    return master, split(master, folder / "分发", TODAY)


def test_one_file_and_one_note_per_unit(everything: tuple[Path, SplitResult]) -> None:
    master, result = everything
    loaded = read_workbook(master)
    by_unit, skipped = assignments(loaded.ledger, loaded.settings)
    assert sorted(f.unit for f in result.files) == sorted(by_unit)
    water = next(f for f in result.files if f.unit == "县水利局")
    assert water.path.name == "县水利局_2026建议提案办理_20260520.xlsx"
    note = water.note.read_text(encoding="utf-8")
    assert f"共 {water.hosts + water.cos} 件，其中主办 {water.hosts} 件、协办 {water.cos} 件" in note
    assert "最近的截止日期" in note
    assert any("内设机构" in s for s in skipped) and any("不在单位名录中" in s for s in skipped)


def test_rows_roles_and_locking(everything: tuple[Path, SplitResult]) -> None:
    _, result = everything
    water = next(f for f in result.files if f.unit == "县水利局")
    wb = openpyxl.load_workbook(water.path)
    assert wb.sheetnames == ["台账", "填报说明", "分发校验"]
    assert wb["分发校验"].sheet_state == "hidden"
    ws = wb["台账"]
    assert ws.protection.sheet
    cols = {c.value: c.column for c in ws[2] if c.value}
    roles = [ws.cell(r, cols["本单位承办方式"]).value for r in range(3, ws.max_row + 1)]
    assert roles.count("主办") == water.hosts and roles.count("协办") == water.cos
    for r, role in enumerate(roles, start=3):
        unlocked = {name for name, c in cols.items() if not ws.cell(r, c).protection.locked}
        assert unlocked == set(HOST_FIELDS if role == "主办" else CO_FIELDS) & set(cols)
    assert {dv.formula1 for dv in ws.data_validations.dataValidation} >= {'"A,B,C"', '"满意,基本满意,不满意"'}
    assert ws.cell(3, cols["截止日期"]).value is not None or ws.cell(3, cols["办理状态"]).value == "已办结"
    assert "填报说明" in wb["填报说明"]["A1"].value


def test_no_other_units_data_in_any_part(everything: tuple[Path, SplitResult]) -> None:
    """Unzip every file and search every part for other units' names, phone numbers and 编号."""
    master, result = everything
    loaded = read_workbook(master)
    settings, cases = loaded.settings, loaded.ledger.cases
    by_unit, _ = assignments(loaded.ledger, settings)
    for file in result.files:
        own = [c for c, _ in by_unit[file.unit]]
        own_text = "\n".join(str(v) for c in own for v in c.canonical_values().values() if v)
        involved = {u.name for c in own for u in (settings.resolve_unit(s) for s in c.units()) if u}
        secrets = {c.number for c in cases if c not in own and c.number} | {
            c.phone for c in cases if c not in own and c.phone}
        secrets |= {s for u in settings.units if u.name not in involved for s in (u.name, u.short) if s}
        secrets = {s for s in secrets if s not in own_text and len(s) >= 4}
        assert len(secrets) > 50
        with zipfile.ZipFile(file.path) as z:
            for part in z.namelist():
                text = z.read(part).decode("utf-8", "replace")
                leaked = [s for s in secrets if s in text]
                assert not leaked, f"{file.path.name} {part}: {leaked[:5]}"
                assert "vba" not in part.lower() and "customXml" not in part


def test_phone_numbers_only_in_their_own_units_files(everything: tuple[Path, SplitResult]) -> None:
    master, result = everything
    loaded = read_workbook(master)
    case = next(c for c in loaded.ledger.cases if c.phone and len(c.co_units) == 2)
    units = {u.name for u in (loaded.settings.resolve_unit(s) for s in case.units()) if u}
    holders = set()
    for file in result.files:
        with zipfile.ZipFile(file.path) as z:
            if any(case.phone in z.read(p).decode("utf-8", "replace") for p in z.namelist()):
                holders.add(file.unit)
    other_cases_same_phone = {u.name for c in loaded.ledger.cases if c.phone == case.phone
                              for u in (loaded.settings.resolve_unit(s) for s in c.units()) if u}
    assert units <= holders <= other_cases_same_phone


def test_minimal_document_properties(everything: tuple[Path, SplitResult]) -> None:
    _, result = everything
    with zipfile.ZipFile(result.files[0].path) as z:
        core = z.read("docProps/core.xml").decode()
    assert "台账助手" in core and "lastModifiedBy" not in core and "台账.xlsx" not in core


def test_password_from_settings_and_units_filter(tmp_path: Path) -> None:
    master = write_sample(tmp_path / "台账.xlsx", TODAY)
    wb = openpyxl.load_workbook(master)
    ws = wb["参数"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "分发表保护密码")
    ws.cell(row, 2).value = "qh2026"
    wb.save(master)
    result = split(master, tmp_path / "out", TODAY, units=["水利局"])
    assert [f.unit for f in result.files] == ["县水利局"]
    protected = openpyxl.load_workbook(result.files[0].path)["台账"].protection
    assert protected.sheet and protected.password
