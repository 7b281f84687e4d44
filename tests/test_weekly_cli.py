"""`taizhang weekly` and `taizhang schedule` through click: the example config, exit codes, Chinese
messages, help with an example."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from taizhang.macros.cli.weekly import schedule_cmd, weekly_cmd
from taizhang.macros.logs import stop_weekly_log
from taizhang.macros.weekly.config import EXAMPLE, load_config
from tests.weekly_helpers import sample_copy

CLI = click.Group("taizhang", commands={"weekly": weekly_cmd, "schedule": schedule_cmd})


@pytest.fixture(autouse=True)
def _close_log() -> Iterator[None]:
    yield
    stop_weekly_log()


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(CLI, list(args), catch_exceptions=False)


def test_init_writes_a_commented_example_that_loads(tmp_path: Path) -> None:
    target = tmp_path / "台账周检.toml"
    result = run("schedule", "--init", "--config", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == EXAMPLE
    config = load_config(target)
    assert config.run.ledgers == ["台账.xlsx"] and config.run.update_master is False
    assert config.email is not None and config.email.password_env == "TAIZHANG_SMTP_PASSWORD"
    again = run("schedule", "--init", "--config", str(target))
    assert again.exit_code == 2 and "已存在" in again.output


def test_weekly_runs_once_and_exits_1_on_findings(tmp_path: Path, tmp_path_factory) -> None:
    sample_copy(tmp_path, cache_dir=tmp_path_factory.getbasetemp())
    (tmp_path / "c.toml").write_text('[run]\nledgers = ["台账.xlsx"]\nlog_file = "周检.log"\n', encoding="utf-8")
    result = run("weekly", "--config", str(tmp_path / "c.toml"), "--today", "2026-05-11")
    assert result.exit_code == 1, result.output
    assert "台账.xlsx：381 件" in result.output
    assert (tmp_path / "报告" / "台账" / "校验报告_2026-05-11.xlsx").is_file()
    assert "台账.xlsx：381 件" in (tmp_path / "周检.log").read_text(encoding="utf-8")  # one line per ledger


@pytest.mark.parametrize(("text", "words"), [
    ('[run]\nledgers = ["a.xlsx"]\nweekday = "someday"\n', "不是星期几"),
    ('[run]\nledgers = ["a.xlsx"]\ntime = "8点半"\n', "HH:MM"),
    ('[run]\nledgers = ["a.xlsx"]\nkeep_report = 3\n', "不认识的设置 run.keep_report"),
    ("[run]\n", "缺少 run.ledgers"),
    ("[run\n", "格式有误"),
])
def test_bad_config_exits_2_with_a_chinese_message(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "c.toml").write_text(text, encoding="utf-8")
    result = run("weekly", "--config", str(tmp_path / "c.toml"))
    assert result.exit_code == 2
    assert words in result.output


def test_chinese_weekday_and_paths_relative_to_the_config(tmp_path: Path) -> None:
    folder = tmp_path / "配置"
    folder.mkdir()
    (folder / "c.toml").write_text('[run]\nledgers = ["../台账"]\nweekday = "星期三"\ntime = "7:05"\n',
                                   encoding="utf-8")
    config = load_config(folder / "c.toml")
    assert (config.run.weekday, config.run.time) == ("wednesday", "07:05")
    assert config.resolve("../台账") == folder / "../台账"
    assert config.report_dir == folder / "报告"


def test_schedule_without_config_says_what_to_do() -> None:
    result = run("schedule")
    assert result.exit_code == 2 and "--init" in result.output


@pytest.mark.parametrize("command", ["weekly", "schedule"])
def test_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "例：" in result.output
