"""A ledger without one of the usual columns gets its tool columns like any other; a whole-column
finding (at the header) stays in 校验结果 and never lands in the header row. Weekly writes its
report also when writing back into the master fails."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import python_calamine as pc
from click.testing import CliRunner
from openpyxl import load_workbook

from taizhang.macros.cli import cli
from taizhang.macros.weekly.run import run_once
from tests.hostile import with_far_cell
from tests.messy import tidy_ledger
from tests.weekly_helpers import write_config

TODAY = "2025-06-01"
HEADERS = ["序号", "编号", "类别", "标题", "领衔人", "联系电话", "主办单位", "协办单位", "交办日期",
           "正式答复日期", "办理结果", "代表意见", "经办人"]


def without(path: Path, header: str) -> Path:
    wb = load_workbook(path)
    ws = wb["台账"]
    ws.delete_cols(HEADERS.index(header) + 1)
    wb.save(path)
    return path


def rows(path: Path, sheet: str = "台账") -> list[list[object]]:
    return [list(r) for r in pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()]


@pytest.mark.parametrize("missing", ["领衔人", "类别", "主办单位", "编号"])
@pytest.mark.parametrize("command", ["check", "due"])
def test_a_missing_column_does_not_stop_the_write(tmp_path: Path, missing: str, command: str) -> None:
    ledger = without(tidy_ledger(tmp_path / "台账.xlsx"), missing)
    result = CliRunner().invoke(cli, [command, str(ledger), "--today", TODAY, "--write"])
    assert result.exit_code in (0, 1), result.output
    grid = rows(ledger)
    header = grid[1]
    assert missing not in header
    tool = [c for c, v in enumerate(header) if isinstance(v, str) and v.startswith("【系统】")]
    assert tool and min(tool) == len(HEADERS) - 1  # right after the user's last column
    assert all(grid[0][c] in (None, "") for c in tool)  # the title row above the header untouched
    if command == "check":
        findings = rows(ledger, "校验结果")
        assert any(missing in str(v) and "没有这一列" in str(v) for r in findings for v in r)


def test_weekly_writes_back_a_ledger_without_lead_column(tmp_path: Path) -> None:
    without(tidy_ledger(tmp_path / "台账.xlsx"), "领衔人")
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\nupdate_master = true\n')
    result = run_once(config, date(2025, 6, 1), send=False)
    one = result.ledgers[0]
    assert one.report is not None and one.report.is_file()
    assert one.write_refused is None, one.write_note
    assert "校验结果" in pc.CalamineWorkbook.from_path(str(tmp_path / "台账.xlsx")).sheet_names


def test_weekly_writes_its_report_when_the_write_back_fails(tmp_path: Path) -> None:
    tidy = tidy_ledger(tmp_path / "原.xlsx")
    with_far_cell(tidy, tmp_path / "台账.xlsx", "XFD5")  # no room for a tool column: the write refuses
    before = (tmp_path / "台账.xlsx").read_bytes()
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\nupdate_master = true\n')
    result = run_once(config, date(2025, 6, 1), send=False)
    one = result.ledgers[0]
    assert one.report is not None and one.report.is_file()
    assert "未写入台账" in one.write_note and "工具列" in one.write_note
    assert int(result.exit_code) == 2
    assert (tmp_path / "台账.xlsx").read_bytes() == before
