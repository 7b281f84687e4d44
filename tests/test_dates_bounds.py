"""A date outside 1900–2100 (a typo such as 9999 or 2205) is a finding at its cell and an unknown
date to every job: no job does date arithmetic on it (year 10000 does not exist)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from taizhang.core.values import Unparseable, parse_date
from taizhang.macros.cli import cli
from taizhang.workbook.reader import read_workbook
from tests.messy import tidy_ledger

TODAY = "2025-06-01"


@pytest.mark.parametrize("value", [date(9999, 12, 31), date(2101, 1, 1), "1899-12-31", "9999年1月1日", 2958465.0])
def test_dates_outside_1900_to_2100_do_not_parse(value: object) -> None:
    with pytest.raises(Unparseable) as err:
        parse_date(value)
    assert "1900" in err.value.reason and "2100" in err.value.reason


@pytest.mark.parametrize("value", [date(1900, 1, 1), date(2100, 12, 31), "2100年12月31日", 1.0])
def test_the_edges_of_the_range_parse(value: object) -> None:
    assert parse_date(value) in (date(1900, 1, 1), date(2100, 12, 31))


@pytest.fixture
def far_future(tmp_path: Path) -> Path:
    path = tidy_ledger(tmp_path / "台账.xlsx")
    # A 单位名录 first, as an office would add with `adopt`, so split reaches the dates.
    assert CliRunner().invoke(cli, ["adopt", str(path), "--write"]).exit_code == 0
    wb = load_workbook(path)
    ws = wb["台账"]
    ws["I3"] = date(9999, 12, 1)  # 交办日期 of the first case, as a date cell
    ws["J4"] = "9999-12-31"  # 正式答复日期 of the second, as text
    wb.save(path)
    return path


def test_the_far_dates_are_findings_at_their_cells(far_future: Path) -> None:
    ledger = read_workbook(far_future).ledger
    assert sorted((u.column, u.row) for u in ledger.unparsed) == [("I", 3), ("J", 4)]
    assert ledger.cases[0].assigned_date is None and ledger.cases[1].reply_date is None
    result = CliRunner().invoke(cli, ["check", str(far_future), "--today", TODAY, "--json"])
    assert result.exit_code == 1
    assert '"cell": "I3"' in result.output and '"cell": "J4"' in result.output


@pytest.mark.parametrize("command", [["due"], ["due", "--write"], ["stats", "--json"], ["summary"],
                                     ["split", "--out", "分发"], ["check", "--write"]])
def test_every_job_runs_with_a_far_date(far_future: Path, command: list[str]) -> None:
    args = [command[0], str(far_future), "--today", TODAY, *command[1:]]
    if "--out" in args:
        args[args.index("--out") + 1] = str(far_future.parent / "分发")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    assert "10000" not in result.output and "内部错误" not in result.output
