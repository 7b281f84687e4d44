"""`taizhang read`: how the tool understands a ledger file."""

from __future__ import annotations

from pathlib import Path

import click

from taizhang.macros.cli.common import (
    COMPACT_ITEMS,
    CONTEXT,
    LEDGER,
    SHEET,
    current,
    echo_json,
    friendly_errors,
)
from taizhang.macros.jobs.read import ledger_json, ledger_text
from taizhang.workbook.reader import read_ledger


@click.command("read", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@SHEET
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出识别结果")
@friendly_errors
def read_cmd(ledger: Path, sheet: str | None, as_json: bool) -> None:
    """显示程序如何理解一个台账文件：工作表、表头行、各列位置、每件的内容和无法识别的单元格。

    例：taizhang read 台账.xlsx --json
    """
    result = read_ledger(current(ledger), sheet)
    if as_json:
        # A long ledger is written one case a line, each case encoded a column at a time.
        encoded = len(result) > COMPACT_ITEMS
        echo_json(ledger_json(result, encoded=encoded), ("cases",) if encoded else ())
    else:
        click.echo(ledger_text(result))
