"""A tool-owned sheet built in memory, rendered to worksheet XML in one pass.

Every sheet prints cleanly wherever it is opened: at render time the sheet fits itself (`fitted`;
a hidden sheet is not fitted: it keeps the widths and heights its builder set):
columns the builder left without a width get one from their content, text that does not fit its
column wraps, and every row gets an explicit height for the lines it shows (LibreOffice keeps the
heights another program wrote, so a wrapped cell in a default-height row would print over the
next row). A builder's width is kept (numbers and dates only ever widen it, since they cannot
wrap); a builder's height is a minimum. Every sheet prints one page wide on A4 (landscape when
it is wider than portrait A4), with the sheet's name and "第 &P 页 共 &N 页" in the footer."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import chain, repeat
from typing import Any

from lxml import etree

from taizhang.core.errors import BadInput

from .cells import CellValue, cell_rest, shown_text, text_rest
from .measure import (
    DEFAULT_HEIGHT,
    DEFAULT_SIZE,
    MAX_HEIGHT,
    PT_PER_UNIT,
    CellText,
    SheetLayout,
    Span,
    covered_cells,
    fit_columns,
    measured_as,
    merge_spans,
    shown,
)
from .model import Chart, Hyperlink, Style
from .xmlutil import MAIN, REL, cell_ref, col_index, col_letter, parse_range, q, split_ref

_PAPER = {"A4": 9, "A3": 8, "A5": 11, "B5": 13, "LETTER": 1, "LEGAL": 5}
_BAD_NAME = set("[]:*?/\\")
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
MARGINS_IN = {"left": 0.5, "right": 0.5, "top": 0.6, "bottom": 0.7, "header": 0.3, "footer": 0.3}
# Printable width of A4 in column units with the margins above (210 mm less 1 inch, at PT_PER_UNIT)
PORTRAIT_UNITS = (210 / 25.4 - 1.0) * 72 / PT_PER_UNIT
FOOTER = "&L&A&C第 &P 页 共 &N 页"
_ROWS_MARK = "taizhang-rows-5c2e91"
_LINKS_MARK = "taizhang-links-5c2e91"
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _attr(text: str) -> str:
    """An attribute value escaped as lxml escapes it; control characters XML cannot hold are
    dropped, as they are from the cell's text (cells.cell_rest)."""
    text = _ILLEGAL_XML.sub("", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


class _StyleIds:
    """The cell format id of a value's style, asked of the writer once per style, value kind and
    wrap (by identity: the styles are the sheet's own objects, alive while it renders)."""

    def __init__(self, xf: Callable[[CellValue, Style | None], int]) -> None:
        self._xf = xf
        self._ids: dict[tuple[int, type, bool], int] = {}
        self._keep: list[Style | None] = []

    def id(self, value: CellValue, style: Style | None, wrap: bool) -> int:
        kind = type(value) if isinstance(value, date) else str  # dates get a date format (cells.default_style)
        key = (id(style), kind, wrap)
        got = self._ids.get(key)
        if got is None:
            if wrap:
                style = replace(style or Style(), wrap=True)
            self._keep.append(style)
            got = self._ids[key] = self._xf(value, style)
        return got


@dataclass(frozen=True)
class PrintSetup:
    landscape: bool = True
    paper: str = "A4"
    fit_width: int = 1
    fit_height: int = 0
    repeat_rows: tuple[int, int] | None = None
    title: str | None = None


def _font(style: Style | None) -> tuple[float, bool]:
    return (style.font_size or DEFAULT_SIZE if style else DEFAULT_SIZE), bool(style and style.bold)


def _fixed(value: object) -> bool:
    """Numbers and dates cannot wrap: a column too narrow for them shows ###."""
    return isinstance(value, int | float | date) and not isinstance(value, bool)


def check_sheet_name(name: str) -> None:
    if not name or len(name) > 31 or _BAD_NAME & set(name) or name.startswith("'") or name.endswith("'"):
        raise BadInput(f"工作表名“{name}”不可用：须为 1–31 个字符，且不含 [ ] : * ? / \\ 和首尾单引号。")


class _Unset:
    """A cell of a row that nothing was written into (a cell written None is still written: it
    carries its style, as the cells of a merged band do)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<unset>"


_UNSET = _Unset()
# Values whose cell bytes are rendered once per (value, style, wrap): hashable and cheap to hash.
_CACHED = frozenset({str, int, float, bool, date, datetime, type(None)})
# Values a reader gets back as they are (written_rows)
_PLAIN = frozenset({str, int, float, date, datetime})


def _read_back(value: object) -> object:
    """What a reader gets back from a cell written with `value` ("" for nothing)."""
    if value is None or value is _UNSET:
        return ""
    return shown_text(value)


@dataclass
class _Grid:
    """A sheet's written rows as columns: `values[c - 1][i]` is the value at (rows[i], c)."""

    rows: list[int]  # ascending
    values: list[tuple[CellValue | _Unset, ...]]
    styles: list[tuple[Style | None, ...]]
    unset: list[tuple[int, int]]  # (row index, column) of the cells nothing was written into


def _keys(values: tuple[object, ...], styles: tuple[Style | None, ...]) -> list[tuple[type, object, int]]:
    """Each cell's (value type, value, style id), at C speed: the key its measure and bytes go by."""
    return list(zip(map(type, values), values, map(id, styles), strict=True))


def _row_head(r: int, height: float | None) -> bytes:
    head = b'<row r="%d"' % r
    return head if height is None else head + b' ht="%s" customHeight="1"' % f"{height:g}".encode()


def _cell_text(cls: type, value: object, style: Style | None) -> CellText | None:
    """What the fitting measures of a cell; None for nothing (no value, or empty text). Its text
    is `measured_as` the cell's: cells that differ only in their digits give equal CellTexts."""
    if value is _UNSET or value is None or value == "":
        return None
    if cls is str:  # the usual case, without shown()'s questions
        text = value
    elif cls is int:
        text = str(value)
    else:
        text = shown(shown_text(value), style.number_format if style else None)
    size, bold = _font(style)
    return CellText(measured_as(text), size, bold, bool(style and style.wrap), _fixed(value))  # type: ignore[arg-type]


def _as_set(widths: dict[int, float], heights: dict[int, float]) -> SheetLayout:
    """The layout of a sheet not fitted: the builder's widths and heights, as fit_columns keeps them."""
    return SheetLayout(dict(widths), {r: min(round(h, 1), MAX_HEIGHT) for r, h in heights.items()})


def _hyperlinks(found: list[tuple[int, int, Hyperlink]]) -> tuple[bytes, list[tuple[str, str, str]]]:
    """The `<hyperlink>` elements as bytes (what lxml writes: attributes ref, location or r:id,
    display) and the external relationships they need; `found` is in row and column order."""
    rels: list[tuple[str, str, str]] = []
    out: list[str] = []
    for r, c, link in found:
        if link.target.startswith("#"):
            where = f'location="{_attr(link.target[1:])}"'
        else:
            rid = f"rId{len(rels) + 2}"  # rId1 is kept for the drawing
            rels.append((rid, HYPERLINK_REL, link.target))
            where = f'r:id="{rid}"'
        out.append(f'<hyperlink ref="{cell_ref(r, c)}" {where} display="{_attr(link.text)}"/>')
    return "".join(out).encode(), rels


class ToolSheet:
    """A sheet the tool owns (校验结果, 逾期清单, 汇总 …), built in memory and written whole by the writer.

    Held by row: each written row is two lists, its values and their styles, by column from A
    (_UNSET where nothing was written). A big tool sheet (the 逾期清单 of a 20k-row ledger: ~450k
    cells) is then a few lists per row, not an object per cell, and fitting and rendering walk
    each row once, doing per distinct (value, style) what a cell needs."""

    def __init__(self, name: str) -> None:
        check_sheet_name(name)
        self.name = name
        self.hidden = False
        self._rows: dict[int, tuple[list[CellValue | _Unset], list[Style | None]]] = {}
        self.merges: list[str] = []
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}
        self.frozen: str | None = None
        self.filter: str | None = None
        self.printing: PrintSetup | None = None
        self.charts: list[Chart] = []
        self.breaks: list[int] = []  # rows a new page starts after

    def write(self, row: int, col: int, value: CellValue, style: Style | None = None) -> None:
        if row < 1 or col < 1 or row > 1048576 or col > 16384:
            raise BadInput(f"工作表“{self.name}”：行 {row}、列 {col} 超出 Excel 的范围。")
        values, styles = self._row(row, col)
        values[col - 1] = value
        styles[col - 1] = style

    def write_row(
        self, row: int, values: list[CellValue], style: Style | list[Style | None] | None = None
    ) -> None:
        if not values:
            return
        if len(values) > 16384:
            self.write(row, 16385, None)  # refused with write()'s message
        n = len(values)
        styles = list(style[:n]) if isinstance(style, list) else [style] * n
        if len(styles) < n:
            raise IndexError(f"write_row: {n} values but {len(styles)} styles")
        if row not in self._rows:  # the usual case: the row is new, its lists are kept as given
            self.write(row, 1, values[0], styles[0])
            self._rows[row] = (list(values), styles)
            return
        have, have_styles = self._row(row, n)
        have[:n] = values
        have_styles[:n] = styles

    def _row(self, row: int, col: int) -> tuple[list[CellValue | _Unset], list[Style | None]]:
        """The row's lists, at least `col` long."""
        got = self._rows.get(row)
        if got is None:
            got = self._rows[row] = ([], [])
        values, styles = got
        if len(values) < col:
            values.extend([_UNSET] * (col - len(values)))
            styles.extend([None] * (col - len(styles)))
        return got

    @property
    def cells(self) -> dict[tuple[int, int], tuple[CellValue, Style | None]]:
        """Every written cell, {(row, column): (value, style)} (a copy, made when asked)."""
        return {(r, c): (v, s) for r, (values, styles) in self._rows.items()
                for c, (v, s) in enumerate(zip(values, styles, strict=True), start=1)
                if not isinstance(v, _Unset)}

    def merge(self, rng: str) -> None:
        parse_range(rng)
        self.merges.append(rng.replace("$", "").upper())

    def column_width(self, col: str | int, width: float) -> None:
        self.widths[col if isinstance(col, int) else col_index(col)] = width

    def row_height(self, row: int, height: float) -> None:
        self.heights[row] = height

    def freeze(self, cell: str) -> None:
        split_ref(cell)
        self.frozen = cell.upper()

    def autofilter(self, rng: str) -> None:
        parse_range(rng)
        self.filter = rng.replace("$", "").upper()

    def print_setup(
        self, landscape: bool = True, paper: str = "A4", fit_width: int = 1, fit_height: int = 0,
        repeat_rows: tuple[int, int] | None = None, title: str | None = None,
    ) -> None:  # fmt: skip
        self.printing = PrintSetup(landscape, paper, fit_width, fit_height, repeat_rows, title)

    def page_break_after(self, row: int) -> None:
        """Start a new printed page below `row` (so a chart is never cut by the page's end)."""
        self.breaks.append(row)

    def add_chart(self, chart: Chart) -> None:
        parse_range(chart.categories)
        parse_range(chart.values)
        split_ref(chart.anchor)
        self.charts.append(chart)

    # -- fitting ------------------------------------------------------------------------------
    def fitted(self) -> SheetLayout:
        """Widths, heights and the extra wrapped cells this sheet prints with (see module docs)."""
        return self._fit(self._grid())[0]

    def _grid(self) -> _Grid:
        """The written rows turned into columns (at C speed: zip), padded with _UNSET."""
        rows = sorted(self._rows)
        width = max((len(values) for values, _s in self._rows.values()), default=0)
        value_rows: list[list[CellValue | _Unset]] = []
        style_rows: list[list[Style | None]] = []
        unset: list[tuple[int, int]] = []
        marker = id(_UNSET)
        for i, r in enumerate(rows):
            values, styles = self._rows[r]
            if marker in map(id, values):  # by identity: == would call a Hyperlink's __eq__
                unset += [(i, c) for c, v in enumerate(values, start=1) if v is _UNSET]
            if len(values) < width:
                unset += [(i, c) for c in range(len(values) + 1, width + 1)]
                values = [*values, *[_UNSET] * (width - len(values))]
                styles = [*styles, *[None] * (width - len(styles))]
            value_rows.append(values)
            style_rows.append(styles)
        return _Grid(rows, list(zip(*value_rows, strict=True)), list(zip(*style_rows, strict=True)), unset)

    def _fit(self, grid: _Grid) -> tuple[SheetLayout, dict[tuple[int, int], Span]]:
        """The layout (measure.fit_columns): each column's distinct (value, style) becomes a
        CellText once, equal CellTexts become one object, and fit_columns measures each object
        once for all the cells sharing it (序号 1…45,711 are five: 0, 00, … 00000); a merge's
        cells are measured as the merge."""
        spans = merge_spans([parse_range(m) for m in self.merges])
        if self.hidden:  # nobody sees or prints it (分发明细: 30,000-character cells): what the builder set
            return _as_set(self.widths, self.heights), spans
        columns: dict[int, list[CellText | None]] = {}
        for c, (values, styles) in enumerate(zip(grid.values, grid.styles, strict=True), start=1):
            keys = _keys(values, styles)
            style_of = dict(zip(map(id, styles), styles, strict=True))
            fonts = {sid: (*_font(style), bool(style and style.wrap)) for sid, style in style_of.items()}
            same: dict[CellText | None, CellText | None] = {None: None}
            cells: dict[tuple[type, object, int], CellText | None] = {}
            for key in dict.fromkeys(keys):
                cls, value, sid = key
                if cls is str:  # the usual case, as _cell_text has it
                    cell = CellText(measured_as(value), *fonts[sid], False) if value else None  # type: ignore[arg-type]
                else:
                    cell = _cell_text(cls, value, style_of[sid])
                cells[key] = same.setdefault(cell, cell)
            columns[c] = list(map(cells.__getitem__, keys))
        index = {r: i for i, r in enumerate(grid.rows)}
        merged: list[tuple[tuple[int, int], CellText]] = []
        for r, c in sorted(spans):
            i = index.get(r)
            if i is not None and c in columns:
                cell = columns[c][i]
                if cell is not None:
                    merged.append(((r, c), cell))
        for r, c in [*spans, *covered_cells(spans)]:  # out of their columns
            i = index.get(r)
            if i is not None and c in columns:
                columns[c][i] = None
        return fit_columns(grid.rows, columns, merged, spans, self.widths, self.heights), spans

    def value_at(self, row: int, col: int) -> object:
        got = self._rows.get(row)
        if got is None or col > len(got[0]) or got[0][col - 1] is _UNSET:
            return None
        return shown_text(got[0][col - 1])

    def written_rows(self) -> dict[int, list[object]]:
        """What a reader gets back from each written row, from column A: the shown values, ""
        for an empty or unwritten cell (a reader sees no difference)."""
        plain = _PLAIN
        return {r: [v if v.__class__ in plain else _read_back(v) for v in values]
                for r, (values, _styles) in self._rows.items()}

    # -- rendering ----------------------------------------------------------------------------
    def render(
        self, xf: Callable[[CellValue, Style | None], int], drawing_rid: str | None
    ) -> tuple[bytes, list[tuple[str, str, str]]]:
        """Worksheet XML and the external relationships (id, type, target) it needs."""
        pieces, rels = self.render_pieces(xf, drawing_rid)
        return b"".join(pieces), rels

    def render_pieces(
        self, xf: Callable[[CellValue, Style | None], int], drawing_rid: str | None
    ) -> tuple[Iterator[bytes], list[tuple[str, str, str]]]:
        """render()'s XML as the pieces it is made of, the rows made one at a time as they are
        taken (the writer deflates them as they come: a big sheet's XML is never whole).

        The small parts around the rows are built with lxml; the rows, which are nearly all of a
        big sheet (the 逾期清单 of a 20k-row ledger is ~450k cells), are written as bytes in one
        pass (`_rows_xml`) and spliced in, the same bytes lxml writes for the same cells. The
        cell formats are all registered before the first piece is given."""
        ws = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": REL})
        grid = self._grid()
        layout, _spans = self._fit(grid)
        printing = self.printing or PrintSetup(landscape=sum(layout.widths.values()) > PORTRAIT_UNITS)
        if printing.fit_width or printing.fit_height:
            etree.SubElement(etree.SubElement(ws, q("sheetPr")), q("pageSetUpPr"), fitToPage="1")
        last_r = max(self._rows, default=1)
        last_c = max((len(values) for values, _s in self._rows.values()), default=1)
        etree.SubElement(ws, q("dimension"), ref=f"A1:{cell_ref(last_r, last_c)}" if self._rows else "A1")
        view = etree.SubElement(etree.SubElement(ws, q("sheetViews")), q("sheetView"), workbookViewId="0")
        if self.frozen:
            self._pane(view)
        etree.SubElement(ws, q("sheetFormatPr"), defaultRowHeight=f"{DEFAULT_HEIGHT:g}")
        if layout.widths:
            cols = etree.SubElement(ws, q("cols"))
            for c in sorted(layout.widths):
                etree.SubElement(
                    cols, q("col"), min=str(c), max=str(c), width=f"{layout.widths[c]:g}", customWidth="1"
                )
        has_rows = bool(self._rows or layout.heights)
        rows, found = self._rows_xml(xf, layout, grid)
        del grid
        etree.SubElement(ws, q("sheetData")).text = _ROWS_MARK if has_rows else None
        if self.filter:
            etree.SubElement(ws, q("autoFilter"), ref=self.filter)
        if self.merges:
            merges = etree.SubElement(ws, q("mergeCells"), count=str(len(self.merges)))
            for m in self.merges:
                etree.SubElement(merges, q("mergeCell"), ref=m)
        links, rels = _hyperlinks(found)
        if links:
            etree.SubElement(ws, q("hyperlinks")).text = _LINKS_MARK
        etree.SubElement(ws, q("pageMargins"), **{k: f"{v:g}" for k, v in MARGINS_IN.items()})
        self._page_setup(ws, printing)
        if self.breaks:
            brks = etree.SubElement(ws, q("rowBreaks"), count=str(len(self.breaks)),
                                    manualBreakCount=str(len(self.breaks)))
            for r in sorted(set(self.breaks)):
                etree.SubElement(brks, q("brk"), id=str(r), max="16383", man="1")
        if drawing_rid:
            etree.SubElement(ws, q("drawing")).set(f"{{{REL}}}id", drawing_rid)
        xml = etree.tostring(ws, encoding="UTF-8", xml_declaration=False)
        parts: list[Iterable[bytes]] = [(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n',)]
        for mark, inner in ((_ROWS_MARK, rows), (_LINKS_MARK, (links,) if links else None)):
            if inner is not None and mark.encode() in xml:
                head, xml = xml.split(mark.encode())
                parts += [(head,), inner]
        parts.append((xml,))
        return chain.from_iterable(parts), rels

    def _pane(self, view: etree._Element) -> None:
        assert self.frozen
        row, col = split_ref(self.frozen)
        x, y = col - 1, row - 1
        if not x and not y:
            return
        active = "bottomRight" if x and y else ("bottomLeft" if y else "topRight")
        pane = etree.SubElement(view, q("pane"), topLeftCell=self.frozen, activePane=active, state="frozen")
        if x:
            pane.set("xSplit", str(x))
        if y:
            pane.set("ySplit", str(y))
        etree.SubElement(view, q("selection"), pane=active, activeCell=self.frozen, sqref=self.frozen)

    def _rows_xml(
        self, xf: Callable[[CellValue, Style | None], int], layout: SheetLayout, grid: _Grid
    ) -> tuple[Iterable[bytes], list[tuple[int, int, Hyperlink]]]:
        """Every row's bytes, as pieces in row and column order (cells.cell_rest writes what lxml
        would), and the hyperlinks, in the same order.

        A cell's bytes after its reference depend only on its value, style and wrap, so each
        column's distinct ones are rendered once; a row is then the pieces `<c r="` + letter, the
        row number and the rest of each of its cells, taken from per-column lists by zip and
        joined (C speed, no object per cell); the caller joins the rows once. (Not the pieces
        in one join: bytes.join holds an 80-byte buffer per piece, 117 MB for the 1.5M pieces of
        a 20k-row ledger's 逾期清单.) The cell formats are
        registered first, in the order a cell by cell pass would meet them, so styles.xml and
        the s="…" ids do not depend on the order the work is done in."""
        styles_ids = _StyleIds(xf)
        wrapped = layout.wrapped
        self._register(styles_ids, grid, wrapped)
        index = {r: i for i, r in enumerate(grid.rows)}
        wrap_at: dict[int, set[int]] = {}  # column -> indexes of its rows that wrap
        for r, c in wrapped:
            wrap_at.setdefault(c, set()).add(index[r])
        numbers = [b'%d"' % r for r in grid.rows]
        pieces: list[list[bytes] | Iterable[bytes]] = []  # per column: letter, row numbers, rests
        letters: list[bytes] = []
        rest_lists: list[list[bytes]] = []
        links: list[tuple[int, int, Hyperlink]] = []
        for c, (values, styles) in enumerate(zip(grid.values, grid.styles, strict=True), start=1):
            keys: list[Any] = _keys(values, styles)
            wraps = wrap_at.get(c)
            if wraps:
                keys = [(key, i in wraps) for i, key in enumerate(keys)]
            style_of = dict(zip(map(id, styles), styles, strict=True))
            rests: dict[Any, bytes] = {}
            linked = False
            text_s: dict[tuple[int, bool], str] = {}  # a text's format attribute by (style, wrap)
            for key in dict.fromkeys(keys):
                (cls, value, sid), wrap = key if wraps else (key, False)
                if value is _UNSET:
                    rests[key] = b""
                    continue
                if cls is str:  # the usual case: its format asked for once per style and wrap
                    s = text_s.get((sid, wrap))
                    if s is None:
                        fmt = styles_ids.id(value, style_of[sid], wrap)
                        s = text_s[(sid, wrap)] = f' s="{fmt}"' if fmt else ""
                    rest = text_rest(s, value)
                    if rest is not None:
                        rests[key] = rest
                        continue
                linked = linked or issubclass(cls, Hyperlink)
                try:
                    rests[key] = self._rest(styles_ids, value, style_of[sid], wrap, "")
                except BadInput:  # again, to name the cell (only then: it costs a string)
                    self._rest(styles_ids, value, style_of[sid], wrap, cell_ref(grid.rows[keys.index(key)], c))
                    raise
            if linked:
                links += [(r, c, v) for r, v in zip(grid.rows, values, strict=True) if isinstance(v, Hyperlink)]
            letters.append(b'<c r="' + col_letter(c).encode())
            rest_lists.append(list(map(rests.__getitem__, keys)))
            pieces += [repeat(letters[-1]), numbers, rest_lists[-1]]
        heights = layout.heights
        heads = [_row_head(r, heights.get(r)) + b">" for r in grid.rows]
        # a row with cells nothing was written into (few: titles, notes) is joined on its own,
        # without their references; every other row comes straight from the columns
        odd = {i: (self._odd_row(heads[i], letters, numbers[i], [rest[i] for rest in rest_lists]),)
               for i in {i for i, _c in grid.unset}}
        rows: Iterable[tuple[bytes, ...]] = zip(heads, *pieces, repeat(b"</row>"))
        if odd:
            rows = (odd.get(i, parts) for i, parts in enumerate(rows))
        bare = sorted(heights.keys() - index.keys())  # rows with a height and no cells
        links.sort(key=lambda link: (link[0], link[1]))
        if not bare:  # one bytes per row: bytes.join keeps an 80-byte buffer per piece it joins
            return map(b"".join, rows), links
        out = [*map(b"".join, rows), *[_row_head(r, heights[r]) + b"/>" for r in bare]]
        order = sorted(range(len(out)), key=[*grid.rows, *bare].__getitem__)
        return [out[i] for i in order], links

    @staticmethod
    def _odd_row(head: bytes, letters: list[bytes], number: bytes, rests: list[bytes]) -> bytes:
        """A row's bytes from its cells' rests (b"" where nothing was written)."""
        cells = [letter + number + rest for letter, rest in zip(letters, rests, strict=True) if rest]
        return b"".join((head, *cells, b"</row>"))

    def _register(self, styles: _StyleIds, grid: _Grid, wrapped: set[tuple[int, int]]) -> None:
        """Ask for the cell formats in row and column order, the order a cell by cell pass asks
        for them in: a row of a shape (styles, value types, wrapped cells) met before asks for
        nothing new, so only the first row of each shape is walked."""
        shapes: set[tuple[object, ...]] = set()
        rows = self._rows
        wraps: dict[int, list[int]] = {}  # row -> its wrapped columns, in order
        for r, c in sorted(wrapped):
            wraps.setdefault(r, []).append(c)
        for r in grid.rows:
            row_values, row_styles = rows[r]
            shape: tuple[object, ...] = (tuple(map(id, row_styles)), tuple(map(type, row_values)))
            if r in wraps:
                shape += tuple(c for c in wraps[r] if c <= len(row_values))
            if shape in shapes:
                continue
            shapes.add(shape)
            for c, (value, style) in enumerate(zip(row_values, row_styles, strict=True), start=1):
                if not isinstance(value, _Unset):
                    styles.id(value, style, (r, c) in wrapped)

    def _rest(self, styles: _StyleIds, value: CellValue, style: Style | None, wrap: bool, ref: str) -> bytes:
        where = f"工作表“{self.name}”单元格 {ref}" if ref else ""
        return cell_rest(styles.id(value, style, wrap), value, where)[0]

    def _page_setup(self, ws: etree._Element, p: PrintSetup) -> None:
        setup = etree.SubElement(ws, q("pageSetup"), paperSize=str(_PAPER.get(p.paper.upper(), 9)))
        setup.set("orientation", "landscape" if p.landscape else "portrait")
        setup.set("fitToWidth", str(p.fit_width))
        setup.set("fitToHeight", str(p.fit_height))
        footer = etree.SubElement(ws, q("headerFooter"))
        if p.title:
            etree.SubElement(footer, q("oddHeader")).text = "&C" + p.title.replace("&", "&&")
        etree.SubElement(footer, q("oddFooter")).text = FOOTER
