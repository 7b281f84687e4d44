"""Reading a workbook within known bounds: nothing is decompressed or laid out as a grid before
its size is known.

calamine lays a sheet out as a dense grid from its first to its last cell (one value at
XFD1048576 asks for 17 billion cells and aborts the process), reads any XML it is given, and
trusts the sizes in the zip. So before calamine sees an .xlsx/.xlsm part:
- every XML part it will read (workbook, its rels, shared strings, styles, each sheet read) is
  decompressed here through a bounded reader (a zip entry may lie about its size): at most
  MAX_PART bytes each and MAX_TOTAL in all;
- its prolog is checked: a DTD or entity declaration (billion laughs, XXE) is refused;
- each sheet's real extent, or a bound on it, is taken from the `r` of every cell (a
  `<dimension>` may lie);
- a sheet whose grid from A1 holds at most MAX_CELLS cells is read by calamine; a bigger but
  sparse one is read without a dense grid (sparse.py): an ordinary table plus a few stray
  values far away goes to calamine with the stray cells cut out and those read one by one;
  anything else is read cell by cell, rows only as long as their last cell. A sheet still
  beyond MAX_CELLS that way is refused, naming the farthest cell.
Any error calamine raises on a part (malformed XML), a Rust panic included, becomes a Chinese
message (exit 2).

Limits: MAX_PART 256 MiB (a 40-column ledger of about 200,000 rows), MAX_TOTAL 512 MiB,
MAX_CELLS 8,000,000 (200,000 rows x 40 columns). Legacy .xls files are bounded by their format
(65,536 x 256); the zip entries of .ods and .xlsb files are held to the size limits as declared."""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import python_calamine as pc
from lxml import etree

from taizhang.core.errors import BadInput
from taizhang.core.model import column_index, column_letter
from taizhang.workbook.source import Merged

if TYPE_CHECKING:
    import numpy as np

T = TypeVar("T")
MAX_PART = 256 * 1024 * 1024
MAX_TOTAL = 512 * 1024 * 1024
MAX_CELLS = 8_000_000
MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's own limits
Sparse = tuple[list[list[Any]], list[tuple[int, int, int, int]]]  # a grid and its merged ranges
_CHUNK = 1 << 20
_OFFICE_DOC = "/officeDocument"
_WORKSHEET = "/worksheet"
_STRINGS = "/sharedStrings"
_STYLES = "/styles"


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class CalamineFailed(Exception):
    """calamine gave up on a file: one of its errors, or a Rust panic (pyo3's PanicException, a
    BaseException that `except Exception` lets through; each pyo3 module has its own class of
    that name, so it is known by name)."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # the name of what calamine raised, e.g. PasswordError


def guarded(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`call(*args)` with calamine's failures, panics included, as CalamineFailed."""
    try:
        return call(*args, **kwargs)
    except BadInput:
        raise
    except BaseException as exc:
        if isinstance(exc, Exception) or type(exc).__name__ == "PanicException":
            raise CalamineFailed(str(exc), type(exc).__name__) from None
        raise




def is_encrypted(head: bytes) -> bool:
    """An encrypted .xlsx is an OLE compound file holding EncryptionInfo and EncryptedPackage
    streams (`head`: the file's first 64 KiB)."""
    if not head.startswith(OLE_MAGIC):
        return False
    return "EncryptionInfo".encode("utf-16-le") in head or "EncryptedPackage".encode("utf-16-le") in head


def encrypted_message(name: str) -> str:
    return f"文件“{name}”设置了打开密码（已加密），请在 Excel 或 WPS 中取消密码后另存再试"


def _bomb(label: str, part: str) -> BadInput:
    return BadInput(
        f"文件“{label}”中的 {part} 解压后超过 {MAX_PART // 1048576} MB（或全部内容超过 "
        f"{MAX_TOTAL // 1048576} MB），远超正常台账，疑似“压缩炸弹”，未处理。"
    )


def repeated_part(infos: list[zipfile.ZipInfo], label: str) -> None:
    """Refuse a zip holding two entries of one name: the checks here would read one copy and
    calamine the other (it takes the last). Excel, WPS and LibreOffice never write such a file."""
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:
            raise BadInput(f"文件“{label}”中的部件 {info.filename} 出现了不止一次，不是正常保存的 Excel 工作簿"
                           "（可能被改动过），未处理。")
        seen.add(info.filename)


