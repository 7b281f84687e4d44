"""Which paper (and footer) a sheet the tool builds prints on (see workbook/sheet_print.py): kept apart from
openpyxl so the byte-level unit books (workbook/unit_pack.py) choose it the same way without it."""

from __future__ import annotations

from taizhang.workbook.writer.measure import PT_PER_UNIT

A4, A3 = 9, 8  # the paperSize codes of SpreadsheetML
A4_PORTRAIT_UNITS = (210 / 25.4 - 1.0) * 72 / PT_PER_UNIT  # inside half-inch side margins
A4_LANDSCAPE_UNITS = (297 / 25.4 - 1.0) * 72 / PT_PER_UNIT
SMALLEST_A4_SCALE = 0.6
HEADER_LINES = 3  # a header cell wraps to this many lines before it widens its column
FOOTER_LEFT, FOOTER_CENTER = "&A", "第 &P 页 共 &N 页"


def paper_code(width: float) -> tuple[int, bool]:
    """(paperSize code, landscape) for a sheet `width` column units wide."""
    if width <= A4_PORTRAIT_UNITS:
        return A4, False
    if width * SMALLEST_A4_SCALE <= A4_LANDSCAPE_UNITS:
        return A4, True
    return A3, True
