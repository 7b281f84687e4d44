"""The look of the tool's own sheets: an official table's fonts, borders and fills."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from taizhang.core.stats import Rate
from taizhang.workbook.writer import CellValue, Hyperlink, Style

if TYPE_CHECKING:
    from taizhang.workbook.writer import ToolSheet

PERCENT_FORMAT = "0.00%"  # rates are numbers Excel can sort and sum, shown as 66.67%

TITLE = Style(bold=True, font_name="黑体", font_size=16, h_align="center", v_align="center")
SUBTITLE = Style(font_name="仿宋_GB2312", font_size=11, h_align="left")
HEADER = Style(bold=True, font_name="黑体", font_size=11, fill="D9E1F2", border=True, h_align="center",
               v_align="center", wrap=True)
BODY = Style(font_name="仿宋_GB2312", font_size=11, border=True, v_align="center")
BODY_WRAP = Style(font_name="仿宋_GB2312", font_size=11, border=True, v_align="center", wrap=True)
BODY_CENTER = Style(font_name="仿宋_GB2312", font_size=11, border=True, h_align="center", v_align="center")
NOTE = Style(font_name="仿宋_GB2312", font_size=11, h_align="left", v_align="center", wrap=True)  # text under a table
DATE = Style(font_name="仿宋_GB2312", font_size=11, border=True, h_align="center", v_align="center", number_format="yyyy-mm-dd")
GROUP = Style(bold=True, font_name="黑体", font_size=11, fill="F2F2F2", border=True)
TOTAL = Style(bold=True, font_name="黑体", font_size=11, border=True, h_align="center")
LINK = Style(font_name="仿宋_GB2312", font_size=11, border=True, font_color="0563C1", h_align="center", v_align="center")
TOOL_HEADER = Style(bold=True, font_name="黑体", font_size=11, fill="E7E6E6", border=True, h_align="center",
                    wrap=True)
TOOL_BODY = Style(font_name="仿宋_GB2312", font_size=10, border=True)
TOOL_WRAP = Style(font_name="仿宋_GB2312", font_size=10, border=True, wrap=True, v_align="center")
PERCENT = replace(BODY_CENTER, number_format=PERCENT_FORMAT)
PERCENT_LEFT = replace(BODY, number_format=PERCENT_FORMAT, h_align="left")
TOTAL_PERCENT = replace(TOTAL, number_format=PERCENT_FORMAT)
TOOL_DATE = Style(font_name="仿宋_GB2312", font_size=10, border=True, number_format="yyyy-mm-dd")


def new_sheet(name: str) -> ToolSheet:
    """An empty tool sheet. The sheet builder (and its measuring) is imported here, when a job
    builds a sheet: `due`, `stats` and `check` without --write only print, and do not load it."""
    from taizhang.workbook.writer import ToolSheet

    return ToolSheet(name)


def cell_link(sheet: str, cell: str, text: str | None = None) -> Hyperlink:
    """An internal link to a cell, e.g. to the ledger row a finding or an overdue case is on."""
    return Hyperlink(target=_sheet_target(sheet) + cell, text=text or cell)


def row_links(sheet: str, column: str) -> Callable[[int], Hyperlink]:
    """Links to one column's cell of each row of `sheet`, shown as 第12行 (what `cell_link` makes,
    the sheet's part of the target made once for a list of thousands)."""
    target = _sheet_target(sheet) + column
    return lambda row: Hyperlink(target=f"{target}{row}", text=f"第{row}行")


def _sheet_target(sheet: str) -> str:
    quoted = sheet.replace("'", "''")
    return f"#'{quoted}'!"


def rate_cell(rate: Rate) -> CellValue:
    """A rate as a number Excel can sort and sum (the fraction, already rounded half up to two
    decimals of a percent, shown with PERCENT_FORMAT); "—" or "未知" as text when there is none."""
    value = rate.percent
    if value is None or not rate.den:
        return rate.value
    return float(value / 100)


def untracked_note_row(sheet: ToolSheet, row: int, note: str | None, listed_in: str, last_col: str) -> int:
    """Under a list of overdue stages: which stages the ledger cannot track (so none is listed),
    merged across A:`last_col` two rows below `row`. Returns the row written, or `row` without a note."""
    if not note:
        return row
    row += 2
    sheet.write(row, 1, f"说明：{note}。台账无法记录这些环节的完成日期，不计逾期，不列入{listed_in}。", NOTE)
    sheet.merge(f"A{row}:{last_col}{row}")
    sheet.row_height(row, 32)
    return row
