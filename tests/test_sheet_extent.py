"""The extent of a sheet part (last row, last column, cells) found three ways: the regular
expression for small parts, the numpy scan for big ones, and the XML walk (lxml, as calamine
places cells). The first two must agree with the walk, or step aside (None) for it. Before them,
the bound (bytes.count, no numpy) may answer with a last row and column at least the walk's."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.model import column_letter
from taizhang.workbook.bounded import (
    MAX_CELLS,
    _extent_bound,
    _extent_small,
    _extent_walk,
    extent,
    extent_by_numpy,
)


def sheet(cells: list[tuple[int, int]], style: str) -> bytes:
    """A worksheet part holding `cells` (row, column) written the way `style` says."""
    rows: dict[int, list[int]] = {}
    for r, c in sorted(set(cells)):
        rows.setdefault(r, []).append(c)
    body = []
    for r, cols in rows.items():
        written = []
        for i, c in enumerate(cols):
            ref = f"{column_letter(c - 1)}{r}"
            if style == "no-r" and i == 0:
                written.append('<c t="n"><v>1</v></c>')  # calamine puts it after the previous cell
            elif style == "r-second":
                written.append(f'<c s="0" r="{ref}"><v>1</v></c>')
            elif style == "lower":
                written.append(f'<c r="{ref.lower()}"><v>1</v></c>')  # calamine takes lower-case letters
            elif style == "zeros":
                written.append(f'<c r="{column_letter(c - 1)}000{r}"><v>1</v></c>')  # and leading zeros
            elif style == "empty":
                written.append(f'<c r="{ref}"/>')
            else:
                written.append(f'<c r="{ref}" t="inlineStr"><is><t>&lt;c r="ZZ9"</t></is></c>')
        body.append(f'<row r="{r}">{"".join(written)}</row>')
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><cols><col min="1" max="2" width="9"/></cols><sheetData>'
            f'{"".join(body)}</sheetData></worksheet>').encode()


cells = st.lists(st.tuples(st.integers(1, 1_048_576), st.integers(1, 16_384)), max_size=40)
# mostly within what the bound answers for (up to 99,999 rows, 702 columns), some beyond
near = st.lists(st.tuples(st.integers(1, 120_000), st.integers(1, 800)), max_size=40)
STYLES = ["plain", "empty", "no-r", "r-second", "lower", "zeros"]


@given(near | cells, st.sampled_from(STYLES))
def test_the_bound_holds_every_cell_calamine_places(found: list[tuple[int, int]], style: str) -> None:
    data = sheet(found, style)
    bound = _extent_bound(data)
    if bound is not None:
        walked = _extent_walk(data)
        assert walked.rows <= bound.rows and walked.cols <= bound.cols and bound.cells == walked.cells
        assert bound.area <= MAX_CELLS and not bound.exact
    if style in ("no-r", "r-second", "lower") and found:
        assert bound is None


def test_a_ledger_sized_sheet_is_bounded_without_numpy() -> None:
    """20,000 rows of 40 columns: the bound answers, and numpy (~0.1 s to import) is not loaded."""
    code = (
        "import sys\n"
        "from tests.test_sheet_extent import sheet\n"
        "from taizhang.workbook.bounded import extent\n"
        "found = extent(sheet([(r, c) for r in range(1, 20_001) for c in (1, 17, 40)], 'plain'))\n"
        "assert (found.exact, found.rows, found.cols, found.cells) == (False, 99_999, 52, 60_000), found\n"
        "assert 'numpy' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@given(cells, st.sampled_from(STYLES))
def test_the_quick_scans_agree_with_the_walk_or_step_aside(found: list[tuple[int, int]], style: str) -> None:
    data = sheet(found, style)
    walked = _extent_walk(data)
    for quick in (_extent_small(data), extent_by_numpy(data)):
        if quick is not None:
            assert (quick.rows, quick.cols, quick.cells) == (walked.rows, walked.cols, walked.cells)
    if style in ("plain", "empty"):
        small = _extent_small(data)
        assert small is not None and (small.rows, small.cols) == (max((r for r, _ in found), default=0),
                                                                  max((c for _, c in found), default=0))
    chosen = extent(data)
    if chosen.exact:
        assert (chosen.rows, chosen.cols, chosen.cells) == (walked.rows, walked.cols, walked.cells)
    else:
        assert walked.rows <= chosen.rows and walked.cols <= chosen.cols and chosen.area <= MAX_CELLS


def test_a_far_cell_gets_every_position_for_the_trimmed_read() -> None:
    data = sheet([(1, 1), (2, 3), (1_000_000, 16_000)], "plain")
    assert _extent_small(data) is not None  # small and readable, but its area is beyond the limit:
    assert extent(data).where is not None  # extent() hands over the numpy scan's positions


def test_a_prefixed_sheet_is_left_to_the_walk() -> None:
    data = sheet([(1, 1), (5, 2)], "plain").replace(b"<c ", b"<x:c ").replace(b"</c>", b"</x:c>")
    assert _extent_small(data) is None and extent_by_numpy(data) is None


def test_a_cell_outside_sheet_data_is_left_to_the_exact_scans() -> None:
    data = sheet([(1, 1), (5, 2)], "plain").replace(b"</worksheet>", b'<c r="XFD1048576"/></worksheet>')
    assert _extent_bound(data) is None
    assert extent(data).cols == 16_384


def test_a_long_run_of_digits_before_a_quote_ends_the_bound_at_once() -> None:
    """Each longer row number the bound considers costs a pass over the part: text such as
    `7777…7"` (quotes need no escaping in text) must not make it pass once per digit."""
    digits = '<c r="A2" t="inlineStr"><is><t>' + "7" * 5000 + '"</t></is></c>'
    data = sheet([(1, 1)], "plain").replace(b"</sheetData>", f'<row r="2">{digits}</row></sheetData>'.encode())
    assert _extent_bound(data) is None
    assert extent(data).rows == 2  # the exact scans answer
