"""Tool sheets (校验结果, 逾期清单, 汇总, 通报, 图表, 变更记录) written into the open workbook.

The jobs build each sheet as a ToolSheet, the same object the file writer renders, so the values
are the command line's. Live, each sheet costs four calls for its values (the sheet, clear, one
2-D block) and then, while the button's call budget lasts, a few union-range calls for what makes
it readable: column widths (new sheets only: `clear()` keeps widths), merged areas, bold text.
Whatever does not fit is left out, never done cell by cell; `taizhang … --write` on the saved file
gives the full styling (fills, borders, fonts, print setup, links and native charts).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from taizhang.core.errors import BadInput
from taizhang.core.model import column_letter
from taizhang.macros.excel.live import LiveRead, cell, unions
from taizhang.workbook.writer import ToolSheet

CHART_NOTE = ("此处的图表请在命令行生成：保存并关闭台账后运行 taizhang summary 台账.xlsx --write"
              "（Excel 中的按钮只写入图表的数据）")


@dataclass
class Written:
    """A tool sheet written into the open workbook, waiting for `format_written`."""

    sheet: ToolSheet
    target: Any  # the xlwings Sheet
    new: bool


def block(sheet: ToolSheet) -> list[list[Any]]:
    """The sheet's values from A1 as one rectangle; a sheet with native charts gets a note where
    its first chart would stand, since the live layer does not draw charts."""
    cells = {rc: value for rc, (value, _style) in sheet.cells.items()}
    if sheet.charts:
        from taizhang.workbook.writer.xmlutil import split_ref

        cells[split_ref(sheet.charts[0].anchor)] = CHART_NOTE
    rows = max((r for r, _ in cells), default=1)
    cols = max((c for _, c in cells), default=1)
    out: list[list[Any]] = [[None] * cols for _ in range(rows)]
    for (r, c), value in cells.items():
        out[r - 1][c - 1] = cell(value)
    return out


def _bold_runs(sheet: ToolSheet) -> list[str]:
    """Bold cells as row runs: A3:H3, B5, …"""
    by_row: dict[int, list[int]] = {}
    for (r, c), (_value, style) in sheet.cells.items():
        if style is not None and style.bold:
            by_row.setdefault(r, []).append(c)
    out: list[str] = []
    for r in sorted(by_row):
        cols = sorted(by_row[r])
        start = prev = cols[0]
        for c in [*cols[1:], 0]:
            if c == prev + 1:
                prev = c
                continue
            first, last = column_letter(start - 1), column_letter(prev - 1)
            out.append(f"{first}{r}" if start == prev else f"{first}{r}:{last}{r}")
            start = prev = c
    return out


def _width_groups(sheet: ToolSheet) -> list[tuple[float, str]]:
    """Columns of equal width together: one ColumnWidth call per distinct width."""
    groups: dict[float, list[str]] = {}
    for col, width in sorted(sheet.widths.items()):
        groups.setdefault(width, []).append(f"{column_letter(col - 1)}1")
    return [(width, address) for width, cols in groups.items() for address in unions(cols)]


Step = tuple[int, Callable[[], None]]


def _format_steps(done: Written) -> list[Step]:
    """(calls, action) for the readable bits, most useful first."""
    target, sheet = done.target, done.sheet
    steps: list[Step] = []

    def width(address: str, value: float) -> Step:
        return 2, lambda: setattr(target.range(address), "column_width", value)

    def merge(address: str) -> Step:
        return 2, lambda: target.range(address).merge()

    def bold(address: str) -> Step:
        return 3, lambda: setattr(target.range(address).font, "bold", True)

    if done.new:  # an existing sheet keeps its widths through clear()
        steps += [width(address, value) for value, address in _width_groups(sheet)]
    steps += [merge(address) for address in unions(sheet.merges)]
    steps += [bold(address) for address in unions(_bold_runs(sheet))]
    return steps


def write_values(live: LiveRead, sheets: list[ToolSheet]) -> None:
    """Each sheet's values, always (four calls a sheet); `format_written` makes them readable later,
    once the button's other mandatory writes are done."""
    live.written += [_values(live, sheet) for sheet in sheets]


def format_written(live: LiveRead) -> int:
    """Format the sheets written so far while the budget lasts; returns how many steps were left out."""
    skipped = 0
    for done in live.written:
        for calls, action in _format_steps(done):
            if live.budget.left < calls:
                skipped += 1
                continue
            live.budget.spend(calls)
            action()
    live.written.clear()
    return skipped


def _target(live: LiveRead, name: str) -> tuple[Any, bool]:
    """The sheet to write, emptied: an existing one is cleared (values, formats, merges), a new one
    goes after the ledger and the tool sheets already added."""
    if name in live.names:
        live.budget.spend(2)
        target = live.book.sheets[name]
        target.clear()
        return target, False
    live.budget.spend()
    after = live.last_added or live.grid.sheet
    target = live.book.sheets.add(name, after=after)
    live.names.append(name)
    live.last_added = target
    return target, True


def _values(live: LiveRead, sheet: ToolSheet) -> Written:
    target, new = _target(live, sheet.name)
    values = block(sheet)
    live.budget.spend(2)
    target.range(f"A1:{column_letter(len(values[0]) - 1)}{len(values)}").value = values
    return Written(sheet, target, new)


def append_rows(live: LiveRead, name: str, header: list[str], rows: list[list[Any]], next_row: int | None) -> None:
    """Rows added below a log sheet's last row (`next_row`, known from the saved file), or a new
    sheet with `header` when the workbook has none: one block either way."""
    if not rows:
        return
    if name in live.names:
        if next_row is None:  # never clear a log to rewrite it: its old rows are not in this run
            raise BadInput(f"无法确定“{name}”工作表的末行，请先保存台账（Ctrl+S）再试")
        live.budget.spend(1)
        target, first, data = live.book.sheets[name], next_row, rows
    else:
        target, _ = _target(live, name)
        first, data = 1, [list(header), *rows]
    width = max(len(r) for r in data)
    values = [[cell(v) for v in r] + [None] * (width - len(r)) for r in data]
    live.budget.spend(2)
    target.range(f"A{first}:{column_letter(width - 1)}{first + len(values) - 1}").value = values
