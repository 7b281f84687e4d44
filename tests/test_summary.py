"""`taizhang stats` and `taizhang summary`: JSON equals the library, the official sheets, the PDF."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import python_calamine as pc
from click.testing import CliRunner

from taizhang.analysis import Analysis
from taizhang.core.stats import stats_json
from taizhang.macros.cli import cli
from taizhang.macros.jobs.demo import write_sample
from taizhang.workbook.reader import read_workbook

TODAY = date(2026, 5, 20)
TITLE = "2026年人大代表建议和政协委员提案办理情况统计表"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("sample") / "台账.xlsx", TODAY)


def analysis_of(path: Path) -> Analysis:
    loaded = read_workbook(path)
    return Analysis(loaded.ledger, loaded.settings, TODAY)


def test_stats_json_equals_library(sample: Path) -> None:
    result = CliRunner().invoke(cli, ["stats", str(sample), "--today", TODAY.isoformat(), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data.pop("untracked") == []  # the sample ledger has every stage's column
    assert data == json.loads(json.dumps(stats_json(analysis_of(sample).stats), ensure_ascii=False))
    assert set(data) >= {"totals", "by_unit", "by_category", "classes", "rates", "paragraph"}
    reply = data["rates"]["办复率"]
    assert reply["value"] == f"{reply['num'] * 100 / reply['den']:.2f}%"
    assert data["paragraph"].startswith("截至2026年5月20日")


def test_summary_workbook_has_official_sheets(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "统计表.xlsx"
    result = CliRunner().invoke(cli, ["summary", str(sample), "--today", TODAY.isoformat(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = pc.CalamineWorkbook.from_path(str(out))
    assert book.sheet_names == ["汇总", "通报", "图表"]
    grid = book.get_sheet_by_name("汇总").to_python()
    assert grid[0][0] == TITLE
    assert "统计截至：2026年5月20日" in grid[1][0]
    assert grid[2][:3] == ["序号", "承办单位", "承办件次"]
    assert grid[3][2:4] == ["主办件次", "协办件次"]
    stats = analysis_of(sample).stats
    units = [row[1] for row in grid[4:4 + len(stats.by_unit)]]
    assert units == [u.unit for u in stats.by_unit]
    totals = grid[4 + len(stats.by_unit)]
    assert totals[0] == "合计"
    assert totals[2:4] == [stats.unit_total.hosted, stats.unit_total.co]
    charts = [n for n in __import__("zipfile").ZipFile(out).namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 2


@pytest.mark.libreoffice
def test_summary_pdf_holds_title_and_totals(sample: Path, tmp_path: Path, soffice: str) -> None:
    if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils is not installed")
    out = tmp_path / "统计表.xlsx"
    result = CliRunner().invoke(cli, ["summary", str(sample), "--today", TODAY.isoformat(), "--out", str(out),
                                      "--pdf"])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "统计表.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert TITLE in text
    assert "合计" in text
    total = analysis_of(sample).stats.unit_total
    assert str(total.hosted) in text.split("合计", 1)[1].split("\n")[0]
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    page = next(tmp_path.glob("page*.png"))
    assert page.stat().st_size > 5000  # a rendered page, not a blank one


def test_summary_write_puts_sheets_into_master(sample: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(sample.read_bytes())
    result = CliRunner().invoke(cli, ["summary", str(ledger), "--today", TODAY.isoformat(), "--write"])
    assert result.exit_code == 0, result.output
    names = pc.CalamineWorkbook.from_path(str(ledger)).sheet_names
    assert {"汇总", "通报", "图表"} <= set(names)
    assert names[0] == "台账"
