"""Print layout of the sheets the tool builds with openpyxl (a new ledger, a unit's workbook): the
same fitting as the tool's own sheets (`taizhang.workbook.writer.measure`), applied to an
openpyxl worksheet before it is saved. Only for workbooks the tool creates: a user's workbook is
never laid out or given a print setup by the tool.

Paper: portrait A4 when the sheet is no wider than portrait A4, landscape A4 while that prints it
at 60 % or more, else landscape A3 (a 40-column ledger on A4 would print at a third of its size;
offices print wide 台账 on A3). Always one page wide, as many long as it takes, the header rows
repeated on every page, the sheet's name and 第 &P 页 共 &N 页 in the footer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from taizhang.workbook.paper import FOOTER_CENTER, FOOTER_LEFT, HEADER_LINES, paper_code
from taizhang.workbook.writer.measure import (
    DEFAULT_SIZE,
    WRAP_WIDTH,
    CellText,
    SheetLayout,
    fit,
    shown,
)


def paper_for(width: float) -> tuple[str, bool]:
    """(openpyxl paper size, landscape) for a sheet `width` column units wide."""
    code, landscape = paper_code(width)
    return str(code), landscape


def _cells(ws: Worksheet, header_rows: range) -> dict[tuple[int, int], CellText]:
    cells: dict[tuple[int, int], CellText] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None:
                continue
            font = cell.font
            fixed = isinstance(cell.value, int | float | date) and not isinstance(cell.value, bool)
            cells[(cell.row, cell.column)] = CellText(
                shown(cell.value, cell.number_format), float(font.sz or DEFAULT_SIZE), bool(font.b),
                bool(cell.alignment.wrap_text), fixed, HEADER_LINES if cell.row in header_rows else 1)
    return cells


def fit_worksheet(ws: Worksheet, *, widths: Mapping[int, float] | None = None, header_rows: range = range(0),
                  title_rows: str | None = None, wrap_width: float = WRAP_WIDTH,
                  cells: Mapping[tuple[int, int], CellText] | None = None) -> SheetLayout:
    """Give `ws` widths, heights and a print setup it prints cleanly with (see module docs).
    `cells`: the sheet's texts as its builder knows them, every cell already given a vertical
    alignment; this spares reading every cell's value and style back (a unit workbook's many rows)."""
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    heights = {r: float(d.height) for r, d in ws.row_dimensions.items() if d.height}  # kept as minimums
    layout = fit(cells if cells is not None else _cells(ws, header_rows), merges, widths, heights, wrap_width)
    for col, width in layout.widths.items():
        ws.column_dimensions[get_column_letter(col)].width = width
    for row, height in layout.heights.items():
        ws.row_dimensions[row].height = height
    # Only a cell that has to wrap can change when every cell has its vertical alignment already.
    targets: Iterable[Any] = ([ws.cell(r, c) for r, c in sorted(layout.wrapped)] if cells is not None
                              else (cell for row in ws.iter_rows() for cell in row))
    for cell in targets:  # text centred in rows made tall for a neighbour's wrapped lines
        wrap = (cell.row, cell.column) in layout.wrapped or bool(cell.alignment.wrap_text)
        if cell.value is not None and (wrap != bool(cell.alignment.wrap_text) or not cell.alignment.vertical):
            align = cell.alignment
            cell.alignment = Alignment(horizontal=align.horizontal, vertical=align.vertical or "center",
                                       wrap_text=wrap)
    paper, landscape = paper_for(sum(layout.widths.values()))
    ws.page_setup.paperSize = paper
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.7
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.left.text = FOOTER_LEFT
    ws.oddFooter.center.text = FOOTER_CENTER
    return layout
