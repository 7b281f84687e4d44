"""The master's record of what split sent (core/exchange.py lays it out): the visible 分发记录 and
the hidden 分发明细, built as tool sheets for the lossless writer or the live layer."""

from __future__ import annotations

from typing import Any

from taizhang.core.exchange import (
    DETAIL_HEADER_ROW,
    DETAIL_HEADERS,
    SECRET,
    SECRET_ROW,
    SEND_LOG_HEADER_ROW,
    SEND_LOG_HEADERS,
    DispatchRecord,
)
from taizhang.core.names import SEND_DETAIL_SHEET, SEND_LOG_SHEET
from taizhang.macros.jobs import sheet_styles as st
from taizhang.workbook.writer import ToolSheet

LOG_TITLE = "分发记录"
LOG_NOTE = ("每次分发（taizhang split 或“分发各单位”按钮）给每个单位的工作簿一行；合并回传文件时按本表和隐藏的"
            "“分发明细”核对来源。请勿修改或删除。")
DETAIL_TITLE = "台账助手分发明细（请勿修改；其中的密钥用于核对各单位回传的文件，不要发给任何单位）"
LOG_WIDTHS = (26, 20, 22, 8, 40, 40, 28, 10, 40, 20, 40)
MAX_NUMBERS_TEXT = 30_000  # an Excel cell holds 32,767 characters


def numbers_text(numbers: list[str]) -> str:
    """A unit's case numbers for its 分发记录 row, cut short inside Excel's cell limit."""
    text = "、".join(numbers)
    if len(text) <= MAX_NUMBERS_TEXT:
        return text
    return text[:MAX_NUMBERS_TEXT].rsplit("、", 1)[0] + f"……（共 {len(numbers)} 件）"


def send_log_sheet(rows: list[list[Any]]) -> ToolSheet:
    """分发记录: title, note, header in row SEND_LOG_HEADER_ROW, one row per unit book."""
    sheet = ToolSheet(SEND_LOG_SHEET)
    sheet.write(1, 1, LOG_TITLE, st.TITLE)
    sheet.write(2, 1, LOG_NOTE, st.SUBTITLE)
    sheet.write_row(SEND_LOG_HEADER_ROW, list(SEND_LOG_HEADERS), st.TOOL_HEADER)
    for r, values in enumerate(rows, start=SEND_LOG_HEADER_ROW + 1):
        sheet.write_row(r, [None if v in (None, "") else v for v in values], st.TOOL_BODY)
    for col, width in enumerate(LOG_WIDTHS, start=1):
        sheet.column_width(col, width)
    sheet.freeze(f"A{SEND_LOG_HEADER_ROW + 1}")
    last = SEND_LOG_HEADER_ROW + len(rows)
    sheet.autofilter(f"A{SEND_LOG_HEADER_ROW}:K{last}")
    sheet.print_setup(landscape=True, repeat_rows=(SEND_LOG_HEADER_ROW, SEND_LOG_HEADER_ROW), title=LOG_TITLE)
    return sheet


def detail_sheet(record: DispatchRecord) -> ToolSheet:
    """分发明细, hidden: the key in row SECRET_ROW, the cases of every current book below the header."""
    sheet = ToolSheet(SEND_DETAIL_SHEET)
    sheet.hidden = True
    sheet.write(1, 1, DETAIL_TITLE)
    sheet.write_row(SECRET_ROW, [SECRET, record.secret])
    sheet.write_row(DETAIL_HEADER_ROW, list(DETAIL_HEADERS))
    for r, values in enumerate(record.detail_rows(), start=DETAIL_HEADER_ROW + 1):
        sheet.write_row(r, values)
    return sheet


def record_sheets(record: DispatchRecord) -> list[ToolSheet]:
    return [send_log_sheet(record.log), detail_sheet(record)]
