"""One weekly run: an open ledger is not written and the report says so; update_master writes a
closed one; unreadable ledgers do not stop the others; old reports are pruned; exit codes."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
import python_calamine as pc

from taizhang.core.deadlines import CaseStatus
from taizhang.macros.weekly.run import run_once
from tests.weekly_helpers import MONDAY, excel_owner_file, sample_copy, sheet_rows, sheet_text, write_config


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ledger(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sample_copy(tmp_path, cache_dir=tmp_path_factory.getbasetemp())


def test_open_ledger_is_not_written_and_the_report_says_so(ledger: Path, tmp_path: Path) -> None:
    excel_owner_file(ledger, "张三")
    before = digest(ledger)
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\nupdate_master = true\n')
    result = run_once(config, MONDAY)
    assert digest(ledger) == before
    assert not (ledger.parent / "备份").exists()
    one = result.ledgers[0]
    assert int(result.exit_code) == 3
    assert "张三" in one.opened_by
    overview = sheet_text(one.report, "概况")
    assert "正被“张三”" in overview and "未写入台账" in overview and "最后一次保存" in overview
    assert one.errors > 0  # still analysed, from the last saved state


def test_open_ledger_without_update_master_is_only_reported(ledger: Path, tmp_path: Path) -> None:
    ledger.with_name(f".~lock.{ledger.name}#").write_text(",李四,PC-01,11.05.2026 08:00,file:///home/lisi;")
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\n')
    result = run_once(config, MONDAY)
    assert int(result.exit_code) == 1  # findings, not 3: nobody asked to write
    assert "正被“李四”" in sheet_text(result.ledgers[0].report, "概况")


def test_update_master_writes_a_closed_ledger(ledger: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\nupdate_master = true\n')
    result = run_once(config, MONDAY)
    assert int(result.exit_code) == 1
    header = sheet_rows(ledger, "台账")[1]
    assert "【系统】校验问题" in header and "【系统】状态" in header
    assert "已写回" in result.ledgers[0].write_note


def test_unreadable_ledger_does_not_stop_the_others(ledger: Path, tmp_path: Path) -> None:
    (tmp_path / "坏的.xlsx").write_bytes(b"not a workbook")
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx", "坏的.xlsx", "没有这个.xlsx"]\n')
    result = run_once(config, MONDAY)
    assert int(result.exit_code) == 2
    good, bad = result.ledgers
    assert good.report is not None and good.report.is_file()
    assert bad.problem and bad.report is None
    assert any("没有这个.xlsx" in p for p in result.problems)


def test_a_folder_names_its_workbooks_but_not_owner_files(ledger: Path, tmp_path: Path) -> None:
    excel_owner_file(ledger, "张三")
    config = write_config(tmp_path, '[run]\nledgers = ["."]\n')
    paths, problems = config.ledger_paths()
    assert [p.name for p in paths] == ["台账.xlsx"] and problems == []


def test_only_the_newest_reports_are_kept(ledger: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\nkeep_reports = 2\n')
    for week in range(3):
        result = run_once(config, MONDAY + timedelta(weeks=week))
    folder = result.ledgers[0].report.parent
    assert sorted(p.name for p in folder.glob("校验报告_*.xlsx")) == ["校验报告_2026-05-18.xlsx",
                                                                    "校验报告_2026-05-25.xlsx"]


def test_report_sheets_and_per_unit_figures(ledger: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\n')
    one = run_once(config, MONDAY).ledgers[0]
    assert one.report.name == "校验报告_2026-05-11.xlsx"
    assert pc.CalamineWorkbook.from_path(str(one.report)).sheet_names == ["概况", "校验问题", "逾期清单", "各单位", "变化"]
    units = sheet_rows(one.report, "各单位")
    total = next(row for row in units if row[0] == "合计")
    # A unit's overdue count is the cases where it owes an overdue stage (a co-handler's late opinion
    # counts for it), so units can add up to more than the 合计, which counts each overdue case once.
    assert total[7] == one.count(CaseStatus.OVERDUE) <= sum(u.overdue for u in one.units)
    assert total[9] == one.errors
    listed = sheet_rows(one.report, "逾期清单")[3:]
    assert len([r for r in listed if isinstance(r[0], float)]) == sum(u.overdue for u in one.units)
