"""A unit's workbook for `taizhang split`, built as a NEW workbook from the unit's rows only, so
nothing of the master (other units' rows, names, styles, caches) can travel with it. Written as
bytes (workbook/unit_pack.py): a `UnitPacker` renders what every book of a split shares once.

Sheets: 台账 (the unit's cases, fillable cells unlocked and tinted, the rest protected),
填报说明, and a hidden 分发校验 sheet: A1 holds MARKER (found by content, so a renamed sheet still
works), rows 2–8 the metadata (META_KEYS: 单位, 年度, 分发日期, 台账版本, 列, 分发编号, 校验码), then
below row META_TABLE_ROW one record per case (RECORD_HEADERS: 编号, 承办方式, 指纹, 分发时值 as JSON).
The records are for the unit's reference only: a merge trusts the master's 分发明细, and the 校验码
(a keyed MAC whose key stays in the master) ties the file to it. What is fillable and what a record holds is taizhang.core.exchange's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

from taizhang.core.columns import BY_NAME, Col, Kind
from taizhang.core.enums import Role
from taizhang.core.exchange import FILLABLE, META_KEYS, RECORD_HEADERS, RowRecord, fillable
from taizhang.core.model import column_letter
from taizhang.core.names import INSTRUCTIONS_SHEET, LEDGER_SHEET
from taizhang.workbook import unit_pack as up
from taizhang.workbook.writer.measure import (
    CELL_PADDING,
    DEFAULT_SIZE,
    DEFAULT_WIDTH,
    MAX_HEIGHT,
    MAX_WIDTH,
    MIN_WIDTH,
    CellText,
    fit,
    longest_line_units,
    text_units,
)

META_SHEET = "分发校验"
INSTRUCTIONS_WIDTH = 72  # one column of wrapped lines inside portrait A4: LibreOffice never shrinks a lone column to fit
MARKER = "台账助手分发校验数据（请勿修改）"
META_TABLE_ROW = 10  # header of the per-case table; cases below it
INFO_HEADERS = ("本单位承办方式", "当前环节", "截止日期", "办理状态")
DUE_COLUMN = 2  # 截止日期: the one information column holding a date
WRAPPED = (Col.TITLE, Col.PROGRESS, Col.CO_UNITS, Col.EXTENSION_REASON, Col.RETURN_REASON)
WRAPPED_WIDTH = 28
CACHED = 300_000  # distinct values remembered across the books of a split
SHORT = 24  # longer texts are mostly one case's own: not kept
TEXT_WIDTH = 14  # other texts (编号, 届次会次 …) wrap beyond this width
DATE_WIDTH = round(text_units("2026-05-20") + CELL_PADDING, 1)


@dataclass
class UnitRow:
    """One case as its unit receives it: the cell values, the deadline as the unit sees it, and what
    the split records of it for the merge."""

    number: str
    values: dict[str, Any]  # canonical name -> cell value
    stage: str | None
    due: date | None
    status: str | None
    record: RowRecord
    index: int = -1  # the case's place in the columns the packer was loaded with (-1: by its values)

    @property
    def role(self) -> str:
        return self.record.role

    @property
    def fillable(self) -> tuple[str, ...]:
        return fillable(self.record.role)


@dataclass
class UnitBook:
    unit: str
    year: int
    split_date: date
    version: str
    columns: list[str]
    rows: list[UnitRow]
    class_scheme: str = "A/B/C"
    password: str | None = None
    office: str | None = None
    split_id: str = ""
    mac: str = ""


def instructions(book: UnitBook) -> list[str]:
    host = "、".join(fillable(Role.HOST))
    co = "、".join(fillable(Role.CO))
    return [
        f"{book.unit}：本工作簿列出贵单位承办的 {book.year} 年建议提案，共 {len(book.rows)} 件。",
        "1. “本单位承办方式”一列说明贵单位是该件的主办单位还是协办单位。",
        "2. 只需填写浅黄色单元格，其余内容已锁定，请勿改动。",
        f"3. 主办单位填写：{host}。" if host else "",
        f"4. 协办单位只填写：{co}（协办意见请直接送主办单位）。" if co else "",
        "5. 日期请填写为日期格式，如 2026-05-20；办理结果、代表意见、公开属性请从下拉选项中选择。",
        "6. “当前环节”“截止日期”“办理状态”是分发当天的计算结果，仅供参考。",
        "7. 请不要增删行、不要调整表格结构，也不要把其他单位的内容复制进来；可以排序、筛选、改文件名。",
        f"8. 填好后请把本文件回传给{book.office or '分发本表的单位'}，Excel、WPS 保存的 .xlsx 或 .xls 均可。",
        f"分发日期：{book.split_date.isoformat()}" + (f"；分发单位：{book.office}" if book.office else ""),
    ]


Risky = tuple[int, str, float, bool]  # (0-based column, text, longest line, wraps): lines depend on widths


@dataclass(slots=True)
class Described:
    """A value of a column made ready once for every cell of that column holding it: its XML after
    the cell's format, and what it asks of the layout."""

    xml: str  # `/>` or ` t="…">…</c>`
    want: float  # the width it asks for (0: none)
    fixed: float  # the width a number or date needs whole (0: none)
    points: float  # the row height it needs whatever the widths (0: none, or it is risky)
    risky: Risky | None  # when its line count depends on the book's widths


