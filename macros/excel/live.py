"""The thin live-Excel layer: the open workbook in, the same core and jobs as the file path, results out.

Every call into Excel crosses processes, so this module counts them (`Budget`, at most 30 per
button). When Excel holds no unsaved change, the saved file shows exactly what Excel shows: the
ledger and the settings sheets are then read from it by the file reader (no call at all), else the
ledger costs one used-range read and each settings sheet one more. Each run of adjacent tool
columns is written as one 2-D block. Colours come from conditional formats that read values the
tool wrote (the row's colour marks, the case's status), so they cost the same for 20,000 rows and
are only added where the saved file does not have them yet. Screen updating and automatic
calculation are off while it works and restored afterwards, whatever happens.
Nothing here needs a saved file: an unsaved Book1 works the same, only with more calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PureWindowsPath
from typing import Any, Protocol

from taizhang.core.errors import BadInput
from taizhang.core.model import Ledger, column_index, column_letter
from taizhang.core.settings import SETTINGS_SHEETS, Settings
from taizhang.macros.logs import ribbon_logger
from taizhang.workbook.reader import file_merges, open_workbook, read_source
from taizhang.workbook.sheet_parts import conditional_formats
from taizhang.workbook.source import Merged
from taizhang.workbook.writer import Hyperlink

XL_EXPRESSION = 2  # FormatConditions.Add(Type=xlExpression, Formula1=...)
RULES_MACRO = "'taizhang.xlam'!RibbonTaizhang.TaizhangAddRules"  # workbook/addin: ADDIN_NAME, CALLBACK_MODULE
MAX_ADDRESS = 255  # Excel refuses a longer address in Range("...")
MAX_CALLS = 30  # per button; optional formatting only spends what is left under it
EXIT_CALLS = 4  # quiet()'s three restores and the closing message box, spent after the work
_ADDRESS = re.compile(r"\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?")


class BookLike(Protocol):
    """The part of xlwings.Book this module uses (tests/fake_xlwings.py implements exactly this)."""

    @property
    def name(self) -> str: ...
    @property
    def fullname(self) -> str: ...
    @property
    def app(self) -> Any: ...
    @property
    def sheets(self) -> Any: ...
    @property
    def sheet_names(self) -> list[str]: ...
    @property
    def api(self) -> Any: ...  # the pywin32 Workbook (only .Saved is read)


@dataclass
class Budget:
    """Calls into Excel spent so far, counted the way tests/fake_xlwings.py records them: mandatory
    reads and writes always happen; optional ones (formatting, extra colour ranges) ask `left`."""

    limit: int = MAX_CALLS
    spent: int = 0

    def spend(self, calls: int = 1) -> None:
        self.spent += calls

    @property
    def left(self) -> int:
        return self.limit - EXIT_CALLS - self.spent


@dataclass
class Grid:
    """A sheet's values from A1 (list indexes are Excel rows and columns minus one)."""

    sheet: Any
    values: list[list[Any]]
    last_row: int  # Excel row of the used range's end
    last_col: int  # 1-based


@dataclass(frozen=True)
class Rule:
    """One conditional format to add: on `address`, fill `hex_` where `formula` holds; `delete`
    clears the range's conditional formats first."""

    address: str
    formula: str
    hex_: str
    delete: bool = False


@dataclass
class LiveRead:
    """The open workbook as one button read it: its ledger and settings, the ledger sheet's grid,
    the call budget, and what the button has added so far."""

    book: BookLike
    names: list[str]
    ledger: Ledger
    settings: Settings
    grid: Grid  # the ledger sheet
    budget: Budget = field(default_factory=Budget)
    saved: Path | None = None  # the file Excel shows unchanged, when there is one
    new_columns: set[str] = field(default_factory=set)  # tool columns this press added
    last_added: Any = None  # the tool sheet added last: the next one goes after it
    written: list[Any] = field(default_factory=list)  # tool sheets with values, not yet formatted
    rules: list[Rule] = field(default_factory=list)  # conditional formats waiting for `flush_rules`
    fullname: str = ""  # Workbook.FullName, as read once


def _parse_address(address: str) -> tuple[int, int, int, int]:
    found = _ADDRESS.fullmatch(address.replace("'", "").split("!")[-1])
    if not found:
        raise BadInput(f"无法理解 Excel 返回的区域地址“{address}”")
    c1, r1, c2, r2 = found.groups()
    return int(r1), column_index(c1) + 1, int(r2 or r1), column_index(c2 or c1) + 1


