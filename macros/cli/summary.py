"""`taizhang summary`: the 汇总, 通报 and 图表 sheets, into a new workbook or the ledger."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from taizhang.core.stats import paragraph
from taizhang.macros.cli.common import (
    CONTEXT,
    LEDGER,
    SHEET,
    TODAY,
    WRITE,
    check_output_path,
    friendly_errors,
    today_or,
)
from taizhang.macros.cli.load import echo_untracked, load_analysis
from taizhang.macros.jobs.summary import apply_summary, summary_sheets
from taizhang.workbook import writer  # new_workbook_with_sheets (openpyxl) loads only for --out
from taizhang.workbook.convert import convert
from taizhang.writeback import run_and_write


@click.command("summary", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--out", "out", type=LEDGER, help="把“汇总”“通报”“图表”三张表写到这个新工作簿（.xlsx）")
@WRITE
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转成 PDF（与 --out 的文件同名）")
@SHEET
@friendly_errors
def summary_cmd(ledger: Path, today: date | None, out: Path | None, write: bool, pdf: bool,
                sheet: str | None) -> None:
    """生成各办公室印发用的“汇总”（统计表）、“通报”（逾期和超期的单位及其件）和“图表”工作表。

    --out 写成单独的工作簿；--write 写进台账本身（无损写入）；--pdf 另存 PDF 以便打印和印发。

    例：taizhang summary 台账.xlsx --today 2026-05-20 --out 统计表.xlsx --pdf
    """
    if not out and (pdf or not write):
        out = ledger.with_name(f"{ledger.stem}_汇总.xlsx")
    if out:
        check_output_path(out, ledger)
    notes: list[str] = []
    if write:
        outcome = run_and_write(ledger, today_or(today), [apply_summary], sheet=sheet)
        notes.append(outcome.note)
        analysis = outcome.analysis
    else:
        analysis = load_analysis(ledger, sheet, today)
    if out:
        writer.new_workbook_with_sheets(out, summary_sheets(analysis))
        notes.append(f"统计表已写入“{out}”")
        if pdf:
            produced = convert(out, "pdf", out.parent)
            notes.append(f"PDF 已写入“{produced}”")
    click.echo("\n".join([paragraph(analysis.stats), *notes]))
    echo_untracked(analysis)
