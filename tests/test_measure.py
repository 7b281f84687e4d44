"""How much room a cell's text needs (workbook/writer/measure.py), and the layout a sheet gets from it."""

from __future__ import annotations

import math
from datetime import date

from hypothesis import example, given
from hypothesis import strategies as st

from taizhang.workbook.writer import Style, ToolSheet
from taizhang.workbook.writer.measure import (
    CELL_PADDING,
    PT_PER_UNIT,
    CellText,
    fit,
    row_points,
    text_units,
    wrap_lines,
)

CJK = "县教育和体育局关于改善办学条件的建议"


def test_chinese_counts_double() -> None:
    assert text_units("县财政局") == 4 * 11 / PT_PER_UNIT  # one em of 11 pt each
    assert text_units("县财政局") > 1.5 * text_units("abcd")
    assert text_units("县", size=22) == 2 * text_units("县")


def test_wrapped_lines_of_chinese_text() -> None:
    width = 20.0
    per_line = math.floor((width - CELL_PADDING) / (11 / PT_PER_UNIT))
    for n in (1, per_line, per_line + 1, 3 * per_line + 2):
        text = (CJK * 5)[:n]
        assert wrap_lines(text, width) == math.ceil(n / per_line)
    assert wrap_lines("第一行\n第二行\n第三行", width) == 3


def test_latin_breaks_at_hyphens_and_spaces() -> None:
    assert wrap_lines("dissatisfied-without-rereply", 14, size=8) >= 2
    assert wrap_lines("a b c", 40) == 1


@given(st.text(alphabet=CJK + "abc-, 0123456789", min_size=1, max_size=200), st.floats(4, 80), st.floats(4, 80))
def test_a_wider_column_never_needs_more_lines(text: str, a: float, b: float) -> None:
    narrow, wide = sorted((a, b))
    assert wrap_lines(text, wide) <= wrap_lines(text, narrow)


def test_fit_keeps_given_widths_wraps_long_text_and_sizes_rows() -> None:
    cells = {(1, 1): CellText("序号"), (1, 2): CellText(CJK * 3), (2, 1): CellText("12345678901234", fixed=True),
             (2, 2): CellText("短")}
    layout = fit(cells, [], widths={1: 6.0, 2: 20.0})
    assert layout.widths[2] == 20.0  # the builder's width
    assert layout.widths[1] >= text_units("12345678901234") + CELL_PADDING  # a number never shows ###
    assert (1, 2) in layout.wrapped
    assert layout.heights[1] == row_points(wrap_lines(CJK * 3, 20.0))
    assert layout.heights[2] == row_points(1)


def test_a_merge_over_rows_gets_the_height_it_needs_on_its_last_row() -> None:
    text = CJK * 10
    layout = fit({(1, 1): CellText(text, wrap=True)}, [(1, 1, 3, 2)], widths={1: 10.0, 2: 10.0})
    need = row_points(wrap_lines(text, 20.0))
    assert set(layout.heights) == {1, 2, 3}  # the empty rows of the merge get heights too
    assert sum(layout.heights.values()) >= need - 0.2


def test_a_tool_sheet_writes_widths_heights_and_footer() -> None:
    sheet = ToolSheet("测试")
    sheet.write(1, 1, "标题", Style(font_size=16))
    sheet.write(2, 1, CJK * 4, Style(wrap=True))
    sheet.write(2, 2, date(2026, 5, 20))
    sheet.column_width("A", 12)
    xml, _rels = sheet.render(lambda value, style: 0, None)
    text = xml.decode()
    assert 'customHeight="1"' in text and "第 &amp;P 页 共 &amp;N 页" in text and "&amp;A" in text
    assert 'fitToWidth="1"' in text and 'fitToPage="1"' in text
    layout = sheet.fitted()
    assert layout.heights[2] == row_points(wrap_lines(CJK * 4, 12))
    assert layout.widths[2] >= text_units("2026-05-20") + CELL_PADDING


# -- the cached measuring agrees with measuring character by character -----------------------
def _reference_units(text: str, size: float, bold: bool) -> float:
    """Straight from the rules in measure.py's docstring, one character at a time."""
    import unicodedata

    total = 0.0
    for ch in text:
        wide = unicodedata.east_asian_width(ch) in ("W", "F") or ch in "“”‘’…—·"
        total += (1.0 if wide else 0.65) * size / PT_PER_UNIT * (1.05 if bold else 1.0)
    return total


MIXED = CJK + "，。、；：）”“…—·abcXYZ0123456789 -/\n\t%Ａ가ア"


@given(st.text(alphabet=MIXED, max_size=120), st.sampled_from([8.0, 9, 10.0, 11.0, 12, 16.0]), st.booleans())
def test_text_units_is_the_sum_over_characters(text: str, size: float, bold: bool) -> None:
    assert text_units(text, size, bold) == _reference_units(text, size, bold)


@given(st.text(alphabet=MIXED, max_size=160), st.floats(2, 80), st.sampled_from([9.0, 10.0, 11.0]), st.booleans())
def test_wrap_lines_greedy_by_tokens(text: str, width: float, size: float, bold: bool) -> None:
    """The whole-paragraph shortcut never changes the count the token-by-token filling gives."""
    from taizhang.workbook.writer.measure import _tokens

    room = max(width - CELL_PADDING, 1.0)
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for token in _tokens(paragraph):
            need = _reference_units(token.rstrip(), size, bold)
            if used and used + need > room:
                lines += 1
                used = 0.0
            if need > room:
                extra = math.ceil(need / room) - 1
                lines += extra
                used = need - extra * room
            else:
                used += _reference_units(token, size, bold)
    assert wrap_lines(text, width, size, bold) == max(lines, 1)


LONG_PIECES = st.sampled_from(["县教育和体育局", "关于改善办学条件的建议。", "road  ", "A-12 ", "\n", "　", "（第3号）"])


@given(st.lists(st.lists(LONG_PIECES, min_size=30, max_size=160).map("".join), min_size=1, max_size=4),
       st.sampled_from([6.0, 9.0, 14.0, 30.0, 45.0]), st.booleans())
@example([CJK * 12], 30.0, False)  # 17 lines, 279 pt: fewer than the cap though long
@example([CJK * 12], 14.0, False)  # 39 lines: past the cap
def test_rows_past_the_cap_get_what_counting_every_line_gives(texts: list[str], width: float, tall_merge: bool) -> None:
    """Row heights stop at 409 pt, so fit may skip counting the lines of a text surely taller; the
    heights must still be those the line counts give (capped), and a merge over rows keeps the exact way."""
    cells = {(r, 1): CellText(t, wrap=True) for r, t in enumerate(texts, start=1)}
    merges = []
    if tall_merge:
        cells[(1, 2)] = CellText("意见" * 300, wrap=True)
        merges = [(1, 2, len(texts), 2)]
    layout = fit(cells, merges, widths={1: width, 2: 8.0})
    for r, text in enumerate(texts, start=1):
        exact = min(round(row_points(wrap_lines(text, width)), 1), 409.0)
        if tall_merge:
            assert layout.heights[r] >= exact
        else:
            assert layout.heights[r] == exact
