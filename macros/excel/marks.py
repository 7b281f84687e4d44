"""Colour marks: which ledger cells the check colours, kept in the ledger as one tool column.

The live 校验 button cannot colour thousands of scattered cells one range at a time within its call
budget. So each row carries its marks in the tool column 【系统】标色 ("|6E|11W|": column 6 is an
error, column 11 a warning), written in the same 2-D block as 【系统】校验问题, and three conditional
formats on the ledger's data range read it: one per colour, whatever the number of cells. The marks
move with their row when the ledger is sorted. `taizhang check --write` keeps the column up to date
where it exists, so the colours Excel shows always follow the last check, by either path.
"""

from __future__ import annotations

from taizhang.core.model import column_index

MARKS_COLUMN = "【系统】标色"
CODES = {"error": "E", "warning": "W", "info": "I"}  # the check's fill names (TOOL_FILLS["check"])
LAST_ROW = 1048576  # rules reach the sheet's end, so rows added later are covered too


def _split(ref: str) -> tuple[int, int]:
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), column_index(letters) + 1


def row_marks(fills: dict[str, str]) -> dict[int, str]:
    """{row: "|6E|11W|"} from the check's {cell: fill name}; rows without marks are left out (the
    tool column is rewritten whole, so their old marks go)."""
    by_row: dict[int, list[tuple[int, str]]] = {}
    for ref, name in fills.items():
        row, col = _split(ref)
        by_row.setdefault(row, []).append((col, CODES[name]))
    return {row: "|" + "|".join(f"{c}{code}" for c, code in sorted(marks)) + "|" for row, marks in by_row.items()}


def mark_formula(code: str, marks_letter: str, top: int) -> str:
    """The rule for one colour, relative to the top-left cell of the range it applies to."""
    return f'ISNUMBER(FIND("|"&COLUMN()&"{code}|",${marks_letter}{top}))'


def status_formula(status_letter: str, top: int, text: str) -> str:
    """The rule colouring the due-date and status cells of rows in `text` status."""
    return f'${status_letter}{top}="{text}"'
