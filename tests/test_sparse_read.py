"""The cell-by-cell reader used for sheets too big to lay out densely gives what calamine gives,
value for value, on every sheet of the shared foreign workbooks and the sample."""

from __future__ import annotations

from pathlib import Path

import pytest
import python_calamine as pc

from taizhang.workbook.bounded import ZipBook
from taizhang.workbook.sparse import is_date_format, read_sparse
from tests.conftest import FOREIGN, REPO

BOOKS = [*sorted(FOREIGN.glob("*.xls[xm]")), REPO / "workbook" / "sample" / "示例台账.xlsx"]


def trimmed(rows: list[list[object]]) -> list[list[object]]:
    """Rows without trailing blanks, and no blank rows at the end ("" and None alike)."""
    out = []
    for row in rows:
        values = [None if v == "" else v for v in row]
        while values and values[-1] is None:
            values.pop()
        out.append(values)
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.parametrize("path", BOOKS, ids=lambda p: p.name)
def test_the_sparse_reader_reads_what_calamine_reads(path: Path) -> None:
    if not path.is_file():
        pytest.skip("../shared/fixtures/foreign is not beside the checkout")
    zb = ZipBook(path)
    book = pc.CalamineWorkbook.from_path(str(path))
    try:
        for name, part in zb.parts.sheets.items():
            dense = trimmed(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
            sparse, merged = read_sparse(zb.read(part, charge=False), zb, name, 10**9)
            assert trimmed(sparse) == dense, name
            calamine_merged = book.get_sheet_by_name(name).merged_cell_ranges or []
            assert sorted(merged) == sorted((a[0], a[1], b[0], b[1]) for a, b in calamine_merged), name
    finally:
        book.close()
        zb.close()


@pytest.mark.parametrize(("code", "is_date"), [
    ("yyyy-mm-dd", True), ('yyyy"年"m"月"d"日"', True), ("h:mm", True), ("[h]:mm:ss", True),
    ("0.00", False), ('#,##0"元"', False), ("[Red]0.0", False), ('"d"0', False), ("@", False),
    ("0;[Red]-0;yyyy", False), ("\\d0", False),
])
def test_date_formats_are_told_apart(code: str, is_date: bool) -> None:
    assert is_date_format(code) is is_date
