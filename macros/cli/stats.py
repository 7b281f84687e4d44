"""`taizhang stats`: the figures, each rate with its numerator and denominator."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from taizhang.core.stats import stats_json
from taizhang.macros.cli.common import CONTEXT, LEDGER, SHEET, TODAY, echo_json, friendly_errors
from taizhang.macros.cli.load import echo_untracked, load_analysis
from taizhang.macros.jobs.summary import stats_text


@click.command("stats", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部统计数字")
@SHEET
@friendly_errors
def stats_cmd(ledger: Path, today: date | None, as_json: bool, sheet: str | None) -> None:
    """统计件数、办复率、见面率、按期办复率、满意率、A/B/C 类占比，按单位、类别、级别、承办方式、
    提出时间和重点件分组，并生成一段可直接用于报告的文字。每个比率都给出分子和分母。

    例：taizhang stats 台账.xlsx --today 2026-05-20 --json
    """
    analysis = load_analysis(ledger, sheet, today)
    if as_json:
        echo_json({**stats_json(analysis.stats), "untracked": analysis.untracked_json()})
    else:
        click.echo(stats_text(analysis))
        echo_untracked(analysis)
