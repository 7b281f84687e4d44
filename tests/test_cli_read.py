"""`taizhang read`: the JSON equals the library's reading; bad input exits 2 with a Chinese message."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from taizhang.macros.cli import cli
from taizhang.macros.jobs.read import ledger_json
from taizhang.workbook.reader import read_ledger
from tests.messy import messy_ledger


def test_read_json_matches_the_library(tmp_path: Path) -> None:
    path = messy_ledger(tmp_path / "messy.xlsx")
    result = CliRunner().invoke(cli, ["read", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == json.loads(json.dumps(ledger_json(read_ledger(path)), ensure_ascii=False))
    assert data["sheet"] == "2025年台账"
    assert data["header_row"] == 4
    assert data["columns"]["主办单位"] == "G"
    assert [c["row"] for c in data["cases"]] == [5, 7, 8]
    assert data["cases"][1]["交办日期"] == "2025-03-25"
    assert data["unparsed"] == []


def test_read_text_summary(tmp_path: Path) -> None:
    path = messy_ledger(tmp_path / "messy.xlsx")
    result = CliRunner().invoke(cli, ["read", str(path)])
    assert result.exit_code == 0
    assert "共读到 3 件" in result.output


def test_read_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "笔记.xlsx"
    path.write_text("这不是工作簿", encoding="utf-8")
    result = CliRunner().invoke(cli, ["read", str(path)])
    assert result.exit_code == 2
    assert "笔记.xlsx" in result.output
    assert "Traceback" not in result.output