def bounded_read(z: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, label: str) -> bytes:
    """Decompress at most min(MAX_PART, budget) bytes: the size written in the zip may lie."""
    limit = min(MAX_PART, budget)
    if info.file_size > limit:
        raise _bomb(label, info.filename)
    chunks: list[bytes] = []
    read = 0
    try:
        with z.open(info) as f:
            while chunk := f.read(_CHUNK):
                read += len(chunk)
                if read > limit:
                    raise _bomb(label, info.filename)
                chunks.append(chunk)
    except BadInput:
        raise
    except MemoryError:
        raise _bomb(label, info.filename) from None
    except Exception as exc:  # BadZipFile (CRC), zlib.error, EOFError, an encrypted entry: damaged
        raise BadInput(f"文件“{label}”中的 {info.filename} 已损坏（{exc}），无法读取。") from None
    return b"".join(chunks)


_DECL = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.I)


def check_prolog(data: bytes, label: str, part: str) -> None:
    """A DTD or entity declaration can only stand before the root element: look there alone."""
    head = data[:4096]
    start = 0
    while True:
        i = head.find(b"<", start)
        if i < 0 or i + 1 >= len(head):
            break
        nxt = head[i + 1 : i + 2]
        if nxt == b"?":
            start = head.find(b"?>", i) + 2 if head.find(b"?>", i) > 0 else len(head)
        elif head.startswith(b"<!--", i):
            end = head.find(b"-->", i)
            start = end + 3 if end > 0 else len(head)
        elif nxt == b"!":
            if _DECL.match(head, i):
                raise BadInput(
                    f"文件“{label}”的部件 {part} 含有文档类型或实体声明（XML 实体攻击的常见手法），"
                    "正常的 Excel 工作簿不会有，未处理。"
                )
            start = i + 2
        else:
            return  # the root element: nothing may be declared after it
    if _DECL.search(data, 0, 1 << 16):
        raise BadInput(f"文件“{label}”的部件 {part} 含有文档类型或实体声明，未处理。")


# -- the extent of a sheet -----------------------------------------------------------------
@dataclass
class Extent:
    rows: int  # the last row holding a cell (1-based), 0 for none
    cols: int  # the last column holding a cell
    cells: int  # how many cells the part has
    # from the fast scan: each cell's row, column and the offset of its start tag
    where: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    # False: rows and cols bound the last row and column from above (within MAX_CELLS), enough to
    # let calamine lay the sheet out; True: they are the last row and column holding a cell
    exact: bool = True

    @property
    def area(self) -> int:
        return self.rows * self.cols


def extent(data: bytes) -> Extent:
    bound = _extent_bound(data)
    if bound is not None:
        return bound
    small = _extent_small(data) if len(data) < SMALL_PART else None
    if small is not None and small.area <= MAX_CELLS:
        return small  # a far cell needs every cell's position (read_trimmed): the numpy scan has them
    fast = extent_by_numpy(data)
    return fast if fast is not None else _extent_walk(data)


# Bounding a sheet without numpy (importing it costs ~0.1 s, more than the scan): after one
# translation that writes every tag-name end as a space, the letters A and B-Z as "A" and "B" and
# every digit as "0", a few bytes.count calls within <sheetData> tell whether every cell is
# written `<c r="` + one or two letters + digits, how many letters the columns have, and the
# longest row number before a quote. calamine takes a cell's position from its r alone and refuses
# any r that is not letters then digits, so that bounds what it lays out.
_BOUND_TABLE = bytes.maketrans(
    b"\t\n\r>/BCDEFGHIJKLMNOPQRSTUVWXYZ123456789", b"     " + b"B" * 25 + b"0" * 9)
BOUND_PART = 64 << 20  # a sheet of ~50,000 ledger rows
_COLUMN_SHAPES = ((26, (b'<c r="A0', b'<c r="B0')), (52, (b'<c r="AA0', b'<c r="AB0')),
                  (702, (b'<c r="BA0', b'<c r="BB0')))


