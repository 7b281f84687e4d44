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

import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import partial
from itertools import chain, compress, repeat
from operator import attrgetter, itemgetter
from typing import Any

from lxml import etree

from taizhang.core.errors import BadInput
from taizhang.core.gc_pause import paused_gc

from .cells import SEP, CellValue, cell_rest, int_rests, joinable, shown_text, text_rests
from .measure import (
    DEFAULT_HEIGHT,
    DEFAULT_SIZE,
    MAX_HEIGHT,
    PT_PER_UNIT,
    CellText,
    SheetLayout,
    covered_cells,
    fit_columns_wrapping,
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
_TEXT = attrgetter("text")
# Values keyed by value (a cell's bytes are made once per equal value): hashable, cheap to hash,
# and equal only when written alike (not floats: -0.0 == 0.0; they are few and keyed by identity).
_CACHED = frozenset({str, int, bool, date, datetime, type(None)})
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


@dataclass
class _Column:
    """One column of the written rows, keyed for the work done once per distinct cell.

    A column is nearly all one kind of cell (the 逾期清单's 标题: text of one style), so a cell
    of the column's main type and style is keyed by its value (by identity for values not
    cheaply hashed: links), taken as it is at C speed; any other cell by (type, value, style
    id), and a merged or covered cell by its own (index,): the fitting and the bytes of those
    depend on where they stand. `odd` holds each tuple key's value, style and first row index."""

    values: tuple[CellValue | _Unset, ...]
    styles: tuple[Style | None, ...]
    main_cls: type
    main_style: Style | None
    by_id: bool
    keys: list[Any]
    is_main: list[bool]  # per row: keyed as a main cell
    odd: dict[tuple[Any, ...], tuple[CellValue | _Unset, Style | None, int]]
    main: list[Any]  # the distinct main keys
    _objects: dict[int, Any] = field(init=False, repr=False)

    def value(self, key: Any) -> Any:
        """The value of a main key."""
        return self._objects[key] if self.by_id else key

    def link_texts(self, keys: list[Any]) -> list[str] | None:
        """The texts of the links of main keys (a column of links); None unless all are str."""
        texts = list(map(_TEXT, map(self._objects.__getitem__, keys)))
        return texts if set(map(type, texts)) <= {str} else None

    def __post_init__(self) -> None:
        self._objects = dict(zip(map(id, self.values), self.values, strict=True)) if self.by_id else {}


def _column(values: tuple[CellValue | _Unset, ...], styles: tuple[Style | None, ...], placed: list[int]) -> _Column:
    """The column's keys (see _Column); `placed` are the indexes of its merged and covered cells."""
    pick = len(values) - 1 if values[-1] is not _UNSET else len(values) // 2
    main_cls, main_style = type(values[pick]), styles[pick]
    by_id = main_cls not in _CACHED
    keys: list[Any] = list(map(id, values)) if by_id else list(values)
    is_main = list(map(operator.and_, map(operator.is_, styles, repeat(main_style)),
                       map(operator.is_, map(type, values), repeat(main_cls))))
    odd: dict[tuple[Any, ...], tuple[CellValue | _Unset, Style | None, int]] = {}
    for i in placed:
        is_main[i] = False
    placed_set = set(placed)
    for i in compress(range(len(values)), map(operator.not_, is_main)):
        value, style = values[i], styles[i]
        cls = type(value)
        key = (i,) if i in placed_set else (cls, value if cls in _CACHED else id(value), id(style))
        keys[i] = key
        if key not in odd:
            odd[key] = (value, style, i)
    main = list(dict.fromkeys(compress(keys, is_main)))
    return _Column(values, styles, main_cls, main_style, by_id, keys, is_main, odd, main)


def _row_of(rows: list[int], keys: list[Any], key: Any) -> int:
    """The row of a column's first cell of `key` (a search of the column: for naming a refused cell)."""
    return rows[keys.index(key)]


@dataclass
class _Fitted:
    """A sheet's layout and, by column from A, its keyed cells, each key's CellText and the
    ids of the CellTexts that wrap though their style does not say so."""

    layout: SheetLayout
    columns: list[_Column]
    texts: list[dict[Any, CellText | None]]
    wraps: dict[int, set[int]]


def _measured_all(texts: list[str]) -> list[str]:
    """measured_as of each text."""
    joined = joinable(texts)
    if joined is None:
        return [measured_as(text) for text in texts]
    return measured_as(joined).split(SEP)


def _main_strings(column: _Column) -> list[str] | None:
    """The texts of a column's distinct main cells when they are measured as they stand (text,
    whole numbers, links with text), else None."""
    cls = column.main_cls
    if cls is str:
        return column.main
    if cls is int:
        return list(map(str, column.main))
    if cls is Hyperlink:
        return column.link_texts(column.main)
    return None


def _texts(column: _Column) -> tuple[dict[Any, CellText | None], list[CellText | None]]:
    """Each key's CellText (as _cell_text makes it), the main cells' made together: one
    CellText per distinct measured text; and the distinct ones of the cells outside merges."""
    out: dict[Any, CellText | None] = {}
    style = column.main_style
    main = column.main
    strings = _main_strings(column) if main else None
    if strings is not None:
        measured = _measured_all(strings)
        size, bold = _font(style)
        wrap, fixed = bool(style and style.wrap), column.main_cls is int
        made = {m: CellText(m, size, bold, wrap, fixed) for m in dict.fromkeys(measured)}
        out = dict(zip(main, map(made.__getitem__, measured), strict=True))
        if column.main_cls is str and "" in out:  # empty text: nothing to measure
            out[""] = None
        distinct: list[CellText | None] = [None, *made.values()]
    else:
        out = {k: _cell_text(column.main_cls, column.value(k), style) for k in main}
        distinct = [None, *out.values()]
    for key, (value, odd_style, _i) in column.odd.items():
        out[key] = _cell_text(type(value), value, odd_style)
        if len(key) > 1:  # not a merged or covered cell's
            distinct.append(out[key])
    return out, distinct


def _row_head(r: int, height: float | None) -> bytes:
    head = b'<row r="%d"' % r
    return head if height is None else head + b' ht="%s" customHeight="1"' % f"{height:g}".encode()


def _row_heads(rows: list[int], heights: dict[int, float]) -> list[bytes]:
    """Each row's start tag (_row_head, closed), its height attribute made once per height."""
    attr = {h: b' ht="%s" customHeight="1"' % f"{h:g}".encode() for h in set(heights.values())}
    get = heights.get
    return [b'<row r="%d"%s>' % (r, attr[h] if (h := get(r)) is not None else b"") for r in rows]


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


def _attrs(texts: list[str]) -> list[str]:
    """_attr of each text, done on them joined."""
    joined = joinable(texts)
    return [_attr(text) for text in texts] if joined is None else _attr(joined).split(SEP)


def _hyperlinks(found: list[tuple[int, int, Hyperlink]]) -> tuple[bytes, list[tuple[str, str, str]]]:
    """The `<hyperlink>` elements as bytes (what lxml writes: attributes ref, location or r:id,
    display) and the external relationships they need; `found` is in row and column order."""
    rels: list[tuple[str, str, str]] = []
    out: list[str] = []
    shown = _attrs([link.text for _r, _c, link in found])
    targets = [link.target for _r, _c, link in found]
    inside = list(map(operator.methodcaller("startswith", "#"), targets))
    places = _attrs([target[1:] for target in compress(targets, inside)])
    letters = {c: col_letter(c) for c in {c for _r, c, _link in found}}
    refs = list(map("{}{}".format, map(letters.__getitem__, map(itemgetter(1), found)), map(itemgetter(0), found)))
    if all(inside):  # the usual case (links into the ledger): no relationships
        out = list(map('<hyperlink ref="{}" location="{}" display="{}"/>'.format, refs, places, shown))
        return "".join(out).encode(), rels
    at = iter(places)
    for ref, target, display, internal in zip(refs, targets, shown, inside, strict=True):
        if internal:
            where = f'location="{next(at)}"'
        else:
            rid = f"rId{len(rels) + 2}"  # rId1 is kept for the drawing
            rels.append((rid, HYPERLINK_REL, target))
            where = f'r:id="{rid}"'
        out.append(f'<hyperlink ref="{ref}" {where} display="{display}"/>')
    return "".join(out).encode(), rels


class ToolSheet:
    """A sheet the tool owns (校验结果, 逾期清单, 汇总 …), built in memory and written whole by the writer.

    Held by row: each written row is two lists, its values and their styles, by column from A
    (_UNSET where nothing was written). A big tool sheet (the 逾期清单 of a 20k-row ledger: ~450k
    cells) is then a few lists per row, not an object per cell; fitting and rendering turn the
    rows into columns and do per distinct cell of a column what a cell needs (_Column)."""

    def __init__(self, name: str) -> None:
        check_sheet_name(name)
        self.name = name
        self.hidden = False
        self._rows: dict[int, tuple[list[CellValue | _Unset], list[Style | None]]] = {}
        self._gaps: set[int] = set()  # rows that may hold unset cells left of written ones
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
        got = self._rows.get(row)
        if got is None or len(got[0]) < col:
            if (len(got[0]) if got else 0) < col - 1:  # cells left of it stay unset
                self._gaps.add(row)
            got = self._row(row, col)
        got[0][col - 1] = value
        got[1][col - 1] = style

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
            if not 1 <= row <= 1048576:
                self.write(row, 1, values[0], styles[0])  # refused with write()'s message
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
        return self._fit(self._grid(), expand=True).layout

    def _grid(self) -> _Grid:
        """The written rows turned into columns (at C speed: zip), padded with _UNSET."""
        rows = sorted(self._rows)
        held = list(map(self._rows.__getitem__, rows))
        value_rows: list[list[CellValue | _Unset]] = [values for values, _s in held]
        style_rows: list[list[Style | None]] = [styles for _v, styles in held]
        lengths = list(map(len, value_rows))
        width = max(lengths, default=0)
        unset: list[tuple[int, int]] = []
        for i in compress(range(len(rows)), map(self._gaps.__contains__, rows)):
            unset += [(i, c) for c, v in enumerate(value_rows[i], start=1) if v is _UNSET]
        for i in compress(range(len(rows)), map(width.__gt__, lengths)):
            n = lengths[i]
            unset += [(i, c) for c in range(n + 1, width + 1)]
            value_rows[i] = [*value_rows[i], *[_UNSET] * (width - n)]
            style_rows[i] = [*style_rows[i], *[None] * (width - n)]
        return _Grid(rows, list(zip(*value_rows, strict=True)), list(zip(*style_rows, strict=True)), unset)

    def _fit(self, grid: _Grid, expand: bool = False) -> _Fitted:
        """The layout (measure.fit_columns) and what rendering reuses of it: each column's
        distinct cells become a CellText once (the main ones together, see _texts), and
        fit_columns measures each object once for all the cells sharing it (序号 1…45,711 are
        five: 0, 00, … 00000); a merge's cells are measured as the merge. `expand`: the layout's
        `wrapped` lists every wrapped cell (else the merged ones: rendering asks `wraps`)."""
        spans = merge_spans([parse_range(m) for m in self.merges])
        index = {r: i for i, r in enumerate(grid.rows)}
        placed: dict[int, list[int]] = {}  # column -> indexes of its merged and covered cells
        for r, c in [*spans, *covered_cells(spans)]:
            i = index.get(r)
            if i is not None:
                placed.setdefault(c, []).append(i)
        columns = [_column(values, styles, placed.get(c, []))
                   for c, (values, styles) in enumerate(zip(grid.values, grid.styles, strict=True), start=1)]
        if self.hidden:  # nobody sees or prints it (分发明细: 30,000-character cells): what the builder set
            return _Fitted(_as_set(self.widths, self.heights), columns, [{} for _c in columns], {})
        texts, distinct = zip(*map(_texts, columns), strict=True) if columns else ((), ())
        lists = {c: list(map(cells.__getitem__, column.keys))
                 for c, (column, cells) in enumerate(zip(columns, texts, strict=True), start=1)}
        merged: list[tuple[tuple[int, int], CellText]] = []
        for r, c in sorted(spans):
            i = index.get(r)
            if i is not None and c in lists:
                cell = lists[c][i]
                if cell is not None:
                    merged.append(((r, c), cell))
        for c, at in placed.items():  # out of their columns
            if c in lists:
                for i in at:
                    lists[c][i] = None
        layout, wraps = fit_columns_wrapping(grid.rows, lists, merged, spans, self.widths, self.heights,
                                             expand=expand, uniques=dict(enumerate(distinct, start=1)))
        return _Fitted(layout, columns, list(texts), wraps)

    def value_at(self, row: int, col: int) -> object:
        got = self._rows.get(row)
        if got is None or col > len(got[0]) or got[0][col - 1] is _UNSET:
            return None
        return shown_text(got[0][col - 1])

    def written_rows(self) -> dict[int, list[object]]:
        """What a reader gets back from each written row, from column A: the shown values, ""
        for an empty or unwritten cell (a reader sees no difference)."""
        plain = _PLAIN
        with paused_gc():  # ~450k cells at 20k rows, all kept: a collection would find nothing
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
        with paused_gc():  # fitting and registering (the rows are joined later, as taken): see written_rows
            return self._render_pieces(xf, drawing_rid)

    def _render_pieces(
        self, xf: Callable[[CellValue, Style | None], int], drawing_rid: str | None
    ) -> tuple[Iterator[bytes], list[tuple[str, str, str]]]:
        ws = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": REL})
        grid = self._grid()
        fitted = self._fit(grid)
        layout = fitted.layout
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
        rows, found = self._rows_xml(xf, fitted, grid)
        del grid, fitted
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
        self, xf: Callable[[CellValue, Style | None], int], fitted: _Fitted, grid: _Grid
    ) -> tuple[Iterable[bytes], list[tuple[int, int, Hyperlink]]]:
        """Every row's bytes, as pieces in row and column order (cells.cell_rest writes what lxml
        would), and the hyperlinks, in the same order.

        A cell's bytes after its reference depend only on its value, style and wrap, so each
        column's distinct ones are rendered once (the main ones together, see _main_rests); a
        row is then the pieces `<c r="` + letter, the row number and the rest of each of its
        cells, taken from per-column lists by zip and joined (C speed, no object per cell); the
        caller joins the rows once. (Not the pieces in one join: bytes.join holds an 80-byte
        buffer per piece, 117 MB for the 1.5M pieces of a 20k-row ledger's 逾期清单.) The cell
        formats are registered first, in the order a cell by cell pass would meet them, so
        styles.xml and the s="…" ids do not depend on the order the work is done in."""
        styles_ids = _StyleIds(xf)
        layout = fitted.layout
        wrapping = [self._wrapping(c, column, cells, fitted.wraps.get(c), layout.wrapped, grid.rows)
                    for c, (column, cells) in enumerate(zip(fitted.columns, fitted.texts, strict=True), start=1)]
        self._register(styles_ids, fitted.columns, wrapping)
        fitted.texts.clear()  # what is held while the rows are made: each column let go once done
        columns, fitted.columns = fitted.columns, []
        columns.reverse()
        numbers = [b'%d"' % r for r in grid.rows]
        unset: dict[int, list[int]] = {}  # column -> indexes of its rows where nothing was written
        for i, c in grid.unset:
            unset.setdefault(c, []).append(i)
        pieces: list[list[bytes] | Iterable[bytes]] = []  # per column: letter, row numbers, rests
        links: list[tuple[int, int, Hyperlink]] = []
        linked_columns = 0
        for c, wraps in enumerate(wrapping, start=1):
            column = columns.pop()
            rests = self._main_rests(styles_ids, column, wraps, c, grid.rows)
            linked = column.main_cls is Hyperlink
            for key, (value, style, i) in column.odd.items():
                linked = linked or isinstance(value, Hyperlink)
                rests[key] = b"" if isinstance(value, _Unset) else self._cell_rest(
                    styles_ids, value, style, key in wraps, partial(grid.rows.__getitem__, i), c)
            if linked:
                linked_columns += 1
                links += [(r, c, v) for r, v in zip(grid.rows, column.values, strict=True) if isinstance(v, Hyperlink)]
            letter = b'<c r="' + col_letter(c).encode()
            if c in unset:  # a cell nothing was written into (few: titles, notes) is left out whole
                letter_at, number_at = [letter] * len(numbers), numbers.copy()
                for i in unset[c]:
                    letter_at[i] = number_at[i] = b""
                pieces += [letter_at, number_at]
            else:
                pieces += [repeat(letter), numbers]
            pieces.append(list(map(rests.__getitem__, column.keys)))
            del column, rests
        rows: Iterable[tuple[bytes, ...]] = zip(_row_heads(grid.rows, layout.heights), *pieces, repeat(b"</row>"))
        heights = layout.heights
        bare = sorted(heights.keys() - set(grid.rows))  # rows with a height and no cells
        if linked_columns > 1:  # one column's are in row order already
            links.sort(key=itemgetter(0, 1))
        if not bare:  # one bytes per row: bytes.join keeps an 80-byte buffer per piece it joins
            return map(b"".join, rows), links
        out = [*map(b"".join, rows), *[_row_head(r, heights[r]) + b"/>" for r in bare]]
        order = sorted(range(len(out)), key=[*grid.rows, *bare].__getitem__)
        return [out[i] for i in order], links

    @staticmethod
    def _wrapping(c: int, column: _Column, texts: dict[Any, CellText | None], ids: set[int] | None,
                  wrapped: set[tuple[int, int]], rows: list[int]) -> set[Any]:
        """The keys of the column's cells that wrap though their style does not say so: by
        their CellText (fit_columns' `ids`), a merged cell by its place (`wrapped`)."""
        keys = {k for k, cell in texts.items() if id(cell) in ids} if ids else set()
        keys.update(k for k in column.odd if len(k) == 1 and (rows[k[0]], c) in wrapped)
        keys.difference_update(k for k in column.odd if len(k) == 1 and (rows[k[0]], c) not in wrapped)
        return keys

    @staticmethod
    def _register(styles: _StyleIds, columns: list[_Column], wrapping: list[set[Any]]) -> None:
        """Ask for the cell formats in row and column order, the order a cell by cell pass asks
        for them in: each column's first cell of each (style, value kind, wrap) is found, and
        those are asked for in the order they stand (repeats ask for nothing new)."""
        first: list[tuple[int, int, CellValue, Style | None, bool]] = []  # (row index, column, value, style, wrap)
        for c, (column, wraps) in enumerate(zip(columns, wrapping, strict=True), start=1):
            for key, (value, style, i) in column.odd.items():
                if not isinstance(value, _Unset):
                    first.append((i, c, value, style, key in wraps))
            if not column.main or column.main_cls is _Unset:
                continue
            if not wraps or wraps.isdisjoint(column.main):
                i = column.is_main.index(True)
                first.append((i, c, column.value(column.keys[i]), column.main_style, False))
                continue
            flags = list(map(wraps.__contains__, column.keys))
            for wrap, at in ((True, map(operator.and_, flags, column.is_main)),
                             (False, map(operator.and_, map(operator.not_, flags), column.is_main))):
                i = next(compress(range(len(flags)), at), -1)
                if i >= 0:
                    first.append((i, c, column.value(column.keys[i]), column.main_style, wrap))
        first.sort(key=itemgetter(0, 1))
        for _i, _c, value, style, wrap in first:
            styles.id(value, style, wrap)

    def _main_rests(self, styles: _StyleIds, column: _Column, wraps: set[Any], c: int,
                    rows: list[int]) -> dict[Any, bytes]:
        """The bytes of the column's distinct main cells: text, whole numbers and links with
        text made together per format (cells.text_rests), others one by one."""
        out: dict[Any, bytes] = {}
        main, cls, style = column.main, column.main_cls, column.main_style
        if not main or cls is _Unset:
            return dict.fromkeys(main, b"")
        groups = [(False, main)] if not wraps else [
            (wrap, keys) for wrap, keys in ((False, [k for k in main if k not in wraps]),
                                            (True, [k for k in main if k in wraps])) if keys]
        for wrap, keys in groups:
            fmt = styles.id(column.value(keys[0]), style, wrap)
            s = f' s="{fmt}"' if fmt else ""
            got: list[bytes | None] | list[bytes] | None = None
            if cls is str:
                got = text_rests(s, keys)
            elif cls is int:
                got = int_rests(s, keys)
            elif cls is Hyperlink:
                texts = column.link_texts(keys)
                got = text_rests(s, texts) if texts is not None else None
            if got is not None and None not in got:
                out.update(zip(keys, got, strict=True))  # type: ignore[arg-type]
                continue
            for k in keys:  # the row found only for a refused value: it is a search of the column
                out[k] = self._cell_rest(styles, column.value(k), style, wrap,
                                         partial(_row_of, rows, column.keys, k), c)
        return out

    def _cell_rest(self, styles: _StyleIds, value: CellValue, style: Style | None, wrap: bool,
                   row: Callable[[], int], c: int) -> bytes:
        """A cell's bytes after its reference; a bad value is refused naming the cell, its row
        (`row()`) found and named only then."""
        try:
            return self._rest(styles, value, style, wrap, "")
        except BadInput:
            self._rest(styles, value, style, wrap, cell_ref(row(), c))
            raise

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
