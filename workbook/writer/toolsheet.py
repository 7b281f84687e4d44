"""A tool-owned sheet built in memory, rendered to worksheet XML in one pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from taizhang.core.errors import BadInput

from .cells import CellValue, set_cell_value, shown_text
from .model import Chart, Hyperlink, Style
from .xmlutil import MAIN, REL, cell_ref, col_index, parse_range, q, split_ref

_PAPER = {"A4": 9, "A3": 8, "A5": 11, "B5": 13, "LETTER": 1, "LEGAL": 5}
_BAD_NAME = set("[]:*?/\\")
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"


@dataclass(frozen=True)
class PrintSetup:
    landscape: bool = True
    paper: str = "A4"
    fit_width: int = 1
    fit_height: int = 0
    repeat_rows: tuple[int, int] | None = None
    title: str | None = None


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

    def write(self, row: int, col: int, value: CellValue, style: Style | None = None) -> None:
        if row < 1 or col < 1 or row > 1048576 or col > 16384:
            raise BadInput(f"工作表“{self.name}”：行 {row}、列 {col} 超出 Excel 的范围。")
        self.cells[(row, col)] = (value, style)

    def write_row(
        self, row: int, values: list[CellValue], style: Style | list[Style | None] | None = None
    ) -> None:
        for i, value in enumerate(values):
            self.write(row, i + 1, value, style[i] if isinstance(style, list) else style)

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

    def add_chart(self, chart: Chart) -> None:
        parse_range(chart.categories)
        parse_range(chart.values)
        split_ref(chart.anchor)
        self.charts.append(chart)

    def value_at(self, row: int, col: int) -> object:
        got = self.cells.get((row, col))
        return shown_text(got[0]) if got else None

    def written(self) -> dict[tuple[int, int], object]:
        return {rc: shown_text(v) for rc, (v, _s) in self.cells.items()}

    # -- rendering ----------------------------------------------------------------------------
    def render(
        self, xf: Callable[[CellValue, Style | None], int], drawing_rid: str | None
    ) -> tuple[bytes, list[tuple[str, str, str]]]:
        """Worksheet XML and the external relationships (id, type, target) it needs."""
        ws = etree.Element(q("worksheet"), nsmap={None: MAIN, "r": REL})
        if self.printing and (self.printing.fit_width or self.printing.fit_height):
            etree.SubElement(etree.SubElement(ws, q("sheetPr")), q("pageSetUpPr"), fitToPage="1")
        last_r = max((r for r, _c in self.cells), default=1)
        last_c = max((c for _r, c in self.cells), default=1)
        etree.SubElement(ws, q("dimension"), ref=f"A1:{cell_ref(last_r, last_c)}" if self.cells else "A1")
        view = etree.SubElement(etree.SubElement(ws, q("sheetViews")), q("sheetView"), workbookViewId="0")
        if self.frozen:
            self._pane(view)
        etree.SubElement(ws, q("sheetFormatPr"), defaultRowHeight="15")
        if self.widths:
            cols = etree.SubElement(ws, q("cols"))
            for c in sorted(self.widths):
                etree.SubElement(
                    cols, q("col"), min=str(c), max=str(c), width=f"{self.widths[c]:g}", customWidth="1"
                )
        self._sheet_data(etree.SubElement(ws, q("sheetData")), xf)
        if self.filter:
            etree.SubElement(ws, q("autoFilter"), ref=self.filter)
        if self.merges:
            merges = etree.SubElement(ws, q("mergeCells"), count=str(len(self.merges)))
            for m in self.merges:
                etree.SubElement(merges, q("mergeCell"), ref=m)
        rels = self._hyperlinks(ws)
        etree.SubElement(
            ws,
            q("pageMargins"),
            left="0.7",
            right="0.7",
            top="0.75",
            bottom="0.75",
            header="0.3",
            footer="0.3",
        )
        if self.printing:
            self._page_setup(ws)
        if drawing_rid:
            etree.SubElement(ws, q("drawing")).set(f"{{{REL}}}id", drawing_rid)
        xml = etree.tostring(ws, encoding="UTF-8", xml_declaration=False)
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

    def _sheet_data(self, data: etree._Element, xf: Callable[[CellValue, Style | None], int]) -> None:
        rows: dict[int, list[int]] = {}
        for r, c in self.cells:
            rows.setdefault(r, []).append(c)
        for r in sorted(set(rows) | set(self.heights)):
            row = etree.SubElement(data, q("row"), r=str(r))
            if r in self.heights:
                row.set("ht", f"{self.heights[r]:g}")
                row.set("customHeight", "1")
            for c in sorted(rows.get(r, [])):
                value, style = self.cells[(r, c)]
                cell = etree.SubElement(row, q("c"), r=cell_ref(r, c))
                s = xf(value, style)
                if s:
                    cell.set("s", str(s))
                set_cell_value(cell, value, f"工作表“{self.name}”单元格 {cell_ref(r, c)}")

    def _hyperlinks(self, ws: etree._Element) -> list[tuple[str, str, str]]:
        links = [(rc, v) for rc, (v, _s) in sorted(self.cells.items()) if isinstance(v, Hyperlink)]
        rels: list[tuple[str, str, str]] = []
        if not links:
            return rels
        parent = etree.SubElement(ws, q("hyperlinks"))
        for (r, c), link in links:
            assert isinstance(link, Hyperlink)
            el = etree.SubElement(parent, q("hyperlink"), ref=cell_ref(r, c))
            if link.target.startswith("#"):
                el.set("location", link.target[1:])
            else:
                rid = f"rId{len(rels) + 2}"  # rId1 is kept for the drawing
                rels.append((rid, HYPERLINK_REL, link.target))
                el.set(f"{{{REL}}}id", rid)
            el.set("display", link.text)
        return rels

    def _page_setup(self, ws: etree._Element) -> None:
        p = self.printing
        assert p is not None
        setup = etree.SubElement(ws, q("pageSetup"), paperSize=str(_PAPER.get(p.paper.upper(), 9)))
        setup.set("orientation", "landscape" if p.landscape else "portrait")
        setup.set("fitToWidth", str(p.fit_width))
        setup.set("fitToHeight", str(p.fit_height))
        if p.title:
            footer = etree.SubElement(ws, q("headerFooter"))
            etree.SubElement(footer, q("oddHeader")).text = "&C" + p.title.replace("&", "&&")
            etree.SubElement(footer, q("oddFooter")).text = "&C第 &P 页，共 &N 页"