@dataclass(slots=True)
class Prepared:
    """The information cells of a row (role, stage, deadline, status): few distinct, made once."""

    xml: bytes  # the cells, b"\0" where the row number goes
    want: tuple[float, ...]
    fixed: tuple[float, ...]
    points: float
    risky: tuple[Risky, ...]


class UnitPacker:
    """What every unit book of one split shares, made once: the header row, the widths the
    headers ask for, the drop-downs, the protection, and the cases' cells, column by column
    (`load`: each distinct value of a column rendered and measured once). `write` then puts one
    book's rows together from those columns and zips them with the shared parts."""

    def __init__(self, columns: list[str], class_scheme: str = "A/B/C", password: str | None = None) -> None:
        self.columns = columns
        self.headers = [*INFO_HEADERS, *columns]
        self.letters = [column_letter(i) for i in range(len(self.headers))]
        self.last = self.letters[-1]
        kinds = [BY_NAME[name].kind for name in columns]
        self.date_format = [False] * len(INFO_HEADERS) + [k is Kind.DATE for k in kinds]
        self.wraps = [True] * len(INFO_HEADERS) + [k not in up.FIXED_KINDS for k in kinds]
        # Long texts wrap in a column of their usual width; every other column is as wide as its
        # content. A date column is as wide as a date, filled in or not.
        headers = self.headers
        self.given = {i: min(BY_NAME[n].width, WRAPPED_WIDTH) for i, n in enumerate(headers, start=1) if n in WRAPPED}
        self.given |= {i: DATE_WIDTH for i, n in enumerate(headers, start=1)
                       if n in BY_NAME and BY_NAME[n].kind is Kind.DATE}
        self.header_widths = up.header_widths(headers, TEXT_WIDTH)
        self.header_row = "".join(f'<c r="{letter}2" s="{up.XF_HEADER}" t="inlineStr"><is><t>{up.escape(h)}</t></is></c>'
                                  for letter, h in zip(self.letters, headers, strict=True))
        fillable_names = {n for names in FILLABLE.values() for n in names}
        self.validations = {name: v for name in sorted(fillable_names & set(columns))
                            if (v := up.validation(name, BY_NAME[name].kind, class_scheme)) is not None}
        self.hash = f' password="{up.password_hash(password)}"' if password else ""
        self.measured = up.Measured()
        self._info: dict[tuple[Any, ...], Prepared] = {}
        self._prefixes: dict[tuple[str, ...], list[str]] = {}
        # Each cell's format follows from its column, the unit's role (what it fills) and, in the
        # information columns, whether the value is a date.
        n = len(INFO_HEADERS)
        text, day = up.BODY_XF[(True, False, False, True)], up.BODY_XF[(True, True, False, False)]
        self.info_xf = [[text] * n, [day if c == DUE_COLUMN else text for c in range(n)]]  # by: is the deadline a date?
        self.by_case: list[tuple[str, ...]] = []  # per case, per data column: the cell's XML after its format
        self.steady: set[int] = set()  # 0-based columns as wide in every book (`_settled`)
        self.sizing: list[list[float]] = []  # `want` of the columns it can size, [] for the others
        self.widening: list[list[float]] = []  # `fixed` of the columns a number or date can widen
        self.points: list[float] = []  # per case: the height its cells need whatever the widths
        self.risky: dict[int, list[Risky]] = {}  # case -> cells whose lines depend on the widths
        self._rows: dict[int, int] = {}  # id of a row's values -> its case, when loaded from rows
        self._rooms: dict[int, float] = {}  # per column, the narrowest room a cell of it has had

    # -- the cases, column by column ------------------------------------------------------------
    def load(self, cells: list[list[Any]]) -> None:
        """The split's cells: one list per column of `columns`, one value per case (a `UnitRow`'s
        `index` is its case's place in them)."""
        n = len(INFO_HEADERS)
        cases = len(cells[0]) if cells else 0
        self.points = [0.0] * cases
        self.risky = {}
        xml: list[list[str]] = []
        want: list[list[float]] = []  # per data column, per case: what the cell asks of its width
        fixed: list[list[float]] = []  # and what a number or date needs whole
        settled: dict[int, list[tuple[int, Risky]]] = {}  # column -> its cells measured once per case
        widths: dict[int, float] = {}  # the settled columns' widths
        self.steady = set()
        for k, column in enumerate(cells):
            c = n + k
            described = self._described(c, column)
            found = list(map(described.__getitem__, column if _plain(column) else map(_key, column)))
            xml.append(list(map(_XML, found)))
            want.append(list(map(_WANT, found)))
            fixed.append(list(map(_FIXED, found)))
            self.points = list(map(max, self.points, map(_POINTS, found)))  # a risky cell's points are 0
            settle = self._settled(c, described.values())
            if settle is not None:
                widths[c], asking = settle
                if asking is None:
                    self.steady.add(c)
                settled[c] = []
            if any(d.risky is not None for d in described.values()):
                self._place_risky(found, settled.get(c), settle[1] if settle else None)
        self._settle(settled, widths)
        self.sizing = [column if self._sizes(c, column) else [] for c, column in enumerate(want, start=n)]
        self.widening = [column if c not in self.steady and any(column) else []
                         for c, column in enumerate(fixed, start=n)]
        self.by_case = list(zip(*xml, strict=True)) if xml else [()] * cases
        # The cell likely to need the most lines first: the others are then mostly bounded out.
        for risky in self.risky.values():
            if len(risky) > 1:
                risky.sort(key=self._crowding, reverse=True)

    def _place_risky(self, found: list[Described], settled: list[tuple[int, Risky]] | None,
                     asking: float | None) -> None:
        """A column's risky cells: to `settled` (the column's, when it is settled) those that wrap
        and ask `asking` (None: any), to be measured once per case; the others to `risky`, per book."""
        for i, d in enumerate(found):
            if d.risky is not None:
                if settled is not None and d.risky[3] and asking in (None, d.want):
                    settled.append((i, d.risky))
                else:
                    self.risky.setdefault(i, []).append(d.risky)

    def _sizes(self, c: int, want: list[float]) -> bool:
        """Whether what column `c`'s cells ask can size it in some book: not when its width is
        given, nor when even the most any cell asks stays within what its header asks."""
        most = max(want, default=0.0)
        if c + 1 in self.given or not most:
            return False
        return up.tenths(min(max(most, MIN_WIDTH), MAX_WIDTH)) > self.header_widths.get(c + 1, 0.0)

    def _settled(self, c: int, described: Iterable[Described]) -> tuple[float, float | None] | None:
        """(width, asking) when column `c` (0-based) is that wide in every book holding one of its
        cells that asks `asking` (None: any cell). Its wrapping cells then take as many lines in
        every such book. A given width is the column's in every book, and the widest a wrapping
        cell asks (TEXT_WIDTH) makes it as wide in every book holding that cell, unless a number
        or date in it widens it further."""
        given = self.given.get(c + 1)
        if given is not None:
            width, asking = given, None
        elif self.wraps[c]:
            width = max(self.header_widths.get(c + 1, 0.0), up.tenths(min(max(TEXT_WIDTH, MIN_WIDTH), MAX_WIDTH)))
            asking = float(TEXT_WIDTH)
        else:
            return None
        if all(up.tenths(d.fixed) <= width for d in described if d.fixed):
            return width, asking
        return None

    def _settle(self, settled: dict[int, list[tuple[int, Risky]]], widths: dict[int, float]) -> None:
        """Fold the wrapping cells of the settled columns into their cases' `points`, measured once
        for every book (`layout` would measure them again in each book that has the case)."""
        by_case: dict[int, list[Risky]] = {}
        for column in settled.values():
            for i, cell in column:
                by_case.setdefault(i, []).append(cell)
        for i, cells in by_case.items():
            if len(cells) > 1:
                cells.sort(key=self._crowding, reverse=True)
            self.points[i] = self._tallest(cells, widths, self.points[i])

    def _tallest(self, cells: Iterable[Risky], widths: dict[int, float], best: float) -> float:
        """The height the tallest of a case's wrapping `cells` needs, if above `best`."""
        points_of = up.points_of
        for c, text, long, _wrap in cells:
            width = widths[c]
            room = max(width - CELL_PADDING, 1.0)
            paragraphs = text.count("\n") + 1
            if long >= room - 1e-9:
                if points_of(int(2 * paragraphs * long / room) + paragraphs) > best:  # see `layout`
                    tall = points_of(self.measured.wrapped(text, width))
                    if tall > best:
                        best = tall
            elif paragraphs > 1 and points_of(paragraphs) > best:
                best = points_of(paragraphs)
        return best

    def _crowding(self, cell: Risky) -> float:
        """How many times over its narrowest room a cell's text runs."""
        c, _text, longest, _wrap = cell
        return longest / self._rooms[c]

    def load_rows(self, rows: list[UnitRow]) -> None:
        """`load` from the rows' own values (a book written on its own, not by a split)."""
        distinct: dict[int, dict[str, Any]] = {}
        for row in rows:
            distinct.setdefault(id(row.values), row.values)
        self._rows = {key: i for i, key in enumerate(distinct)}
        self.load([[values.get(name) for values in distinct.values()] for name in self.columns])

    def _index(self, row: UnitRow) -> int:
        return row.index if row.index >= 0 else self._rows[id(row.values)]

    def _described(self, c: int, column: list[Any]) -> dict[Any, Described]:
        """Each distinct value of one column (0-based `c` in the sheet), rendered and measured."""
        if _plain(column):  # each distinct value, the first of equal ones, as below
            return {value: self._describe(c, value) for value in dict.fromkeys(column)}
        out: dict[Any, Described] = {}
        for value in column:
            key = _key(value)
            if key not in out:
                out[key] = self._describe(c, value)
        return out

    def _describe(self, c: int, value: Any) -> Described:
        if value is None:
            return Described("/>", 0.0, 0.0, 0.0, None)
        t, content = up.value_xml(value)
        xml = f"{t}>{content}</c>"
        text = value if value.__class__ is str else up.shown_text(value)  # text shows as itself
        if not text:
            return Described(xml, 0.0, 0.0, 0.0, None)
        longest = longest_line_units(text)  # each distinct value once: no use keeping it
        wrap = self.wraps[c] and not (c == DUE_COLUMN and isinstance(value, date))
        need = longest + CELL_PADDING
        fixed = need if up.is_fixed(value) else 0.0
        asked = min(need, TEXT_WIDTH) if wrap else need
        # The narrowest this column can be in any book: does the cell's line count depend on it?
        narrowest = self.given.get(c + 1) or max(self.header_widths.get(c + 1, 0.0),
                                                 up.tenths(min(max(asked, MIN_WIDTH), MAX_WIDTH)))
        self._rooms[c] = min(self._rooms.get(c, MAX_WIDTH), max(narrowest - CELL_PADDING, 1.0))
        if (longest >= max(narrowest - CELL_PADDING, 1.0) - 1e-9) if wrap else need > narrowest:
            if fixed and not wrap and need <= up.tenths(need):
                # A number or date widens its column in its book to fit it whole: it never wraps,
                # and `layout` would add no height for it (as for any risky cell that fits).
                return Described(xml, asked, fixed, 0.0, None)
            return Described(xml, asked, fixed, 0.0, (c, text, longest, wrap))
        return Described(xml, asked, fixed, up.points_of(text.count("\n") + 1), None)

    def _info_part(self, row: UnitRow) -> Prepared:
        """The row's information cells, made once per distinct (role, stage, deadline, status)."""
        key = (row.role, row.stage, row.due, row.status)
        found = self._info.get(key)
        if found is None:
            xfs = self.info_xf[isinstance(row.due, date)]
            described = [self._describe(c, v) for c, v in enumerate(key)]
            found = self._info[key] = Prepared(
                "".join(f'<c r="{self.letters[c]}\0" s="{x}"{d.xml}' for c, (x, d) in enumerate(zip(xfs, described, strict=True))).encode(),
                tuple(d.want for d in described), tuple(d.fixed for d in described),
                max(d.points for d in described), tuple(d.risky for d in described if d.risky is not None))
        return found

    def _data_prefixes(self, fills: tuple[str, ...]) -> list[str]:
        """Each data cell's start up to its format, for a unit that fills `fills`."""
        found = self._prefixes.get(fills)
        if found is None:
            n = len(INFO_HEADERS)
            found = self._prefixes[fills] = [
                f'<c r="{self.letters[c]}\0" s="{up.BODY_XF[(False, self.date_format[c], name in fills, self.wraps[c])]}"'
                for c, name in enumerate(self.columns, start=n)]
        return found

    # -- one book ---------------------------------------------------------------------------------
    def layout(self, title: str, infos: list[Prepared], cases: list[int]) -> up.Layout:
        """measure.fit of the ledger sheet (title merged over row 1, headers in row 2, the rows
        from row 3): each column as wide as the widest cell asks, each row as tall as its tallest cell."""
        n = len(self.headers)
        distinct = list({id(p): p for p in infos}.values())
        want = [max((p.want[c] for p in distinct), default=0.0) for c in range(len(INFO_HEADERS))]
        fixed = [max((p.fixed[c] for p in distinct), default=0.0) for c in range(len(INFO_HEADERS))]
        want += [max(map(column.__getitem__, cases), default=0.0) if column else 0.0 for column in self.sizing]
        fixed += [max(map(column.__getitem__, cases), default=0.0) if column else 0.0 for column in self.widening]
        widths = dict(self.header_widths)
        for c, w in enumerate(want, start=1):
            if w:
                widths[c] = max(widths.get(c, 0.0), up.tenths(min(max(w, MIN_WIDTH), MAX_WIDTH)))
        widths.update(self.given)
        for c, need in enumerate(fixed, start=1):
            if need:
                widths[c] = max(widths[c], up.tenths(need))
        heights, wrapped = up.top_rows(self.headers, title, widths, self.measured)
        by_column = [widths.get(c, DEFAULT_WIDTH) for c in range(1, n + 1)]
        rooms = [max(w - CELL_PADDING, 1.0) for w in by_column]
        lines_in = self.measured.wrapped
        points, risky_of, points_of = self.points, self.risky, up.points_of
        for r, (info, i) in enumerate(zip(infos, cases, strict=True), start=3):
            best = info.points if info.points > points[i] else points[i]
            risky = risky_of.get(i, ())
            for c, text, long, wrap in (*info.risky, *risky) if info.risky else risky:
                width, room = by_column[c], rooms[c]
                if not wrap and long + CELL_PADDING > width:
                    wrapped.add((r, c + 1))
                    wrap = True
                paragraphs = text.count("\n") + 1
                if wrap and long >= room - 1e-9:
                    # Greedy wrapping fills any two lines in a row past the room: at most
                    # 2 × text / room + 1 lines a paragraph. Measured only when that could be the tallest.
                    if points_of(int(2 * paragraphs * long / room) + paragraphs) > best:
                        tall = points_of(lines_in(text, width))
                        if tall > best:
                            best = tall
                elif paragraphs > 1 and points_of(paragraphs) > best:
                    best = points_of(paragraphs)
            if best:
                heights[r] = best
        return up.Layout(widths, {r: min(round(h, 1), MAX_HEIGHT) for r, h in heights.items()}, wrapped)

    def _row_cells(self, row: UnitRow, i: int) -> str:
        """The row's data cells (b"\0" for the row number), from the columns."""
        prefixes = self._data_prefixes(row.fillable)
        return "".join(chain.from_iterable(zip(prefixes, self.by_case[i], strict=True)))

    def _slow_row(self, r: int, row: UnitRow, info: Prepared, i: int, wrapped: set[tuple[int, int]]) -> bytes:
        """A row with a cell that wraps though its format does not say so: that cell's format swapped."""
        cells = (info.xml.decode() + self._row_cells(row, i)).replace("\0", str(r))
        for rr, c in wrapped:
            if rr == r:
                start = cells.index(f'<c r="{self.letters[c - 1]}{r}" s="')
                xf_at = start + len(f'<c r="{self.letters[c - 1]}{r}" s="')
                end = cells.index('"', xf_at)
                cells = cells[:xf_at] + str(up.WRAPPING[int(cells[xf_at:end])]) + cells[end:]
        return cells.encode()

    def ledger_sheet(self, book: UnitBook) -> tuple[bytes, int]:
        """The 台账 sheet of one book, and its last row."""
        title = f"{book.unit}{book.year}年建议提案办理情况（{book.split_date:%Y年%m月%d日}分发）"
        infos = [self._info_part(r) for r in book.rows]
        cases = [self._index(r) for r in book.rows]
        lay = self.layout(title, infos, cases)
        last_row = max(2 + len(book.rows), 2)
        heights, wrapped = lay.heights, lay.wrapped
        title_xf = up.XF_TITLE_WRAP if (1, 1) in wrapped else up.XF_TITLE
        t, content = up.value_xml(title)
        out = [up.row_xml(1, heights.get(1), f'<c r="A1" s="{title_xf}"{t}>{content}</c>').encode(),
               up.row_xml(2, heights.get(2), self.header_row).encode()]
        slow = {r for r, _c in wrapped if r > 2}
        for r, (row, info, i) in enumerate(zip(book.rows, infos, cases, strict=True), start=3):
            rs = str(r).encode()
            height = heights.get(r)
            ht = b' ht="%g" customHeight="1"' % height if height else b""
            if r in slow:
                cells = self._slow_row(r, row, info, i, wrapped)
            else:
                cells = (info.xml + self._row_cells(row, i).encode()).replace(b"\0", rs)
            out.append(b'<row r="%s"%s>%s</row>' % (rs, ht, cells))
        first_free = len(INFO_HEADERS) + 2  # the info columns, 序号 and 编号 stay in view
        letters = self.letters
        head = [f'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{self.last}{last_row}"/>',
                f'<sheetViews><sheetView workbookViewId="0"><pane xSplit="{first_free}" ySplit="2" '
                f'topLeftCell="{letters[first_free]}3" activePane="bottomRight" state="frozen"/>'
                '<selection pane="topRight"/><selection pane="bottomLeft"/>'
                '<selection pane="bottomRight" activeCell="A1" sqref="A1"/></sheetView></sheetViews>',
                '<sheetFormatPr defaultRowHeight="15"/>', up.cols_xml(lay.widths), "<sheetData>"]
        tail = [f"</sheetData><sheetProtection{self.hash} {up.PROTECT_LEDGER}/>",
                f'<autoFilter ref="A2:{self.last}{last_row}"/>',
                f'<mergeCells count="1"><mergeCell ref="A1:{self.last}1"/></mergeCells>',
                self._validations(book, last_row), up.MARGINS, up.page_setup(lay.widths), up.FOOTER]
        return up.sheet_bytes("".join(head).encode(), out, "".join(tail).encode()), last_row

    def _validations(self, book: UnitBook, last: int) -> str:
        if not book.rows:
            return ""
        names = {n for r in book.rows for n in r.fillable}
        found = []
        for name, template in self.validations.items():
            if name in names:
                letter = self.letters[len(INFO_HEADERS) + self.columns.index(name)]
                found.append(template.replace("{}", f"{letter}3:{letter}{last}"))
        return f'<dataValidations count="{len(found)}">{"".join(found)}</dataValidations>' if found else ""

    def write(self, path: Path, book: UnitBook) -> Path:
        ledger, last_row = self.ledger_sheet(book)
        sheet_ref = "'" + LEDGER_SHEET.replace("'", "''") + "'"
        workbook = up.workbook_xml(
            [(LEDGER_SHEET, False), (INSTRUCTIONS_SHEET, False), (META_SHEET, True)],
            [("_xlnm._FilterDatabase", f"{sheet_ref}!$A$2:${self.last}${last_row}", True),
             ("_xlnm.Print_Titles", f"{sheet_ref}!$1:$2", False)])
        # Minimal document properties: nothing of the master or of the machine that split it.
        core = up.core_xml(f"{book.unit}{book.year}年建议提案办理情况", book.split_date)
        parts = [*up.fixed_parts(), ("docProps/core.xml", core), ("xl/workbook.xml", workbook),
                 ("xl/worksheets/sheet1.xml", ledger), ("xl/worksheets/sheet2.xml", instructions_sheet(book)),
                 ("xl/worksheets/sheet3.xml", meta_sheet(book, self.hash))]
        return up.write_package(path, parts, book.split_date)


