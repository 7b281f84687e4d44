"""An in-memory stand-in for the part of xlwings the live layer uses (macros/excel/live.py).

Backed by a grid read from a real workbook with python-calamine, shaped as xlwings returns it
(floats, datetimes for dates, None for empty cells). Every operation that would cross into Excel
is recorded in `book.calls`, so tests can bound them: one xlwings property read or write, method
call, or pywin32 (`.api`) attribute or method counts as one call.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from pathlib import Path, PureWindowsPath
from typing import Any

import python_calamine as pc

from taizhang.core.model import column_index, column_letter


def _xl_value(value: Any) -> Any:
    if value == "":
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _area(address: str) -> tuple[int, int, int, int]:
    """'B3:D9' -> (3, 2, 9, 4), 1-based."""
    first, _, last = address.replace("$", "").partition(":")
    last = last or first

    def split(ref: str) -> tuple[int, int]:
        letters = "".join(ch for ch in ref if ch.isalpha())
        return int(ref[len(letters):]), column_index(letters) + 1

    (r1, c1), (r2, c2) = split(first), split(last)
    return r1, c1, r2, c2


def _cells(address: str) -> list[tuple[int, int]]:
    out = []
    for part in address.split(","):
        r1, c1, r2, c2 = _area(part)
        out += [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return out


class Calls(list):
    def log(self, *what: Any) -> None:
        self.append(what)


class FakeApp:
    def __init__(self, calls: Calls) -> None:
        self._calls = calls
        self.books: list[FakeBook] = []
        self.addin_loaded = True  # whether the taizhang add-in (its VBA) is open in this Excel
        self._state: dict[str, Any] = {"screen_updating": True, "calculation": "automatic", "status_bar": False}
        self.alerts: list[tuple[str, str | None, str | None]] = []
        self.history: list[tuple[str, Any]] = []

    def _get(self, key: str) -> Any:
        self._calls.log("app", key)
        return self._state[key]

    def _set(self, key: str, value: Any) -> None:
        self._calls.log("app", key, value)
        self.history.append((key, value))
        self._state[key] = value

    screen_updating = property(lambda self: self._get("screen_updating"),
                               lambda self, v: self._set("screen_updating", v))
    calculation = property(lambda self: self._get("calculation"), lambda self, v: self._set("calculation", v))
    status_bar = property(lambda self: self._get("status_bar"), lambda self, v: self._set("status_bar", v))

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None) -> str:
        self._calls.log("app", "alert")
        self.alerts.append((prompt, title, mode))
        return "ok"


    def macro(self, name: str) -> Any:
        """xlwings' App.macro: no call until the returned macro is run (Application.Run)."""
        def run(*args: Any) -> Any:
            self._calls.log("app", "macro", name)
            if not self.addin_loaded or name != "'taizhang.xlam'!RibbonTaizhang.TaizhangAddRules":
                raise RuntimeError(f"Cannot run the macro '{name}'")  # what Excel says, as com_error
            return self._add_rules(*args)
        return run

    def _add_rules(self, book_name: str, sheet_name: str, spec: str) -> int:
        """What TaizhangAddRules in workbook/addin/vba/RibbonTaizhang.bas does, line for line."""
        book = next(b for b in self.books if PureWindowsPath(b._fullname).name == book_name)
        sheet = next(s for s in book.sheet_objects if s.name == sheet_name)
        added = 0
        for line in spec.split("\n"):
            fields = line.split("\t")
            if len(fields) == 4:
                address, clear, formula, colour = fields
                if clear == "1":
                    sheet.conditions = [c for c in sheet.conditions if c["address"] != address]
                sheet.conditions.append({"address": address, "type": 2, "operator": None, "formula": formula,
                                         "color": int(colour)})
                added += 1
        return added


class FakeInterior:
    def __init__(self, rule: dict[str, Any], calls: Calls) -> None:
        object.__setattr__(self, "_rule", rule)
        object.__setattr__(self, "_calls", calls)

    def __setattr__(self, name: str, value: Any) -> None:
        assert name == "Color", name
        self._calls.log("api", "Interior.Color", value)
        self._rule["color"] = value


class FakeCondition:
    def __init__(self, rule: dict[str, Any], calls: Calls) -> None:
        self._rule, self._calls = rule, calls

    @property
    def Interior(self) -> FakeInterior:
        self._calls.log("api", "Interior")
        return FakeInterior(self._rule, self._calls)


