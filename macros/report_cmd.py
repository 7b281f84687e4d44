"""`taizhang report`: the 通报 as a Word document (GB/T 9704-2012), and as PDF with --pdf.

What it says: `taizhang.core.bulletin`; how it is laid out: `taizhang.workbook.docx_report`.
Registered in cli.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from taizhang.core.bulletin import Bulletin, build_bulletin
from taizhang.core.errors import BadInput
from taizhang.macros.analysis import Analysis
from taizhang.macros.console import DATE, friendly_errors, today_or

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
LEDGER = click.Path(dir_okay=False, path_type=Path)
REPORT_NAME = "通报.docx"


def bulletin_of(analysis: Analysis) -> Bulletin:
    """The 通报 of an analysed ledger."""
    return build_bulletin(stats=analysis.stats, owed=analysis.owed, names=analysis.unit_names,
                          params=analysis.settings.params, today=analysis.today, year=analysis.ledger.year,
                          untracked=analysis.untracked_note)


def write_report(analysis: Analysis, out: Path) -> tuple[Bulletin, Path]:
    from taizhang.workbook.docx_report import write_bulletin, written_by_tool

    if out.suffix.lower() != ".docx":
        raise BadInput(f"“{out.name}”：通报须写成 Word 文档，文件名应以 .docx 结尾")
    if out.exists() and not written_by_tool(out):
        raise BadInput(f"“{out}”已存在且不是本工具生成的通报；为免覆盖，请换一个文件名或先删除它")
    bulletin = bulletin_of(analysis)
    return bulletin, write_bulletin(bulletin, out)


def to_pdf(docx: Path) -> str:
    """The PDF beside the .docx, or a plain sentence saying why there is none."""
    from taizhang.workbook.convert import convert, soffice

    if soffice() is None:
        return ("未生成 PDF：本机没有 LibreOffice。可用 Word 或 WPS 打开通报后“另存为 PDF”，"
                "或安装 LibreOffice 后重新运行 --pdf")
    return f"PDF 已写入“{convert(docx, 'pdf', docx.parent)}”"


def summary_line(b: Bulletin, path: Path) -> str:
    fill = [label for label, field in (("办理机关", b.office), ("文号", b.number), ("主送", b.recipients))
            if field.placeholder]
    named = f"点名 {len(b.units_named)} 个有逾期或超期环节的单位" if b.units_named else "本年度没有逾期或超期的单位"
    todo = (f"；{'、'.join(fill)}尚未在台账“参数”工作表中填写，通报中已用黄色标出待填处" if fill else "")
    return f"通报已写入“{path}”（{b.title}；{named}；附件为各单位统计表）{todo}。"


@click.command("report", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@click.option("--today", type=DATE, help="按哪一天计算（默认今天），如 2026-05-20；也是通报的成文日期")
@click.option("--out", type=LEDGER, help=f"通报文件（默认：台账旁的“台账名_{REPORT_NAME}”）")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转成 PDF（与通报同名）")
@click.option("--sheet", help="台账所在工作表（默认自动识别）")
@friendly_errors
def report_cmd(ledger: Path, today: date | None, out: Path | None, pdf: bool, sheet: str | None) -> None:
    """生成可直接印发的《关于××年建议提案办理情况的通报》Word 文档（按 GB/T 9704-2012 党政机关公文格式）：

    \b
    版头：发文机关（“参数”工作表的办理机关）、文号；主送机关（参数“文号”“主送”，未填则留待填写并标黄）；
    正文：总体情况、逾期情况（按负责逾期环节的单位列出）、往年 B 类件跟踪落实情况、工作要求；
    落款和成文日期；附件：各承办单位统计表（横向 A4，表头每页重复）。

    例：taizhang report 台账.xlsx --today 2026-05-20 --out 通报.docx --pdf
    """
    from taizhang.macros.cli import current
    from taizhang.workbook.reader import read_workbook

    loaded = read_workbook(current(ledger), sheet)
    analysis = Analysis(loaded.ledger, loaded.settings, today_or(today))
    target = out or ledger.with_name(f"{ledger.stem}_{REPORT_NAME}")
    bulletin, written = write_report(analysis, target)
    lines = [summary_line(bulletin, written)]
    if pdf:
        lines.append(to_pdf(written))
    if analysis.untracked_note:
        lines.append(f"{analysis.untracked_note}。这些环节不计逾期")
    click.echo("\n".join(lines))
