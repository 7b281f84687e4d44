"""`taizhang preset`: switch the ledger's 时限规则 sheet to a preset."""

from __future__ import annotations

from pathlib import Path

import click

from taizhang.core.deadlines import PRESETS
from taizhang.macros.cli.common import CONTEXT, LEDGER, SHEET, check_output_path, friendly_errors
from taizhang.macros.jobs.preset import switch_preset


@click.command("preset", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@click.argument("name", type=click.Choice(list(PRESETS)))
@click.option("--out", type=LEDGER, help="写到这个新文件，原台账不动")
@SHEET
@friendly_errors
def preset_cmd(ledger: Path, name: str, out: Path | None, sheet: str | None) -> None:
    """把台账的“时限规则”工作表换成某个预设（原表的内容被替换，写前自动备份），并更新“参数”表中的时限预设。

    预设：精河2025（固定日期）、彭水2023（工作日）、代表法三个月（自交办起算的月数）。
    台账没有某环节所需的列（如“签收日期”）时，该环节写为停用（启用=否），原因写在“说明”列；
    在台账中加上该列后，把“启用”改为“是”即可。

    例：taizhang preset 台账.xlsx 精河2025
    """
    if out is not None:
        check_output_path(out, ledger)
    result = switch_preset(ledger, name, out, sheet)
    written = result.written
    where = f"，原文件备份在“{written.backup}”" if written.backup else ""
    click.echo(f"“时限规则”工作表已换成预设“{name}”：{written.path}{where}。")
    if result.disabled:
        click.echo("台账缺少以下环节所需的列，这些环节已写为停用（启用=否），不计逾期："
                   + "；".join(str(u) for u in result.disabled)
                   + "。在台账中加上该列后，把“时限规则”中该行的“启用”改为“是”即可跟踪。")
