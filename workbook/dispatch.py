"""Reading the master's record of what it sent the units (分发记录 and the hidden 分发明细, laid out
in taizhang.core.exchange) from any grid source: the saved file or the workbook open in Excel."""

from __future__ import annotations

from typing import Any

from taizhang.core.exchange import (
    DETAIL_HEADER_ROW,
    SECRET,
    SECRET_ROW,
    SEND_LOG_HEADER_ROW,
    SEND_LOG_HEADERS,
    DispatchRecord,
    cell_text,
    read_detail,
)
from taizhang.core.names import SEND_DETAIL_SHEET, SEND_LOG_SHEET
from taizhang.workbook.source import GridSource


def read_send_log(source: GridSource) -> list[list[Any]]:
    """The 分发记录 rows below its header, as texts; [] when the workbook has none."""
    if SEND_LOG_SHEET not in source.worksheet_names():
        return []
    width = len(SEND_LOG_HEADERS)
    rows = [[cell_text(v) for v in (list(r) + [None] * width)[:width]]
            for r in source.grid(SEND_LOG_SHEET)[SEND_LOG_HEADER_ROW:]]
    return [r for r in rows if any(r)]


def read_dispatch(source: GridSource) -> DispatchRecord:
    """The key, the current books and the 分发记录 of a master (empty when it never split)."""
    record = DispatchRecord(log=read_send_log(source))
    if SEND_DETAIL_SHEET not in source.worksheet_names():
        return record
    grid = source.grid(SEND_DETAIL_SHEET)
    key_row = grid[SECRET_ROW - 1] if len(grid) >= SECRET_ROW else []
    if len(key_row) > 1 and cell_text(key_row[0]) == SECRET:
        record.secret = cell_text(key_row[1])
    record.books = read_detail(grid[DETAIL_HEADER_ROW:])
    return record
