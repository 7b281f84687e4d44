"""The ribbon's 节假日 button: the notice pasted into a sheet of the open workbook, into its 节假日 sheet.

Excel's InputBox takes at most 255 characters and a notice has about a thousand, so the text goes
into a cell: the first press adds a “节假日通知” sheet and asks for the notice in its A3; the next
press parses whatever was pasted there (one cell, or one line per row as Excel pastes plain text)
with the same parser as `taizhang holidays`, and writes the same rows into the 节假日 sheet — only
the notice's year, the staff's other rows left as they are.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from taizhang.core.errors import BadInput
from taizhang.core.holidays.notice import HolidayNotice
from taizhang.core.holidays.table import SheetPlan, new_sheet_rows
from taizhang.core.model import column_letter
from taizhang.core.settings import HOLIDAY_HEADERS, HOLIDAYS_SHEET
from taizhang.macros.excel import live
from taizhang.macros.excel.live import BookLike, Budget
from taizhang.macros.jobs.holidays import festival_lines, load_notice, plan_for, sheet_from_grid
from taizhang.workbook.writer.xmlutil import split_ref

PASTE_SHEET = "节假日通知"
PASTE_ROW = 3  # A1 says what to do, A2 how; the notice goes from A3 down
ASK = (f"请把国务院办公厅《关于20XX年部分节假日安排的通知》的全文（连同标题）复制下来，粘贴到“{PASTE_SHEET}”"
       f"工作表的 A{PASTE_ROW} 单元格，然后再点一次“节假日”按钮。")
HOW = ("粘贴方法：选中 A3 单元格后按 Ctrl+V；或双击 A3 后粘贴，全文放在一个单元格里也可以。"
       "程序只读取“一、元旦：……”到最后一项的放假安排，标题、前言和结尾会被忽略。")


def holidays_button(book: BookLike, today: date) -> str:
    """The 节假日 button: first press adds a sheet to paste the notice into; the next reads it and
    writes the year's rows into the 节假日 sheet."""
    budget = Budget()
    budget.spend()  # sheet_names
    names = list(book.sheet_names)
    with live.quiet(book.app, "台账助手：正在录入节假日安排……", budget):
        if PASTE_SHEET not in names:
            _add_paste_sheet(book, budget)
            return ASK
        budget.spend()
        paste = book.sheets[PASTE_SHEET]
        text = pasted_text(live.read_grid(paste, budget).values)
        if not text.strip():
            budget.spend()
            paste.activate()
            return ASK
        notice = load_notice(text)
        done = _write(book, names, notice, budget)
    lines = festival_lines(notice)
    return "\n".join([done, *lines, f"请保存台账；“{PASTE_SHEET}”工作表已用完，可以删除。"])


def _add_paste_sheet(book: BookLike, budget: Budget) -> None:
    budget.spend(4)
    sheet = book.sheets.add(PASTE_SHEET)
    sheet.range("A1:A2").value = [[live.cell(ASK)], [live.cell(HOW)]]
    sheet.activate()


def _text_of(value: Any) -> str | None:
    """A pasted line as text. Excel turns a line that is only a date (“2025年11月4日”) into a date."""
    if isinstance(value, datetime | date):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, str):
        return value
    return None


def pasted_text(grid: list[list[Any]]) -> str:
    """Every text cell from row PASTE_ROW down, row by row, as one text."""
    lines = []
    for row in grid[PASTE_ROW - 1:]:
        parts = [t for t in (_text_of(v) for v in row) if t]
        if parts:
            lines.append("".join(parts))
    return "\n".join(lines)


def _write(book: BookLike, names: list[str], notice: HolidayNotice, budget: Budget) -> str:
    days = notice.days
    rest = sum(1 for d in days if d.rest)
    head = f"{notice.year}年的放假和调休安排（休 {rest} 天、班 {len(days) - rest} 天）"
    if HOLIDAYS_SHEET not in names:
        budget.spend(3)
        sheet = book.sheets.add(HOLIDAYS_SHEET)
        block = [list(HOLIDAY_HEADERS)] + [list(r) for r in new_sheet_rows(notice)]
        sheet.range(f"A1:C{len(block)}").value = [[live.cell(v) for v in row] for row in block]
        return f"已新建“{HOLIDAYS_SHEET}”工作表并写入{head}。"
    budget.spend()
    sheet = book.sheets[HOLIDAYS_SHEET]
    grid = live.read_grid(sheet, budget)
    plan = plan_for(sheet_from_grid(grid.values), notice)
    assert plan is not None
    if plan.unchanged:
        return f"“{HOLIDAYS_SHEET}”工作表中{head}已与通知一致，未作改动。"
    _write_cells(sheet, grid.values, plan, budget)
    return f"已把{head}写入“{HOLIDAYS_SHEET}”工作表（只改了{notice.year}年的行，其他行未动）。"


def _write_cells(sheet: Any, grid: list[list[Any]], plan: SheetPlan, budget: Budget) -> None:
    """The plan's cells as one block over their rectangle, the cells between written back with the
    values just read; refused when the rectangle holds a formula (it would become its value)."""
    where = {split_ref(ref): value for ref, value in plan.cells.items()}
    r1, r2 = min(r for r, _ in where), max(r for r, _ in where)
    c1, c2 = min(c for _, c in where), max(c for _, c in where)

    def old(r: int, c: int) -> Any:
        return grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else None

    budget.spend(2)
    rng = sheet.range(f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}")
    if rng.api.HasFormula is not False:
        raise BadInput(f"“{HOLIDAYS_SHEET}”工作表第 {r1}–{r2} 行中有公式，按钮不便改写；"
                       "请保存并关闭台账后运行 taizhang holidays 台账.xlsx --notice 通知.txt --write")
    budget.spend()
    rng.value = [[live.cell(where[(r, c)] if (r, c) in where else old(r, c)) for c in range(c1, c2 + 1)]
                 for r in range(r1, r2 + 1)]
