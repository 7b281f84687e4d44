"""Values written into the user's own cells (a merge of units' returns), through the writer.

The cell keeps its format; a date going into a cell with the General format gets a copy of that
format with yyyy-mm-dd, so it shows as a date. Text is written as an inline string, never as a
formula. The cell's old content is taken out of the fidelity baseline first: replacing a value is
the point of this write, losing anything else in the sheet still refuses the write."""

from __future__ import annotations

import copy
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

from lxml import etree

from .cells import CellValue, set_cell_value, shown_text
from .fidelity import _local
from .measure import row_points, wrap_lines
from .sheetxml import SheetEditor
from .styles import StyleBook
from .xmlutil import split_ref

if TYPE_CHECKING:
    from .writer import LedgerWriter

DATE_FORMAT = "yyyy-mm-dd"


def set_user_cells(writer: LedgerWriter, sheet_name: str, values: dict[str, CellValue],
                   like: dict[str, str] | None = None) -> None:
    ed = writer._editor(sheet_name)
    counts = writer._editors[ed.name][2]
    for ref, value in values.items():
        n, col = split_ref(ref)
        c = ed.cell(n, col, create=True)
        assert c is not None
        _forget(counts, ed.root, c, col)
        xf = int(c.get("s", "0"))
        if not xf and like and ref in like:  # a cell of a new row takes the look of the table's row
            xf = _xf_at(ed, like[ref])
        if isinstance(value, date):
            xf = _with_date_format(writer.styles, xf)
        if xf:
            c.set("s", str(xf))
        where = f"工作表“{ed.name}”单元格 {ref}"
        ed.formula_overwritten |= set_cell_value(c, value, where)
        ed.written[(n, col)] = shown_text(value)
        ed.modified = True
        if isinstance(value, str):
            _show_whole(writer.styles, ed, n, col, xf, value)


def _show_whole(styles: StyleBook, ed: SheetEditor, n: int, col: int, xf: int, text: str) -> None:
    """Text written into a wrapping cell shows whole: its row is raised (never lowered) to the lines
    the text takes. Excel re-fits such a row only when someone edits it, LibreOffice never."""
    size, bold, wrap = styles.text_look(xf)
    if wrap:
        lines = wrap_lines(text, ed.width_of(col), size, bold)
        if lines > 1:
            ed.raise_row_height(n, row_points(lines, size))


def _xf_at(ed: SheetEditor, ref: str) -> int:
    """The format of another cell, read without touching its row."""
    n, col = split_ref(ref)
    i = ed._row_index(n, create=False)
    if i is None:
        return 0
    c = ed._el_cell(ed._peek(i), n, col, create=False)
    return int(c.get("s", "0")) if c is not None else 0


def _forget(counts: Counter[str], root: etree._Element, c: etree._Element, col: int) -> None:
    key = f"{_local(root.tag)}/sheetData/row/c@{col}"
    for sub in c.iterdescendants():
        counts[f"{key}/{_local(sub.tag)}"] -= 1


def _with_date_format(styles: StyleBook, xf_id: int) -> int:
    xfs = styles._xfs
    base = xfs[xf_id] if xf_id < len(xfs) else xfs[0]
    if base.get("numFmtId", "0") != "0":
        return xf_id  # the user chose a format: keep it
    xf = copy.deepcopy(base)
    xf.set("numFmtId", str(styles._numfmt(DATE_FORMAT)))
    xf.set("applyNumberFormat", "1")
    return styles._find_or_add("cellXfs", xf)
