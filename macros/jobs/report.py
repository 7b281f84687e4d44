"""The 通报 as a Word document (GB/T 9704-2012): what it says comes from `taizhang.core.bulletin`,
how it is laid out from `taizhang.workbook.docx_report`."""

from __future__ import annotations

from pathlib import Path

from taizhang.analysis import Analysis
from taizhang.core.bulletin import Bulletin, build_bulletin
from taizhang.core.errors import BadInput
from taizhang.workbook.convert import convert, soffice
from taizhang.workbook.docx_report import write_bulletin, written_by_tool

REPORT_NAME = "通报.docx"


def bulletin_of(analysis: Analysis) -> Bulletin:
    """The 通报 of an analysed ledger."""
    return build_bulletin(stats=analysis.stats, owed=analysis.owed, names=analysis.unit_names,
                          params=analysis.settings.params, today=analysis.today, year=analysis.ledger.year,
                          untracked=analysis.untracked_note)


def write_report(analysis: Analysis, out: Path) -> tuple[Bulletin, Path]:
    """Write the 通报 of `analysis` to `out` (.docx). Raises BadInput for another suffix, or when `out`
    exists and is not a 通报 this tool wrote (it is never overwritten)."""
    if out.suffix.lower() != ".docx":
        raise BadInput(f"“{out.name}”：通报须写成 Word 文档，文件名应以 .docx 结尾")
    if out.exists() and not written_by_tool(out):
        raise BadInput(f"“{out}”已存在且不是本工具生成的通报；为免覆盖，请换一个文件名或先删除它")
    bulletin = bulletin_of(analysis)
    return bulletin, write_bulletin(bulletin, out)


def to_pdf(docx: Path) -> str:
    """The PDF beside the .docx, or a plain sentence saying why there is none."""
    if soffice() is None:
        return ("未生成 PDF：本机没有 LibreOffice。可用 Word 或 WPS 打开通报后“另存为 PDF”，"
                "或安装 LibreOffice 后重新运行 --pdf")
    return f"PDF 已写入“{convert(docx, 'pdf', docx.parent)}”"


def summary_line(b: Bulletin, path: Path) -> str:
    """One sentence for the clerk: where the 通报 is, whom it names, what is still to fill in."""
    fill = [label for label, field in (("办理机关", b.office), ("文号", b.number), ("主送", b.recipients))
            if field.placeholder]
    named = f"点名 {len(b.units_named)} 个有逾期或超期环节的单位" if b.units_named else "本年度没有逾期或超期的单位"
    todo = (f"；{'、'.join(fill)}尚未在台账“参数”工作表中填写，通报中已用黄色标出待填处" if fill else "")
    return f"通报已写入“{path}”（{b.title}；{named}；附件为各单位统计表）{todo}。"
