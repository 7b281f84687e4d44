"""The check run on every write before the original is replaced: untouched parts byte-identical,
changed parts lose no element outside what the tool owns, and calamine reads back what was written."""

from __future__ import annotations

import math
import zipfile
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from taizhang.core.errors import BadInput, FidelityRefused

from .cells import excel_serial
from .sheetbytes import locate, skeleton, tag_counts
from .xmlutil import cell_ref, q, ref_col

if TYPE_CHECKING:
    from taizhang.workbook.bounded import BoundedBook

Skip = Callable[[etree._Element], bool]
_SHEET_DATA = q("sheetData")
_HYPERLINK = q("hyperlink")


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return "#node"
    return tag.rsplit("}", 1)[-1]


def element_counts(root: etree._Element, skip: Skip | None = None) -> Counter[str]:
    """Elements counted by tag path. Cells (and cell hyperlinks) are keyed by column ("c@26"),
    so the tool's own columns can be left out of the comparison later."""
    counts: Counter[str] = Counter()

    def walk(el: etree._Element, path: str) -> None:
        for sub in el:
            if skip is not None and skip(sub):
                continue
            name = _local(sub.tag)
            if sub.tag == _HYPERLINK and ":" not in sub.get("ref", ":"):
                name += f"@{ref_col(sub.get('ref', ''))}"
            p = f"{path}/{name}"
            counts[p] += 1
            if sub.tag == _SHEET_DATA:
                _count_cells(sub, p, counts)
            elif len(sub):
                walk(sub, p)

    counts[_local(root.tag)] += 1
    walk(root, _local(root.tag))
    return counts


def _count_cells(data: etree._Element, path: str, counts: Counter[str]) -> None:
    """Cells are a million elements in a big ledger: count them by tag at C speed (per tag, not
    per path); the tool's own columns are subtracted by the caller (see SheetEditor.tool_counts)."""
    tags = Counter(el.tag for el in data.iter())
    tags[data.tag] -= 1
    for tag, n in tags.items():
        if n:
            counts[f"{path}//{_local(tag)}"] += n


def sheet_counts(data: bytes, where: str) -> Counter[str]:
    """element_counts() of a worksheet part without building its tree: everything but the rows is
    parsed (small); the rows region's elements are counted by tag over the bytes, keyed like
    _count_cells() keys them. Used on the sheet as read and on the bytes about to be written."""
    layout = locate(data, where)
    root = skeleton(layout, where)
    counts = element_counts(root)
    path = f"{_local(root.tag)}/sheetData//"
    for tag, n in tag_counts(layout.inner).items():
        counts[path + tag] += n
    return counts


def subtree_counts(cells: list[etree._Element], path: str) -> Counter[str]:
    tags = Counter(el.tag for c in cells for el in c.iter())
    return Counter({f"{path}//{_local(tag)}": n for tag, n in tags.items()})


def lost(old: Counter[str], new: Counter[str], tool_cols: frozenset[int] = frozenset()) -> list[str]:
    out = []
    for key, n in old.items():
        if tool_cols and "@" in key and int(key.split("@", 1)[1].split("/", 1)[0]) in tool_cols:
            continue
        if new.get(key, 0) < n:
            out.append(f"{key}（原有 {n} 个，写入后 {new.get(key, 0)} 个）")
    return out


def check_zip(old: dict[str, bytes], temp: Path, untouched: list[str], label: str) -> zipfile.ZipFile:
    """Read the temp file back and compare every untouched part with the original bytes."""
    try:
        z = zipfile.ZipFile(temp)  # read() below checks each part's CRC
    except (zipfile.BadZipFile, OSError) as exc:
        raise FidelityRefused(f"写入 {label} 的临时文件无法读回（{exc}），原文件未改动。") from None
    names = set(z.namelist())
    for name in untouched:
        if name not in names:
            raise FidelityRefused(f"写入 {label} 会丢失部件 {name}，已放弃写入，原文件未改动。")
        if z.read(name) != old[name]:
            raise FidelityRefused(f"写入 {label} 会改动不应改动的部件 {name}，已放弃写入，原文件未改动。")
    return z


def refuse_losses(label: str, part: str, losses: list[str]) -> None:
    if losses:
        shown = "；".join(losses[:5]) + ("……" if len(losses) > 5 else "")
        raise FidelityRefused(f"写入 {label} 会丢失部件 {part} 中的内容：{shown}。已放弃写入，原文件未改动。")


TOGETHER_UP_TO = 8 << 20  # rewritten user-sheet XML read back beside the tool sheets (see readback)


def readback(temp: Path, expected: dict[str, dict[tuple[int, int], object]], label: str,
             expected_rows: dict[str, dict[int, list[object]]] | None = None, *, together: bool = False,
             known: Mapping[str, tuple[int, int]] | None = None) -> None:
    """An independent reader (calamine) must read every sheet the writer rewrote (user sheets are
    patched as bytes: this is the proof they are still well-formed) and see every value written:
    `expected` by cell (the tool columns of a user's sheet), `expected_rows` by row from column A
    (a tool sheet, written whole: ~450k cells for the 逾期清单 of a 20k-row ledger, compared a
    row at a time, cell by cell only where a row differs; each sheet is taken out of
    `expected_rows` as it is compared).

    The tool sheets are read first, then the user sheets, so the user's sheet is read with less
    held. `together` (the caller: the user sheets are small, TOGETHER_UP_TO) reads the user sheets
    in a worker thread with a calamine book of their own while this thread reads the tool
    sheets: calamine parses with the GIL released (measured), so on two cores the read-back takes
    about its longer half. Two big sheets' grids at once cost memory (a 20k-row ledger: +66 MB
    at the peak, over the 400 MB target), hence only for small ones. Either way every sheet is
    read to the end and a tool sheet's difference is reported first.

    `known`: a user sheet's rows and columns at most as read before the edits (see
    LedgerWriter.known_extent); with the cells written inside the bounds of that, calamine reads the
    sheet without the bounds' second inflating and scan of its extent (0.3 s and ~56 MB at 20k rows)."""
    rows = expected_rows or {}
    if not expected and not rows:
        return
    data = temp.read_bytes()
    if not (together and expected and rows):
        _tool_sheets(temp, data, rows, label)
        _user_sheets(temp, data, expected, label, known or {})
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="readback") as pool:
        users = pool.submit(_user_sheets, temp, data, expected, label, known or {})
        try:
            _tool_sheets(temp, data, rows, label)
        except BaseException:
            users.exception()  # wait: the worker's book is closed before the temp file goes
            raise
        users.result()


