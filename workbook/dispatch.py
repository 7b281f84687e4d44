"""What `collect` reads of workbooks: who a returned file comes from, and what the master's
分发记录 says was sent to whom.

A returned file is untrusted: `read_return_meta` checks it with the returned-file guard (size,
zip bomb, entities) and then reads only its hidden 分发校验 sheet (found by name, else among the
hidden sheets by the marker in A1) for the unit, the split date and, when the split wrote one, the
分发编号. The ledger sheet of the return is not read here; `merge` reads it later.

The 分发记录 tool sheet is written by `split --send` into the master (header on row 3; one row per
unit and split run). A master split before that has none: `read_dispatch_log` says so with None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import python_calamine as pc

from taizhang.core.errors import BadInput
from taizhang.workbook.bounded import BoundedBook, open_book
from taizhang.workbook.reader import open_workbook
from taizhang.workbook.returned import guard
from taizhang.workbook.unit_book import MARKER, META_SHEET, META_TABLE_ROW

DISPATCH_SHEET = "分发记录"
SPLIT_ID = "分发编号"
UNIT_KEY = "单位"
SPLIT_DATE_KEY = "分发日期"
# The 分发记录 columns collect uses (others, such as 件数 and 说明, are the split's own).
SENT_AT, SENT_RESULT, SEND_TIME, FILE_NAME, ADDRESS = "分发时间", "发送结果", "发送时间", "文件名", "电子邮箱"
SENT = "已发送"
HEADER_SEARCH = 10  # the header is on row 3; look a little further for a sheet someone edited


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
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value).strip()


def _moment(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, datetime.min.time())
    try:
        return datetime.fromisoformat(_text(value)) if _text(value) else None
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
        if DISPATCH_SHEET not in book.worksheet_names():
            return None
        grid = book.grid(DISPATCH_SHEET)
    top = next((r for r, row in enumerate(grid[:HEADER_SEARCH])
                if SPLIT_ID in map(_text, row) and UNIT_KEY in map(_text, row)), None)
    if top is None:
        raise BadInput(f"台账“{master.name}”的“{DISPATCH_SHEET}”工作表中找不到表头（{SPLIT_ID}、{UNIT_KEY}…），"
                       "无法知道向哪些单位发出过工作簿")
    col = {_text(v): i for i, v in enumerate(grid[top]) if _text(v)}

    def cell(row: list[Any], key: str) -> Any:
        i = col.get(key)
        return row[i] if i is not None and i < len(row) else None

    entries: list[DispatchEntry] = []
    for row in grid[top + 1:]:
        unit = _text(cell(row, UNIT_KEY))
        if not unit:
            continue
        entries.append(DispatchEntry(
            split_id=_text(cell(row, SPLIT_ID)), unit=unit, split_at=_moment(cell(row, SENT_AT)),
            result=_text(cell(row, SENT_RESULT)), sent_at=_moment(cell(row, SEND_TIME)),
            file=_text(cell(row, FILE_NAME)), address=_text(cell(row, ADDRESS))))
    return entries

