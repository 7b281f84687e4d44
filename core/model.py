"""The ledger as the tool understood it, the cell a value came from, and a cell it could not read.

Every value remembers its source cell, so any message can point at it. A case shown or handed on
whole is a `Case` (`core/case.py`, a pydantic model): importing it here is lazy
(`from taizhang.core.model import Case` still works), so reading and checking a ledger, which hold
cases as columns, never load pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from taizhang.core.table import CaseTable

if TYPE_CHECKING:
    from taizhang.core.case import Case as Case


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters to a 0-based column index: A -> 0."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


@dataclass(frozen=True, slots=True)
class CellRef:
    """A cell of a sheet."""

    sheet: str
    row: int  # Excel row number, 1-based
    column: str  # Excel column letter

    @property
    def a1(self) -> str:
        return f"{self.column}{self.row}"

    def __str__(self) -> str:
        return f"“{self.sheet}”工作表 {self.a1} 单元格"


@dataclass(slots=True)
class Unparsed:
    """A cell whose value could not be understood: kept raw, listed, never dropped."""

    sheet: str
    row: int
    column: str
    name: str  # canonical column name
    value: str
    reason: str

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}"


class Ledger:
    """How the tool understood a workbook's ledger sheet: where its header and columns are, and its
    cases as columns (`table`, a `CaseTable`). `ledger.case(i)` and `ledger.cases` give `Case`
    objects, built on first use, for code that shows or hands on whole cases."""

    def __init__(self, *, path: str, sheet: str, header_row: int, header_rows: list[int],
                 columns: dict[str, str], last_column: str, extra_columns: dict[str, str] | None = None,
                 tool_columns: dict[str, str] | None = None, year: int | None = None,
                 cases: list[Case] | None = None, table: CaseTable | None = None,
                 unparsed: list[Unparsed] | None = None) -> None:
        self.path = path
        self.sheet = sheet
        self.header_row = header_row  # the last header row; data starts below it
        self.header_rows = header_rows
        self.columns = columns  # canonical name -> column letter
        self.extra_columns = extra_columns or {}  # other header -> column letter
        self.tool_columns = tool_columns or {}  # 【系统】 header -> column letter
        self.last_column = last_column  # the last user column (tool columns go after it)
        self.year = year
        self.unparsed = unparsed or []
        self.table = table if table is not None else CaseTable.from_cases(cases or [], sheet)

    def __len__(self) -> int:
        return len(self.table)

    def case(self, i: int) -> Case:
        """The i-th case (0-based, in sheet order)."""
        return self.table.case(i)

    @property
    def cases(self) -> list[Case]:
        """Every case, in sheet order (built once, on first use)."""
        return self.table.cases()

    def by_row(self, column: str) -> dict[int, Any]:
        """Each case's value of a canonical column by its Excel row, read from the columns (no
        `Case` built: on a big ledger building every case costs seconds)."""
        return dict(zip(self.table.rows, self.table.column(column), strict=True))

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Ledger:
        """A copy with some attributes replaced, as pydantic's `model_copy` (the merge gives the same
        sheet other `cases` and `unparsed` this way)."""
        given = dict(update or {})
        fields = {name: getattr(self, name) for name in _LEDGER_FIELDS}
        if "cases" not in given and "table" not in given:
            fields["table"] = self.table
        return Ledger(**(fields | given))


_LEDGER_FIELDS = ("path", "sheet", "header_row", "header_rows", "columns", "last_column", "extra_columns",
                  "tool_columns", "year", "unparsed")


def __getattr__(name: str) -> Any:
    # `Case` on first use: pydantic is loaded only by code that builds whole cases.
    if name == "Case":
        from taizhang.core.case import Case

        return Case
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
