"""Which cells of an existing 节假日 sheet a notice changes.

The sheet is the staff's own: only the rows of the notice's year (and of the other days the notice
names, such as 2011年12月31日 in the 2012 notice) are replaced, in place and in date order; rows
of other years, rows that hold no date, other columns and notes stay as they are. New rows go
below the last used row and take the look of the table's last row. Cells that already hold the
new value are not written, so running the same notice twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from taizhang.core.errors import BadInput
from taizhang.core.holidays.notice import HolidayNotice, NoticeDay
from taizhang.core.model import column_letter
from taizhang.core.settings import HOLIDAY_HEADERS, HOLIDAYS_SHEET
from taizhang.core.values import Unparseable, clean_text, parse_date

DATE_HEADER, KIND_HEADER, NOTE_HEADER = HOLIDAY_HEADERS


@dataclass
class SheetPlan:
    cells: dict[str, Any] = field(default_factory=dict)  # "A12" -> value; None clears the cell
    like: dict[str, str] = field(default_factory=dict)  # a new cell -> the cell whose format it takes
    replaced: int = 0  # rows of the year rewritten in place
    same: int = 0  # rows of the year that already said what the notice says
    added: int = 0  # rows added below the table
    cleared: int = 0  # rows of the year the notice no longer has, emptied
    kept: int = 0  # rows of other years, left alone

    @property
    def unchanged(self) -> bool:
        return not self.cells


def _columns(grid: list[list[Any]], header_row: int) -> tuple[dict[str, int], bool]:
    """0-based column of each holiday header, and whether 说明 is missing (then it goes after the
    last header)."""
    header = grid[header_row - 1] if len(grid) >= header_row else []
    found: dict[str, int] = {}
    for i, value in enumerate(header):
        text = (clean_text(value) or "").replace(" ", "")
        if text in HOLIDAY_HEADERS:
            found.setdefault(text, i)
    for name in (DATE_HEADER, KIND_HEADER):
        if name not in found:
            raise BadInput(f"“{HOLIDAYS_SHEET}”工作表第 {header_row} 行缺少“{name}”列，"
                           f"应有“{'”“'.join(HOLIDAY_HEADERS)}”三列")
    missing_note = NOTE_HEADER not in found
    if missing_note:
        found[NOTE_HEADER] = max(i for i, v in enumerate(header) if clean_text(v)) + 1
    return found, missing_note


def _day(value: Any) -> date | None:
    try:
        return parse_date(value)
    except Unparseable:
        return None  # not a date: a note or a heading of the staff's, not ours to touch


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, datetime):
        old = old.date() if old.time() == datetime.min.time() else old
    if isinstance(new, str):
        return clean_text(old) == new
    return bool(old == new)


def _last_used_row(grid: list[list[Any]]) -> int:
    return max((r for r, row in enumerate(grid, start=1) if any(v not in (None, "") for v in row)), default=0)


def plan_update(grid: list[list[Any]], header_row: int, notice: HolidayNotice) -> SheetPlan:
    """The cells to write into a 节假日 sheet (`grid`: its values from A1; header on `header_row`)."""
    cols, missing_note = _columns(grid, header_row)
    days = notice.days
    named = {d.day for d in days}
    ours: list[int] = []  # Excel rows of the year's old rows
    last_data = 0
    plan = SheetPlan()
    for r in range(header_row + 1, len(grid) + 1):
        row = grid[r - 1]
        day = _day(row[cols[DATE_HEADER]]) if cols[DATE_HEADER] < len(row) else None
        if day is None:
            continue
        last_data = r
        if day.year == notice.year or day in named:
            ours.append(r)
        else:
            plan.kept += 1
    if missing_note:
        ref = f"{column_letter(cols[NOTE_HEADER])}{header_row}"
        plan.cells[ref] = NOTE_HEADER
        plan.like[ref] = f"{column_letter(cols[KIND_HEADER])}{header_row}"
    append_at = _last_used_row(grid) + 1
    for i, notice_day in enumerate(days):
        new = i >= len(ours)
        r = append_at + (i - len(ours)) if new else ours[i]
        changed = _put(plan, grid, cols, r, notice_day, like_row=last_data if new and last_data else None)
        if new:
            plan.added += 1
        elif changed:
            plan.replaced += 1
        else:
            plan.same += 1
    for r in ours[len(days):]:
        plan.cleared += 1
        for name in HOLIDAY_HEADERS:
            _set(plan, grid, r, cols[name], None)
    return plan


def _put(plan: SheetPlan, grid: list[list[Any]], cols: dict[str, int], r: int, day: NoticeDay,
         like_row: int | None) -> bool:
    """Write one day into row r; True when a cell changed."""
    changed = False
    for name, value in ((DATE_HEADER, day.day), (KIND_HEADER, day.kind), (NOTE_HEADER, day.note)):
        ref = _set(plan, grid, r, cols[name], value)
        changed |= ref is not None
        if ref and like_row:
            plan.like[ref] = f"{column_letter(cols[name])}{like_row}"
    return changed


def _set(plan: SheetPlan, grid: list[list[Any]], r: int, c: int, value: Any) -> str | None:
    old = grid[r - 1][c] if r <= len(grid) and c < len(grid[r - 1]) else None
    if (value is None and old in (None, "")) or (value is not None and _same(old, value)):
        return None
    ref = f"{column_letter(c)}{r}"
    plan.cells[ref] = value
    return ref


def new_sheet_rows(notice: HolidayNotice) -> list[tuple[date, str, str]]:
    """The rows of a 节假日 sheet made for this notice alone (the workbook had none)."""
    return [(d.day, d.kind, d.note) for d in notice.days]
