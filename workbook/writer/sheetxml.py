"""Edits to a user's worksheet: tool columns, tool fills, column widths, streamed.

The sheet part is split into a small skeleton (everything but the rows, parsed with lxml: cols,
dimension, merges, hyperlinks, conditional formats, validations, extLst …) and the rows region,
kept as the original bytes of each `<row>` element (sheetbytes.py). A row the tool writes into is
patched as bytes when it has the plain shape Excel, WPS, LibreOffice and the usual libraries write
(every cell `<c r="A1" …>`, no comments or extensions): the tool's cell is located from the end,
replaced or inserted, and the row's other bytes stay as they were. Any other row, and any row a
caller wants as an element (`cell()`, used by user_cells.py), is parsed on its own inside a wrapper
carrying the sheet's namespace declarations and serialized back at the end. Rows nobody touched are
copied byte for byte; the skeleton is re-serialized only when it changed (dimension, cols,
hyperlinks). A cell written as bytes is exactly what lxml writes for the same element (cells.py),
so a rerun changes nothing whichever way a row went."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from lxml import etree

from taizhang.core.errors import BadInput

from .cells import CellValue, cell_rest, clear_cell, formula_in, set_cell_value, shown_text
from .fidelity import subtree_counts
from .sheetbytes import locate, numpy_pays, pieces, skeleton, split_rows, tag_counts
from .styles import StyleBook
from .xmlutil import (
    MAIN,
    cell_ref,
    child,
    col_letter,
    insert_in_order,
    parse,
    q,
    ref_col,
    serialize,
    split_ref,
)

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
_CELL = b'<c r="'
_ROW_END = b"</row>"
_ROW_R = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_ATTR = re.compile(rb'\s([^\s=/>]+)="([^"]*)"')
_SPANS = re.compile(rb'\sspans="(\d+):(\d+)"')
_VALUE = re.compile(rb"<(?:v|is|f)[\s/>]")
_CELL_ATTRS = {b"r", b"s", b"t", b"cm", b"vm", b"ph"}
_MARK = "taizhang-rows-8d41f0"
MAX_COL = 16_384  # XFD, Excel's last column

# a cell in a parsed row, or the tags of one written as bytes
ToolCell: TypeAlias = etree._Element | tuple[str, ...]


def _bcol(ref: bytes) -> int:
    n = 0
    for ch in ref:
        if ch > 64:
            n = n * 26 + (ch & 31)
        else:
            break
    return n


def _attrs(tag: bytes) -> dict[bytes, bytes] | None:
    """The attributes of a plain start tag (double quotes only), None when it is not plain."""
    found = _ATTR.findall(tag)
    if tag.count(b"=") != len(found):
        return None
    return dict(found)


def _plain(seg: bytes) -> bool:
    """A row the writer may patch as bytes: every cell written `<c r="…"`, no comments, no CDATA,
    no processing instructions, no row extensions, an ordinary end tag."""
    if not seg.startswith(b"<row") or b"<!" in seg or b"<?" in seg or b"<extLst" in seg:
        return False
    if not (seg.endswith(_ROW_END) or seg.endswith(b"/>")):
        return False
    cells = seg.count(b"<c")
    plain = seg.count(_CELL)
    if cells != plain:  # rich-text run properties also start with "<c"
        cells -= seg.count(b"<charset") + seg.count(b"<color") + seg.count(b"<condense")
    return cells == plain


def _plain_region(inner: bytes) -> bool:
    """Whether every row of a rows region split by split_rows() is plain (see _plain): a dozen
    scans of the bytes, or one pass with numpy over a big region (the same answer)."""
    return _plain_region_numpy(inner) if numpy_pays(len(inner)) else _plain_region_bytes(inner)


def _plain_region_bytes(inner: bytes) -> bool:
    if b"<!" in inner or b"<?" in inner or b"<extLst" in inner or b"</row " in inner:
        return False
    cells, plain = inner.count(b"<c"), inner.count(_CELL)
    if cells != plain:
        cells -= inner.count(b"<charset") + inner.count(b"<color") + inner.count(b"<condense")
    return cells == plain and inner.count(b"<row") == inner.count(b"<row ") + inner.count(b"<row>")


def _plain_region_numpy(inner: bytes) -> bool:
    """_plain_region_bytes a few MB at a time (each piece ending just after a ">", which no
    pattern runs across), so a big region is never copied whole into arrays."""
    return all(_plain_piece(inner[start:end]) for start, end in pieces(inner))


def _plain_piece(piece: bytes) -> bool:
    """From the bytes after each "<" (every pattern of _plain_region_bytes starts with one and
    holds no other, so its occurrences are the "<"s followed by the rest of it). Counted per
    piece: every "<c" is a plain cell or rich-text run property, every "<row" a plain row."""
    import numpy as np

    a = np.frombuffer(piece + b"\0" * 8, dtype=np.uint8)  # no pattern holds a NUL: none runs past the end

    def followed(at: Any, rest: bytes) -> Any:
        ok = np.ones(len(at), dtype=bool)
        for k, ch in enumerate(rest):
            ok &= a[at + k] == ch
        return ok

    lt = np.flatnonzero(a[: len(piece)] == 60)
    after = a[lt + 1]
    if ((after == 33) | (after == 63)).any():  # "<!", "<?"
        return False
    if followed(lt[after == 47] + 2, b"row ").any() or followed(lt[after == 101] + 2, b"xtLst").any():
        return False
    c = lt[after == 99] + 2  # every "<c", and what follows it
    plain = followed(c, _CELL[2:])
    rest = c[~plain]
    runs = sum(int(np.count_nonzero(followed(rest, run))) for run in (b"harset", b"olor", b"ondense"))
    r = lt[after == 114] + 2
    row = followed(r, b"ow")
    ends = a[r + 2]
    rows, spaced, closed = (int(np.count_nonzero(m)) for m in (row, row & (ends == 32), row & (ends == 62)))
    return len(rest) == runs and rows == spaced + closed


@dataclass
class _ColumnRun:
    """One tool column being written: where, with which styles, and what was seen on the way."""

    col: int
    letter: bytes
    header_row: int
    header_xf: int
    value_xf: Callable[[CellValue], int]
    first_time: bool  # the column was not written before in this run: count what it held
    header: str = ""
    old: Counter[str] = field(default_factory=Counter)
    cache: dict[tuple[type, object, int], tuple[bytes, tuple[str, ...]]] = field(default_factory=dict)
    fast: dict[tuple[type, object, int], tuple[bytes, tuple[str, ...], object]] = field(default_factory=dict)
    appended: list[int] = field(default_factory=list)

    def xf(self, n: int, value: CellValue) -> int:
        return self.header_xf if n == self.header_row else self.value_xf(value)


class SheetEditor:
    def __init__(
        self,
        data: bytes,
        name: str,
        styles: StyleBook,
        strings: Callable[[set[int]], dict[int, str]],
        where: str = "",
    ) -> None:
        self.name = name
        self.styles = styles
        self._strings = strings
        self._where = where or f"工作表“{name}”"
        self._original = data
        self.modified = False
        self.formula_overwritten = False
        self.tool_cols: set[int] = set()
        self.written: dict[tuple[int, int], object] = {}
        layout = locate(data, self._where)
        spans = split_rows(layout.inner, layout.prefix)
        if spans is None:  # a rows region the splitter does not follow: normalize it once with lxml
            root = parse(data, self._where)
            data = serialize(root, data)
            del root
            layout = locate(data, self._where)
            spans = split_rows(layout.inner, layout.prefix)
            if spans is None:
                raise BadInput(f"{self._where} 的行数据无法识别，文件可能已损坏。")
            self._original = data
        self._layout = layout
        self.root = skeleton(layout, self._where)
        sheet_data = self.root.find(q("sheetData"))
        if sheet_data is None:
            sheet_data = etree.Element(q("sheetData"))
            insert_in_order(self.root, sheet_data, WORKSHEET_ORDER)
        self.data = sheet_data
        self._skeleton0 = etree.tostring(self.root, encoding="UTF-8")
        self._path = f"{etree.QName(self.root).localname}/sheetData"
        prefix = layout.prefix
        # rows may be patched as bytes only when a bare <c> is a cell of the main namespace
        self._bytes_ok = prefix == b"" and sheet_data.nsmap.get(None) == MAIN
        data_open = layout.data_tag
        if not data_open or layout.self_closed:
            data_open = b"<" + prefix + b"sheetData>"
        data_name = layout.data_name or prefix + b"sheetData"
        self._wrap_open = layout.root_tag + data_open
        self._wrap_close = b"</" + data_name + b"></" + layout.root_name + b">"
        self._row_open = b"<" + prefix + b"row"
        self._row_close = b"</" + prefix + b"row>"

        inner = layout.inner
        self._gaps: list[bytes] = []
        self._segs: list[bytes] = []
        self._nums: list[int] = []
        self._plain: list[bool | None] = []  # None: not checked yet
        self._index: dict[int, int] = {}
        prev_end, prev_n = 0, 0
        for start, end in spans:
            seg = inner[start:end]
            gt = seg.find(b">")
            m = _ROW_R.search(seg, 0, gt)
            n = int(m.group(1)) if m else prev_n + 1
            self._gaps.append(inner[prev_end:start])
            self._segs.append(seg)
            self._nums.append(n)
            self._plain.append(None if m else False)  # a row without r= gets it when parsed
            self._index[n] = len(self._segs) - 1
            prev_end, prev_n = end, n
        self._end_gap = inner[prev_end:]
        if self._bytes_ok and _plain_region(inner):  # one pass over the region instead of one per row
            self._plain = [True if p is None else p for p in self._plain]
        self._n_orig = len(self._segs)
        self._row_keys = sorted(self._index)
        self._els: dict[int, etree._Element] = {}  # rows parsed for editing, serialized at the end
        self._changed_rows: set[int] = set()
        self._spans: dict[int, tuple[int, int]] = {}  # spans to widen, per row patched as bytes
        self._last_col: int | None = None
        self._created: tuple[int, int, int, int] | None = None  # bounding box of cells we added
        self._letters: dict[int, str] = {}
        self._col_styles: dict[int, int] | None = None
        self.tool_old: Counter[str] = Counter()  # what the tool columns held before this write
        self._tool_cells: dict[object, ToolCell] = {}  # the tool columns' cells now
        # Tool columns and fill clearings wait here and are applied together, one pass over the
        # rows (`_apply`), when fills are set or anything reads the rows; see set_tool_column.
        self._runs: list[tuple[_ColumnRun, dict[int, CellValue]]] = []
        self._clears: list[tuple[str, set[str]]] = []

    # -- rows -------------------------------------------------------------------------------
    def last_row(self) -> int:
        return self._row_keys[-1] if self._row_keys else 0

    def _is_plain(self, i: int) -> bool:
        if not self._bytes_ok or i in self._els:
            return False
        p = self._plain[i]
        if p is None:
            p = self._plain[i] = _plain(self._segs[i])
        return p

    def _parse_row(self, seg: bytes) -> etree._Element:
        root = parse(self._wrap_open + seg + self._wrap_close, self._where)
        return root[0][0]

    def _peek(self, i: int) -> etree._Element:
        """The row as an element, for reading only."""
        el = self._els.get(i)
        return el if el is not None else self._parse_row(self._segs[i])

    def _element(self, i: int) -> etree._Element:
        """The row as an element the caller may change; it is serialized at the end."""
        el = self._els.get(i)
        if el is None:
            self._apply_spans(i)
            el = self._parse_row(self._segs[i])
            if not el.get("r"):
                el.set("r", str(self._nums[i]))
            self._els[i] = el
        return el

    def _new_row(self, n: int) -> int:
        seg = b'%s r="%d">%s' % (self._row_open, n, self._row_close)
        self._gaps.append(b"")
        self._segs.append(seg)
        self._nums.append(n)
        self._plain.append(self._bytes_ok)
        i = len(self._segs) - 1
        self._index[n] = i
        bisect.insort(self._row_keys, n)
        return i

    def _row_index(self, n: int, create: bool) -> int | None:
        i = self._index.get(n)
        if i is None and create:
            i = self._new_row(n)
        return i

    def _row(self, n: int, create: bool) -> etree._Element | None:
        i = self._row_index(n, create)
        return None if i is None else self._element(i)

    def _set_seg(self, i: int, seg: bytes) -> None:
        self._segs[i] = seg
        self._changed_rows.add(i)

    def last_col(self) -> int:
        """The last column holding a value or a merge; tool columns are placed after it."""
        if self._last_col is None:
            last = 0
            for i, seg in enumerate(self._segs):
                if self._is_plain(i):
                    hi = len(seg)
                    while True:
                        s = seg.rfind(_CELL, 0, hi)
                        if s < 0:
                            break
                        gt = seg.find(b">", s)
                        if seg[gt - 1] != 47:  # not <c …/>
                            end = seg.find(b"</c>", gt)
                            if _VALUE.search(seg, gt, end):
                                last = max(last, _bcol(seg[s + 6 : seg.find(b'"', s + 6)]))
                                break
                        hi = s
                else:
                    row = self._peek(i)
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
            n = int(row.get("r") or "0")
            for cell in row.iterchildren(_C):
                r = cell.get("r")
                col = ref_col(r) if r else col + 1
                if not r and n:
                    cell.set("r", cell_ref(n, col))
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

    def cell(self, n: int, col: int, create: bool) -> etree._Element | None:
        """The cell as an element of its (parsed) row; the row is written back at the end."""
        self._apply()
        row = self._row(n, create)
        if row is None:
            return None
        return self._el_cell(row, n, col, create)

    def _el_cell(self, row: etree._Element, n: int, col: int, create: bool) -> etree._Element | None:
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
        new = etree.SubElement(row, _C, r=f"{self._letter(col)}{n}")  # created in the row's namespace
        self._grow_box(n, col)
        base = self._inherited_xf(row.get("s"), row.get("customFormat"), col)
        if base:
            new.set("s", str(base))
        if after is not None:
            after.addnext(new)
        else:
            row.insert(0, new)
        spans = row.get("spans")
        if spans and re.fullmatch(r"\d+:\d+", spans):
            lo, hi = (int(x) for x in spans.split(":"))
            if col < lo or col > hi:
                row.set("spans", f"{min(lo, col)}:{max(hi, col)}")
        return new

    def _grow_box(self, n: int, col: int) -> None:
        box = self._created or (n, col, n, col)
        if n < box[0] or col < box[1] or n > box[2] or col > box[3]:
            box = (min(box[0], n), min(box[1], col), max(box[2], n), max(box[3], col))
        self._created = box

    def _letter(self, col: int) -> str:
        letter = self._letters.get(col)
        if letter is None:
            letter = self._letters[col] = col_letter(col)
        return letter

    def _inherited_xf(self, row_s: str | None, custom: str | None, col: int) -> int:
        """A new cell must keep the look the empty cell had: the row's format, else the column's."""
        if row_s and custom in ("1", "true"):
            return int(row_s)
        if self._col_styles is None:
            self._col_styles = {}
            cols = self.root.find(q("cols"))
            for c in cols if cols is not None else []:
                if c.get("style"):
                    lo, hi = int(c.get("min", "0")), int(c.get("max", "0"))
                    for k in range(lo, min(hi, 16384) + 1):
                        self._col_styles[k] = int(c.get("style", "0"))
        return self._col_styles.get(col, 0)

    # -- cells of plain rows, as bytes --------------------------------------------------------
    def _find(self, seg: bytes, col: int) -> tuple[int, int, bool]:
        """(start, end, True) of the cell in column `col`, or (at, at, False): where it goes."""
        if seg.endswith(b"/>") and not seg.endswith(_ROW_END):
            return -1, -1, False  # <row …/>: no cells yet
        hi = at = len(seg) - len(_ROW_END)
        while True:
            s = seg.rfind(_CELL, 0, hi)
            if s < 0:
                return at, at, False
            cc = _bcol(seg[s + 6 : seg.find(b'"', s + 6)])
            if cc == col:
                gt = seg.find(b">", s)
                end = gt + 1 if seg[gt - 1] == 47 else seg.find(b"</c>", gt) + 4
                return s, end, True
            if cc < col:
                return at, at, False
            at = hi = s

    def _row_attrs(self, seg: bytes) -> dict[bytes, bytes] | None:
        return _attrs(seg[: seg.find(b">") + 1])

    def _insert(self, i: int, n: int, col: int, at: int, cell: bytes) -> None:
        """Put a new cell's bytes into row i at `at` (-1: the row is `<row …/>`)."""
        seg = self._segs[i]
        if at < 0:  # open a self-closed row
            seg = seg[:-2].rstrip() + b">" + _ROW_END
            at = len(seg) - len(_ROW_END)
        self._set_seg(i, seg[:at] + cell + seg[at:])
        self._grow_box(n, col)
        self._widen(i, col, col)

    def _widen(self, i: int, lo: int, hi: int) -> None:
        """Note that row i's spans must cover lo:hi; applied once per row (_apply_spans)."""
        have = self._spans.get(i)
        self._spans[i] = (lo, hi) if have is None else (min(have[0], lo), max(have[1], hi))

    def _apply_spans(self, i: int) -> None:
        want = self._spans.pop(i, None)
        if want is None:
            return
        seg = self._segs[i]
        m = _SPANS.search(seg, 0, seg.find(b">"))
        if m:
            lo, hi = int(m.group(1)), int(m.group(2))
            if want[0] < lo or want[1] > hi:
                new = b' spans="%d:%d"' % (min(lo, want[0]), max(hi, want[1]))
                self._segs[i] = seg[: m.start()] + new + seg[m.end() :]

    def _new_cell_xf(self, i: int, col: int) -> int | None:
        attrs = self._row_attrs(self._segs[i])
        if attrs is None:
            return None
        s, custom = attrs.get(b"s"), attrs.get(b"customFormat")
        return self._inherited_xf(s.decode() if s else None, custom.decode() if custom else None, col)

    # -- the fidelity bookkeeping -------------------------------------------------------------
    def _key(self, c: etree._Element) -> object:
        ref = c.get("r")
        return split_ref(ref) if ref else ("cell", id(c))

    def tool_counts(self) -> Counter[str]:
        """What the tool columns hold now, to leave out of the lost-element comparison."""
        self._apply()
        elements = [c for c in self._tool_cells.values() if isinstance(c, etree._Element)]
        out = subtree_counts(elements, self._path)
        tags: Counter[tuple[str, ...]] = Counter(c for c in self._tool_cells.values() if isinstance(c, tuple))
        for names, k in tags.items():
            for name in names:
                out[f"{self._path}//{name}"] += k
        return out

    # -- tool columns -----------------------------------------------------------------------
    def find_header(self, header_row: int, header: str) -> int | None:
        i = self._index.get(header_row)
        if i is None:
            return None
        row = self._peek(i)
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
        """Write a tool column: the header in `header_row`, `values` below it, every other cell
        of the column below the header cleared. Returns the column (1-based).

        The column is staged: the tool columns of a job, the clearing of its old fills and its
        new fills are applied in one pass over the rows, so a row gets all of its tool cells in
        one edit (appended together when they go after its last cell, the usual case)."""
        above = [n for n in values if n <= header_row]
        if above:  # the caller's mistake, not the user's: the header would be overwritten
            raise ValueError(f"tool column {header!r}: rows {above[:5]} are not below header row {header_row}")
        if any(run.header_row == header_row and run.header == header for run, _v in self._runs):
            self._apply()  # the same column again: the first write is found in the header row
        col = self._tool_column(header_row, header)
        run = _ColumnRun(col, self._letter(col).encode(), header_row, header_xf, value_xf, col not in self.tool_cols,
                         header=header)
        self.tool_cols.add(col)
        self.modified = True
        self._runs.append((run, values))
        return col

    def _apply(self, fills: dict[tuple[int, int], str | None] | None = None, kind: str = "") -> list[str]:
        """Apply the staged tool columns, clearings and `fills` in one pass over the rows: in each
        row the clearing, the tool cells (in column order, a fill of a new one set as it is
        written), then the other fills: the same as columns, clearing and fills each going over
        every row in turn, since a tool cell is never written with a tool fill. Returns the cells
        whose fill was left alone."""
        runs = sorted(self._runs, key=lambda rv: rv[0].col)
        clears, self._runs, self._clears = self._clears, [], []
        wanted: dict[int, list[tuple[int, str | None]]] = {}
        for (n, col), rgb in (fills or {}).items():
            wanted.setdefault(n, []).append((col, rgb))
        if not runs and not clears and not wanted:
            return []
        for run, values in runs:  # the rows the columns and fills write into exist from here on
            for n in (run.header_row, *values):
                self._row_index(n, create=True)
        for n, cells in wanted.items():
            if any(rgb is not None for _c, rgb in cells):
                self._row_index(n, create=True)
        clearing = [self._clearing(kind_, keep) for kind_, keep in clears]
        skipped: list[str] = []
        for n in list(self._row_keys):
            i = self._index[n]
            for clear in clearing:  # first: the tool cells written below never hold a tool fill
                if clear is not None:
                    self._clear_fills_row(i, *clear)
            if runs:
                done = self._tool_cells_of(runs, n, wanted.get(n), kind)
                if done:  # filled as they were written
                    wanted[n] = [(col, rgb) for col, rgb in wanted[n] if col not in done]
            for col, rgb in wanted.get(n, ()):
                state = self._fill_bytes(i, n, col, rgb, kind) if self._is_plain(i) else None
                if state is None:
                    state = self._fill_element(i, n, col, rgb, kind)
                if state == "skipped":
                    skipped.append(f"{col_letter(col)}{n}")
        for run, _values in runs:
            if run.appended:
                self._grow_box(min(run.appended), run.col)
                self._grow_box(max(run.appended), run.col)
            if run.old:
                self.tool_old += Counter({f"{self._path}//{t}": k for t, k in run.old.items()})
            self._drop_hyperlinks(run.col)
        return skipped

    def _tool_cells_of(self, runs: list[tuple[_ColumnRun, dict[int, CellValue]]], n: int,
                       fills: list[tuple[int, str | None]] | None, kind: str) -> set[int]:
        """Row n's cells of the staged tool columns: appended together as bytes when the row is
        plain and they all go after its last cell (with their fills, returning those columns),
        else one by one by the cheapest path."""
        todo = [(run, n == run.header_row or n in values, run.header if n == run.header_row else values.get(n))
                for run, values in runs if n >= run.header_row]
        i = self._index[n]
        if (todo and self._bytes_ok and self._plain[i] and i not in self._els
                and self._ends_left_of(i, todo[0][0].col)):
            return self._append_all(i, n, [(run, value) for run, put, value in todo if put], dict(fills or ()), kind)
        for run, put, value in todo:
            self._tool_cell(run, n, put, value)
        return set()

    def _append_all(self, i: int, n: int, cells: list[tuple[_ColumnRun, CellValue]],
                    fills: dict[int, str | None], kind: str) -> set[int]:
        filled: set[int] = set()
        if not cells:
            return filled  # nothing to clear right of the row's last cell
        parts = [self._segs[i][:-6]]
        num = b'%d"' % n
        written, tool_cells = self.written, self._tool_cells
        for run, value in cells:
            col = run.col
            xf = run.header_xf if n == run.header_row else run.value_xf(value)
            # Filled as it is written, unless the fill goes its usual way: a skipped cell (the usual
            # path reports it), and a cell without a format (the fill's `s` then goes after `t`).
            if xf and col in fills:
                new = self._refilled(xf, fills[col], kind)
                if new != "skipped":
                    filled.add(col)
                    xf = new if isinstance(new, int) else xf
            key = (type(value), value, xf)
            hit = run.fast.get(key)
            if hit is None:
                where = f"工作表“{self.name}”单元格 {run.letter.decode()}{n}"
                hit = run.fast[key] = (*cell_rest(xf, value, where), shown_text(value))
            parts += (_CELL, run.letter, num, hit[0])
            run.appended.append(n)
            written[n, col] = hit[2]
            tool_cells[n, col] = hit[1]
        parts.append(_ROW_END)
        self._segs[i] = b"".join(parts)
        self._changed_rows.add(i)
        self._widen(i, cells[0][0].col, cells[-1][0].col)
        return filled

    def _tool_column(self, header_row: int, header: str) -> int:
        """The column already headed `header`, else the one after the last used column."""
        col = self.find_header(header_row, header)
        if col is None:
            col = self.last_col() + 1
            if col > MAX_COL:
                raise BadInput(
                    f"{self._where} 的最后一列（{col_letter(MAX_COL)} 列）已有内容，没有位置添加工具列“{header}”。"
                    "请在 Excel 中删除表格右侧远处多余的内容（选中多余的列后删除，再保存）后重试。"
                )
        self._last_col = max(self.last_col(), col)
        return col

    def _tool_cell(self, run: _ColumnRun, n: int, put: bool, value: CellValue) -> None:
        """Write (put) or clear the tool column's cell in row n, by the cheapest path the row allows."""
        i = self._index.get(n)
        if i is None:
            if not put:
                return
            i = self._new_row(n)
        if self._bytes_ok and self._plain[i] and i not in self._els and self._ends_left_of(i, run.col):
            if put:
                self._append_bytes(run, i, n, value)
            return  # nothing to clear right of the row's last cell
        xf = run.xf(n, value) if put else 0
        if self._is_plain(i) and self._put_bytes(i, n, run.col, run.letter, put, value, xf, run.first_time,
                                                 run.old, run.cache):
            return
        self._tool_cell_element(run, i, n, put, value, xf)

    def _ends_left_of(self, i: int, col: int) -> bool:
        seg = self._segs[i]
        s = seg.rfind(_CELL)
        return seg.endswith(_ROW_END) and (s < 0 or _bcol(seg[s + 6 : seg.find(b'"', s + 6)]) < col)

    def _append_bytes(self, run: _ColumnRun, i: int, n: int, value: CellValue) -> None:
        """The common case: the tool cell goes after the row's last cell, as bytes."""
        xf = run.xf(n, value)
        key = (type(value), value, xf)
        hit = run.fast.get(key)
        if hit is None:
            where = f"工作表“{self.name}”单元格 {run.letter.decode()}{n}"
            hit = run.fast[key] = (*cell_rest(xf, value, where), shown_text(value))
        seg = self._segs[i]
        self._segs[i] = b"".join((seg[:-6], _CELL, run.letter, b'%d"' % n, hit[0], _ROW_END))
        self._changed_rows.add(i)
        self._widen(i, run.col, run.col)
        run.appended.append(n)
        self.written[(n, run.col)] = hit[2]
        self._tool_cells[(n, run.col)] = hit[1]

    def _tool_cell_element(self, run: _ColumnRun, i: int, n: int, put: bool, value: CellValue, xf: int) -> None:
        """Any other row: parsed, and the cell written or cleared as an element."""
        row = self._element(i)
        c = self._el_cell(row, n, run.col, create=False)
        if c is not None and run.first_time:
            run.old.update(_local_name(el.tag) for el in c.iter())
        if put:
            self._put(n, run.col, value, xf, c)
        elif c is not None:
            self._set_xf(c, self._inherited_xf(row.get("s"), row.get("customFormat"), run.col))
            self.formula_overwritten |= clear_cell(c)
            self._tool_cells[(n, run.col)] = c

    def _put_bytes(
        self,
        i: int,
        n: int,
        col: int,
        letter: bytes,
        put: bool,
        value: CellValue,
        xf: int,
        first_time: bool,
        old: Counter[str],
        cache: dict[tuple[type, object, int], tuple[bytes, tuple[str, ...]]],
    ) -> bool:
        """Write (put) or clear the tool cell of a plain row as bytes; False: use the element path."""
        seg = self._segs[i]
        start, end, found = self._find(seg, col)
        if found:
            cell = seg[start:end]
            attrs = _attrs(cell[: cell.find(b">") + 1])
            if attrs is None or not attrs.keys() <= _CELL_ATTRS:
                return False
        elif not put:
            return True  # nothing to clear
        ref = letter + b"%d" % n
        if put:
            shown = shown_text(value)
            key = (type(shown), shown, xf)
            rest = cache.get(key)
            if rest is None:
                rest = cell_rest(xf, value, f"工作表“{self.name}”单元格 {ref.decode()}")
                cache[key] = rest
            self.written[(n, col)] = shown
        else:
            inherited = self._new_cell_xf(i, col)
            if inherited is None:
                return False
            rest = cell_rest(inherited, None, "")
        new = _CELL + ref + b'"' + rest[0]
        if found:
            if first_time:
                old.update(tag_counts(cell))
            self.formula_overwritten |= formula_in(cell)
            if new != cell:
                self._set_seg(i, seg[:start] + new + seg[end:])
        else:
            self._insert(i, n, col, start, new)
        self._tool_cells[(n, col)] = rest[1]
        return True

    def _put(self, n: int, col: int, value: CellValue, xf: int, c: etree._Element | None) -> None:
        if c is None:
            c = self.cell(n, col, create=True)
            assert c is not None
        self._tool_cells[(n, col)] = c
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

    def width_of(self, col: int) -> float:
        """The column's width as the sheet sets it, else the sheet's default, else Excel's 8.43."""
        cols = self.root.find(q("cols"))
        for c in cols if cols is not None else ():
            if int(c.get("min", "0")) <= col <= int(c.get("max", "0")) and c.get("width"):
                return float(c.get("width", "8.43"))
        fmt = self.root.find(q("sheetFormatPr"))
        default = fmt.get("defaultColWidth") if fmt is not None else None
        return float(default) if default else 8.43

    def raise_row_height(self, n: int, points: float) -> None:
        """Make row n at least `points` tall, never lower: the user's header row, when a tool
        column's header needs more lines than the row shows."""
        fmt = self.root.find(q("sheetFormatPr"))
        default = float(fmt.get("defaultRowHeight", "15")) if fmt is not None else 15.0
        i = self._row_index(n, create=True)
        assert i is not None
        row = self._peek(i)
        if float(row.get("ht") or default) + 0.05 >= points:
            return
        row = self._element(i)
        row.set("ht", f"{points:g}")
        row.set("customHeight", "1")
        self.modified = True

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
    def set_fills(self, fills: dict[tuple[int, int], str | None], kind: str) -> list[str]:
        """Colour cells, by (row, column) (the staged tool columns and clearings go in the same pass)."""
        return self._apply(fills, kind)

    def _fill_state_skips(self, xf: int, kind: str) -> bool:
        state, state_kind = self.styles.fill_state(xf)
        return state == "user" or (state == "tool" and state_kind != kind)

    def _fill_element(self, i: int, n: int, col: int, rgb: str | None, kind: str) -> str:
        c = self._el_cell(self._element(i), n, col, create=rgb is not None)
        if c is None:
            return "none"
        xf = int(c.get("s", "0"))
        new = self._refilled(xf, rgb, kind)
        if isinstance(new, str):
            return new
        if new != xf:
            self._set_xf(c, new)
            self.modified = True
        return "done"

    def _refilled(self, xf: int, rgb: str | None, kind: str) -> int | str:
        """The cell style after the fill change, or why there is none: "skipped" (the user's own
        fill, or another job's), "none" (nothing to clear)."""
        if self._fill_state_skips(xf, kind):
            return "skipped"
        if rgb is None and self.styles.fill_state(xf)[0] == "none":
            return "none"
        return self.styles.with_fill(xf, rgb)

    def _fill_bytes(self, i: int, n: int, col: int, rgb: str | None, kind: str) -> str | None:
        seg = self._segs[i]
        start, _end, found = self._find(seg, col)
        if not found:
            if rgb is None:
                return "none"
            base = self._new_cell_xf(i, col)
            if base is None:
                return None
            cell = _CELL + self._letter(col).encode() + b'%d"' % n + cell_rest(base, None, "")[0]
            self._insert(i, n, col, start, cell)
            seg = self._segs[i]
            start = self._find(seg, col)[0]
        gt = seg.find(b">", start)
        tag = seg[start : gt + 1]
        attrs = _attrs(tag)
        if attrs is None:
            return None
        xf = int(attrs.get(b"s", b"0"))
        new = self._refilled(xf, rgb, kind)
        if isinstance(new, str):
            return new
        if new != xf:
            self._set_seg(i, seg[:start] + _with_s(tag, new if new else None) + seg[gt + 1 :])
            self.modified = True
        return "done"

    def clear_fills(self, kind: str, keep: Iterable[str]) -> None:
        """Clear the tool's fills of `kind` except on `keep` (staged, see set_tool_column)."""
        self._clears.append((kind, {k.upper().replace("$", "") for k in keep}))

    def _clearing(self, kind: str, keep: set[str]) -> tuple[re.Pattern[bytes], set[str], set[str]] | None:
        """What clearing a kind needs, worked out once per pass: None when no format has its fills."""
        tool = sorted(i for i in range(self.styles.xf_count()) if self.styles.fill_state(i) == ("tool", kind))
        if not tool:
            return None
        found = re.compile(rb'\ss="(?:' + b"|".join(b"%d" % i for i in tool) + rb')"')
        return found, {str(i) for i in tool}, keep

    def _clear_fills_row(self, i: int, found: re.Pattern[bytes], tool_s: set[str], keep: set[str]) -> None:
        if i not in self._els and not found.search(self._segs[i]):
            return
        if self._is_plain(i) and self._clear_fills_bytes(i, found, keep):
            return
        for c in self._element(i).iter(_C):
            s = c.get("s")
            if s in tool_s and c.get("r") not in keep:
                c.set("s", str(self.styles.with_fill(int(s), None)))
                self.modified = True

    def _clear_fills_bytes(self, i: int, found: re.Pattern[bytes], keep: set[str]) -> bool:
        seg = self._segs[i]
        edits = []
        for m in found.finditer(seg):
            s = seg.rfind(b"<", 0, m.start())
            gt = seg.find(b">", s)
            if not seg.startswith(_CELL, s) or gt < m.end():
                continue  # the row's own style, or not in a cell's start tag
            tag = seg[s : gt + 1]
            attrs = _attrs(tag)
            if attrs is None:
                return False
            if attrs[b"r"].decode() in keep:
                continue
            edits.append(
                (s, gt + 1, _with_s(tag, self.styles.with_fill(int(attrs[b"s"]), None), keep_zero=True))
            )
        for s, e, tag in reversed(edits):
            seg = seg[:s] + tag + seg[e:]
        if edits:
            self._set_seg(i, seg)
            self.modified = True
        return True

    def release(self) -> None:
        """Drop the rows (after serialization) so their memory is freed."""
        self._segs, self._gaps, self._nums, self._plain = [], [], [], []
        self._els.clear()
        self._index.clear()
        self._row_keys = []
        self._tool_cells.clear()
        self._original = b""

    # -- finishing --------------------------------------------------------------------------
    def finish(self) -> None:
        """Apply what is staged; widen the dimension to cover the cells added."""
        self._apply()
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

    def serialize(self) -> bytes:
        """The sheet part: the original bytes of every row nobody changed, the changed rows, and
        the original head and tail unless the skeleton changed."""
        self._apply()
        new_rows = sorted(range(self._n_orig, len(self._segs)), key=self._nums.__getitem__)
        out: list[bytes] = []
        k = 0
        for i in range(self._n_orig):
            n = self._nums[i]
            while k < len(new_rows) and self._nums[new_rows[k]] < n:
                out.append(self._row_bytes(new_rows[k]))
                k += 1
            out.append(self._gaps[i])
            out.append(self._row_bytes(i))
        out.extend(self._row_bytes(j) for j in new_rows[k:])
        out.append(self._end_gap)
        has_rows = bool(self._segs) or bool(self._end_gap.strip())
        layout = self._layout
        same_skeleton = etree.tostring(self.root, encoding="UTF-8") == self._skeleton0
        # joined once with what surrounds the rows: a big sheet's bytes are copied once, not thrice
        if same_skeleton and not (has_rows and (layout.self_closed or layout.data_name is None)):
            return b"".join((layout.head, *out, layout.tail))
        self.data.text = _MARK
        text = serialize(self.root, self._original)
        self.data.text = None
        mark = _MARK.encode()
        if text.count(mark) != 1:
            raise BadInput(f"{self._where} 无法重新写出。")
        head, tail = text.split(mark)
        return b"".join((head, *out, tail))

    def _row_bytes(self, i: int) -> bytes:
        el = self._els.get(i)
        if el is None:
            self._apply_spans(i)
            return self._segs[i]
        out = etree.tostring(el.getparent().getparent(), encoding="UTF-8", xml_declaration=False)
        a = out.index(b">", out.index(b">") + 1) + 1  # after the wrapper's two start tags
        b = out.rindex(b"</", 0, out.rindex(b"</"))
        return out[a:b]


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else "#node"


def _with_s(tag: bytes, xf: int | None, keep_zero: bool = False) -> bytes:
    """A cell start tag with s set (kept in place, else appended, as lxml does) or removed (None)."""
    m = re.search(rb'\ss="[^"]*"', tag)
    if xf is None or (xf == 0 and not keep_zero):
        return tag if m is None else tag[: m.start()] + tag[m.end() :]
    new = b' s="%d"' % xf
    if m is not None:
        return tag[: m.start()] + new + tag[m.end() :]
    end = len(tag) - (2 if tag.endswith(b"/>") else 1)
    return tag[:end].rstrip() + new + tag[end:]
