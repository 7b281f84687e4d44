"""`taizhang check`: validate every row of the ledger."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from taizhang.core.errors import ExitCode
from taizhang.macros.cli.common import CONTEXT, LEDGER, OUT, SHEET, TODAY, WRITE, echo_json, friendly_errors
from taizhang.macros.cli.load import analyse
from taizhang.macros.jobs.check import apply_check, check_text


@click.command("check", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部问题")
@WRITE
@OUT
@SHEET
@friendly_errors
def check_cmd(ledger: Path, today: date | None, as_json: bool, write: bool, out: Path | None,
              sheet: str | None) -> None:
    """校验台账的每一行：必填项、选项、编号重复、日期先后、承办单位、办理结果等，逐条指出单元格。

    不加 --write 时不写任何文件。加 --write 时在台账中生成“校验结果”工作表、一列“【系统】校验问题”，
    并把有问题的单元格标上颜色（修正后下次运行自动清除；您自己设置的颜色不会被改动）。
    退出码：0 无错误；1 有错误；2 文件无法读取。

    例：taizhang check 台账.xlsx --today 2026-05-20 --write
    """
    analysis, note = analyse(ledger, sheet, today, apply_check if write or out else None, out)
    if as_json:
        echo_json(analysis.report.to_json())
    else:
        click.echo(check_text(analysis))
        if note:
            click.echo(note)
    sys.exit(ExitCode.OK if analysis.report.valid else ExitCode.FINDINGS)
