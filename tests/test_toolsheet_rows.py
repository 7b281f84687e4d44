"""A tool sheet held by row and fitted by column: what it holds, how it fits, what it writes and
what the writer's read-back checks of it.

The expected layouts are computed here cell by cell from the rules in measure.py's docstring
(a row is as tall as its tallest cell; a cell wraps when its style says so or its text is wider
than its column), not by the grouped code under test."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from taizhang.core.errors import FidelityRefused
from taizhang.workbook.writer import Hyperlink, LedgerWriter, Style, ToolSheet, measure
from taizhang.workbook.writer.measure import (
    CELL_PADDING,
    DEFAULT_SIZE,
    row_points,
    shown,
    text_units,
    wrap_lines,
)
from tests.conftest_writer import make_ledger, read_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
WRAP = Style(font_size=11, wrap=True)
PLAIN = Style(font_size=11)
BOLD = Style(bold=True, font_size=12)


def _sheet() -> ToolSheet:
    """Rows written whole, a row written cell by cell with a gap, a row overwritten, a band of
    empty styled cells under a merge, repeated and unique values, links, dates and numbers."""
    sheet = ToolSheet("清单")
    sheet.write(1, 1, "标题", BOLD)
    sheet.merge("A1:E1")
    sheet.write_row(2, ["序号", "单位", "标题", "日期", "位置"], BOLD)
    units = ["县水利局", "县住房和城乡建设局", "县交通运输局"]
    for i in range(40):
        r = 3 + i
        sheet.write_row(r, [i + 1, units[i % 3], f"关于加强第{i}号河道治理工作的建议" * (1 + i % 4),
                            date(2026, 4, 1 + i % 20), Hyperlink(f"#'台账'!A{i + 3}", f"第{i + 3}行")],
                        [PLAIN, WRAP, WRAP, PLAIN, PLAIN])
    sheet.write(44, 3, "只写了第三列")  # A44, B44 never written
    sheet.write_row(10, ["改写", "县水利局"], PLAIN)  # overwrites A10:B10 of a row written whole
    sheet.write(45, 1, "分组（3件）", BOLD)
    for c in range(2, 6):
        sheet.write(45, c, None, BOLD)
    sheet.merge("A45:E45")
    sheet.column_width("C", 30)
    sheet.row_height(46, 40)  # a height for a row with no cells
    return sheet


def _reference_cells(sheet: ToolSheet) -> dict[tuple[int, int], tuple[object, Style | None]]:
    """The cells as written, replayed into a plain dict by position."""
    return {
        **{(1, 1): ("标题", BOLD), (44, 3): ("只写了第三列", None), (45, 1): ("分组（3件）", BOLD)},
        **{(45, c): (None, BOLD) for c in range(2, 6)},
    }


def test_cells_holds_what_was_written_and_nothing_else() -> None:
    sheet = _sheet()
    cells = sheet.cells
    for rc, want in _reference_cells(sheet).items():
        assert cells[rc] == want
    assert (44, 1) not in cells and (44, 2) not in cells  # never written
    assert cells[(10, 1)] == ("改写", PLAIN) and cells[(10, 2)] == ("县水利局", PLAIN)
    assert cells[(10, 3)][0].startswith("关于加强第7号")  # the rest of the row stays
    assert len(cells) == 1 + 5 + 40 * 5 + 1 + 5
    assert sheet.value_at(3, 5) == "第3行" and sheet.value_at(44, 1) is None and sheet.value_at(99, 1) is None


def test_rendered_rows_hold_exactly_the_written_cells() -> None:
    sheet = _sheet()
    xml, _rels = sheet.render(lambda value, style: 0, None)
    root = etree.fromstring(xml)
    refs = [c.get("r") for c in root.iter(f"{{{MAIN}}}c")]
    want = sorted(sheet.cells, key=lambda rc: rc)
    from taizhang.workbook.writer.xmlutil import cell_ref

    assert refs == [cell_ref(r, c) for r, c in want]  # row and column order, no unset cell
    rows = [int(r.get("r")) for r in root.iter(f"{{{MAIN}}}row")]
    assert rows == sorted({r for r, _c in want} | {46})
    assert root.find(f".//{{{MAIN}}}row[@r='46']").get("ht") == "40"
    links = root.findall(f"{{{MAIN}}}hyperlinks/{{{MAIN}}}hyperlink")
    assert [h.get("ref") for h in links] == [f"E{r}" for r in range(3, 43)]


def _expected_height(sheet: ToolSheet, r: int, widths: dict[int, float]) -> float:
    """A row's height straight from the rules: its tallest cell outside merges, cell by cell."""
    tallest = 0.0
    for (row, c), (value, style) in sheet.cells.items():
        if row != r or value in (None, "") or (row, c) == (1, 1) or row == 45:
            continue
        text = shown(value.text if isinstance(value, Hyperlink) else value, style.number_format if style else None)
        size = (style.font_size if style and style.font_size else DEFAULT_SIZE)
        bold = bool(style and style.bold)
        width = widths.get(c, measure.DEFAULT_WIDTH)
        too_wide = text_units(text, size, bold) + CELL_PADDING > width
        lines = wrap_lines(text, width, size, bold) if (style and style.wrap) or too_wide else text.count("\n") + 1
        tallest = max(tallest, row_points(lines, size))
    return min(round(tallest, 1), measure.MAX_HEIGHT)