def _extent_bound(data: bytes) -> Extent | None:
    """A bound on the sheet's last row and column within MAX_CELLS, else None (the exact scans
    then say): up to 52 columns and 99,999 rows, or 702 columns and 9,999 rows."""
    if len(data) > BOUND_PART:
        return None  # its translated copy would double a big part in memory: the numpy scan does not
    start, end = data.find(b"<sheetData"), data.rfind(b"</sheetData>")
    last = _LAST_REF.match(data, data.rfind(b'<c r="', max(start, 0), max(end, 0)) + 6)
    if start < 0 or end < start or last is None:
        return None
    digits = len(last[1])  # the last cell's row number: usually the longest
    if 10**digits > MAX_CELLS // 26:
        return None  # too many rows to bound this way
    t = data.translate(_BOUND_TABLE)
    cells = t.count(b'<c r="', start, end)
    if t.count(b":c ") or t.count(b"<c ", start, end) != cells or t.count(b"<c ", 0, start) or t.count(b"<c ", end):
        return None  # a prefixed cell (x:c), a cell without r, r not its first attribute, or outside <sheetData>
    cols = _columns_bound(t, start, end, cells)
    if cols is None:
        return None  # three letters or more, or something else calamine would refuse
    while t.count(b"0" * (digits + 1) + b'"', start, end):  # a longer row number before a quote
        digits += 1
        if 10**digits > MAX_CELLS // 26:
            return None  # each pass scans the part: a long run of digits must not make it slow
    rows = 10**digits - 1
    return Extent(rows, cols, cells, exact=False) if rows * cols <= MAX_CELLS else None


def _columns_bound(t: bytes, start: int, end: int, cells: int) -> int | None:
    """26, 52 or 702 when every cell's letters are of those shapes (`t` translated), else None."""
    shaped = 0
    for cols, shapes in _COLUMN_SHAPES:
        shaped += sum(t.count(shape, start, end) for shape in shapes)
        if shaped == cells:
            return cols
    return None


_LAST_REF = re.compile(rb'[A-Z]{1,3}([0-9]{1,7})"')


# Below this size a regular expression finds the extent sooner than numpy can be imported
# (a county ledger's sheet: ~20 ms against ~0.15 s); above it numpy's scan is quicker.
SMALL_PART = 4 << 20
_CELL_START = re.compile(rb"<c[\s/>]")
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,9})"[\s/>]')


def _extent_small(data: bytes) -> Extent | None:
    """The extent from every `<c r="A1"` by a regular expression; None when a cell is written
    otherwise (a namespace prefix, another attribute first, no r at all): the walk handles those."""
    if _prefixed(data):
        return None
    refs = _CELL_REF.findall(data)
    if len(refs) != len(_CELL_START.findall(data)):
        return None  # some cell without r first
    if not refs:
        return Extent(0, 0, 0)
    rows = max(int(digits) for digits in {d for _, d in refs})
    cols = max(column_index(letters.decode()) for letters in {c for c, _ in refs}) + 1
    return Extent(rows, cols, len(refs))


_PREFIXED = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]")


def _prefixed(data: bytes) -> bool:
    """Whether cells or rows are written with a namespace prefix (x:c), which the quick scans skip."""
    return (b":c " in data or b":row" in data) and _PREFIXED.search(data) is not None


def extent_by_numpy(data: bytes) -> Extent | None:
    """From every `<c r="A1"` at C speed (bytes.count, numpy). None when a cell is written
    otherwise (a namespace prefix, another attribute first, no r at all): the walk handles those."""
    if _prefixed(data):
        return None
    if b"<c" not in data:
        return Extent(0, 0, 0)
    import numpy as np  # here: a plain read (taizhang read) needs numpy for nothing else

    n = len(data)
    a = np.frombuffer(data, dtype=np.uint8)
    lc = a[:-5] == 60  # "<c" (cells, and <col, <color … which the next byte tells apart)
    lc &= a[1:-4] == 99
    found = np.flatnonzero(lc)
    after = a[found + 2]
    cells = found[(after == 32) | (after == 62) | (after == 47) | (after == 9) | (after == 10) | (after == 13)]
    if not len(cells):
        return Extent(0, 0, 0)
    if not ((a[cells + 2] == 32) & (a[cells + 3] == 114) & (a[cells + 4] == 61) & (a[cells + 5] == 34)).all():
        return None  # ' r="' is not the first attribute everywhere
    p = cells + 6
    letters = [a[np.minimum(p + k, n - 1)] for k in range(4)]
    is_letter = [(x >= 65) & (x <= 90) for x in letters]
    if not is_letter[0].all() or is_letter[3].any():
        return None
    two = is_letter[1]
    three = two & is_letter[2]
    c1, c2, c3 = (letters[k].astype(np.int32) - 64 for k in range(3))
    col = np.where(three, (c1 * 26 + c2) * 26 + c3, np.where(two, c1 * 26 + c2, c1))
    row = _digits(a, p + 1 + two + three)
    if row is None:
        return None
    return Extent(int(row.max()), int(col.max()), len(cells), (row, col, cells))