class FakeFormatConditions:
    def __init__(self, sheet: FakeSheet, address: str) -> None:
        self._sheet, self._address = sheet, address

    def Delete(self) -> None:
        self._sheet.calls.log("api", "FormatConditions.Delete", self._address)
        self._sheet.conditions = [c for c in self._sheet.conditions if c["address"] != self._address]

    def Add(self, Type: int, Operator: int | None = None, Formula1: str | None = None) -> FakeCondition:
        self._sheet.calls.log("api", "FormatConditions.Add", self._address, Formula1)
        rule = {"address": self._address, "type": Type, "operator": Operator, "formula": Formula1}
        self._sheet.conditions.append(rule)
        return FakeCondition(rule, self._sheet.calls)


class FakeRangeApi:
    def __init__(self, rng: FakeRange) -> None:
        self._rng = rng

    @property
    def HasFormula(self) -> bool | None:
        """False, True or None (some), as Excel answers; formulas are cells listed in sheet.formulas."""
        self._rng.sheet.calls.log("api", "HasFormula", self._rng.address_text)
        found = {self._rng.sheet.formulas.get(rc) is not None for rc in _cells(self._rng.address_text)}
        return None if len(found) > 1 else found.pop()

    @property
    def FormatConditions(self) -> FakeFormatConditions:
        self._rng.sheet.calls.log("api", "FormatConditions", self._rng.address_text)
        return FakeFormatConditions(self._rng.sheet, self._rng.address_text)


