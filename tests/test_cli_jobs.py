"""`taizhang check` and `taizhang due` through the command line: JSON equals the library's result,
exit codes, --write through the lossless writer, and nothing written without it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import python_calamine as pc
from click.testing import CliRunner

from taizhang.analysis import Analysis
from taizhang.core.deadlines import to_json
from taizhang.macros.cli import cli
from taizhang.macros.jobs.check import PROBLEMS_COLUMN
from taizhang.macros.jobs.demo import write_sample
from taizhang.macros.jobs.due import STATUS_COLUMN
from taizhang.workbook.reader import read_workbook
from taizhang.workbook.sample_data import generate

TODAY = date(2026, 5, 20)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("sample") / "台账.xlsx", TODAY)


@pytest.fixture
def ledger(sample: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "台账.xlsx"
    copy.write_bytes(sample.read_bytes())
    return copy


def analysis_of(path: Path) -> Analysis:
    loaded = read_workbook(path)
    return Analysis(loaded.ledger, loaded.settings, TODAY)


def test_check_json_equals_library_and_exits_1_on_errors(ledger: Path) -> None:
    before = ledger.read_bytes()
    result = CliRunner().invoke(cli, ["check", str(ledger), "--today", TODAY.isoformat(), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.output) == analysis_of(ledger).report.to_json()
    assert ledger.read_bytes() == before  # without --write nothing is written
    assert [p.name for p in ledger.parent.iterdir()] == ["台账.xlsx"]


def test_check_finds_every_planted_mistake(ledger: Path) -> None:
    planted = generate(TODAY).planted
    report = analysis_of(ledger).report
    rows = {c.number: c.row for c in analysis_of(ledger).ledger.cases}
    found = {(f.row, f.code) for f in report.findings}
    for p in planted:
        matching = [r for n, r in rows.items() if n == p.number]
        assert any((row, p.code) in found for row in matching), p
    assert len(report.findings) == len(planted)


def test_check_exits_0_on_a_clean_ledger(tmp_path: Path) -> None:
    from tests.messy import tidy_ledger

    path = tidy_ledger(tmp_path / "tidy.xlsx")
    result = CliRunner().invoke(cli, ["check", str(path), "--today", "2025-06-01"])
    assert result.exit_code in (0, 1)
    assert result.exit_code == (0 if analysis_of(path).report.valid else 1)


def test_check_write_adds_sheet_column_and_is_stable_on_rerun(ledger: Path) -> None:
    args = ["check", str(ledger), "--today", TODAY.isoformat(), "--write"]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 1, first.output
    assert "备份" in first.output
    book = pc.CalamineWorkbook.from_path(str(ledger))
    assert "校验结果" in book.sheet_names
    header = book.get_sheet_by_name("台账").to_python()[1]
    assert PROBLEMS_COLUMN in header
    written = ledger.read_bytes()
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 1
    assert "文件未改动" in second.output
    assert ledger.read_bytes() == written


def test_check_out_leaves_master_alone(ledger: Path, tmp_path: Path) -> None:
    before = ledger.read_bytes()
    out = tmp_path / "结果.xlsx"
    result = CliRunner().invoke(cli, ["check", str(ledger), "--today", TODAY.isoformat(), "--out", str(out)])
    assert result.exit_code == 1
    assert ledger.read_bytes() == before
    assert "校验结果" in pc.CalamineWorkbook.from_path(str(out)).sheet_names


def test_due_json_equals_library(ledger: Path) -> None:
    result = CliRunner().invoke(cli, ["due", str(ledger), "--today", TODAY.isoformat(), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == json.loads(json.dumps(to_json(analysis_of(ledger).deadlines)))


def test_due_write_status_column_matches_library(ledger: Path) -> None:
    result = CliRunner().invoke(cli, ["due", str(ledger), "--today", TODAY.isoformat(), "--write"])
    assert result.exit_code == 0, result.output
    grid = pc.CalamineWorkbook.from_path(str(ledger)).get_sheet_by_name("台账").to_python()
    col = grid[1].index(STATUS_COLUMN)
    expected = {d.row: d.status.value for d in analysis_of(ledger).deadlines}
    assert {r: grid[r - 1][col] for r in expected} == expected
    assert "逾期清单" in pc.CalamineWorkbook.from_path(str(ledger)).sheet_names


def test_in_use_ledger_is_refused_with_exit_3(ledger: Path) -> None:
    owner = ledger.parent / f"~${ledger.name}"
    name = "张三"
    owner.write_bytes(bytes([len(name)]) + name.encode("utf-16-le").ljust(108, b"\0"))
    before = ledger.read_bytes()
    result = CliRunner().invoke(cli, ["due", str(ledger), "--today", TODAY.isoformat(), "--write"])
    assert result.exit_code == 3
    assert ledger.read_bytes() == before


@pytest.mark.libreoffice
def test_xls_master_is_written_as_new_xlsx_beside_it(tmp_path: Path, soffice: str) -> None:
    from tests.libreoffice import convert
    from tests.messy import messy_ledger

    xls = convert(messy_ledger(tmp_path / "m.xlsx"), "xls", tmp_path / "legacy")
    before = xls.read_bytes()
    result = CliRunner().invoke(cli, ["check", str(xls), "--today", "2025-06-01", "--write"])
    assert result.exit_code in (0, 1), result.output
    assert "旧版 .xls" in result.output
    assert xls.read_bytes() == before
    beside = xls.with_suffix(".xlsx")
    assert "校验结果" in pc.CalamineWorkbook.from_path(str(beside)).sheet_names
    assert read_workbook(beside).ledger.header_rows == [3, 4]


def test_overdue_groups_name_and_order_units_as_the_statistics_do() -> None:
    from taizhang.core.model import Case, Ledger
    from taizhang.core.settings import Settings, Unit
    from taizhang.core.stats.units import NO_HOST
    from taizhang.macros.jobs.due import overdue_groups

    settings = Settings(units=[Unit(name="县水利局", short="水利局", order=1),
                               Unit(name="县教育和体育局", aliases=["教体局"], order=2)])
    cases = [Case(row=r, sheet="台账", 编号=f"第{r}号", 本级承办方式="主办", 交办日期=date(2026, 1, 5), 主办单位=u)
             for r, u in ((5, "教体局"), (6, None), (7, "县林草局"), (8, "水利局"), (9, "县水利局"))]
    columns = {"编号": "A", "本级承办方式": "B", "主办单位": "C", "交办日期": "D", "正式答复日期": "E"}
    ledger = Ledger(path="memory.xlsx", sheet="台账", header_row=1, header_rows=[1], columns=columns, last_column="E",
                    year=2026, cases=cases)
    analysis = Analysis(ledger, settings, date(2026, 5, 20))  # 交办 1-05 + 3 months: every reply is overdue
    groups = [(unit, [case[0].row for case in cases]) for unit, cases in overdue_groups(analysis, earlier=False)]
    assert groups == [("县水利局", [8, 9]), ("县教育和体育局", [5]), ("县林草局", [7]), (NO_HOST, [6])]
    assert [r.unit for r in analysis.stats.by_unit] == [unit for unit, _ in groups]
