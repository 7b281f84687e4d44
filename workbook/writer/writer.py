"""LedgerWriter: the one way the tool writes into an existing workbook (see package docs).

What a write costs, and why (a 20k-row ledger: a 24 MB sheet XML; its 逾期清单 ~450k cells):

- The ledger sheet is held as its original bytes split at rows (sheetxml.py); the skeleton around
  the rows is a small tree. Tool columns and fill changes are staged and applied in one pass over
  the rows, a row's tool cells appended together; untouched rows are copied as they were.
- Tool sheets are held by row and rendered once, their rows and hyperlinks as bytes (toolsheet.py);
  the work of fitting and rendering follows a sheet's distinct content (each column's distinct
  value and style is rendered once, each digit shape of it measured once), not its cells. The
  rows are deflated as they are made, in a worker thread (package.deflate_pieces): a tool
  sheet's XML is never held whole, and is staged deflated. Other big parts (the edited ledger
  sheet) are deflated in the background as soon as they are written; new content is deflated
  at level 3 (see package.py).
- The fidelity check before the original is replaced (`_check`) is kept whole, each part done
  once and at the cost of a scan where a scan proves as much:
  * every untouched part of the temp file is read back (CRC-checked) and compared byte for byte;
  * every changed shared part (workbook.xml, styles.xml, rels, content types) is parsed old and
    new and must lose no element outside what the tool owns;
  * the rewritten ledger sheet is counted by tag over the exact bytes written, against its
    counts as read less what the tool's own columns held before and hold now (no tree of the
    rows is ever built: that tree is a million elements);
  * an independent reader (calamine, not the lxml and byte code that wrote) opens the temp file
    and reads every rewritten sheet once, the ledger sheet and each tool sheet: this proves the
    spliced XML well-formed to a second parser and that every cell written reads back as
    intended (equal values are accepted at once, the rest through fidelity._same). It is the
    one full parse of the check; a streaming comparison against our own intentions would reuse
    the writer's understanding of the bytes and prove less. A tool sheet is compared a row at
    a time (the row read back equals the row written as a list, at C speed; cell by cell only
    where it does not), every cell still checked; each sheet's grid is let go before the next
    is read, and the edited sheets' bytes once they are zipped, so the read-back does not hold
    the write's largest objects twice. Nothing is left out to save
    time: the same cells are compared and the same losses refused as before."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from types import TracebackType

from filelock import FileLock
from lxml import etree

from taizhang.core.errors import BadInput, FidelityRefused, os_error
from taizhang.workbook.bounded import OLE_MAGIC, encrypted_message, is_encrypted

from . import fidelity, safety
from .book import MARKER, Book, relative, rels_part, resolve
from .cells import CellValue, default_style
from .chart import CHART_CT, CHART_REL, DRAWING_CT, chart_xml, drawing_xml
from .measure import DEFAULT_SIZE, row_points, wrap_lines
from .model import TOOL_FILLS, Style, WriteResult
from .package import Package, build_zip, deflate_pieces
from .sheetxml import SheetEditor
from .styles import MINIMAL_STYLES, StyleBook
from .toolsheet import DRAWING_REL, ToolSheet
from .xmlutil import CT, PKG_REL, col_letter, parse, q, split_ref

STYLES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
STRINGS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
WRITABLE = (".xlsx", ".xlsm")


class LedgerWriter:
    """Open with `with`, make the changes, `commit()`; leaving without commit discards them."""

    def __init__(
        self,
        path: str | Path,
        *,
        out: str | Path | None = None,
        backup_keep: int = 10,
        backup_dir: str | Path | None = None,
        lock_timeout: float = 10.0,
        clock: Callable[[], datetime] = datetime.now,
    ) -> None:
        self.path = Path(path).resolve()
        self.out = Path(out).resolve() if out is not None else None
        self.backup_keep = backup_keep
        self.backup_dir = Path(backup_dir) if backup_dir is not None else self.path.parent / "备份"
        self.lock_timeout = lock_timeout
        self.clock = clock
        self._lock: FileLock | None = None
        self._done = False
        for p in (self.path, self.out):
            if p is not None and p.suffix.lower() not in WRITABLE:
                if p.suffix.lower() == ".xls":
                    raise BadInput(
                        f"{p.name} 是旧版 .xls 格式，无法在原文件中写回。"
                        "请在 Excel/WPS 中另存为 .xlsx 后再运行，或指定 --out 输出为新的 .xlsx 文件。"
                    )
                raise BadInput(f"{p.name} 不是可写回的 Excel 工作簿，只支持 .xlsx 和 .xlsm。")

    def known_extent(self, sheet: str, rows: int, cols: int) -> None:
        """A user sheet's rows and columns at most as the caller read this file (calamine read it
        whole within the bounds): its read-back is then not scanned for its extent again, while
        the cells written stay within the bounds of it."""
        self._known[sheet] = (rows, cols)

    # -- opening and closing --------------------------------------------------------------------
    @property
    def target(self) -> Path:
        return self.out or self.path

    def __enter__(self) -> LedgerWriter:
        if not self.path.parent.is_dir() or self.path.is_dir():
            raise BadInput(f"找不到文件 {self.path}。")
        try:
            self._lock = safety.take_lock(self.target, self.lock_timeout)
        except OSError as err:
            raise os_error(err, self.target.name) or err from None
        try:
            if self.out is None:  # we hold the master's lock: a write killed mid-replace is undone
                safety.recover(self.path, self._backups())
            if not self.path.is_file():
                raise BadInput(f"找不到文件 {self.path}。")
            if self.target.exists():
                safety.refuse_if_open(self.target)
            safety.remove_stale_temps(self.target)
            data = self.path.read_bytes()
            refuse_not_zip(data, self.path.name)
            self._fp = safety.fingerprint(self.path, data)
            self.book = Book(Package(data, self.path.name))
            self._styles: StyleBook | None = None
            self._strings_seen: dict[int, str] = {}
            self._editors: dict[str, tuple[str, SheetEditor, Counter[str]]] = {}
            self._tool_parts: set[str] = set()
            self._tool_names = {name for name in self.book.sheet_names() if self.book.is_tool_sheet(name)}
            self._expected: dict[str, dict[tuple[int, int], object]] = {}  # user sheets, by cell
            self._expected_rows: dict[str, dict[int, list[object]]] = {}  # tool sheets, by row
            self._known: dict[str, tuple[int, int]] = {}  # see known_extent
            self._skipped: list[str] = []
            self._recalc = False
            self._force_rewrite = False  # benchmarks: rewrite an edited sheet even when unchanged
        except BaseException:
            self._release()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._release()

    def _release(self) -> None:
        book: Book | None = getattr(self, "book", None)
        if book is not None:
            book.deflater.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None
            if self.out is not None and not self.out.exists():  # nothing written: leave no lock file
                safety.lock_path(self.out).unlink(missing_ok=True)

    # -- reading --------------------------------------------------------------------------------
    def sheet_names(self) -> list[str]:
        return self.book.sheet_names()

    def _part_of(self, rtype: str) -> str | None:
        for _id, t, target, ext in self.book.rels(self.book.wb_part):
            if t == rtype and not ext:
                return target
        return None

    @property
    def styles(self) -> StyleBook:
        if self._styles is None:
            part = self._part_of(STYLES_REL)
            if part is None:  # a workbook without styles gets the minimal one
                part = "xl/styles.xml"
                self.book.write(part, MINIMAL_STYLES)
                self.book.add_rel(self.book.wb_part, STYLES_REL, part)
                self.book.set_override(
                    part, "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
                )
            self._styles_part = part
            self._styles = StyleBook(self.book.tree(part))
        return self._styles

    def _shared_strings(self, wanted: set[int]) -> dict[int, str]:
        """Only the strings asked for (header cells): streamed, stopping once all are found, since
        the shared-string table of a big ledger is megabytes and headers come first."""
        found = {i: self._strings_seen[i] for i in wanted if i in self._strings_seen}
        missing = {i for i in wanted if i not in found}
        part = self._part_of(STRINGS_REL)
        if not missing or part is None or not self.book.exists(part):
            return found
        t_tag, rph = q("t"), q("rPh")
        top = max(missing)
        events = etree.iterparse(
            io.BytesIO(self.book.read(part)), events=("end",), tag=q("si"),
            resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False,
        )  # fmt: skip
        for idx, (_event, si) in enumerate(events):
            if idx in missing:
                text = "".join(x.text or "" for x in si.iter(t_tag) if x.getparent().tag != rph)
                self._strings_seen[idx] = found[idx] = text
            si.clear()
            if idx >= top:
                break
        return found

    def _editor(self, sheet_name: str) -> SheetEditor:
        found = self.book.find_sheet(sheet_name)
        if found is None:
            raise BadInput(
                f"{self.path.name} 中没有名为“{sheet_name}”的工作表；现有工作表：{'、'.join(self.sheet_names())}。"
            )
        name = found[1].get("name", sheet_name)
        if name not in self._editors:
            part = self.book.sheet_part(found[1])
            data = self.book.read(part)
            where = f"{self.path.name} 的 {part}"
            counts = fidelity.sheet_counts(data, where)  # before any change: what must survive
            ed = SheetEditor(data, name, self.styles, self._shared_strings, where)
            self._editors[name] = (part, ed, counts)
        return self._editors[name][1]

    def _xf(self, value: CellValue, style: Style | None) -> int:
        resolved = default_style(value, style)
        return self.styles.register(resolved) if resolved is not None else 0

    # -- user sheets: tool columns and fills ------------------------------------------------------
    def set_tool_column(
        self,
        sheet_name: str,
        header_row: int,
        header: str,
        values: dict[int, CellValue],
        style: Style | None = None,
        header_style: Style | None = None,
        width: float | None = None,
    ) -> str:
        ed = self._editor(sheet_name)
        cache: dict[type, int] = {}

        def value_xf(value: CellValue) -> int:
            kind = type(value)
            if kind not in cache:
                cache[kind] = self._xf(value, style)
            return cache[kind]

        col = ed.set_tool_column(header_row, header, values, value_xf, self._xf(header, header_style))
        if width is not None:
            ed.set_width(col, width)
        self._fit_header(ed, header_row, col, header, header_style)
        if style is not None and style.wrap:
            self._fit_rows(ed, col, values, style)
        return col_letter(col)

    @staticmethod
    def _fit_rows(ed: SheetEditor, col: int, values: dict[int, CellValue], style: Style) -> None:
        """A wrapping tool column (the check's problems) shows its text whole: each row whose text
        needs more lines than one is raised to them, never lowered. Text never runs into the
        next column, and LibreOffice, which keeps the heights it is given, prints it whole."""
        size = style.font_size or DEFAULT_SIZE
        width = ed.width_of(col)
        for row, value in values.items():
            if isinstance(value, str) and value:
                lines = wrap_lines(value, width, size, style.bold)
                if lines > 1:
                    ed.raise_row_height(row, row_points(lines, size))

    @staticmethod
    def _fit_header(ed: SheetEditor, header_row: int, col: int, header: str, style: Style | None) -> None:
        """The user's header row shows the whole tool header: raised (never lowered) to the lines
        the header wraps to in its column. Nothing else of the user's layout or print setup changes."""
        size = (style.font_size if style and style.font_size else DEFAULT_SIZE)
        bold = bool(style and style.bold)
        lines = wrap_lines(header, ed.width_of(col), size, bold) if style and style.wrap else 1
        if lines > 1:  # one line shows in any row the user's own headers fit in
            ed.raise_row_height(header_row, row_points(lines, size))

    def set_cell_fills(self, sheet_name: str, fills: dict[str, str | None], kind: str) -> list[str]:
        """Colour cells with the tool's fills of `kind` (colour name or its hex, None clears).
        Cells carrying a fill of the user's (or of another kind) are left alone and returned."""
        family = self._family(kind)
        hexes: dict[str, str] = {}  # each colour named once, not once per cell
        wanted: dict[tuple[int, int], str | None] = {}
        for ref, colour in fills.items():
            if colour is not None and colour not in hexes:
                hex_ = family.get(colour, colour).upper().lstrip("#")
                if hex_ not in family.values():
                    raise ValueError(f"{colour!r} is not a {kind!r} tool colour: {sorted(family)}")
                hexes[colour] = hex_
            wanted[split_ref(ref)] = None if colour is None else hexes[colour]  # "a1", "$A$1": one cell
        ed = self._editor(sheet_name)
        skipped = ed.set_fills(wanted, kind)
        self._skipped.extend(f"{ed.name}!{ref}" for ref in skipped)
        return skipped

    def clear_tool_fills(self, sheet_name: str, kind: str, keep: Iterable[str] = frozenset()) -> None:
        self._family(kind)
        self._editor(sheet_name).clear_fills(kind, keep)

    @staticmethod
    def _family(kind: str) -> dict[str, str]:
        if kind not in TOOL_FILLS:
            raise ValueError(f"unknown fill kind {kind!r}; known: {sorted(TOOL_FILLS)}")
        return TOOL_FILLS[kind]

    def set_cells(self, sheet_name: str, values: dict[str, CellValue],
                  like: dict[str, str] | None = None) -> None:
        """Write values into the user's own cells ({"C12": value}); see user_cells.py. A cell with no
        format of its own takes the format of the cell `like` names for it ({"C40": "C39"})."""
        from .user_cells import set_user_cells

        set_user_cells(self, sheet_name, values, like)

    # -- tool-owned sheets ------------------------------------------------------------------------
    def _refuse_user_sheet(self, name: str) -> None:
        raise BadInput(
            f"{self.path.name} 中已有名为“{name}”的工作表，它是用户自己的表，不是台账助手生成的，"
            "台账助手不会覆盖或删除它。请把该表改名后再运行。"
        )

    def replace_sheet(self, sheet: ToolSheet, *, take_over: bool = False) -> None:
        """Add the tool sheet, or replace the tool's earlier sheet of the same name in place.

        `take_over` lets an explicit user command (switching the 时限规则 preset) rewrite a sheet
        of the user's; it stays unmarked, so it is still the user's sheet afterwards."""
        book = self.book
        found = book.find_sheet(sheet.name)
        old_parts: list[str] = []
        if found is not None:
            idx, el = found
            if not take_over and not book.is_tool_sheet(el.get("name", "")):
                self._refuse_user_sheet(el.get("name", sheet.name))
            part = book.sheet_part(el)
            old_parts = [p for p in book.exclusive_subtree(part) if p != part]
            for p in old_parts:
                book.delete(p)
            book.set_hidden(el, sheet.hidden)
        else:
            idx = len(book.sheet_elements())
            part = book.free_name("xl/worksheets/sheet{}.xml")
            book.write(part, b"")  # reserve the name
            book.add_sheet(sheet.name, part, sheet.hidden)
        new_parts = [part]
        drawing_rid = None
        sheet_rels: list[tuple[str, str, str, bool]] = []
        if sheet.charts:
            drawing = book.free_name("xl/drawings/drawing{}.xml")
            book.write(drawing, drawing_xml(sheet.charts))
            drawing_rels = []
            for i, ch in enumerate(sheet.charts, start=1):
                cpart = book.free_name("xl/charts/chart{}.xml")
                book.write(cpart, chart_xml(sheet.name, ch, sheet.value_at))
                book.set_override(cpart, CHART_CT)
                drawing_rels.append((f"rId{i}", CHART_REL, cpart, False))
                new_parts.append(cpart)
            book.write(rels_part(drawing), _rels_xml(drawing, drawing_rels))
            book.set_override(drawing, DRAWING_CT)
            new_parts += [drawing, rels_part(drawing)]
            drawing_rid = "rId1"
            sheet_rels.append(("rId1", DRAWING_REL, drawing, False))
        pieces, links = sheet.render_pieces(self._xf, drawing_rid)
        book.write_deflated(part, deflate_pieces(pieces))
        sheet_rels += [(rid, rtype, target, True) for rid, rtype, target in links]
        if sheet_rels:
            book.write(rels_part(part), _rels_xml(part, sheet_rels))
            new_parts.append(rels_part(part))
        for p in old_parts:  # overrides of parts not re-created; re-created ones keep their place
            if p not in new_parts:
                book.set_override(p, None)
        setup = sheet.printing
        titles = None
        if setup and setup.repeat_rows:
            quoted = "'" + sheet.name.replace("'", "''") + "'"
            titles = f"{quoted}!${setup.repeat_rows[0]}:${setup.repeat_rows[1]}"
        book.set_sheet_names(idx, "_xlnm.Print_Titles", titles)
        self._tool_parts.update(old_parts, new_parts)
        self._tool_names.add(sheet.name)
        self._expected_rows[sheet.name] = sheet.written_rows()

    def remove_sheet(self, name: str) -> bool:
        """Remove a tool sheet; False when there is none of that name."""
        found = self.book.find_sheet(name)
        if found is None:
            return False
        real = found[1].get("name", name)
        if not self.book.is_tool_sheet(real):
            self._refuse_user_sheet(real)
        self._tool_parts.update(self.book.remove_sheet(real))
        self._tool_names.add(real)
        self._expected_rows.pop(real, None)
        return True

    # -- committing -------------------------------------------------------------------------------
    def commit(self) -> WriteResult:
        if self._done or self._lock is None:
            raise RuntimeError("commit() may be called once, inside the with block")
        self._done = True
        book = self.book
        for part, ed, _counts in self._editors.values():
            ed.finish()
            if ed.modified:
                book.write(part, ed.serialize())
            if ed.formula_overwritten:
                book.drop_calc_chain()
                self._recalc = True
        if self._recalc:
            book.full_recalc()
        if self._styles is not None and self._styles.changed:
            book.touch(self._styles_part)
        book.serialize_touched()
        self._new_counts = {  # counted on the bytes about to be written, not on the editor's state
            part: fidelity.sheet_counts(book.put[part], f"{self.path.name} 的 {part}") - ed.tool_counts()
            for part, ed, _c in self._editors.values()
            if part in book.put
        }
        self._user_xml = sum(len(book.put[part]) for part, _ed, _c in self._editors.values() if part in book.put)
        for _part, ed, _c in self._editors.values():  # the rows are done with: free them
            ed.release()
        pkg = book.pkg
        rewrite = {part for part, ed, _c in self._editors.values() if ed.modified and self._force_rewrite}
        changed = {n: book.content(n) for n in book.put if pkg.has(n) and (n in rewrite or book.differs(n))}
        added = {n: book.content(n) for n in book.put if not pkg.has(n)}
        removed = set(book.deleted)
        result = WriteResult(
            path=self.target,
            changed_parts=sorted(changed),
            added_parts=sorted(added),
            removed_parts=sorted(removed),
            skipped_fills=list(self._skipped),
            unchanged=not (changed or added or removed),
        )
        if result.unchanged and self.out is None:
            return result  # a rerun of the same write: leave the file alone, mtime included
        data = build_zip(pkg, changed, added, removed, book.deflater)
        book.deflater.close()
        # The big parts are in the zip now; the check needs of them only what it counted before
        # (the edited sheets) or nothing (the tool's own parts): let their bytes go before the
        # read-back loads its grids.
        big = {part for part, _ed, _c in self._editors.values()} | self._tool_parts
        kept = {n: b"" if n in big else d if isinstance(d, bytes) else book.read(n) for n, d in changed.items()}
        del added, changed
        for part in big:
            book.put.pop(part, None)
            book.packed.pop(part, None)
        try:
            result.backup = self._put(data, kept, removed)
        except OSError as err:
            raise os_error(err, self.target.name) or err from None
        return result

    def _backups(self) -> safety.Backups:
        return safety.Backups(self.path, self.backup_dir, self.backup_keep, self.clock())

    def _put(self, data: bytes, changed: dict[str, bytes], removed: set[str]) -> Path | None:
        """Write the temp file, check it, and put it in place (see safety.swap_in)."""
        temp = safety.write_temp(self.target, data, like=self.path)
        try:
            safety.fault("temp-complete")
            self._check(temp, changed, removed)
            if self.out is not None:
                safety.refuse_if_open(self.target)
                safety.replace(temp, self.target)
                return None
            safety.refuse_if_changed(self.path, self._fp)
            safety.refuse_if_open(self.target)
            backups = self._backups()
            if backups.keep > 0:
                backups.prepare()  # a folder that cannot be made refuses before the master is moved
            return safety.swap_in(temp, self.path, self._fp, backups)
        finally:
            temp.unlink(missing_ok=True)

    def _check(self, temp: Path, changed: dict[str, bytes], removed: set[str]) -> None:
        book, label = self.book, self.path.name
        pkg = book.pkg
        untouched = [n for n in pkg.names if n not in changed and n not in removed]
        z = fidelity.check_zip({n: pkg.read(n) for n in untouched}, temp, untouched, label)
        z.close()
        owned = self._tool_parts | {p for p in removed if "calcChain" in p}
        for p in sorted(removed - owned):
            raise FidelityRefused(f"写入 {label} 会删除部件 {p}，已放弃写入，原文件未改动。")
        editors = {part: (ed, counts) for part, ed, counts in self._editors.values()}
        for part, data in changed.items():
            if part in self._tool_parts:
                continue
            if part in editors:
                ed, old = editors[part]
                new = self._new_counts[part]  # counted on the tree just serialized
                fidelity.refuse_losses(
                    label, part, fidelity.lost(old - ed.tool_old, new, frozenset(ed.tool_cols))
                )
                continue
            skip = self._skip_for(part, owned | removed)
            old_root = parse(pkg.read(part), f"{label} 的 {part}")
            new_root = parse(data, f"{label} 的 {part}")
            fidelity.refuse_losses(
                label,
                part,
                fidelity.lost(
                    fidelity.element_counts(old_root, skip), fidelity.element_counts(new_root, skip)
                ),
            )
        expected = dict(self._expected)
        for part, ed, _counts in self._editors.values():
            if part in changed:  # every rewritten user sheet is read back, written cells or not
                if ed.name in expected:
                    expected[ed.name].update(ed.written)
                else:
                    expected[ed.name] = ed.written  # not a copy: 400k cells at 100k rows
        if self._known:  # the extents came from a second read of the file: it must be the one edited here
            safety.refuse_if_changed(self.path, self._fp)
        fidelity.readback(temp, expected, label, self._expected_rows,  # consumes the tool sheets' rows
                          together=self._user_xml <= fidelity.TOGETHER_UP_TO, known=self._known)

    def _skip_for(self, part: str, owned: set[str]) -> fidelity.Skip:
        """What the tool owns inside a shared part, left out of the lost-element comparison."""
        names = {n.casefold() for n in self._tool_names}
        sheet_tag, dn_tag, dns_tag = q("sheet"), q("definedName"), q("definedNames")
        rel_tag, ov_tag = q("Relationship", PKG_REL), q("Override", CT)

        def skip(el: etree._Element) -> bool:
            tag = el.tag
            if tag == sheet_tag:
                return el.get("name", "").casefold() in names
            if tag == dns_tag:  # a list holding only the tool's names (or none) comes and goes with them
                return all(skip(d) for d in el)
            if tag == dn_tag:
                if el.get("name", "").startswith(MARKER):
                    return True
                local = el.get("localSheetId")
                if local is None:
                    return False
                sheets = el.getparent().getparent().find(q("sheets"))
                idx = int(local)
                return (
                    sheets is not None
                    and idx < len(sheets)
                    and sheets[idx].get("name", "").casefold() in names
                )
            if tag == rel_tag:
                source = part.replace("_rels/", "").removesuffix(".rels")
                return el.get("TargetMode") != "External" and resolve(source, el.get("Target", "")) in owned
            if tag == ov_tag:
                return el.get("PartName", "").lstrip("/") in owned
            if isinstance(tag, str) and tag.endswith("}lpstr") and part == "docProps/app.xml":
                return (el.text or "").casefold() in names
            return False

        return skip


def refuse_not_zip(data: bytes, name: str) -> None:
    """The same message as the reader for a password-protected workbook or a legacy one renamed."""
    if is_encrypted(data[:65536]):
        raise BadInput(encrypted_message(name))
    if data.startswith(OLE_MAGIC):
        raise BadInput(f"{name} 实际是旧版 .xls 格式（只是文件名为 .xlsx），无法在原文件中写回。"
                       "请在 Excel/WPS 中另存为 .xlsx 后再运行。")


def _rels_xml(source: str, rels: list[tuple[str, str, str, bool]]) -> bytes:
    root = etree.Element(q("Relationships", PKG_REL), nsmap={None: PKG_REL})
    for rid, rtype, target, external in rels:
        el = etree.SubElement(root, q("Relationship", PKG_REL), Id=rid, Type=rtype)
        el.set("Target", target if external else relative(source, target))
        if external:
            el.set("TargetMode", "External")
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + etree.tostring(
        root, encoding="UTF-8"
    )
