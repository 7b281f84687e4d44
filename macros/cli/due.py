"""`taizhang due`: each case's deadlines, current stage and status."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from taizhang.core.deadlines import to_json
from taizhang.core.holidays.reminder import command_fix, reminder
from taizhang.macros.cli.common import CONTEXT, LEDGER, OUT, SHEET, TODAY, WRITE, echo_json, friendly_errors
from taizhang.macros.cli.load import analyse, echo_untracked
from taizhang.macros.jobs.due import apply_due, due_text


@click.command("due", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出每件的环节、截止日期和状态")
@WRITE
@OUT
@SHEET
@friendly_errors
def due_cmd(ledger: Path, today: date | None, as_json: bool, write: bool, out: Path | None,
            sheet: str | None) -> None:
    """按台账“时限规则”工作表计算每件各环节的截止日期（工作日按国务院放假和调休安排），
    给出当前环节、剩余工作日和状态（正常 / 临期 / 逾期 / 已办结 / 未知）。

    加 --write 时写入“【系统】当前环节 / 截止日期 / 剩余工作日 / 状态”四列，截止日期和状态两格按
    逾期（红）、临期（黄）、已办结（绿）着色，并生成按单位分组的“逾期清单”工作表。

    例：taizhang due 台账.xlsx --today 2026-05-20 --write
    """
    analysis, note = analyse(ledger, sheet, today, apply_due if write or out else None, out)
    if as_json:
        echo_json(to_json(analysis.deadlines, analysis.untracked_json()))
    else:
        click.echo(due_text(analysis))
        echo_untracked(analysis)
        if note:
            click.echo(note)
        if holidays := reminder(analysis.calendar, analysis.today, command_fix(str(ledger))):
            click.echo(holidays)