def test_fitted_heights_follow_the_tallest_cell_of_each_row() -> None:
    sheet = _sheet()
    layout = sheet.fitted()
    assert layout.widths[3] == 30  # the builder's width stays
    for r in [*range(2, 43), 44]:
        assert layout.heights[r] == _expected_height(sheet, r, layout.widths), r
    assert 43 not in layout.heights and layout.heights[46] == 40
    assert len({layout.heights[r] for r in range(3, 43)}) > 1  # the titles make rows of several heights


def test_fitted_agrees_with_fit_of_the_same_cells() -> None:
    """The sheet's column-wise fitting and measure.fit over the cells by position agree."""
    sheet = _sheet()
    texts = {}
    for (r, c), (value, style) in sheet.cells.items():
        if value in (None, "") or (isinstance(value, Hyperlink) and not value.text):
            continue
        shown_value = value.text if isinstance(value, Hyperlink) else value
        size = (style.font_size if style and style.font_size else DEFAULT_SIZE)
        texts[(r, c)] = measure.CellText(shown(shown_value, style.number_format if style else None), size,
                                         bool(style and style.bold), bool(style and style.wrap),
                                         isinstance(value, int | float | date))
    from taizhang.workbook.writer.xmlutil import parse_range

    reference = measure.fit(texts, [parse_range(m) for m in sheet.merges], sheet.widths, sheet.heights)
    layout = sheet.fitted()
    assert layout.widths == reference.widths
    assert layout.heights == reference.heights
    assert layout.wrapped == reference.wrapped


def _texts_by_position(sheet: ToolSheet) -> dict[tuple[int, int], measure.CellText]:
    """Each written cell as fit() measures it, from its own text (digits as written)."""
    out = {}
    for (r, c), (value, style) in sheet.cells.items():
        shown_value = value.text if isinstance(value, Hyperlink) else value
        if shown_value in (None, ""):
            continue
        out[(r, c)] = measure.CellText(
            shown(shown_value, style.number_format if style else None),
            style.font_size if style and style.font_size else DEFAULT_SIZE,
            bool(style and style.bold), bool(style and style.wrap), isinstance(shown_value, int | float | date))
    return out


_CELL = st.one_of(
    st.text(alphabet="0123456789 -/abc关于河道治理（），。县第号", max_size=50),
    st.integers(min_value=-10**7, max_value=10**9),
    st.builds(lambda n: Hyperlink(f"#'台账'!A{n}", f"第{n}行"), st.integers(1, 99999)),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.tuples(_CELL, st.sampled_from([PLAIN, WRAP, BOLD, None])), min_size=1, max_size=5),
                min_size=1, max_size=25),
       st.dictionaries(st.integers(1, 5), st.sampled_from([5.0, 8.0, 12.5, 30.0]), max_size=3))
def test_fitted_agrees_with_fit_of_cells_that_differ_in_their_digits(
        rows: list[list[tuple[object, Style | None]]], widths: dict[int, float]) -> None:
    """Cells measured once per digit shape (序号 1…9 as one) lay out as each cell measured alone."""
    sheet = ToolSheet("清单")
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, [v for v, _s in row], [s for _v, s in row])  # type: ignore[misc]
    for c, width in widths.items():
        sheet.column_width(c, width)
    reference = measure.fit(_texts_by_position(sheet), [], sheet.widths, sheet.heights)
    layout = sheet.fitted()
    assert (layout.widths, layout.heights, layout.wrapped) == (
        reference.widths, reference.heights, reference.wrapped)


