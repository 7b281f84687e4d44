"""The master's record of what it sent the units, and what a returned book says of itself.

- `read_dispatch` / `read_send_log`: the 分发记录 and the hidden 分发明细 (laid out in
  taizhang.core.exchange) from any grid source: the saved file or the workbook open in Excel; split,
  merge and send use them.
- `read_dispatch_log`: the same 分发记录 rows as `DispatchEntry`s, for `collect`'s 回收情况.
  Both read the 分发记录 by its header's names (`_log_header`: looked for in the first rows, so a
  sheet a clerk has edited still reads); without a header, collect refuses and split, merge and
  send read the columns where split writes them.
- `read_return_meta`: a returned file is untrusted: it is checked with the returned-file guard (size,
  zip bomb, entities) and then only its hidden 分发校验 sheet is read (found by name, else among the
  hidden sheets by the marker in A1) for the unit, the split date and the 分发编号. Its ledger sheet
  is not read here; `merge` reads it later and verifies the 校验码.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import python_calamine as pc

from taizhang.core.errors import BadInput
from taizhang.core.exchange import (
    DETAIL_HEADER_ROW,
    SECRET,
    SECRET_ROW,
    SEND_LOG_HEADER_ROW,
    SEND_LOG_HEADERS,
    SENT,
    SPLIT_ID,
    DispatchRecord,
    cell_text,
    read_detail,
)
from taizhang.core.names import SEND_DETAIL_SHEET, SEND_LOG_SHEET
from taizhang.workbook.bounded import BoundedBook, open_book
from taizhang.workbook.reader import open_workbook
from taizhang.workbook.returned import guard
from taizhang.workbook.source import GridSource
from taizhang.workbook.unit_book import MARKER, META_SHEET, META_TABLE_ROW

DISPATCH_SHEET = SEND_LOG_SHEET
UNIT_KEY = "单位"
SPLIT_DATE_KEY = "分发日期"
# The 分发记录 columns collect uses (SEND_LOG_HEADERS; the others are the split's own).
SENT_AT, SENT_RESULT, SEND_TIME, FILE_NAME, ADDRESS = "分发时间", "发送结果", "发送时间", "文件名", "电子邮箱"
HEADER_SEARCH = 10  # the header is on row 3; look a little further for a sheet someone edited


def read_send_log(source: GridSource) -> list[list[Any]]:
    """The 分发记录 rows below its header, as texts in SEND_LOG_HEADERS order; [] when the workbook
    has none. A sheet whose header cannot be found is read by position, as split writes it."""
    grid = _log_grid(source)
    if grid is None:
        return []
    top, at = _log_header(grid) or (SEND_LOG_HEADER_ROW - 1, list(range(len(SEND_LOG_HEADERS))))
    return [row for row in _log_rows(grid, top, at) if any(row)]


def _log_grid(source: GridSource) -> list[list[Any]] | None:
    return source.grid(SEND_LOG_SHEET) if SEND_LOG_SHEET in source.worksheet_names() else None


def _log_header(grid: list[list[Any]]) -> tuple[int, list[int | None]] | None:
    """The 分发记录 header's row (0-based) and where each of SEND_LOG_HEADERS is in it (None:
    not there), looked for in the first rows of a sheet a clerk may have edited."""
    for top, row in enumerate(grid[:HEADER_SEARCH]):
        names = [_text(v) for v in row]
        if SPLIT_ID in names and UNIT_KEY in names:
            at = {name: i for i, name in enumerate(names) if name}
            return top, [at.get(name) for name in SEND_LOG_HEADERS]
    return None


def _log_rows(grid: list[list[Any]], top: int, at: list[int | None]) -> list[list[str | None]]:
    """The rows below the header, each cell as text (cell_text) in SEND_LOG_HEADERS order."""
    return [[cell_text(row[i]) if i is not None and i < len(row) else None for i in at] for row in grid[top + 1:]]


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


@dataclass(frozen=True)
class ReturnMeta:
    """Who a returned workbook says it comes from, by its 分发校验 sheet."""

    unit: str
    split_id: str | None  # 分发编号: absent in books split before it existed
    split_date: date | None


@dataclass(frozen=True)
class DispatchEntry:
    """One row of the master's 分发记录: one unit's workbook of one split run."""

    split_id: str
    unit: str
    split_at: datetime | None
    result: str  # 未发送 / 已发送 / 发送失败
    sent_at: datetime | None
    file: str
    address: str

    @property
    def sent(self) -> bool:
        return self.result == SENT


def _text(value: Any) -> str:
    """A cell as text without surrounding blanks ("" for none)."""
    return (cell_text(value) or "").strip()


def _moment(text: str) -> datetime | None:
    """A 分发记录 time (a cell's text: a datetime reads as its ISO form), None when it is none."""
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _meta_candidates(book: BoundedBook) -> list[str]:
    """The 分发校验 sheet by name first, then the hidden sheets (a renamed copy): never the ledger."""
    hidden = [m.name for m in book.book.sheets_metadata
              if m.typ == pc.SheetTypeEnum.WorkSheet and m.visible != pc.SheetVisibleEnum.Visible]
    names = book.worksheet_names()
    return [n for n in dict.fromkeys([META_SHEET, *hidden]) if n in names]


def read_return_meta(path: Path) -> ReturnMeta:
    """The unit, split date and 分发编号 a returned workbook carries; BadInput naming the file
    when it is unsafe, not a workbook, or has no readable 分发校验 sheet."""
    guard(path)
    with open_book(path) as book:
        for name in _meta_candidates(book):
            grid = book.grid(name, nrows=META_TABLE_ROW)
            if grid and grid[0] and grid[0][0] == MARKER:
                return _parse(grid, path.name)
    raise BadInput(f"文件“{path.name}”中找不到分发校验数据，不是台账助手分发给单位的工作簿"
                   "（或隐藏的“分发校验”工作表被删除），无法确认是哪个单位回传的")


def _parse(grid: list[list[Any]], name: str) -> ReturnMeta:
    info = {_text(r[0]): _text(r[1]) for r in grid[1:META_TABLE_ROW - 1] if len(r) > 1}
    unit = info.get(UNIT_KEY, "")
    if not unit:
        raise BadInput(f"文件“{name}”的分发校验数据不完整（缺少{UNIT_KEY}），无法确认是哪个单位回传的")
    try:
        split_date = date.fromisoformat(info.get(SPLIT_DATE_KEY, "")[:10])
    except ValueError:
        split_date = None
    return ReturnMeta(unit, info.get(SPLIT_ID) or None, split_date)


def read_dispatch_log(master: Path) -> list[DispatchEntry] | None:
    """The rows of the master's 分发记录 sheet, in sheet order; None when the master has none."""
    with open_workbook(master) as book:
        grid = _log_grid(book)
    if grid is None:
        return None
    found = _log_header(grid)
    if found is None:
        raise BadInput(f"台账“{master.name}”的“{DISPATCH_SHEET}”工作表中找不到表头（{SPLIT_ID}、{UNIT_KEY}…），"
                       "无法知道向哪些单位发出过工作簿")
    entries: list[DispatchEntry] = []
    for row in _log_rows(grid, *found):
        cells = dict(zip(SEND_LOG_HEADERS, (_text(v) for v in row), strict=True))
        if cells[UNIT_KEY]:
            entries.append(DispatchEntry(
                split_id=cells[SPLIT_ID], unit=cells[UNIT_KEY], split_at=_moment(cells[SENT_AT]),
                result=cells[SENT_RESULT], sent_at=_moment(cells[SEND_TIME]), file=cells[FILE_NAME],
                address=cells[ADDRESS]))
    return entries
