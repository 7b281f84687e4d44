"""`taizhang read`: the JSON equals the library's reading; bad input exits 2 with a Chinese message."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from taizhang.macros.cli import cli
from taizhang.macros.cli.common import COMPACT_ITEMS
from taizhang.macros.jobs.read import ledger_json
from taizhang.workbook.reader import read_ledger
from tests.ledger_factory import HEADERS, clean_row, write_ledger
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


def test_a_long_ledger_is_written_one_case_a_line_as_the_same_document(tmp_path: Path) -> None:
    """Past COMPACT_ITEMS cases each case is encoded a column at a time: the document must be the
    one json.dumps writes for the same cases, values with quotes, newlines, dates, numbers, flags
    and unknown columns included."""
    rows = [clean_row(i, 标题=f"关于“{i}”号\"建议\"\n第二行", 附议人数=i, 重点件="是" if i % 2 else None,
                      正式答复日期=None if i % 3 else date(2025, 5, 20))
            for i in range(COMPACT_ITEMS + 20)]
    headers = [*HEADERS, "自定义列"]
    for i, row in enumerate(rows):
        if i % 4 == 0:
            row["自定义列"] = date(2025, 1, 1 + i % 28) if i % 8 == 0 else f"备注{i}"
    path = write_ledger(tmp_path, rows, headers=headers)
    result = CliRunner().invoke(cli, ["read", str(path), "--json"])
    assert result.exit_code == 0, result.output
    expected = ledger_json(read_ledger(path))
    assert json.loads(result.output) == json.loads(json.dumps(expected, ensure_ascii=False))
    lines = result.output.splitlines()
    first = lines.index('  "cases": [') + 1
    assert [json.loads(line.rstrip(",")) for line in lines[first:first + len(rows)]] == expected["cases"]
    assert any("其他列" in case for case in expected["cases"])