def _digits(a: np.ndarray, at: np.ndarray) -> np.ndarray | None:
    """The row numbers written at `at` (each followed by its closing quote), else None."""
    import numpy as np

    n = len(a)
    row = np.zeros(len(at), dtype=np.int64)
    going = np.ones(len(at), dtype=bool)
    for k in range(9):
        d = a[np.minimum(at + k, n - 1)]
        digit = going & (d >= 48) & (d <= 57)
        stopped = going & ~digit
        if (k == 0 and stopped.any()) or not (d[stopped] == 34).all():
            return None  # no digits, or something other than the closing quote after them
        if not digit.any():
            return row
        row[digit] = row[digit] * 10 + (d[digit] - 48)
        going = digit
    return None  # nine digits: beyond any sheet


def _extent_walk(data: bytes) -> Extent:
    """Every cell's position as calamine finds it (its r, else next to the previous cell)."""
    rows = cols = cells = 0
    for r, c in _positions(data):
        cells += 1
        rows, cols = max(rows, r), max(cols, c)
    return Extent(rows, cols, cells)


def _positions(data: bytes) -> Any:
    """(row, column) of each cell in document order, 1-based (see sparse.py for the values)."""
    from taizhang.workbook.sparse import iter_cells

    for r, c, _el in iter_cells(data, values=False):
        yield r, c


# -- the book -----------------------------------------------------------------------------
@dataclass
class Parts:
    """The parts calamine will read in a zip workbook, found through the relationships."""

    sheets: dict[str, str] = field(default_factory=dict)  # sheet name -> its part
    strings: str | None = None
    styles: str | None = None
    workbook: str = ""
    budget: int = MAX_TOTAL  # what may still be decompressed


def _rels_part(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _elements(data: bytes, tag: str, label: str, part: str) -> list[dict[str, str]]:
    """The attributes of every `tag` element (any namespace) of a small part; attribute names
    in a namespace keep it as "{ns}name"."""
    if not data:
        return []
    try:
        root = etree.fromstring(data, _SAFE)
    except etree.XMLSyntaxError as exc:
        raise BadInput(f"文件“{label}”的部件 {part} 不是有效的 XML（{exc}），文件已损坏。") from None
    return [dict(el.attrib) for el in root.iter(f"{{*}}{tag}")]


class ZipBook:
    """The checked parts of one .xlsx/.xlsm; raises BadInput naming the file on anything unsafe.
    `checked`: parts the caller has already decompressed within limits and checked for
    declarations (a returned file's guard), taken as they are instead of decompressed again;
    `measure`: how a sheet's extent is found (`extent`)."""

    def __init__(self, path: Path, data: bytes | None = None, checked: Mapping[str, bytes] | None = None,
                 measure: Callable[[bytes], Extent] | None = None) -> None:
        import io

        self.label = path.name
        self.parts = Parts()
        self._checked = checked or {}
        self._measure = measure or extent
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data) if data is not None else path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise BadInput(f"文件“{self.label}”不是 Excel 工作簿（.xlsx/.xlsm），或文件已损坏。") from None
        repeated_part(self.zip.infolist(), self.label)
        self._infos = {i.filename: i for i in self.zip.infolist()}
        self._map_parts()

    def close(self) -> None:
        self.zip.close()

    def read(self, part: str, charge: bool = True) -> bytes:
        """A part decompressed within the limits (charged to the book's total unless re-read)."""
        info = self._infos.get(part)
        if info is None:
            raise BadInput(f"文件“{self.label}”中缺少部件 {part}，文件可能已损坏。")
        found = self._checked.get(part)
        if found is not None:
            if charge:
                self.parts.budget -= len(found)
            return found
        data = bounded_read(self.zip, info, self.parts.budget if charge else MAX_PART, self.label)
        if charge:
            self.parts.budget -= len(data)
        check_prolog(data, self.label, part)
        return data

    def calamine_parts(self, sheet: str) -> list[str]:
        """The parts calamine needs to read this sheet (its part included)."""
        wanted = ["[Content_Types].xml", "_rels/.rels", self.parts.workbook, _rels_part(self.parts.workbook),
                  self.parts.strings, self.parts.styles, sheet]
        return [p for p in dict.fromkeys(wanted) if p and p in self._infos]

    def _map_parts(self) -> None:
        root_rels = self.read("_rels/.rels") if "_rels/.rels" in self._infos else b""
        targets = [a.get("Target", "") for a in _elements(root_rels, "Relationship", self.label, "_rels/.rels")
                   if a.get("Type", "").endswith(_OFFICE_DOC)]
        workbook = _resolve("", targets[0]) if targets else "xl/workbook.xml"
        if workbook not in self._infos:
            raise BadInput(f"文件“{self.label}”中找不到工作簿主体，不是 Excel 工作簿。")
        self.parts.workbook = workbook
        rels_name = _rels_part(workbook)
        rels = self.read(rels_name) if rels_name in self._infos else b""
        by_id: dict[str, tuple[str, str]] = {}
        for a in _elements(rels, "Relationship", self.label, rels_name):
            if a.get("TargetMode") != "External":
                by_id[a.get("Id", "")] = (a.get("Type", ""), _resolve(workbook, a.get("Target", "")))
        for kind, target in by_id.values():
            if kind.endswith(_STRINGS):
                self.parts.strings = target
            elif kind.endswith(_STYLES):
                self.parts.styles = target
        for a in _elements(self.read(workbook), "sheet", self.label, workbook):
            rid = next((v for k, v in a.items() if k.startswith("{") and k.endswith("}id")), "")
            kind, target = by_id.get(rid, ("", ""))
            if kind.endswith(_WORKSHEET) and target in self._infos:
                self.parts.sheets[a.get("name", "")] = target
        for part in (self.parts.strings, self.parts.styles):
            if part and part in self._infos:
                self.read(part)  # calamine reads both whole when it opens the book

    def sheet_extent(self, name: str) -> tuple[Extent, bytes]:
        data = self.read(self.parts.sheets[name])
        return self._measure(data), data


