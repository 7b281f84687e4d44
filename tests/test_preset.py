"""`taizhang preset`: switching a ledger's deadline rules to a preset."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import python_calamine as pc
from click.testing import CliRunner

from taizhang.analysis import Analysis
from taizhang.core.deadlines import PRESETS
from taizhang.macros.cli import cli
from taizhang.macros.jobs.new import new_ledger
from taizhang.workbook.reader import read_workbook
from tests.test_deadlines_properties import plain


def test_switching_preset_rewrites_rules_and_keeps_the_rest(tmp_path: Path) -> None:
    ledger = new_ledger(tmp_path / "台账.xlsx", 2026, "代表法三个月")
    before = {n: pc.CalamineWorkbook.from_path(str(ledger)).get_sheet_by_name(n).to_python()
              for n in ("台账", "单位名录", "节假日")}
    result = CliRunner().invoke(cli, ["preset", str(ledger), "精河2025"])
    assert result.exit_code == 0, result.output
    loaded = read_workbook(ledger)
    assert loaded.settings.params.preset == "精河2025"
    rules = Analysis(loaded.ledger, loaded.settings, date(2026, 5, 20)).rules
    assert [r.stage for r in rules] == [r.stage for r in PRESETS["精河2025"]]
    assert plain(rules) == plain(PRESETS["精河2025"])
    book = pc.CalamineWorkbook.from_path(str(ledger))
    for name, grid in before.items():
        assert book.get_sheet_by_name(name).to_python() == grid
    assert list((tmp_path / "备份").iterdir())


def test_unknown_preset_is_refused(tmp_path: Path) -> None:
    ledger = new_ledger(tmp_path / "台账.xlsx", 2026)
    result = CliRunner().invoke(cli, ["preset", str(ledger), "不存在"])
    assert result.exit_code == 2
