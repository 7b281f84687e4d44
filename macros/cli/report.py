"""`taizhang report`: the 通报 as a Word document (GB/T 9704-2012), and as PDF with --pdf."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from taizhang.macros.cli.common import CONTEXT, LEDGER, SHEET, TODAY, friendly_errors
from taizhang.macros.cli.load import load_analysis
from taizhang.macros.jobs.report import REPORT_NAME, summary_line, to_pdf, write_report


@click.command("report", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--out", type=LEDGER, help=f"通报文件（默认：台账旁的“台账名_{REPORT_NAME}”）")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转成 PDF（与通报同名）")
@SHEET
@friendly_errors
def report_cmd(ledger: Path, today: date | None, out: Path | None, pdf: bool, sheet: str | None) -> None:
    """生成可直接印发的《关于××年建议提案办理情况的通报》Word 文档（按 GB/T 9704-2012 党政机关公文格式）：

    \b
    版头：发文机关（“参数”工作表的办理机关）、文号；主送机关（参数“文号”“主送”，未填则留待填写并标黄）；
    正文：总体情况、逾期情况（按负责逾期环节的单位列出）、往年 B 类件跟踪落实情况、工作要求；
    落款和成文日期（--today 的日期）；附件：各承办单位统计表（横向 A4，表头每页重复）。

    例：taizhang report 台账.xlsx --today 2026-05-20 --out 通报.docx --pdf
    """
    analysis = load_analysis(ledger, sheet, today)
    target = out or ledger.with_name(f"{ledger.stem}_{REPORT_NAME}")
    bulletin, written = write_report(analysis, target)
    lines = [summary_line(bulletin, written)]
    if pdf:
        lines.append(to_pdf(written))
    if analysis.untracked_note:
        lines.append(f"{analysis.untracked_note}。这些环节不计逾期")
    click.echo("\n".join(lines))
