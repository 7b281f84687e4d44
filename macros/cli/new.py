"""`taizhang new`: a blank standard ledger with its settings sheets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from taizhang.core.deadlines import DEFAULT_PRESET, PRESETS
from taizhang.macros.cli.common import CONTEXT, LEDGER, friendly_errors
from taizhang.macros.jobs.new import new_ledger


@click.command("new", context_settings=CONTEXT)
@click.argument("path", type=LEDGER)
@click.option("--year", type=int, help="台账年度（默认今年）")
@click.option("--preset", type=click.Choice(list(PRESETS)), default=DEFAULT_PRESET, show_default=True,
              help="时限规则预设")
@friendly_errors
def new_cmd(path: Path, year: int | None, preset: str) -> None:
    """新建一个空白的标准台账：标题、表头、下拉选项、冻结表头、A4 横向打印，并预填参数、单位名录、
    时限规则、节假日和校验规则工作表。

    例：taizhang new 2026年台账.xlsx --year 2026 --preset 精河2025
    """
    written = new_ledger(path, year or date.today().year, preset)
    click.echo(f"已新建台账：{written}（时限预设：{preset}）。请先在“单位名录”工作表中填写本地承办单位，在“参数”工作表中填写办理机关。")
