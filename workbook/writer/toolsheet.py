"""A tool-owned sheet built in memory, rendered to worksheet XML in one pass.

Every sheet prints cleanly wherever it is opened: at render time the sheet fits itself (`fitted`):
columns the builder left without a width get one from their content, text that does not fit its
column wraps, and every row gets an explicit height for the lines it shows (LibreOffice keeps the
heights another program wrote, so a wrapped cell in a default-height row would print over the
next row). A builder's width is kept (numbers and dates only ever widen it, since they cannot
wrap); a builder's height is a minimum. Every sheet prints one page wide on A4 (landscape when
it is wider than portrait A4), with the sheet's name and "第 &P 页 共 &N 页" in the footer."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from lxml import etree

from taizhang.core.errors import BadInput

from .cells import CellValue, cell_rest, shown_text
from .measure import DEFAULT_HEIGHT, DEFAULT_SIZE, PT_PER_UNIT, CellText, SheetLayout, fit, shown
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


class ToolSheet:
    """A sheet the tool owns (校验结果, 逾期清单, 汇总 …), built in memory and written whole by the writer."""

    def __init__(self, name: str) -> None:
        check_sheet_name(name)
        self.name = name
        self.hidden = False
        self.cells: dict[tuple[int, int], tuple[CellValue, Style | None]] = {}
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
        self.cells[(row, col)] = (value, style)

    def write_row(
        self, row: int, values: list[CellValue], style: Style | list[Style | None] | None = None
    ) -> None:
        if not values:
            return
        if len(values) > 16384:
            self.write(row, 16385, None)  # refused with write()'s message
        self.write(row, 1, values[0], style[0] if isinstance(style, list) else style)
        cells = self.cells  # the rest without a call per cell: a big sheet has hundreds of thousands
        if isinstance(style, list):
            for i in range(1, len(values)):
                cells[(row, i + 1)] = (values[i], style[i])
        else:
            for i in range(1, len(values)):
                cells[(row, i + 1)] = (values[i], style)

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
        texts: dict[tuple[int, int], CellText] = {}
        # by the style's id (the sheet's own objects) and the value: a big sheet repeats both
        seen: dict[tuple[type, object, int], CellText] = {}
        for rc, (value, style) in self.cells.items():
            if value is None or value == "":
                continue  # nothing to measure (fit() leaves empty text out)
            key = (value.__class__, value, id(style))
            cell = seen.get(key)
            if cell is None:
                size, bold = _font(style)
                text = shown(shown_text(value), style.number_format if style else None)
                cell = seen[key] = CellText(text, size, bold, bool(style and style.wrap), _fixed(value))
            texts[rc] = cell
        return fit(texts, [parse_range(m) for m in self.merges], self.widths, self.heights)

    def value_at(self, row: int, col: int) -> object:
        got = self.cells.get((row, col))
        return shown_text(got[0]) if got else None

    def written(self) -> dict[tuple[int, int], object]:
        return {rc: shown_text(v) for rc, (v, _s) in self.cells.items()}

    # -- rendering ----------------------------------------------------------------------------
    def render(
        self, xf: Callable[[CellValue, Style | None], int], drawing_rid: str | None
    ) -> tuple[bytes, list[tuple[str, str, str]]]:
        """Worksheet XML and the external relationships (id, type, target) it needs.

        The small parts around the rows are built with lxml; the rows, which are nearly all of a
        big sheet (the 逾期清单 of a 20k-row ledger is ~450k cells), are written as bytes in one
        pass (`_rows_xml`) and spliced in, the same bytes lxml writes for the same cells."""
        ws = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": REL})
        layout = self.fitted()
        printing = self.printing or PrintSetup(landscape=sum(layout.widths.values()) > PORTRAIT_UNITS)
        if printing.fit_width or printing.fit_height:
            etree.SubElement(etree.SubElement(ws, q("sheetPr")), q("pageSetUpPr"), fitToPage="1")
        last_r = max((r for r, _c in self.cells), default=1)
        last_c = max((c for _r, c in self.cells), default=1)
        etree.SubElement(ws, q("dimension"), ref=f"A1:{cell_ref(last_r, last_c)}" if self.cells else "A1")
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
        rows = self._rows_xml(xf, layout)
        etree.SubElement(ws, q("sheetData")).text = _ROWS_MARK if rows else None
        if self.filter:
            etree.SubElement(ws, q("autoFilter"), ref=self.filter)
        if self.merges:
            merges = etree.SubElement(ws, q("mergeCells"), count=str(len(self.merges)))
            for m in self.merges:
                etree.SubElement(merges, q("mergeCell"), ref=m)
        links, rels = self._hyperlinks()
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
        for mark, inner in ((_ROWS_MARK, rows), (_LINKS_MARK, links)):
            if inner:
                head, tail = xml.split(mark.encode())
                xml = b"".join((head, inner, tail))
        return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + xml, rels

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

    def _rows_xml(self, xf: Callable[[CellValue, Style | None], int], layout: SheetLayout) -> bytes:
        """Every row as bytes, in row and column order (cells.cell_rest writes what lxml would)."""
        by_row: dict[int, list[int]] = {}
        for r, c in self.cells:
            by_row.setdefault(r, []).append(c)
        heights, wrapped, cells = layout.heights, layout.wrapped, self.cells
        styles = _StyleIds(xf)
        letters: dict[int, bytes] = {}
        out: list[bytes] = []
        for r in sorted(by_row.keys() | heights.keys()):
            cols = by_row.get(r)
            head = b'<row r="%d"' % r
            if r in heights:
                head += b' ht="%s" customHeight="1"' % f"{heights[r]:g}".encode()
            if not cols:
                out.append(head + b"/>")
                continue
            cols.sort()
            row = [head, b">"]  # one bytes object per row: a big sheet has hundreds of thousands of cells
            for c in cols:
                value, style = cells[(r, c)]
                letter = letters.get(c)
                if letter is None:
                    letter = letters[c] = col_letter(c).encode()
                s = styles.id(value, style, (r, c) in wrapped)
                try:
                    rest = cell_rest(s, value, "")[0]
                except BadInput:  # again, to name the cell (only then: it costs a string per cell)
                    cell_rest(s, value, f"工作表“{self.name}”单元格 {cell_ref(r, c)}")
                    raise
                row.append(b'<c r="%s%d"%s' % (letter, r, rest))
            row.append(b"</row>")
            out.append(b"".join(row))
        return b"".join(out)
    def _hyperlinks(self) -> tuple[bytes, list[tuple[str, str, str]]]:
        """The `<hyperlink>` elements as bytes (what lxml writes: attributes ref, location or
        r:id, display) and the external relationships they need."""
        links = sorted((rc, v) for rc, (v, _s) in self.cells.items() if isinstance(v, Hyperlink))
        rels: list[tuple[str, str, str]] = []
        out: list[str] = []
        for (r, c), link in links:
            assert isinstance(link, Hyperlink)
            if link.target.startswith("#"):
                where = f'location="{_attr(link.target[1:])}"'
            else:
                rid = f"rId{len(rels) + 2}"  # rId1 is kept for the drawing
                rels.append((rid, HYPERLINK_REL, link.target))
                where = f'r:id="{rid}"'
            out.append(f'<hyperlink ref="{cell_ref(r, c)}" {where} display="{_attr(link.text)}"/>')
        return "".join(out).encode(), rels

    def _page_setup(self, ws: etree._Element, p: PrintSetup) -> None:
        setup = etree.SubElement(ws, q("pageSetup"), paperSize=str(_PAPER.get(p.paper.upper(), 9)))
        setup.set("orientation", "landscape" if p.landscape else "portrait")
        setup.set("fitToWidth", str(p.fit_width))
        setup.set("fitToHeight", str(p.fit_height))
        footer = etree.SubElement(ws, q("headerFooter"))
        if p.title:
            etree.SubElement(footer, q("oddHeader")).text = "&C" + p.title.replace("&", "&&")
        etree.SubElement(footer, q("oddFooter")).text = FOOTER