class FakeRange:
    def __init__(self, sheet: FakeSheet, address: str, ndim: int | None = None) -> None:
        self.sheet, self.address_text, self._ndim = sheet, address.replace("$", ""), ndim

    def options(self, ndim: int | None = None, **_: Any) -> FakeRange:
        return FakeRange(self.sheet, self.address_text, ndim)  # local in xlwings too: no call

    @property
    def address(self) -> str:
        self.sheet.calls.log("range", "address")
        r1, c1, r2, c2 = _area(self.address_text)
        return f"${column_letter(c1 - 1)}${r1}:${column_letter(c2 - 1)}${r2}"

    @property
    def value(self) -> Any:
        self.sheet.calls.log("range", "value get", self.address_text)
        r1, c1, r2, c2 = _area(self.address_text)
        block = [[self.sheet.cell(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]
        if self._ndim == 2:
            return block
        if len(block) == 1 and len(block[0]) == 1:
            return block[0][0]
        return block

    @value.setter
    def value(self, block: Any) -> None:
        self.sheet.calls.log("range", "value set", self.address_text)
        r1, c1, r2, c2 = _area(self.address_text)
        rows = block if isinstance(block, list) and block and isinstance(block[0], list) else [[block]]
        assert len(rows) == r2 - r1 + 1 and all(len(r) == c2 - c1 + 1 for r in rows), "block shape ≠ range"
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet.set_cell(r1 + i, c1 + j, v)

    @property
    def color(self) -> Any:
        raise AssertionError("the live layer never reads colours")

    @color.setter
    def color(self, rgb: tuple[int, int, int]) -> None:
        self.sheet.calls.log("range", "color set", self.address_text)
        for part in self.address_text.split(","):
            r1, c1, r2, c2 = _area(part)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self.sheet.fills[f"{column_letter(c - 1)}{r}"] = rgb

    @property
    def api(self) -> FakeRangeApi:
        return FakeRangeApi(self)  # xlwings hands over the pywin32 object: no call yet

    def merge(self, across: bool = False) -> None:
        """Excel merges each area of a union range on its own."""
        self.sheet.calls.log("range", "merge", self.address_text)
        self.sheet.merges += self.address_text.split(",")

    @property
    def font(self) -> FakeFont:
        self.sheet.calls.log("range", "font", self.address_text)
        return FakeFont(self)

    @property
    def column_width(self) -> Any:
        raise AssertionError("the live layer never reads widths")

    @column_width.setter
    def column_width(self, width: float) -> None:
        self.sheet.calls.log("range", "column_width set", self.address_text)
        for _, c in _cells(self.address_text):
            self.sheet.widths[column_letter(c - 1)] = width


class FakeFont:
    def __init__(self, rng: FakeRange) -> None:
        self._rng = rng

    @property
    def bold(self) -> Any:
        raise AssertionError("the live layer never reads fonts")

    @bold.setter
    def bold(self, value: bool) -> None:
        self._rng.sheet.calls.log("font", "bold set", self._rng.address_text)
        for rc in _cells(self._rng.address_text):
            self._rng.sheet.bold.add(rc)


class FakeSheet:
    def __init__(self, book: FakeBook, name: str, grid: list[list[Any]]) -> None:
        self.book, self.name = book, name
        self.calls = book.calls
        self.cells: dict[tuple[int, int], Any] = {}
        for r, row in enumerate(grid, start=1):
            for c, v in enumerate(row, start=1):
                if _xl_value(v) is not None:
                    self.cells[(r, c)] = _xl_value(v)
        self.fills: dict[str, tuple[int, int, int]] = {}
        self.conditions: list[dict[str, Any]] = []
        self.merges: list[str] = []
        self.bold: set[tuple[int, int]] = set()
        self.widths: dict[str, float] = {}
        self.formulas: dict[tuple[int, int], str] = {}  # tests mark formula cells here
        self.active = False

    def cell(self, row: int, col: int) -> Any:
        return self.cells.get((row, col))

    def set_cell(self, row: int, col: int, value: Any) -> None:
        """What Excel does with a written value: a leading apostrophe makes text (and is not kept),
        text that reads as a number becomes a number (the live layer must prevent that)."""
        self.book.saved = False  # Excel marks the workbook changed
        if isinstance(value, str) and value.startswith("'"):
            value = value[1:]
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                value = float(value)
        if isinstance(value, date) and not isinstance(value, datetime):
            value = datetime(value.year, value.month, value.day)  # what Excel hands back later
        if value is None or value == "":
            self.cells.pop((row, col), None)
        else:
            self.cells[(row, col)] = value

    @property
    def used_range(self) -> FakeRange:
        self.calls.log("sheet", "used_range", self.name)
        if not self.cells:
            return FakeRange(self, "A1")
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return FakeRange(self, f"{column_letter(min(cols) - 1)}{min(rows)}:{column_letter(max(cols) - 1)}{max(rows)}")

    def range(self, address: str) -> FakeRange:
        self.calls.log("sheet", "range", self.name, address)
        return FakeRange(self, address)

    def clear(self) -> None:
        """Values, formats and merges go; column widths stay, as in Excel."""
        self.calls.log("sheet", "clear", self.name)
        self.cells.clear()
        self.fills.clear()
        self.merges.clear()
        self.bold.clear()
        self.formulas.clear()

    def activate(self) -> None:
        self.calls.log("sheet", "activate", self.name)
        for s in self.book.sheet_objects:
            s.active = s is self

    def column(self, letter: str, first_row: int, last_row: int) -> list[Any]:
        """Test helper (no call recorded): one column's values."""
        col = column_index(letter) + 1
        return [self.cell(r, col) for r in range(first_row, last_row + 1)]


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self._book = book

    def __getitem__(self, name: str) -> FakeSheet:
        self._book.calls.log("book", "sheets[]", name)
        for sheet in self._book.sheet_objects:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def add(self, name: str | None = None, before: Any = None, after: Any = None) -> FakeSheet:
        self._book.calls.log("book", "sheets.add", name)
        assert name and name not in [s.name for s in self._book.sheet_objects]
        sheet = FakeSheet(self._book, name, [])
        at = self._book.sheet_objects.index(after) + 1 if after is not None else len(self._book.sheet_objects)
        self._book.sheet_objects.insert(at, sheet)
        return sheet


class FakeBookApi:
    def __init__(self, book: FakeBook) -> None:
        self._book = book

    @property
    def Saved(self) -> bool:
        self._book.calls.log("api", "Saved")
        return self._book.saved


class FakeBook:
    def __init__(self, grids: dict[str, list[list[Any]]], fullname: str = "工作簿1", saved: bool = False) -> None:
        self.calls = Calls()
        self._fullname = fullname
        self.saved = saved  # Workbook.Saved: nothing changed since the file was saved
        self.api = FakeBookApi(self)  # the pywin32 Workbook: no call until a property is read
        self.app = FakeApp(self.calls)
        self.app.books.append(self)
        self.sheet_objects = [FakeSheet(self, name, grid) for name, grid in grids.items()]
        self.sheets = FakeSheets(self)

    @classmethod
    def from_file(cls, path: Path, saved: bool = False, dirty: bool = False) -> FakeBook:
        """The workbook as Excel would hold it: `saved` opened from `path` (with `dirty`, changed
        since), else an unsaved Book1."""
        book = pc.CalamineWorkbook.from_path(str(path))
        grids = {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
        return cls(grids, str(path.resolve()) if saved else "工作簿1", saved=saved and not dirty)

    @property
    def name(self) -> str:
        self.calls.log("book", "name")
        return Path(self._fullname).name

    @property
    def fullname(self) -> str:
        self.calls.log("book", "fullname")
        return self._fullname

    @property
    def sheet_names(self) -> list[str]:
        self.calls.log("book", "sheet_names")
        return [s.name for s in self.sheet_objects]

    def sheet(self, name: str) -> FakeSheet:
        """Test helper (no call recorded)."""
        return next(s for s in self.sheet_objects if s.name == name)
