"""From 1 November, `due`, `weekly` and the ribbon's 计算时限 say once that next year's holidays are
not known yet, and name the command that fixes it; once the notice is in, they stop saying it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from taizhang.core.calendar import WorkCalendar
from taizhang.core.holidays.reminder import year_to_remind
from taizhang.macros.cli import cli
from taizhang.macros.excel import ribbon
from taizhang.macros.weekly.run import run_once
from taizhang.macros.weekly.summary import ledger_lines
from tests.fake_xlwings import FakeBook
from tests.test_holidays_cmd import SYNTHETIC_2027
from tests.weekly_helpers import sheet_text, write_config

CASE = {"编号": "第1号", "类别": "人大代表建议", "级别": "县(区)", "年度": 2026, "标题": "关于修路的建议",
        "本级承办方式": "主办", "主办单位": "县交通运输局", "交办日期": date(2026, 9, 1)}


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture()
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "台账.xlsx"
    assert run("new", path, "--year", "2026").exit_code == 0
    return path


def reminders(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("提醒：")]


def test_due_says_nothing_in_october(ledger: Path) -> None:
    result = run("due", ledger, "--today", "2026-10-31")
    assert result.exit_code == 0 and reminders(result.output) == []


def test_due_says_it_once_from_the_first_of_november(ledger: Path) -> None:
    result = run("due", ledger, "--today", "2026-11-01")
    assert result.exit_code == 0
    [line] = reminders(result.output)
    assert "2027年" in line and "未知" in line
    assert line.endswith(f"taizhang holidays {ledger} --notice 通知.txt --write")


def test_json_output_stays_json(ledger: Path) -> None:
    result = run("due", ledger, "--json", "--today", "2026-12-01")
    assert result.exit_code == 0 and json.loads(result.output)["cases"] == []


def test_once_the_notice_is_in_the_reminder_stops(ledger: Path, tmp_path: Path) -> None:
    notice = tmp_path / "通知.txt"
    notice.write_text(SYNTHETIC_2027, encoding="utf-8")
    assert run("holidays", ledger, "--notice", notice, "--write").exit_code == 0
    assert reminders(run("due", ledger, "--today", "2026-12-01").output) == []
    # and in November 2027 it asks for 2028
    [line] = reminders(run("due", ledger, "--today", "2027-11-15").output)
    assert "明年（2028年）" in line


def test_a_year_already_under_way_is_said_at_any_time(ledger: Path) -> None:
    [line] = reminders(run("due", ledger, "--today", "2027-03-01").output)
    assert "今年（2027年）" in line


def test_which_year_to_ask_for() -> None:
    library = WorkCalendar()  # chinese-calendar 1.11.0 knows up to 2026
    assert year_to_remind(library, date(2026, 10, 31)) is None
    assert year_to_remind(library, date(2026, 11, 1)) == 2027
    assert year_to_remind(library, date(2026, 12, 31)) == 2027
    assert year_to_remind(library, date(2027, 1, 4)) == 2027
    assert year_to_remind(library, date(2025, 11, 20)) is None  # 2026 is known


def test_weekly_reports_it_for_the_ledger(ledger: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\n')
    result = run_once(config, date(2026, 11, 2), send=False)
    one = result.ledgers[0]
    assert one.holidays_note.startswith("提醒：明年（2027年）")
    assert one.log_line().count("提醒：") == 1
    assert "明年（2027年）" in sheet_text(one.report, "概况")
    assert sum("明年（2027年）" in line for line in ledger_lines(one)) == 1  # the email's paragraph
    october = run_once(config, date(2026, 10, 26), send=False).ledgers[0]
    assert october.holidays_note == "" and "提醒" not in october.log_line()


def test_the_ribbon_due_button_says_it_and_points_at_the_holidays_button(ledger: Path) -> None:
    book = FakeBook.from_file(ledger)
    message = ribbon.run("due", book, date(2026, 11, 2))
    assert message.startswith("计算时限完成")
    assert message.count("提醒：") == 1
    assert "明年（2027年）" in message and "“节假日”按钮" in message
    assert "taizhang holidays 台账.xlsx --notice 通知.txt --write" in message
    assert "提醒" not in ribbon.run("due", FakeBook.from_file(ledger), date(2026, 10, 30))
