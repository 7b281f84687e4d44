"""`taizhang update`: check, due and summary written back in one write."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from taizhang.core.errors import ExitCode
from taizhang.macros.cli.common import CONTEXT, LEDGER, SHEET, TODAY, friendly_errors
from taizhang.macros.cli.load import analyse
from taizhang.macros.jobs.update import apply_update, update_text


@click.command("update", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--out", type=LEDGER, help="把结果写到这个新文件，原台账不动")
@SHEET
@friendly_errors
def update_cmd(ledger: Path, today: date | None, out: Path | None, sheet: str | None) -> None:
    """一键更新：校验、计算时限、生成汇总，一次写回台账（与功能区“一键更新”相同；写前自动备份）。

    写入“校验结果”“逾期清单”“汇总”“通报”“图表”工作表和“【系统】”各列，等同于依次运行
    check --write、due --write、summary --write，但只写一次。合并各单位回传的文件后用它刷新。
    退出码：0 无校验错误；1 有校验错误；2 输入有误（如“时限规则”中启用的环节所用的列台账没有，
    此时不写入任何内容）。

    例：taizhang update 台账.xlsx --today 2026-05-20
    """
    analysis, note = analyse(ledger, sheet, today, apply_update, out)
    click.echo(update_text(analysis))
    if note:
        click.echo(note)
    sys.exit(ExitCode.OK if analysis.report.valid else ExitCode.FINDINGS)
