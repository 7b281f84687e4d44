"""A tool sheet rendered column by column, per distinct cell, against the sheet built cell by cell
with lxml (cells.set_cell_value, the writer's reference for a cell), on generated sheets shaped
like the tool's own: columns of one main type and style, with other cells, gaps, short rows,
merges, links and texts that need escaping mixed in.

The expected rows are built here one cell at a time in row and column order: each cell's
format asked for as it is met (so the s="…" ids follow that order), its value set by lxml,
wrapped where the sheet's layout says so, and each row's height taken from that layout."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from taizhang.workbook.writer import Hyperlink, Style, ToolSheet
from taizhang.workbook.writer.cells import default_style, set_cell_value

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STYLES = [None, Style(), Style(wrap=True), Style(bold=True, font_size=14), Style(number_format="0.00%"),
          Style(font_size=9, wrap=True), Style(bold=True)]
# Texts like the tool's (units, titles that differ in their digits), and ones that need escaping,
# preserving spaces, dropping control characters, or that hold the character the renderer joins with.
WORDS = ["县水利局", "县住房和城乡建设局（3503件）", "关于加强第12号河道治理工作的建议", "abc def-ghi/jkl",
         " 前有空格", "后有空格 ", "两行\n文字", "&<>\"'", "控制\x01字符", "\ue000", "", "长" * 60, "word " * 20,
         "\t制表", "全角，标点。", "\u3000全角空格"]

texts = st.one_of(st.sampled_from(WORDS), st.builds(lambda w, n: w.replace("12", str(n)),
                                                      st.sampled_from(WORDS), st.integers(0, 99999)))
links = st.builds(Hyperlink, st.sampled_from(["#'台账'!A3", "#'台账'!C17", "https://example.org/?a=1&b=2"]), texts)
KINDS = {
    "text": texts,
    "int": st.integers(-10**6, 10**12),
    "float": st.sampled_from([0.5, 1.0, -0.0, 0.0, 1e20, 0.123456789012, 3.25]),
    "bool": st.booleans(),
    "date": st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    "datetime": st.datetimes(datetime(2020, 1, 1), datetime(2030, 12, 31)),
    "none": st.none(),
    "link": links,
}
any_value = st.one_of(*KINDS.values())


@st.composite
def sheets(draw: st.DrawFn) -> ToolSheet:
    sheet = ToolSheet("清单")
    width = draw(st.integers(1, 6))
    mains = [(draw(st.sampled_from(sorted(KINDS))), draw(st.sampled_from(STYLES))) for _c in range(width)]
    first = draw(st.integers(1, 3))
    for _title in range(draw(st.integers(0, 2))):
        sheet.write(draw(st.integers(1, first)), draw(st.integers(1, 3)), draw(texts), draw(st.sampled_from(STYLES)))
    for r in range(first, first + draw(st.integers(1, 30))):
        if draw(st.integers(0, 9)) == 0:  # a row written cell by cell, with gaps
            for _cell in range(draw(st.integers(1, 3))):
                sheet.write(r, draw(st.integers(1, width + 2)), draw(any_value), draw(st.sampled_from(STYLES)))
            continue
        values, styles = [], []
        for kind, style in mains:
            if draw(st.integers(0, 9)):
                values.append(draw(KINDS[kind]))
                styles.append(style)
            else:
                values.append(draw(any_value))
                styles.append(draw(st.sampled_from(STYLES)))
        n = draw(st.integers(1, width)) if draw(st.integers(0, 9)) == 0 else width
        sheet.write_row(r, values[:n], styles[:n])
    for _merge in range(draw(st.integers(0, 2))):
        r1, c1 = draw(st.integers(1, first + 30)), draw(st.integers(1, width))
        r2, c2 = r1 + draw(st.integers(0, 2)), c1 + draw(st.integers(0, 2))
        if (r2, c2) != (r1, c1):
            sheet.merge(f"{chr(64 + c1)}{r1}:{chr(64 + c2)}{r2}")
    if draw(st.booleans()):
        sheet.column_width(draw(st.integers(1, width)), draw(st.sampled_from([5, 12, 30.5])))
    return sheet


class _Formats:
    """Cell format ids by resolved style, numbered in the order they are first asked for."""

    def __init__(self) -> None:
        self.ids: dict[Style, int] = {}

    def __call__(self, value: object, style: Style | None) -> int:
        resolved = default_style(value, style)
        if resolved is None:
            return 0
        return self.ids.setdefault(resolved, len(self.ids) + 1)


def _expected_rows(sheet: ToolSheet) -> list[bytes]:
    """Each row as lxml writes it, built cell by cell (bare rows with only a height left out)."""
    layout = sheet.fitted()
    formats = _Formats()
    by_row: dict[int, list[tuple[int, object, Style | None]]] = {}
    for (r, c), (value, style) in sorted(sheet.cells.items()):
        by_row.setdefault(r, []).append((c, value, style))
    out = []
    for r, cells in sorted(by_row.items()):
        row = etree.Element(f"{{{MAIN}}}row", nsmap={None: MAIN, "r": REL})  # as the worksheet declares them
        row.set("r", str(r))
        if r in layout.heights:
            row.set("ht", f"{layout.heights[r]:g}")
            row.set("customHeight", "1")
        for c, value, style in cells:
            wrap = (r, c) in layout.wrapped
            xf = formats(value, replace(style or Style(), wrap=True) if wrap else style)
            cell = etree.SubElement(row, f"{{{MAIN}}}c")
            cell.set("r", f"{chr(64 + c)}{r}")
            if xf:
                cell.set("s", str(xf))
            set_cell_value(cell, value, "")  # type: ignore[arg-type]
        out.append(etree.tostring(etree.fromstring(etree.tostring(row))))  # read as the rendered rows are
    return out


def _rendered_rows(sheet: ToolSheet) -> list[bytes]:
    xml, _rels = sheet.render(_Formats(), None)
    root = etree.fromstring(xml)
    return [etree.tostring(row) for row in root.iter(f"{{{MAIN}}}row") if len(row)]


@settings(max_examples=150, deadline=None)
@given(sheets())
def test_rendered_rows_are_the_cells_built_one_by_one(sheet: ToolSheet) -> None:
    assert _rendered_rows(sheet) == _expected_rows(sheet)


@settings(max_examples=100, deadline=None)
@given(sheets())
def test_read_back_rows_are_the_cells_shown_values(sheet: ToolSheet) -> None:
    cells = sheet.cells
    want = {}
    for r in {r for r, _c in cells}:
        last = max(c for row, c in cells if row == r)
        shown = [cells[(r, c)][0] if (r, c) in cells else None for c in range(1, last + 1)]
        want[r] = ["" if v is None else v.text if isinstance(v, Hyperlink) else v for v in shown]
    assert sheet.written_rows() == want


def test_a_column_of_negative_and_positive_zero_writes_each_as_it_is() -> None:
    """Equal values written alike are rendered once per column; -0.0 equals 0.0 but is not
    written alike, so it is not taken for it."""
    sheet = ToolSheet("零")
    for r, value in enumerate([0.0, -0.0, 1.5, -0.0, 0.0], start=1):
        sheet.write_row(r, [value])
    assert _rendered_rows(sheet) == _expected_rows(sheet)
    assert b"<v>-0.0</v>" in sheet.render(_Formats(), None)[0]
