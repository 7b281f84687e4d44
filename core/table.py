"""The ledger's cases held as columns: one list per canonical column, in row order.

This is how the reader hands the ledger on and how the deadlines, the statistics and the checks
read it: a column is a plain list (`table.column(Col.REPLY_DATE)`), so a pass over 20k cases is a
`zip` of a few lists, not 20k objects. A `Case` (pydantic) is built only where one case is shown or
handed on whole: `table.case(i)`, or iterating `table.cases()`; nothing builds all of them unless
asked. Values are the reader's converted ones (a date column holds `date | None`, 协办单位 lists).

Callers outside the core that still want case objects: `ledger.case(i)` / `ledger.cases` (built
once, on first use); new code should read columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from taizhang.core.columns import BY_NAME, COLUMNS, Kind

if TYPE_CHECKING:
    from taizhang.core.case import Case

_UNITS = frozenset(spec.name for spec in COLUMNS if spec.kind is Kind.UNITS)
_NO_UNITS: list[str] = []  # shared by every row of an absent 协办单位 column: read, never changed
_OWN = ("row", "sheet", "cells", "extra")


class CaseValues(Protocol):
    """What reads one case's values: a `Case`, or a `CaseRow` of a table."""

    @property
    def row(self) -> int: ...

    def __getitem__(self, column: str) -> Any: ...


class CaseTable:
    """The cases of one ledger sheet as columns. `rows` are the Excel rows (1-based), `letters`
    the column letter of each canonical column the sheet has; an absent column reads as empty."""

    __slots__ = ("_absent", "_all", "_cases", "_values", "extras", "letters", "rows", "sheet")

    def __init__(self, sheet: str, rows: list[int], letters: dict[str, str], values: dict[str, list[Any]],
                 extras: list[dict[str, Any]] | None = None) -> None:
        self.sheet = sheet
        self.rows = rows
        self.letters = letters
        self._values = values  # canonical name -> one value per row (present columns only)
        self.extras = extras if extras is not None else [{} for _ in rows]
        self._cases: list[Case | None] | None = None
        self._absent: dict[str, list[Any]] = {}
        self._all: list[Case] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, name: str) -> bool:
        """Whether the sheet has the column (a column it lacks still reads, as all empty)."""
        return name in self._values

    def column(self, name: str) -> Sequence[Any]:
        """The values of a canonical column, one per case; all None (协办单位: all []) when absent.
        The lists are shared: read them, never change them."""
        found = self._values.get(name)
        if found is not None:
            return found
        found = self._absent.get(name)
        if found is None:
            if name not in BY_NAME:
                raise KeyError(name)
            found = self._absent[name] = [_NO_UNITS if name in _UNITS else None] * len(self.rows)
        return found

    def row(self, i: int) -> CaseRow:
        """The i-th case read in place, without building a `Case`."""
        return CaseRow(self, i)

    def columns(self, *names: str) -> Iterator[tuple[Any, ...]]:
        """One tuple per case of the given columns' values (a zip of the columns)."""
        return zip(*(self.column(n) for n in names), strict=True) if names else iter(())

    def case(self, i: int) -> Case:
        """The i-th case (0-based) as a `Case`, built on first use and kept."""
        if self._cases is None:
            self._cases = [None] * len(self.rows)
        found = self._cases[i]
        if found is None:
            found = self._cases[i] = self._build(i)
        return found

    def cases(self) -> list[Case]:
        """Every case as a `Case` (built once, then the same list): for the edges that show or hand
        on whole cases."""
        if self._all is None:
            self._all = [self.case(i) for i in range(len(self.rows))]
        return self._all

    def __iter__(self) -> Iterator[Case]:
        return (self.case(i) for i in range(len(self.rows)))

    def take(self, indexes: Iterable[int]) -> CaseTable:
        """The cases at `indexes` (0-based, in the order given) as a table of their own."""
        picked = list(indexes)
        values = {name: [column[i] for i in picked] for name, column in self._values.items()}
        return CaseTable(self.sheet, [self.rows[i] for i in picked], self.letters, values,
                         [self.extras[i] for i in picked])

    def _build(self, i: int) -> Case:
        from taizhang.core.case import Case

        values: dict[str, Any] = {}
        for field in _case_fields():
            name = _COLUMN_OF[field]
            column = self._values.get(name)
            if column is not None:
                value = column[i]
                values[field] = list(value) if name in _UNITS else value
            else:
                values[field] = [] if name in _UNITS else None
        values.update(row=self.rows[i], sheet=self.sheet, cells=self.letters, extra=self.extras[i])
        return Case.from_read(values, {*(BY_NAME[n].field for n in self._values), *_OWN})

    @classmethod
    def from_cases(cls, cases: Iterable[Case], sheet: str | None = None) -> CaseTable:
        """A table of cases built elsewhere (a test, a merge): the columns every case's sheet has
        (`cells`), each read back from the cases, which the table then keeps as its own."""
        listed = list(cases)
        letters: dict[str, str] = {}
        for case in listed:
            for name, letter in case.cells.items():
                letters.setdefault(name, letter)
        present = [spec for spec in COLUMNS if spec.name in letters or _set_on_any(listed, spec.field)]
        values: dict[str, list[Any]] = {spec.name: [getattr(c, spec.field) for c in listed] for spec in present}
        table = cls(sheet if sheet is not None else (listed[0].sheet if listed else ""),
                    [c.row for c in listed], letters, values, [c.extra for c in listed])
        table._cases = list(listed)
        table._all = listed
        return table


class CaseRow:
    """One case of a table read in place: `case[Col.X]` as on a `Case`, and its Excel row."""

    __slots__ = ("_table", "index")

    def __init__(self, table: CaseTable, index: int) -> None:
        self._table = table
        self.index = index

    @property
    def row(self) -> int:
        return self._table.rows[self.index]

    def __getitem__(self, column: str) -> Any:
        return self._table.column(column)[self.index]


def _set_on_any(cases: list[Case], field: str) -> bool:
    """Whether any case was given a value for `field` (a test's case need not name its cells)."""
    return any(field in c.model_fields_set for c in cases)


_COLUMN_OF: dict[str, str] = {spec.field: spec.name for spec in COLUMNS}
_FIELDS: list[str] = []


def _case_fields() -> list[str]:
    """The Case attributes that hold columns, in the model's order (what `Case.from_read` needs)."""
    if not _FIELDS:
        from taizhang.core.case import Case

        _FIELDS.extend(f for f in Case.model_fields if f not in _OWN)
    return _FIELDS
