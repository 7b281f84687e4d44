"""The master's 分发记录 read one way for split, merge, send (`read_send_log`: rows in the order
split writes them) and for collect (`read_dispatch_log`): by the header's names, so a sheet a
clerk has edited (a column inserted, columns swapped, a row added above the header) reads the
same; without a header, collect refuses and the others read the columns where split writes them."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from taizhang.core.errors import BadInput
from taizhang.core.exchange import SEND_LOG_HEADERS
from taizhang.core.names import SEND_LOG_SHEET
from taizhang.workbook.dispatch import read_dispatch_log, read_send_log
from taizhang.workbook.reader import open_workbook

SPLIT_AT = datetime(2026, 5, 20, 9, 30)
SENT_AT = datetime(2026, 5, 20, 9, 35, 12)
# Two books as split records them, SEND_LOG_HEADERS order.
ROWS: list[list[Any]] = [
    ["2026-20260520093000-a1b2c3", SPLIT_AT, "县水利局", 12, "ZX-001、ZX-002", "县水利局.xlsx", "sl@example.gov.cn",
     "已发送", "<m1@example>", SENT_AT, None],
    ["2026-20260520093000-a1b2c3", SPLIT_AT, " 县财政局 ", 3.0, "ZX-003", "县财政局.xlsx", None, "未发送", None, None,
     "单位名录中没有该单位的电子邮箱"],
]


def texts(row: list[Any]) -> list[str | None]:
    """A cell as the record's text: a whole number without ".0", a time as its ISO form."""
    out: list[str | None] = []
    for v in row:
        if v is None:
            out.append(None)
        elif isinstance(v, datetime):
            out.append(v.isoformat(sep=" "))
        elif isinstance(v, float) and v.is_integer():
            out.append(str(int(v)))
        else:
            out.append(str(v))
    return out


def book(path: Path, headers: list[str | None], rows: list[list[Any]], top: int) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SEND_LOG_SHEET
    ws.cell(1, 1, "分发记录")
    for c, name in enumerate(headers, start=1):
        ws.cell(top, c, name)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    wb.save(path)
    return path


def send_log(path: Path) -> list[list[Any]]:
    with open_workbook(path) as source:
        return read_send_log(source)


def test_as_split_writes_it(tmp_path: Path) -> None:
    path = book(tmp_path / "台账.xlsx", list(SEND_LOG_HEADERS), ROWS, 3)
    assert send_log(path) == [texts(r) for r in ROWS]
    entries = read_dispatch_log(path)
    assert entries is not None
    assert [(e.unit, e.split_at, e.result, e.sent_at, e.sent, e.address) for e in entries] == [
        ("县水利局", SPLIT_AT, "已发送", SENT_AT, True, "sl@example.gov.cn"),
        ("县财政局", SPLIT_AT, "未发送", None, False, "")]


def test_an_edited_sheet_reads_by_the_header_names(tmp_path: Path) -> None:
    # A clerk's column before 单位, 文件名 and 电子邮箱 swapped, the header a row lower.
    order = [0, 1, None, 2, 3, 4, 6, 5, 7, 8, 9, 10]
    headers = [SEND_LOG_HEADERS[i] if i is not None else "备注" for i in order]
    edited = [[row[i] if i is not None else "已电话确认" for i in order] for row in ROWS]
    path = book(tmp_path / "台账.xlsx", headers, edited, 4)
    assert send_log(path) == [texts(r) for r in ROWS]
    entries = read_dispatch_log(path)
    assert entries is not None
    assert [(e.unit, e.file, e.address) for e in entries] == [
        ("县水利局", "县水利局.xlsx", "sl@example.gov.cn"), ("县财政局", "县财政局.xlsx", "")]


def test_without_a_header_collect_refuses_and_split_reads_by_position(tmp_path: Path) -> None:
    path = book(tmp_path / "台账.xlsx", [None] * len(SEND_LOG_HEADERS), ROWS, 3)
    assert send_log(path) == [texts(r) for r in ROWS]
    with pytest.raises(BadInput, match="找不到表头"):
        read_dispatch_log(path)


def test_a_master_without_the_sheet(tmp_path: Path) -> None:
    wb = Workbook()
    wb.save(tmp_path / "台账.xlsx")
    assert send_log(tmp_path / "台账.xlsx") == []
    assert read_dispatch_log(tmp_path / "台账.xlsx") is None