# -- a workbook opened for reading --------------------------------------------------------------
class BoundedBook:
    """calamine behind the bounds, the file source of `taizhang.workbook.source.GridSource`:
    `grid(name)` is a sheet's values from A1 (list indexes are Excel rows and columns minus one),
    dense from calamine or sparse, never beyond MAX_CELLS. A whole grid is read once: later calls
    give the same list (the ledger builder fills merged cells into it). Use as a context manager."""

    def __init__(self, path: Path, book: pc.CalamineWorkbook, zipbook: ZipBook | None) -> None:
        self.path = path
        self.book = book
        self.zipbook = zipbook
        self._sheets: dict[str, pc.CalamineSheet | Sparse] = {}
        self._grids: dict[str, list[list[Any]]] = {}
        # sheets calamine read whole, within the bounds: (rows, columns) at most, from their scan
        self.dense: dict[str, tuple[int, int]] = {}

    @property
    def label(self) -> str:
        return self.path.name

    @property
    def where(self) -> str:
        return f"文件“{self.label}”"

    def close(self) -> None:
        self.book.close()
        if self.zipbook is not None:
            self.zipbook.close()

    def __enter__(self) -> BoundedBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def worksheet_names(self) -> list[str]:
        return [m.name for m in self.book.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)

    def grid(self, name: str, nrows: int | None = None) -> list[list[Any]]:
        if name in self._grids:
            whole = self._grids[name]
            return whole if nrows is None else whole[:nrows]
        sheet = self._load(name)
        if isinstance(sheet, tuple):
            return sheet[0] if nrows is None else sheet[0][:nrows]
        try:
            rows = guarded(sheet.to_python, skip_empty_area=False) if nrows is None else guarded(
                sheet.to_python, skip_empty_area=False, nrows=nrows)
        except CalamineFailed as exc:
            raise self._damaged(name, exc) from None
        rows = rows if isinstance(rows, list) and (not rows or isinstance(rows[0], list)) else [list(r) for r in rows]
        if nrows is None:
            self._grids[name] = rows
        return rows

    def rows(self, name: str, *, own: bool = False) -> Iterator[list[Any]]:
        """A sheet's rows from row 1, each from column A, as grid() has them, one at a time: no
        grid of Python objects for the whole sheet (the read-back of a big written sheet).
        `own`: the caller vouches for the sheet's extent (a sheet this process wrote, or edited
        within the extent of its earlier read): read by calamine without the bounds' scan of its
        extent, a second pass over its XML."""
        if name in self._grids:
            yield from self._grids[name]
            return
        try:
            sheet = guarded(self.book.get_sheet_by_name, name) if own else self._load(name)
        except CalamineFailed as exc:
            raise self._damaged(name, exc) from None
        if isinstance(sheet, tuple):
            yield from sheet[0]
            return
        if sheet.start is None:  # an empty sheet
            return
        pad = [""] * sheet.start[1]  # calamine's rows start at row 1 but at the first used column
        try:
            found = guarded(sheet.iter_rows)
            while (row := guarded(next, found, None)) is not None:
                yield [*pad, *row] if pad else list(row)
        except CalamineFailed as exc:
            raise self._damaged(name, exc) from None

    def forget(self, name: str) -> None:
        """Let a sheet's grid go (a caller done with a big sheet, before reading the next)."""
        self._grids.pop(name, None)
        self._sheets.pop(name, None)

    def merged(self, name: str) -> Merged:
        sheet = self._load(name)
        if isinstance(sheet, tuple):
            return sheet[1]
        return [(a[0], a[1], b[0], b[1]) for a, b in (getattr(sheet, "merged_cell_ranges", None) or [])]

    def _damaged(self, name: str, exc: Exception) -> BadInput:
        return BadInput(f"文件“{self.label}”的工作表“{name}”已损坏，无法读取（{exc}）。")

    def _load(self, name: str) -> pc.CalamineSheet | Sparse:
        """calamine's sheet when its grid fits MAX_CELLS, else the sparse grid; fetched once."""
        if name not in self._sheets:
            self._sheets[name] = self._fetch(name)
        return self._sheets[name]

    def _fetch(self, name: str) -> pc.CalamineSheet | Sparse:
        zb = self.zipbook
        if zb is not None and name in zb.parts.sheets:
            found, data = zb.sheet_extent(name)
            if found.area > MAX_CELLS:
                from taizhang.workbook.sparse import read_sparse, read_trimmed

                return read_trimmed(data, zb, name, found) or read_sparse(data, zb, name, MAX_CELLS)
            del data
            self.dense[name] = (found.rows, found.cols)
        try:
            return guarded(self.book.get_sheet_by_name, name)
        except CalamineFailed as exc:  # calamine's XmlError and the like: a damaged or hostile part
            raise self._damaged(name, exc) from None