def test_a_hidden_sheet_keeps_the_widths_and_heights_its_builder_set() -> None:
    """Nobody sees a hidden tool sheet (分发明细): it is not fitted; what the builder set stays."""
    sheet = ToolSheet("分发明细")
    sheet.hidden = True
    sheet.write_row(1, ["密钥", "很长的内容" * 2000], [None, WRAP])
    sheet.write_row(2, [1, "县水利局"])
    sheet.column_width("A", 12)
    sheet.row_height(2, 22.04)
    layout = sheet.fitted()
    assert (layout.widths, layout.heights, layout.wrapped) == ({1: 12}, {2: 22.0}, set())
    root = etree.fromstring(sheet.render(lambda value, style: 0, None)[0])
    assert [c.get("width") for c in root.iter(f"{{{MAIN}}}col")] == ["12"]
    assert [r.get("ht") for r in root.iter(f"{{{MAIN}}}row")] == [None, "22"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789 -/abc关于河道治理（），。县第号", min_size=1, max_size=60),
       st.sampled_from([6.0, 9.5, 12.0, 20.0, 40.0]))
def test_wrap_lines_is_the_same_for_every_digit_shape(text: str, width: float) -> None:
    """wrap_lines answers texts that differ only in their digits once: exact, since every digit
    is as wide as any other and breaks the same way."""
    other = re.sub(r"\d", "7", text)
    assert wrap_lines(text, width) == measure._wrap_lines(text, width, DEFAULT_SIZE, False)
    assert wrap_lines(other, width) == measure._wrap_lines(other, width, DEFAULT_SIZE, False)
    assert wrap_lines(text, width) == wrap_lines(other, width)


def _write_sheet(path: Path, sheet: ToolSheet) -> None:
    with LedgerWriter(path) as w:
        w.replace_sheet(sheet)
        w.commit()


def test_a_tool_sheet_reads_back_as_written(tmp_path: Path) -> None:
    path = make_ledger(tmp_path / "台账.xlsx")
    _write_sheet(path, _sheet())
    rows = read_sheet(path, "清单")
    assert rows[2][:5] == [1, "县水利局", "关于加强第0号河道治理工作的建议", date(2026, 4, 1), "第3行"]
    assert rows[43][:3] == ["", "", "只写了第三列"]
    assert rows[9][:2] == ["改写", "县水利局"]


def test_the_read_back_refuses_a_tool_sheet_that_reads_otherwise(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """What the writer expects of a tool sheet is compared with what calamine reads back; a
    difference (here: the expectation altered, as a writer bug would) refuses the write."""
    path = make_ledger(tmp_path / "台账.xlsx")
    before = path.read_bytes()
    real = ToolSheet.written_rows

    def altered(self: ToolSheet) -> dict[int, list[object]]:
        rows = real(self)
        rows[20][2] = "不是写入的内容"
        return rows

    monkeypatch.setattr(ToolSheet, "written_rows", altered)
    with pytest.raises(FidelityRefused, match="C20"):
        _write_sheet(path, _sheet())
    assert path.read_bytes() == before


def test_the_bounded_reader_gives_rows_one_at_a_time_as_the_grid_has_them(tmp_path: Path) -> None:
    """rows() (what the read-back streams) and grid() agree on a sheet whose first cell is not
    A1, with a gap row, a date and an empty sheet beside it."""
    import openpyxl

    from taizhang.workbook.bounded import open_book

    path = tmp_path / "偏移.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "表"
    ws["C3"], ws["E4"], ws["D7"] = 1, date(2026, 1, 2), "文字"
    wb.create_sheet("空表")
    wb.save(path)
    with open_book(path) as book:
        streamed = list(book.rows("表"))
        assert list(book.rows("空表")) == []
    with open_book(path) as book:
        grid = book.grid("表")
    assert streamed == grid
    assert streamed[2][2] == 1 and streamed[3][4] == date(2026, 1, 2) and streamed[6][3] == "文字"
    assert len(streamed) == 7 and streamed[0] == ["", "", "", "", ""]
    with open_book(path) as book:  # the read-back's own reading of a tool sheet, without the bounds' scan
        assert list(book.rows("表", own=True)) == grid
        assert list(book.rows("空表", own=True)) == []


def test_the_read_back_refuses_a_tool_column_that_reads_otherwise(tmp_path: Path) -> None:
    """The ledger sheet's tool cells are read back (a row at a time) against what the writer
    says it wrote there; a difference (a writer bug, simulated) refuses the write."""
    path = make_ledger(tmp_path / "台账.xlsx")
    before = path.read_bytes()
    with LedgerWriter(path) as w:
        letter = w.set_tool_column("台账", 2, "【系统】状态", {r: "正常" for r in range(3, 23)})
        editor = w._editor("台账")
        editor._apply()  # staged columns are applied when the writer commits; apply them now
        col = ord(letter) - 64
        assert editor.written[(12, col)] == "正常"
        editor.written[(12, col)] = "逾期"
        with pytest.raises(FidelityRefused, match=f"{letter}12"):
            w.commit()
    assert path.read_bytes() == before
