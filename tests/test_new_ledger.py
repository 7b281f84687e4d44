"""`taizhang new`: a blank official ledger that the reader, calamine and LibreOffice all accept."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import python_calamine as pc
from click.testing import CliRunner
from lxml import etree

from taizhang.core.columns import COLUMNS
from taizhang.core.deadlines import PRESETS
from taizhang.macros.cli import cli
from taizhang.workbook.reader import read_workbook
from tests.libreoffice import convert

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    path = tmp_path / "2026年台账.xlsx"
    result = CliRunner().invoke(cli, ["new", str(path), "--year", "2026", "--preset", "精河2025"])
    assert result.exit_code == 0, result.output
    return path


def test_new_ledger_has_every_column_and_settings_sheet(blank: Path) -> None:
    book = pc.CalamineWorkbook.from_path(str(blank))
    assert book.sheet_names == ["台账", "单位名录", "时限规则", "节假日", "参数", "校验规则"]
    grid = book.get_sheet_by_name("台账").to_python()
    assert grid[0][0] == "2026年人大代表建议和政协委员提案办理台账"
    assert grid[1] == [c.name for c in COLUMNS]
    loaded = read_workbook(blank)
    assert loaded.ledger.columns.keys() == {c.name for c in COLUMNS}
    assert loaded.ledger.cases == []
    assert loaded.settings.params.year == 2026
    assert loaded.settings.params.preset == "精河2025"
    assert len(loaded.settings.deadline_table.rows) == len(PRESETS["精河2025"])
    rest_days = [h for h in loaded.settings.holidays if h.rest]
    assert any(h.day.isoformat() == "2026-10-01" for h in rest_days)
    assert any(not h.rest for h in loaded.settings.holidays)  # make-up working days too
    assert loaded.settings.rules and all(r.enabled for r in loaded.settings.rules)


def test_new_ledger_has_dropdowns_frozen_header_and_print_setup(blank: Path) -> None:
    raw = zipfile.ZipFile(blank).read("xl/worksheets/sheet1.xml")
    sheet = raw.decode("utf-8")
    formulas = [f.text for f in etree.fromstring(raw).iter(f"{{{MAIN}}}formula1")]
    assert len(formulas) >= 9  # 7 enumerations, 重点件, 主办单位
    assert '"人大代表建议,政协委员提案"' in formulas
    assert '"A,B,C"' in formulas
    assert 'ySplit="2"' in sheet  # header frozen
    assert 'orientation="landscape"' in sheet
    assert 'paperSize="8"' in sheet  # A3: forty columns one page wide (workbook/sheet_print.py)
    assert 'fitToHeight="0"' in sheet and 'fitToPage="1"' in sheet
    workbook = zipfile.ZipFile(blank).read("xl/workbook.xml").decode("utf-8")
    assert "_xlnm.Print_Titles" in workbook


def test_new_refuses_to_overwrite(blank: Path) -> None:
    result = CliRunner().invoke(cli, ["new", str(blank)])
    assert result.exit_code == 2
    assert "已存在" in result.output


@pytest.mark.libreoffice
def test_libreoffice_opens_the_new_ledger(blank: Path, soffice: str, tmp_path: Path) -> None:
    pdf = convert(blank, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 1000
