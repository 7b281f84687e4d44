"""Reading within bounds: a stray value at XFD1048576, entities, malformed XML and zip entries
that lie about their size end in a clear message (exit 2) or a normal run, in bounded memory,
never in an abort or an uncaught calamine error (exit 5)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
import python_calamine as pc
from click.testing import CliRunner

from taizhang.macros.cli import cli
from taizhang.workbook import bounded
from taizhang.workbook.bounded import open_book
from taizhang.workbook.reader import read_workbook
from tests.hostile import (
    BILLION_LAUGHS,
    XXE,
    lying_size,
    read_part,
    rezip,
    run_limited,
    sheet_part,
    with_doctype,
    with_far_cell,
)
from tests.messy import EXPECTED, tidy_ledger

TODAY = "2025-06-01"


@pytest.fixture
def tidy(tmp_path: Path) -> Path:
    return tidy_ledger(tmp_path / "台账.xlsx")


def calamine_rows(path: Path, sheet: str = "台账") -> list[list[object]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    try:
        return [list(r) for r in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]
    finally:
        book.close()


@pytest.mark.parametrize("ref", ["XFD1048576", "ZZ200000", "A1048576"])
@pytest.mark.parametrize("command", [["read"], ["check", "--today", TODAY], ["due", "--today", TODAY],
                                     ["stats", "--today", TODAY]])
def test_a_far_stray_value_reads_in_bounded_memory(tidy: Path, tmp_path: Path, ref: str,
                                                  command: list[str]) -> None:
    far = with_far_cell(tidy, tmp_path / "远处有值.xlsx", ref)
    run = run_limited([command[0], str(far), *command[1:]])
    assert run.code in (0, 1), run.text
    assert "县人大第1号建议" in run.out or "3 件" in run.out or "件" in run.out


def test_the_sparse_read_is_the_dense_read_plus_the_stray_value(tidy: Path, tmp_path: Path) -> None:
    far = with_far_cell(tidy, tmp_path / "远处有值.xlsx", "ZZ200000", text="远处")
    dense = calamine_rows(tidy)  # the same sheet without the stray value, read by calamine alone
    with open_book(far) as book:
        grid = book.grid("台账")
    assert len(grid) == 200_000
    assert grid[: len(dense)] == dense
    assert grid[199_999][-1] == "远处" and len(grid[199_999]) == 26 * 26 + 26
    assert all(row == [] for row in grid[len(dense) : 199_999])
    ledger = read_workbook(far).ledger
    assert [c.number for c in ledger.cases] == [e["编号"] for e in EXPECTED]


def test_cells_far_apart_beyond_the_limit_are_refused_naming_a_cell(tidy: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "MAX_CELLS", 200)  # so that a small sheet shows the rule
    far = with_far_cell(tidy, tmp_path / "很宽.xlsx", "ZZ5")
    result = CliRunner().invoke(cli, ["check", str(far), "--today", TODAY])
    assert result.exit_code == 2, result.output
    assert "ZZ5" in result.output and "很宽.xlsx" in result.output and "台账" in result.output


def test_check_write_with_a_value_in_the_last_column_says_there_is_no_room(tidy: Path, tmp_path: Path) -> None:
    far = with_far_cell(tidy, tmp_path / "最后一列.xlsx", "XFD1048576")
    before = far.read_bytes()
    run = run_limited(["check", str(far), "--today", TODAY, "--write"])
    assert run.code == 2, run.text
    assert "XFD" in run.err and "工具列" in run.err
    assert far.read_bytes() == before


def test_check_write_with_a_stray_value_far_below_writes_and_reads_back(tidy: Path, tmp_path: Path) -> None:
    far = with_far_cell(tidy, tmp_path / "远处有值.xlsx", "A1048576")
    run = run_limited(["check", str(far), "--today", TODAY, "--write"])
    assert run.code in (0, 1), run.text
    with zipfile.ZipFile(far) as z:
        sheet = z.read(sheet_part(far)).decode()
    assert 'r="A1048576"' in sheet
    assert "【系统】校验问题" in read_workbook(far).ledger.tool_columns


def test_merge_survives_a_returned_file_with_a_far_value(tmp_path: Path) -> None:
    from taizhang.macros.jobs.demo import write_sample
    from taizhang.macros.jobs.split import split

    master = write_sample(tmp_path / "台账.xlsx", date(2026, 5, 20))
    files = split(master, tmp_path / "分发", date(2026, 5, 20)).files
    hostile = with_far_cell(files[0].path, tmp_path / "回传.xlsx", "XFD1048576")
    run = run_limited(["merge", str(master), str(hostile), str(files[1].path), "--today", "2026-05-20"])
    assert run.code in (0, 1), run.text
    assert "回传.xlsx" in run.out and files[1].path.name in run.out


def test_weekly_reports_every_ledger_when_one_has_a_far_value(tidy: Path, tmp_path: Path) -> None:
    with_far_cell(tidy, tmp_path / "远处.xlsx", "XFD1048576")
    tidy_ledger(tmp_path / "正常.xlsx")
    tidy.unlink()
    config = tmp_path / "周检.toml"
    config.write_text('[run]\nledgers = ["远处.xlsx", "正常.xlsx"]\nreport_dir = "报告"\n', encoding="utf-8")
    run = run_limited(["weekly", "--config", str(config), "--today", TODAY, "--no-email"])
    assert run.code in (0, 1), run.text
    reports = sorted(p.parent.name for p in (tmp_path / "报告").rglob("校验报告_*.xlsx"))
    assert reports == ["正常", "远处"]


@pytest.mark.parametrize(("doctype", "entity"), [(BILLION_LAUGHS, "&d;"), (XXE, "&x;")])
@pytest.mark.parametrize("command", [["read"], ["check", "--today", TODAY], ["check", "--today", TODAY, "--write"],
                                     ["split", "--today", TODAY, "--out", "分发"]])
def test_entities_in_a_ledger_sheet_are_refused(tidy: Path, tmp_path: Path, doctype: str, entity: str,
                                               command: list[str]) -> None:
    evil = with_doctype(tidy, tmp_path / "实体.xlsx", doctype, entity)
    before = evil.read_bytes()
    args = [command[0], str(evil), *command[1:]]
    if "--out" in args:
        args[args.index("--out") + 1] = str(tmp_path / "分发")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "实体声明" in result.output and "实体.xlsx" in result.output
    assert evil.read_bytes() == before
    assert not (tmp_path / "分发").exists() or not list((tmp_path / "分发").iterdir())


@pytest.mark.parametrize("command", [["read"], ["check", "--today", TODAY, "--write"]])
def test_malformed_sheet_xml_is_a_clear_message(tidy: Path, tmp_path: Path, command: list[str]) -> None:
    part = sheet_part(tidy)
    data = read_part(tidy, part)
    broken = data[: data.index(b"<row", data.index(b"<row") + 1) + 7]  # cut inside a start tag
    bad = rezip(tidy, tmp_path / "坏.xlsx", {part: broken})
    result = CliRunner().invoke(cli, [command[0], str(bad), *command[1:]])
    assert result.exit_code == 2, result.output
    assert "坏.xlsx" in result.output and "损坏" in result.output


@pytest.mark.parametrize("declared", [10, 3 * 1024**3])
@pytest.mark.parametrize("command", [["read"], ["check", "--today", TODAY, "--write"]])
def test_a_zip_entry_lying_about_its_size_is_refused(tidy: Path, tmp_path: Path, declared: int,
                                                    command: list[str]) -> None:
    liar = lying_size(tidy, tmp_path / "谎报.xlsx", sheet_part(tidy), declared)
    before = liar.read_bytes()
    result = CliRunner().invoke(cli, [command[0], str(liar), *command[1:]])
    assert result.exit_code == 2, result.output
    assert "谎报.xlsx" in result.output
    assert liar.read_bytes() == before


def test_a_sheet_inflating_past_the_limit_is_refused_in_bounded_memory(tidy: Path, tmp_path: Path) -> None:
    """A sheet of 300 MB of blanks in a zip of a few hundred KB, its size written honestly and
    then as a lie: both refused before the part is held whole."""
    part = sheet_part(tidy)
    data = read_part(tidy, part)
    huge = data.replace(b"</sheetData>", b"</sheetData>" + b" " * (bounded.MAX_PART + 1024), 1)
    bomb = rezip(tidy, tmp_path / "炸弹.xlsx", {part: huge})
    del huge
    liar = lying_size(bomb, tmp_path / "谎报炸弹.xlsx", part, len(data))
    for path in (bomb, liar):
        for command in (["read"], ["check", "--today", TODAY, "--write"]):
            run = run_limited([command[0], str(path), *command[1:]], memory=1200 * 1024 * 1024)
            assert run.code == 2, run.text
            assert path.name in run.err


def test_a_normal_ledger_reads_as_calamine_reads_it(tidy: Path) -> None:
    with open_book(tidy) as book:
        assert book.grid("台账") == calamine_rows(tidy)


def test_the_extent_a_read_reports_holds_the_ledger_sheet(tidy: Path, tmp_path: Path) -> None:
    """What a writer's read-back relies on to skip a second scan: the ledger sheet's rows and
    columns at most, when calamine read it whole; none when a far value made the read sparse."""
    rows = calamine_rows(tidy)
    extent = read_workbook(tidy).extent
    assert extent is not None
    assert extent[0] >= len(rows) and extent[1] >= max(map(len, rows))
    assert extent[0] * extent[1] <= bounded.MAX_CELLS
    far = with_far_cell(tidy, tmp_path / "远处有值.xlsx", "A1048576")
    assert read_workbook(far).extent is None


@pytest.mark.filterwarnings("ignore:Duplicate name")  # zipfile's warning as the test writes the second copy
def test_a_ledger_holding_a_part_twice_is_refused(tidy: Path, tmp_path: Path) -> None:
    """The bounds would check one copy and calamine read the other (the last): refused, exit 2."""
    part = sheet_part(tidy, "台账")
    twice = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(tidy) as src, zipfile.ZipFile(twice, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(part, src.read(part))
    result = CliRunner().invoke(cli, ["check", str(twice), "--today", TODAY])
    assert result.exit_code == 2, result.output
    assert f"部件 {part} 出现了不止一次" in result.output
