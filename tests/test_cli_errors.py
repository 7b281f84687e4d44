"""What every command shares: --out never overwrites the ledger or a user's own workbook, and an
internal error shows a sentence and a log path, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from taizhang.core.errors import ExitCode
from taizhang.macros import logs
from taizhang.macros.cli import cli
from taizhang.macros.cli import common as console
from tests.messy import tidy_ledger


@pytest.mark.parametrize("command", ["summary", "check", "due"])
def test_out_may_not_be_the_ledger(tmp_path: Path, command: str) -> None:
    ledger = tidy_ledger(tmp_path / "台账.xlsx")
    before = ledger.read_bytes()
    result = CliRunner().invoke(cli, [command, str(ledger), "--today", "2025-06-01", "--out", str(ledger)])
    assert result.exit_code == 2
    assert "不能是台账本身" in result.output
    assert ledger.read_bytes() == before


def test_out_never_replaces_a_users_own_workbook(tmp_path: Path) -> None:
    ledger = tidy_ledger(tmp_path / "台账.xlsx")
    mine = tidy_ledger(tmp_path / "我的表.xlsx")
    before = mine.read_bytes()
    result = CliRunner().invoke(cli, ["summary", str(ledger), "--today", "2025-06-01", "--out", str(mine)])
    assert result.exit_code == 2
    assert "不是本工具生成的文件" in result.output
    assert mine.read_bytes() == before


def test_out_replaces_what_the_tool_wrote_before(tmp_path: Path) -> None:
    ledger = tidy_ledger(tmp_path / "台账.xlsx")
    out = tmp_path / "统计表.xlsx"
    for _ in range(2):
        result = CliRunner().invoke(cli, ["summary", str(ledger), "--today", "2025-06-01", "--out", str(out)])
        assert result.exit_code == 0, result.output


def test_internal_error_shows_a_sentence_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(logs, "cli_log_path", lambda: tmp_path / "taizhang.log")

    @console.friendly_errors
    def broken() -> None:
        raise RuntimeError("boom")

    with pytest.raises(SystemExit) as caught:
        broken()
    assert caught.value.code == ExitCode.INTERNAL
    err = capfd.readouterr().err
    assert "程序内部错误" in err
    assert "Traceback" not in err
    assert "RuntimeError: boom" in (tmp_path / "taizhang.log").read_text(encoding="utf-8")