def _plain(value: Any) -> Any:
    # xlwings gives a datetime for every date cell; calamine gives a date when there is no time.
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def read_grid(sheet: Any, budget: Budget) -> Grid:
    """One read of the used range (plus its address), shifted so the grid starts at A1."""
    budget.spend(3)  # used_range, address, value
    used = sheet.used_range
    r1, c1, r2, c2 = _parse_address(used.address)
    block = used.options(ndim=2).value or []
    rows = [[_plain(v) for v in row] for row in block]
    pad = [None] * (c1 - 1)
    values: list[list[Any]] = [[] for _ in range(r1 - 1)]
    values += [pad + row if pad else row for row in rows]
    return Grid(sheet, values, r2, c2)


def where(book: BookLike, budget: Budget) -> tuple[str, Path | None]:
    """The workbook's full name, and its file when Excel holds no unsaved change: then the file shows
    what Excel shows and can be read without calls into Excel. None for Book1 or a changed workbook."""
    budget.spend()
    fullname = book.fullname
    path = Path(fullname)
    if not path.is_absolute() or not path.is_file():
        return fullname, None
    budget.spend()  # Workbook.Saved: False as soon as anything was typed since the last save
    return fullname, path if book.api.Saved else None


class LiveSource:
    """The workbook open in Excel as a `GridSource`, so the file reader's own functions choose its
    ledger sheet and read its settings. Each sheet costs one used-range read, once: the sheet
    object, the range, its address and its values (4 calls). A settings sheet is read without the
    address (3 calls): its grid is taken to start at A1, which only shifts the row numbers in
    messages about a settings sheet whose first rows are empty. Excel has no call that lists merged
    areas: they come from the saved file, when there is one."""

    where = "当前工作簿"

    def __init__(self, book: BookLike, budget: Budget, fullname: str, names: list[str] | None = None) -> None:
        self.book = book
        self.budget = budget
        self.fullname = fullname
        self._names = names
        self._grids: dict[str, Grid] = {}
        self._merged: dict[str, Merged] = {}

    def worksheet_names(self) -> list[str]:
        if self._names is None:
            self.budget.spend()
            self._names = list(self.book.sheet_names)
        return self._names

    def sheet_grid(self, name: str) -> Grid:
        """The sheet's values and its xlwings sheet, read once."""
        if name not in self._grids:
            if name in SETTINGS_SHEETS:
                self.budget.spend(3)  # sheets[name], used_range, value
                sheet = self.book.sheets[name]
                values = [[_plain(v) for v in row] for row in (sheet.used_range.options(ndim=2).value or [])]
                self._grids[name] = Grid(sheet, values, len(values), max((len(r) for r in values), default=1))
            else:
                self.budget.spend()  # sheets[name]
                self._grids[name] = read_grid(self.book.sheets[name], self.budget)
        return self._grids[name]

    def grid(self, name: str, nrows: int | None = None) -> list[list[Any]]:
        values = self.sheet_grid(name).values
        return values if nrows is None else values[:nrows]

    def merged(self, name: str) -> Merged:
        if name not in self._merged:
            self._merged[name] = file_merges(Path(self.fullname), name)  # costs no call into Excel
        return self._merged[name]


def _read_saved(book: BookLike, fullname: str, path: Path, budget: Budget) -> LiveRead:
    """The ledger and settings from the saved file Excel shows unchanged, read as the command line
    reads a file; one call for the ledger's sheet object, which the tool columns are written into."""
    with open_workbook(path) as wb:
        loaded = read_source(wb, fullname)
        values = wb.grid(loaded.ledger.sheet)  # the grid the ledger was built from
    budget.spend()  # sheets[name]
    grid = Grid(book.sheets[loaded.ledger.sheet], [[_plain(v) for v in row] for row in values], len(values),
                max((len(row) for row in values), default=1))
    return LiveRead(book, loaded.sheet_names, loaded.ledger, loaded.settings, grid, budget, path, fullname=fullname)


def read_book(book: BookLike, budget: Budget | None = None, place: tuple[str, Path | None] | None = None,
              names: list[str] | None = None) -> LiveRead:
    """Ledger and settings of the open workbook, chosen and built by the file reader's functions.
    From the saved file when Excel has nothing unsaved (no call but the sheet object); else through
    a `LiveSource`: the ledger with one used-range read and each settings sheet with one more."""
    budget = budget or Budget()
    fullname, saved = place or where(book, budget)  # `place`: where() was already asked
    if saved is not None:
        return _read_saved(book, fullname, saved, budget)
    source = LiveSource(book, budget, fullname, names)  # a caller that already asked passes the names
    loaded = read_source(source, fullname)
    grid = source.sheet_grid(loaded.ledger.sheet)
    return LiveRead(book, loaded.sheet_names, loaded.ledger, loaded.settings, grid, budget, saved, fullname=fullname)