_XML, _WANT, _FIXED, _POINTS = (attrgetter(name) for name in ("xml", "want", "fixed", "points"))


def _plain(column: list[Any]) -> bool:
    """Whether no value of the column is a list (each is its own dict key, `_key`)."""
    return list not in set(map(type, column))


def _key(value: Any) -> Any:
    """A value as a dict key: a number and its equal float render alike; lists (never in a
    split's cells) by their text."""
    return value if value is None or value.__class__ is not list else "、".join(map(str, value))


def instructions_sheet(book: UnitBook) -> bytes:
    """The 填报说明 sheet: a title and the numbered lines, wrapped in one wide column, protected."""
    lines = [x for x in instructions(book) if x]
    cells = {(1, 1): CellText("填报说明", up.TITLE_SIZE)}
    cells |= {(r, 1): CellText(line, DEFAULT_SIZE, False, True) for r, line in enumerate(lines, start=3)}
    lay = fit(cells, [], {1: INSTRUCTIONS_WIDTH})
    title_xf = up.XF_INSTR_LINE if (1, 1) in lay.wrapped else up.XF_INSTR_TITLE
    rows = [up.row_xml(1, lay.heights.get(1), up.plain_cells(1, ["填报说明"], title_xf))]
    rows += [up.row_xml(r, lay.heights.get(r), up.plain_cells(r, [line], up.XF_INSTR_LINE))
             for r, line in enumerate(lines, start=3)]
    return up.sheet_xml([
        f'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:A{len(lines) + 2}"/>',
        '<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/>',
        up.cols_xml(lay.widths), "<sheetData>", *rows, "</sheetData>", f"<sheetProtection {up.PROTECT_OTHER}/>",
        up.MARGINS, up.page_setup(lay.widths), up.FOOTER])


