"""The look of the tool's own sheets: an official table's fonts, borders and fills."""

from __future__ import annotations

from taizhang.workbook.writer import Hyperlink, Style

TITLE = Style(bold=True, font_name="黑体", font_size=16, h_align="center", v_align="center")
SUBTITLE = Style(font_name="仿宋_GB2312", font_size=11, h_align="left")
HEADER = Style(bold=True, font_name="黑体", font_size=11, fill="D9E1F2", border=True, h_align="center",
               v_align="center", wrap=True)
BODY = Style(font_name="仿宋_GB2312", font_size=11, border=True, v_align="center")
BODY_WRAP = Style(font_name="仿宋_GB2312", font_size=11, border=True, v_align="center", wrap=True)
BODY_CENTER = Style(font_name="仿宋_GB2312", font_size=11, border=True, h_align="center", v_align="center")
DATE = Style(font_name="仿宋_GB2312", font_size=11, border=True, h_align="center", number_format="yyyy-mm-dd")
GROUP = Style(bold=True, font_name="黑体", font_size=11, fill="F2F2F2", border=True)
TOTAL = Style(bold=True, font_name="黑体", font_size=11, border=True, h_align="center")
LINK = Style(font_name="仿宋_GB2312", font_size=11, border=True, font_color="0563C1", h_align="center")
TOOL_HEADER = Style(bold=True, font_name="黑体", font_size=11, fill="E7E6E6", border=True, h_align="center",
                    wrap=True)
TOOL_BODY = Style(font_name="仿宋_GB2312", font_size=10, border=True)
TOOL_DATE = Style(font_name="仿宋_GB2312", font_size=10, border=True, number_format="yyyy-mm-dd")


def cell_link(sheet: str, cell: str, text: str | None = None) -> Hyperlink:
    """An internal link to a cell, e.g. to the ledger row a finding or an overdue case is on."""
    quoted = sheet.replace("'", "''")
    return Hyperlink(target=f"#'{quoted}'!{cell}", text=text or cell)