@contextmanager
def quiet(app: Any, status: str, budget: Budget | None = None) -> Iterator[None]:
    """Screen updating off, manual calculation and a status-bar message, restored whatever happens.
    Screen updating is not read first: a ribbon button only runs while Excel shows its screen, so
    it is switched back on (one call saved)."""
    calculation = app.calculation
    app.screen_updating = False
    app.calculation = "manual"
    app.status_bar = status
    if budget is not None:
        budget.spend(4)  # the three restores are in EXIT_CALLS
    try:
        yield
    finally:
        app.status_bar = False  # hands the status bar back to Excel
        app.calculation = calculation
        app.screen_updating = True


def cell(value: Any) -> Any:
    """A value as Excel should store it. Text is written with a leading apostrophe so Excel keeps it
    text, as the file writer does: "=…" is not run as a formula, "2026-05-01" or "007" are not turned
    into a date or a number. Excel stores the text without the apostrophe."""
    if isinstance(value, Hyperlink):
        value = value.text  # the link itself is the file writer's (see docs/windows-smoke.md)
    if isinstance(value, str) and value:
        return "'" + value
    return value


def write_columns(live: LiveRead, columns: dict[str, dict[int, Any]]) -> dict[str, str]:
    """Tool columns by header ({Excel row: value}): existing ones in place, new ones after the last
    used column. Each run of adjacent columns is one 2-D write. Returns header -> column letter."""
    ledger, grid = live.ledger, live.grid
    free = max(grid.last_col, column_index(ledger.last_column) + 1,
               *(column_index(c) + 1 for c in ledger.tool_columns.values())) + 1
    place: dict[str, int] = {}
    for header in columns:
        if header in ledger.tool_columns:
            place[header] = column_index(ledger.tool_columns[header]) + 1
        else:
            place[header] = free
            live.new_columns.add(header)
            free += 1
    last_row = max([grid.last_row, ledger.header_row + 1, *(r for v in columns.values() for r in v)])
    top = ledger.header_row
    by_col = sorted(place.items(), key=lambda kv: kv[1])
    runs: list[list[tuple[str, int]]] = []
    for item in by_col:
        if runs and runs[-1][-1][1] + 1 == item[1]:
            runs[-1].append(item)
        else:
            runs.append([item])
    for run in runs:
        block = [[header for header, _ in run]]
        block += [[cell(columns[h].get(r)) for h, _ in run] for r in range(top + 1, last_row + 1)]
        first, last = column_letter(run[0][1] - 1), column_letter(run[-1][1] - 1)
        live.budget.spend(2)
        grid.sheet.range(f"{first}{top}:{last}{last_row}").value = block
    letters = {h: column_letter(c - 1) for h, c in place.items()}
    live.ledger.tool_columns.update(letters)
    return letters


def write_cells(live: LiveRead, cells: dict[tuple[int, int], Any]) -> None:
    """Scattered cells ({(row, col): value}) of the ledger as one block over their bounding
    rectangle, the cells in between written back with the values just read, when the rectangle
    holds no formula (one HasFormula call; a formula written back as its value would be lost).
    Otherwise one block per vertical run of changed cells."""
    if not cells:
        return
    sheet, grid = live.grid.sheet, live.grid.values
    r1, r2 = min(r for r, _ in cells), max(r for r, _ in cells)
    c1, c2 = min(c for _, c in cells), max(c for _, c in cells)
    live.budget.spend(2)
    rng = sheet.range(f"{column_letter(c1 - 1)}{r1}:{column_letter(c2 - 1)}{r2}")
    if rng.api.HasFormula is False:  # True: all formulas; None: some
        live.budget.spend()
        rng.value = [[cell(cells[(r, c)] if (r, c) in cells else _at(grid, r, c)) for c in range(c1, c2 + 1)]
                     for r in range(r1, r2 + 1)]
        return
    for col in sorted({c for _, c in cells}):
        letter = column_letter(col - 1)
        for part in _runs([f"{letter}{r}" for r, c in cells if c == col]):
            top, _, bottom, _ = _parse_address(part)
            live.budget.spend(2)
            sheet.range(part).value = [[cell(cells[(r, col)])] for r in range(top, bottom + 1)]


def _at(grid: list[list[Any]], row: int, col: int) -> Any:
    return grid[row - 1][col - 1] if row <= len(grid) and col <= len(grid[row - 1]) else None