def meta_sheet(book: UnitBook, password: str = "") -> bytes:
    """The hidden 分发校验 sheet (see the module docs), protected."""
    meta = [book.unit, book.year, book.split_date.isoformat(), book.version, up.json_text(book.columns),
            book.split_id, book.mac]
    rows = [up.row_xml(1, None, up.plain_cells(1, [MARKER]))]
    rows += [up.row_xml(r, None, up.plain_cells(r, [key, value]))
             for r, (key, value) in enumerate(zip(META_KEYS, meta, strict=True), start=2)]
    rows.append(up.row_xml(META_TABLE_ROW, None, up.plain_cells(META_TABLE_ROW, list(RECORD_HEADERS))))
    text, json_text = up.text_cell, up.json_text
    for r, unit_row in enumerate(book.rows, start=META_TABLE_ROW + 1):
        record = unit_row.record
        rows.append(f'<row r="{r}">{text(f"A{r}", unit_row.number)}{text(f"B{r}", record.role)}'
                    f'{text(f"C{r}", record.fingerprint)}{text(f"D{r}", json_text(record.split_values))}</row>')
    last = META_TABLE_ROW + len(book.rows)
    return up.sheet_xml([
        f'<dimension ref="A1:D{last}"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>',
        '<sheetFormatPr defaultRowHeight="15"/>', "<sheetData>", *rows, "</sheetData>",
        f"<sheetProtection{password} {up.PROTECT_OTHER}/>"])


def write_unit_book(path: Path, book: UnitBook, packer: UnitPacker | None = None) -> Path:
    """Write one unit's workbook; `packer`: the split's shared parts (made here when not given)."""
    if packer is None:
        packer = UnitPacker(book.columns, book.class_scheme, book.password)
        packer.load_rows(book.rows)
    return packer.write(path, book)