def _open(temp: Path, data: bytes, label: str) -> BoundedBook:
    from taizhang.workbook.bounded import open_book  # calamine, within the reading bounds

    try:
        return open_book(temp, data)
    except BadInput as exc:
        raise FidelityRefused(f"写入 {label} 后的文件无法被独立读取器读取（{exc.message}），原文件未改动。") from None


def _tool_sheets(temp: Path, data: bytes, rows: dict[str, dict[int, list[object]]], label: str) -> None:
    if not rows:
        return
    with _open(temp, data, label) as book:
        for sheet in list(rows):  # each one's rows let go once compared (the dict is consumed)
            _compare_rows(book, sheet, rows.pop(sheet), label)


def _user_sheets(temp: Path, data: bytes, expected: dict[str, dict[tuple[int, int], object]],
                 label: str, known: Mapping[str, tuple[int, int]]) -> None:
    if not expected:
        return
    with _open(temp, data, label) as book:
        for sheet, cells in expected.items():
            _compare(book, sheet, cells, label, unscanned=_within_bounds(known.get(sheet), cells))
            book.forget(sheet)  # one sheet's grid at a time: a big one is hundreds of MB as objects


def _rows(book: BoundedBook, sheet: str, label: str, wanted: Collection[int],
          source: Iterator[list[object]] | None = None) -> Iterator[tuple[int, list[object]]]:
    """(row, its values from column A) of each `wanted` row, read one row at a time (a big sheet
    never becomes a grid of Python objects); a row past the sheet's end reads as empty."""
    last = max(wanted, default=0)
    seen = 0
    try:
        for seen, row in enumerate(book.rows(sheet) if source is None else source, start=1):
            if seen in wanted:
                yield seen, row
            if seen >= last:
                break
    except BadInput as exc:
        raise FidelityRefused(
            f"写入 {label} 后工作表“{sheet}”无法被独立读取器读取（{exc.message}），已放弃写入，原文件未改动。"
        ) from None
    for r in sorted(r for r in wanted if r > seen):
        yield r, []


def _within_bounds(extent: tuple[int, int] | None, cells: Collection[tuple[int, int]]) -> bool:
    """Whether a sheet read whole before the edits, `extent`, with `cells` written into it, still
    fits the bounds: then calamine can read it back without a scan of its extent."""
    from taizhang.workbook.bounded import MAX_CELLS

    if extent is None:
        return False
    rows = max(extent[0], max((r for r, _ in cells), default=0))
    cols = max(extent[1], max((c for _, c in cells), default=0))
    return rows * cols <= MAX_CELLS


def _compare(book: BoundedBook, sheet: str, cells: dict[tuple[int, int], object], label: str,
             unscanned: bool = False) -> None:
    by_row: dict[int, dict[int, object]] = {}
    for (r, c), want in cells.items():
        by_row.setdefault(r, {})[c] = want
    for r, row in _rows(book, sheet, label, by_row.keys(), book.rows(sheet, own=True) if unscanned else None):
        for c, want in by_row[r].items():
            got = row[c - 1] if c <= len(row) else None
            if got != want and not _same(want, got):  # equal values are the same: _same says so too
                _refuse(label, sheet, r, c, want, got)


def _compare_rows(book: BoundedBook, sheet: str, by_row: dict[int, list[object]], label: str) -> None:
    """Each row as a list from column A ("" for an empty cell, as calamine reads it): a row
    read back equal as a list is done at C speed; any other is looked at cell by cell."""
    for r, row in _rows(book, sheet, label, by_row.keys(), book.rows(sheet, own=True)):
        want = by_row[r]
        got = row[: len(want)]
        if got == want:
            continue
        for c, value in enumerate(want, start=1):
            seen = got[c - 1] if c <= len(got) else None
            if seen != value and not _same(value, seen):
                _refuse(label, sheet, r, c, value, seen)


def _refuse(label: str, sheet: str, r: int, c: int, want: object, got: object) -> None:
    raise FidelityRefused(
        f"写入 {label} 后读回工作表“{sheet}”单元格 {cell_ref(r, c)}：应为“{want}”，"
        f"实际读到“{got}”。已放弃写入，原文件未改动。"
    )


def _same(want: object, got: object) -> bool:
    if want is None or want == "":
        return got in (None, "")
    if isinstance(want, bool) or isinstance(got, bool):
        return want == got
    if isinstance(want, date):
        if isinstance(got, datetime | date):
            g = got if isinstance(got, datetime) else datetime(got.year, got.month, got.day)
            w = want if isinstance(want, datetime) else datetime(want.year, want.month, want.day)
            return abs((g - w.replace(tzinfo=None)).total_seconds()) < 1
        return isinstance(got, int | float) and abs(got - excel_serial(want)) < 1e-5
    if isinstance(want, int | float):
        return isinstance(got, int | float) and math.isclose(float(want), float(got), rel_tol=1e-12)
    return str(want) == got