def _runs(cells: list[str]) -> list[str]:
    """Cells grouped into vertical runs per column: ["F3", "F4", "F5"] -> ["F3:F5"]."""
    by_col: dict[str, list[int]] = {}
    for ref in cells:
        row, index, _, _ = _parse_address(ref)
        by_col.setdefault(column_letter(index - 1), []).append(row)
    out: list[str] = []
    for col in sorted(by_col, key=column_index):
        rows = sorted(set(by_col[col]))
        start = prev = rows[0]
        for r in [*rows[1:], None]:
            if r is not None and r == prev + 1:
                prev = r
                continue
            out.append(f"{col}{start}" if start == prev else f"{col}{start}:{col}{prev}")
            if r is not None:
                start = prev = r
    return out


def unions(parts: list[str]) -> list[str]:
    """Comma-joined addresses, each at most 255 characters (one Range call each)."""
    out: list[str] = []
    for part in parts:
        if out and len(out[-1]) + 1 + len(part) <= MAX_ADDRESS:
            out[-1] += "," + part
        else:
            out.append(part)
    return out


def _bgr(hex_: str) -> int:
    """Excel's colour number (BGR) of an "RRGGBB" hex."""
    return int(hex_[0:2], 16) + int(hex_[2:4], 16) * 256 + int(hex_[4:6], 16) * 65536


def add_rules(live: LiveRead, address: str, rules: list[tuple[str, str]], replace: bool, fresh: bool) -> bool:
    """Conditional formats on `address` (Excel's comma-separated form), one (formula, hex fill) each,
    unless the saved file already has exactly these. `replace` deletes the range's conditional
    formats first (unless the columns are `fresh`): only for ranges that are the tool's own
    columns. Without it (the ledger's own cells, whose other rules are the user's), an unsaved
    workbook gets the rules only when the column they read is `fresh` (added by this press): Excel
    then cannot have them yet, and otherwise an earlier press added them. The rules are queued;
    `flush_rules` adds them all. Returns whether any was queued."""
    if live.saved is None and not replace and not fresh:
        return False
    if live.saved is not None:
        present = conditional_formats(live.saved, live.ledger.sheet)
        sqref = address.replace(",", " ")
        if all((sqref, formula) in present for formula, _ in rules):
            return False
    delete = replace and not fresh  # a column added by this press has no rules yet
    live.rules += [Rule(address, formula, hex_, delete and i == 0) for i, (formula, hex_) in enumerate(rules)]
    return True


def rules_spec(rules: list[Rule]) -> str:
    """The queued rules as the add-in's TaizhangAddRules reads them (vba/RibbonTaizhang.bas): one
    line a rule, fields split by tabs: address, 1 to clear the range first else 0, formula, colour
    as Excel's BGR number. Addresses and formulas never hold a tab or a line break."""
    return "\n".join(f"{r.address}\t{int(r.delete)}\t={r.formula}\t{_bgr(r.hex_)}" for r in rules)


def flush_rules(live: LiveRead) -> None:
    """Add the queued conditional formats. Through the add-in's VBA in one call (each rule by COM
    costs three: Add, Interior, Color, so 一键更新's six would take 20 of the 30); when that macro is
    not there (Python run without the taizhang add-in, an older add-in), rule by rule."""
    if not live.rules:
        return
    live.budget.spend(1)
    try:
        book_name = PureWindowsPath(live.fullname).name  # Workbook.Name, without another call
        live.book.app.macro(RULES_MACRO)(book_name, live.ledger.sheet, rules_spec(live.rules))
    except Exception:  # pywin32's com_error or xlwings' error: any failure falls back
        ribbon_logger().warning("加载项宏 %s 不可用，改为逐条添加条件格式", RULES_MACRO, exc_info=True)
        _add_rules_by_com(live)
    live.rules = []


def _add_rules_by_com(live: LiveRead) -> None:
    by_address: dict[str, list[Rule]] = {}
    for rule in live.rules:
        by_address.setdefault(rule.address, []).append(rule)
    for address, rules in by_address.items():
        delete = any(r.delete for r in rules)
        live.budget.spend(2 + delete + 3 * len(rules))  # range, FormatConditions[, Delete]; Add, Interior, Color
        conditions = live.grid.sheet.range(address).api.FormatConditions
        if delete:
            conditions.Delete()
        for rule in rules:
            added = conditions.Add(Type=XL_EXPRESSION, Formula1="=" + rule.formula)
            added.Interior.Color = _bgr(rule.hex_)


def add_sheet(live: LiveRead, name: str, grid: list[list[Any]], after: Any) -> Any:
    """A new sheet after `after` with `grid` from A1 (the settings sheets the 设置 button creates)."""
    live.budget.spend(3)
    target = live.book.sheets.add(name, after=after)
    live.names.append(name)
    width = max(len(r) for r in grid)
    block = [[cell(v) for v in r] + [None] * (width - len(r)) for r in grid]
    target.range(f"A1:{column_letter(width - 1)}{len(block)}").value = block
    return target