def far_cell_message(label: str, sheet: str, row: int, col: int, limit: int) -> BadInput:
    ref = f"{column_letter(col - 1)}{row}" if 0 < col <= MAX_COL and 0 < row <= MAX_ROW else f"第 {row} 行第 {col} 列"
    return BadInput(
        f"文件“{label}”的工作表“{sheet}”在单元格 {ref} 还有内容，整张表的范围超出台账助手能读取的上限"
        f"（{limit:,} 个单元格）。请在 Excel 中删除远处多余的内容（选中多余的行列后删除，再保存）后重试。"
    )


def open_book(path: Path, data: bytes | None = None, checked: Mapping[str, bytes] | None = None,
              measure: Callable[[bytes], Extent] | None = None) -> BoundedBook:
    """calamine on a checked workbook (from `data` when given, else from `path`). Zip workbooks
    are checked here (`checked` and `measure`: as ZipBook takes them); the caller has checked that
    `path` is a file. Raises BadInput."""
    if data is None:
        with path.open("rb") as f:
            head = f.read(4)
    else:
        head = data[:4]
    zb = None
    if head == b"PK\x03\x04":
        if path.suffix.lower() in (".ods", ".xlsb"):
            declared_sizes(path, data)
        else:
            zb = ZipBook(path, data, checked, measure)
    try:
        book = guarded(pc.CalamineWorkbook.from_filelike, _bytes_io(data)) if data is not None else \
            guarded(pc.CalamineWorkbook.from_path, str(path))
    except CalamineFailed as exc:
        if zb is not None:
            zb.close()
        if exc.kind == "PasswordError":
            raise BadInput(encrypted_message(path.name)) from None
        raise BadInput(f"无法读取文件“{path.name}”：它不是可识别的 Excel 工作簿（.xlsx、.xlsm 或 .xls），"
                       f"或已损坏。详细原因：{exc}") from None
    return BoundedBook(path, book, zb)


def declared_sizes(path: Path, data: bytes | None) -> None:
    """The size limits on what a zip says of its entries, and no entry twice (for formats read by
    calamine alone)."""
    import io

    try:
        with zipfile.ZipFile(io.BytesIO(data) if data is not None else path) as z:
            infos = z.infolist()
    except Exception:  # not a zip after all: calamine says what it is
        return
    repeated_part(infos, path.name)
    sizes = [i.file_size for i in infos]
    if sum(sizes) > MAX_TOTAL or any(n > MAX_PART for n in sizes):
        raise _bomb(path.name, "压缩包")


def _bytes_io(data: bytes | None) -> Any:
    import io

    return io.BytesIO(data or b"")
