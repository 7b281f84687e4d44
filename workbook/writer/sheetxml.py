"""Edits to a user's worksheet: tool columns, tool fills, column widths. Everything else in the
sheet's XML tree stays as parsed; the tree is serialized once at commit."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Callable, Iterable

from lxml import etree

from taizhang.core.errors import BadInput

from .cells import CellValue, clear_cell, set_cell_value, shown_text
from .fidelity import subtree_counts
from .styles import StyleBook
from .xmlutil import cell_ref, child, col_letter, insert_in_order, q, ref_col, split_ref

WORKSHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
    "extLst",
]  # fmt: skip
_C, _ROW, _V, _F, _IS = q("c"), q("row"), q("v"), q("f"), q("is")


class SheetEditor:
    def __init__(
        self,
        root: etree._Element,
        name: str,
        styles: StyleBook,
        strings: Callable[[set[int]], dict[int, str]],
    ) -> None:
        self.root = root
        self.name = name
        self.styles = styles
        self._strings = strings
        self.modified = False
        self.formula_overwritten = False
        self.tool_cols: set[int] = set()
        self.written: dict[tuple[int, int], object] = {}
        data = root.find(q("sheetData"))
        if data is None:
            data = etree.Element(q("sheetData"))
            insert_in_order(root, data, WORKSHEET_ORDER)
        self.data = data
        self._rows: dict[int, etree._Element] = {}
        self._row_keys: list[int] = []
        prev = 0
        for row in data.iterchildren(_ROW):
            r = row.get("r")
            n = int(r) if r else prev + 1
            if not r:
                row.set("r", str(n))
            self._rows[n] = row
            prev = n
        self._row_keys = sorted(self._rows)
        self._last_col: int | None = None
        self._created: tuple[int, int, int, int] | None = None  # bounding box of cells we added
        self._letters: dict[int, str] = {}
        self._col_styles: dict[int, int] | None = None
        self._path = f"{etree.QName(root).localname}/sheetData"
        self.tool_old: Counter[str] = Counter()  # what the tool columns held before this write
        self._tool_cells: list[etree._Element] = []  # the tool columns' cells in the tree now

    # -- lookups ----------------------------------------------------------------------------
    def last_row(self) -> int:
        return self._row_keys[-1] if self._row_keys else 0

    def last_col(self) -> int:
        """The last column holding a value or a merge; tool columns are placed after it."""
        if self._last_col is None:
            last = 0
            for row in self._rows.values():
                for c in reversed(row):
                    if (
                        c.tag == _C
                        and len(c)
                        and (c.find(_V) is not None or c.find(_IS) is not None or c.find(_F) is not None)
                    ):
                        last = max(last, ref_col(self._ref(row, c)))
                        break
            merges = self.root.find(q("mergeCells"))
            if merges is not None:
                for m in merges:
                    ref = m.get("ref", "")
                    if ref:
                        last = max(last, split_ref(ref.split(":")[-1])[1])
            self._last_col = last
        return self._last_col

    def _ref(self, row: etree._Element, c: etree._Element) -> str:
        ref = c.get("r")
        if ref is None:  # cells without r are positional; give them all their address once
            col = 0
            for cell in row.iterchildren(_C):
                r = cell.get("r")
                col = ref_col(r) if r else col + 1
                if not r:
                    cell.set("r", cell_ref(int(row.get("r", "0")), col))
            ref = c.get("r", "")
        return ref

    def cell_text(self, c: etree._Element) -> str | None:
        t = c.get("t")
        if t == "inlineStr":
            return "".join(x.text or "" for x in c.iter(q("t")))
        v = c.find(_V)
        if v is None or v.text is None:
            return None
        if t == "s":
            idx = int(v.text)
            return self._strings({idx}).get(idx)
        return v.text

    def _row(self, n: int, create: bool) -> etree._Element | None:
        row = self._rows.get(n)
        if row is None and create:
            row = etree.Element(_ROW, r=str(n))
            i = bisect.bisect(self._row_keys, n)
            if i < len(self._row_keys):
                self._rows[self._row_keys[i]].addprevious(row)
            else:
                self.data.append(row)
            self._row_keys.insert(i, n)
            self._rows[n] = row
        return row

    def cell(self, n: int, col: int, create: bool) -> etree._Element | None:
        row = self._row(n, create)
        if row is None:
            return None
        # Search from the end (tool columns sit there); len() of an lxml element walks every child.
        after = None
        for c in row.iterchildren(reversed=True):
            if c.tag != _C:
                continue
            cc = ref_col(c.get("r") or self._ref(row, c))
            if cc == col:
                return c
            if cc < col:
                after = c
                break
        if not create:
            return None
        new = etree.Element(_C, r=f"{self._letter(col)}{n}")
        box = self._created or (n, col, n, col)
        if n < box[0] or col < box[1] or n > box[2] or col > box[3]:
            box = (min(box[0], n), min(box[1], col), max(box[2], n), max(box[3], col))
        self._created = box
        base = self._inherited_xf(row, col)
        if base:
            new.set("s", str(base))
        if after is not None:
            after.addnext(new)
        else:
            row.insert(0, new)
        spans = row.get("spans")
        if spans and ":" in spans:
            lo, hi = (int(x) for x in spans.split(":")[:2])
            if col < lo or col > hi:
                row.set("spans", f"{min(lo, col)}:{max(hi, col)}")
        return new

    def _letter(self, col: int) -> str:
        letter = self._letters.get(col)
        if letter is None:
            letter = self._letters[col] = col_letter(col)
        return letter

    def _inherited_xf(self, row: etree._Element, col: int) -> int:
        """A new cell must keep the look the empty cell had: the row's format, else the column's."""
        s = row.get("s")
        if s and row.get("customFormat") in ("1", "true"):
            return int(s)
        if self._col_styles is None:
            self._col_styles = {}
            cols = self.root.find(q("cols"))
            for c in cols if cols is not None else []:
                if c.get("style"):
                    lo, hi = int(c.get("min", "0")), int(c.get("max", "0"))
                    for k in range(lo, min(hi, 16384) + 1):
                        self._col_styles[k] = int(c.get("style", "0"))
        return self._col_styles.get(col, 0)

    def own_cell(self, c: etree._Element) -> None:
        """Call before overwriting a cell outside the tool columns on purpose (e.g. merged values):
        its old content leaves the fidelity baseline, its new content is not counted as the user's."""
        self.tool_old += subtree_counts([c], self._path)
        self._tool_cells.append(c)

    def tool_counts(self) -> Counter[str]:
        """What the tool columns hold now, to leave out of the lost-element comparison."""
        return subtree_counts(self._tool_cells, self._path)

    # -- tool columns -----------------------------------------------------------------------
    def find_header(self, header_row: int, header: str) -> int | None:
        row = self._row(header_row, create=False)
        if row is None:
            return None
        cells = list(row.iterchildren(_C))
        wanted = {
            int(v.text) for c in cells if c.get("t") == "s" and (v := c.find(_V)) is not None and v.text
        }
        strings = self._strings(wanted) if wanted else {}
        for c in cells:
            if c.get("t") == "s":
                v = c.find(_V)
                text = strings.get(int(v.text)) if v is not None and v.text else None
            else:
                text = self.cell_text(c)
            if text == header:
                return ref_col(self._ref(row, c))
        return None

    def set_tool_column(
        self,
        header_row: int,
        header: str,
        values: dict[int, CellValue],
        value_xf: Callable[[CellValue], int],
        header_xf: int,
    ) -> int:
        for n in values:
            if n <= header_row:
                raise BadInput(
                    f"工作表“{self.name}”：工具列“{header}”的数据行 {n} 不在表头行 {header_row} 之下。"
                )
        col = self.find_header(header_row, header)
        if col is None:
            col = self.last_col() + 1
        self._last_col = max(self.last_col(), col)
        first_time = col not in self.tool_cols
        self.tool_cols.add(col)
        self.modified = True
        old: Counter[str] = Counter()
        rows = sorted({n for n in self._row_keys if n > header_row} | set(values))
        for n in [header_row, *rows]:  # one pass: remember what was there, then write or clear
            c = self.cell(n, col, create=False)
            if c is not None and first_time:
                old.update(el.tag for el in c.iter())
            if n == header_row or n in values:
                value = header if n == header_row else values[n]
                self._put(n, col, value, header_xf if n == header_row else value_xf(value), c)
            elif c is not None:
                self._set_xf(c, self._inherited_xf(self._rows[n], col))
                self.formula_overwritten |= clear_cell(c)
                self._tool_cells.append(c)
        if old:
            self.tool_old += Counter({f"{self._path}//{etree.QName(t).localname}": k for t, k in old.items()})
        self._drop_hyperlinks(col)
        return col

    def _put(self, n: int, col: int, value: CellValue, xf: int, c: etree._Element | None) -> None:
        if c is None:
            c = self.cell(n, col, create=True)
            assert c is not None
        self._tool_cells.append(c)
        where = f"工作表“{self.name}”单元格 {cell_ref(n, col)}"
        self._set_xf(c, xf)  # before the value, so attribute order is the same on every run
        self.formula_overwritten |= set_cell_value(c, value, where)
        self.written[(n, col)] = shown_text(value)

    def _set_xf(self, c: etree._Element, xf: int) -> None:
        if xf:
            c.set("s", str(xf))
        else:
            c.attrib.pop("s", None)

    def _drop_hyperlinks(self, col: int) -> None:
        links = self.root.find(q("hyperlinks"))
        if links is None:
            return
        for link in list(links):
            ref = link.get("ref", "")
            if ref and ":" not in ref and ref_col(ref) == col:
                links.remove(link)
        if len(links) == 0:
            self.root.remove(links)

    def set_width(self, col: int, width: float) -> None:
        cols = child(self.root, "cols", WORKSHEET_ORDER)
        self.modified = True
        for c in list(cols):
            lo, hi = int(c.get("min", "0")), int(c.get("max", "0"))
            if not lo <= col <= hi:
                continue
            if lo < col:  # split a range so only our column changes
                left = etree.Element(c.tag, dict(c.attrib))
                left.set("max", str(col - 1))
                c.addprevious(left)
            if hi > col:
                right = etree.Element(c.tag, dict(c.attrib))
                right.set("min", str(col + 1))
                c.addnext(right)
            c.set("min", str(col))
            c.set("max", str(col))
            c.set("width", f"{width:g}")
            c.set("customWidth", "1")
            return
        new = etree.Element(q("col"), min=str(col), max=str(col), width=f"{width:g}", customWidth="1")
        for c in cols:
            if int(c.get("min", "0")) > col:
                c.addprevious(new)
                return
        cols.append(new)

    # -- tool fills -------------------------------------------------------------------------
    def set_fills(self, fills: dict[str, str | None], kind: str) -> list[str]:
        skipped = []
        for ref, rgb in fills.items():
            n, col = split_ref(ref)
            c = self.cell(n, col, create=rgb is not None)
            if c is None:
                continue
            xf = int(c.get("s", "0"))
            state, state_kind = self.styles.fill_state(xf)
            if state == "user" or (state == "tool" and state_kind != kind):
                skipped.append(f"{col_letter(col)}{n}")
                continue
            if rgb is None and state == "none":
                continue
            new = self.styles.with_fill(xf, rgb)
            if new != xf:
                self._set_xf(c, new)
                self.modified = True
        return skipped

    def clear_fills(self, kind: str, keep: Iterable[str]) -> None:
        keep_set = {k.upper().replace("$", "") for k in keep}
        tool = {str(i) for i in range(self.styles.xf_count()) if self.styles.fill_state(i) == ("tool", kind)}
        if not tool:
            return
        for c in self.data.iter(_C):
            s = c.get("s")
            if s in tool and c.get("r") not in keep_set:
                c.set("s", str(self.styles.with_fill(int(s), None)))
                self.modified = True

    def release(self) -> None:
        """Drop the references to the parsed tree (after serialization) so its memory is freed."""
        self._rows.clear()
        self._row_keys = []
        self._tool_cells = []
        del self.root, self.data

    # -- finishing --------------------------------------------------------------------------
    def finish(self) -> None:
        """Widen the dimension to cover the cells added."""
        dim = self.root.find(q("dimension"))
        if not self.modified or self._created is None or dim is None:
            return
        first, _, end = dim.get("ref", "A1").partition(":")
        r1, c1, r2, c2 = self._created
        try:
            fr, fc = split_ref(first)
            er, ec = split_ref(end or first)
        except BadInput:
            fr, fc, er, ec = r1, c1, r2, c2
        ref = f"{cell_ref(min(fr, r1), min(fc, c1))}:{cell_ref(max(er, r2), max(ec, c2))}"
        dim.set("ref", ref)
