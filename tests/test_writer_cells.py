"""What the writer does to cells, fills and sheets, and what it never does to the user's."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from taizhang.core.errors import BadInput
from taizhang.workbook.writer import (
    TOOL_FILLS,
    Chart,
    Hyperlink,
    LedgerWriter,
    Style,
    ToolSheet,
    new_workbook_with_sheets,
)
from tests.conftest_writer import make_ledger, parts, read_sheet

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return make_ledger(tmp_path / "台账.xlsx")


def sheet_xml(path: Path, part: str = "xl/worksheets/sheet1.xml") -> etree._Element:
    return etree.fromstring(parts(path)[part])


def fill_of(path: Path, ref: str) -> str | None:
    """The solid fill colour (RGB) a cell shows, or None."""
    cell = sheet_xml(path).find(f".//m:c[@r='{ref}']", NS)
    styles = etree.fromstring(parts(path)["xl/styles.xml"])
    s = int(cell.get("s", "0")) if cell is not None else 0
    xf = styles.findall("m:cellXfs/m:xf", NS)[s]
    fill = styles.findall("m:fills/m:fill", NS)[int(xf.get("fillId", "0"))]
    fg = fill.find("m:patternFill/m:fgColor", NS)
    return fg.get("rgb")[-6:] if fg is not None and fg.get("rgb") else None


def test_text_starting_with_equals_is_stored_as_text_never_a_formula(ledger: Path) -> None:
    evil = '=HYPERLINK("http://evil.example","点我")'
    with LedgerWriter(ledger) as w:
        w.set_tool_column("台账", 2, "【系统】备注", {3: evil, 4: "+1", 5: "@SUM(A1)"})
        w.commit()
    root = sheet_xml(ledger)
    cell = root.find(".//m:c[@r='F3']", NS)
    assert cell.get("t") == "inlineStr" and cell.find("m:f", NS) is None
    assert read_sheet(ledger, "台账")[2][5] == evil


def test_tool_column_goes_after_the_last_column_and_a_rerun_reuses_it(ledger: Path) -> None:
    with LedgerWriter(ledger) as w:
        assert w.set_tool_column("台账", 2, "【系统】状态", {3: "正常", 4: "逾期"}) == "F"
        assert w.set_tool_column("台账", 2, "【系统】剩余天数", {3: 5}) == "G"
        w.commit()
    with LedgerWriter(ledger) as w:
        assert w.set_tool_column("台账", 2, "【系统】状态", {4: "已办结"}) == "F"
        assert w.set_tool_column("台账", 2, "【系统】剩余天数", {3: 5}) == "G"
        w.commit()
    rows = read_sheet(ledger, "台账")
    assert rows[1][5:7] == ["【系统】状态", "【系统】剩余天数"]
    assert rows[2][5] == "" and rows[3][5] == "已办结"  # rows not given are cleared
    assert len(rows[1]) == 7


def test_user_fill_is_never_changed_and_is_reported(ledger: Path) -> None:
    with LedgerWriter(ledger) as w:
        skipped = w.set_cell_fills("台账", {"C3": "error", "C4": "error", "D5": "warning"}, "check")
        result = w.commit()
    assert skipped == ["C3"] and result.skipped_fills == ["台账!C3"]
    assert fill_of(ledger, "C3") == "FFFF00"
    assert fill_of(ledger, "C4") == TOOL_FILLS["check"]["error"]
    assert fill_of(ledger, "D5") == TOOL_FILLS["check"]["warning"]
    # the date format of D5 survives the fill
    assert read_sheet(ledger, "台账")[4][3].year == 2025


def test_clear_tool_fills_clears_only_this_kinds_tool_fills(ledger: Path) -> None:
    with LedgerWriter(ledger) as w:
        w.set_cell_fills("台账", {"C4": "error", "C5": "error", "B6": "warning"}, "check")
        w.set_cell_fills("台账", {"A7": "overdue"}, "due")
        w.commit()
    with LedgerWriter(ledger) as w:
        w.clear_tool_fills("台账", "check", keep={"C5"})
        w.commit()
    assert fill_of(ledger, "C3") == "FFFF00"  # the user's
    assert fill_of(ledger, "C4") is None and fill_of(ledger, "B6") is None  # fixed: colour gone
    assert fill_of(ledger, "C5") == TOOL_FILLS["check"]["error"]  # still a problem
    assert fill_of(ledger, "A7") == TOOL_FILLS["due"]["overdue"]  # another kind


def test_fill_of_another_kind_is_not_overwritten(ledger: Path) -> None:
    with LedgerWriter(ledger) as w:
        w.set_cell_fills("台账", {"A7": "overdue"}, "due")
        assert w.set_cell_fills("台账", {"A7": "error"}, "check") == ["A7"]


def test_users_own_sheet_of_the_same_name_is_refused(ledger: Path) -> None:
    with pytest.raises(BadInput) as err, LedgerWriter(ledger) as w:
        w.replace_sheet(ToolSheet("说明"))
    assert "说明" in err.value.message and "用户自己的表" in err.value.message
    with pytest.raises(BadInput), LedgerWriter(ledger) as w:
        w.remove_sheet("说明")


def test_tool_sheet_is_replaced_not_duplicated_and_can_be_removed(ledger: Path) -> None:
    def report(n: int) -> ToolSheet:
        sheet = ToolSheet("逾期清单")
        sheet.write_row(1, ["编号", "天数"], Style(bold=True))
        for i in range(n):
            sheet.write_row(i + 2, [f"J{i:03d}", i])
        sheet.add_chart(Chart("pie", "逾期", f"A2:A{n + 1}", f"B2:B{n + 1}"))
        return sheet

    with LedgerWriter(ledger) as w:
        w.replace_sheet(report(3))
        w.commit()
    with LedgerWriter(ledger) as w:
        w.replace_sheet(report(5))
        w.commit()
        assert w.sheet_names() == ["台账", "说明", "逾期清单"]
    assert read_sheet(ledger, "逾期清单")[5] == ["J004", 4.0]
    assert sum(1 for p in parts(ledger) if p.startswith("xl/charts/chart")) == 1
    with LedgerWriter(ledger) as w:
        assert w.remove_sheet("逾期清单")
        result = w.commit()
    names = set(parts(ledger))
    assert not any(p.startswith(("xl/charts/", "xl/drawings/")) for p in names)
    assert "xl/worksheets/sheet3.xml" in result.removed_parts
    with LedgerWriter(ledger) as w:
        assert w.sheet_names() == ["台账", "说明"]


def test_tool_sheet_features_are_written(ledger: Path) -> None:
    sheet = ToolSheet("校验结果")
    sheet.write(1, 1, "校验结果", Style(bold=True, font_size=16, h_align="center", font_color="C00000"))
    sheet.merge("A1:C1")
    sheet.write_row(2, ["位置", "问题", "日期"], [Style(border=True), Style(wrap=True), None])
    sheet.write(3, 1, Hyperlink("#'台账'!C3", "C3"))
    sheet.write(3, 2, 0.25, Style(number_format="0.00%"))
    sheet.write(3, 3, __import__("datetime").date(2025, 5, 1))
    sheet.column_width("B", 30)
    sheet.row_height(1, 28)
    sheet.freeze("A3")
    sheet.autofilter("A2:C3")
    sheet.print_setup(landscape=True, repeat_rows=(2, 2), title="校验结果")
    sheet.hidden = True
    with LedgerWriter(ledger) as w:
        w.replace_sheet(sheet)
        w.commit()
    root = sheet_xml(ledger, "xl/worksheets/sheet3.xml")
    assert root.find("m:mergeCells/m:mergeCell", NS).get("ref") == "A1:C1"
    link = root.find("m:hyperlinks/m:hyperlink", NS)
    assert link.get("location") == "'台账'!C3" and link.get("ref") == "A3"
    assert root.find("m:sheetViews/m:sheetView/m:pane", NS).get("state") == "frozen"
    assert root.find("m:pageSetup", NS).get("orientation") == "landscape"
    workbook = parts(ledger)["xl/workbook.xml"].decode()
    assert "'校验结果'!$2:$2" in workbook and 'state="hidden"' in workbook and "_taizhang_tool_" in workbook
    rows = read_sheet(ledger, "校验结果")
    assert rows[2][0] == "C3" and rows[2][1] == 0.25 and str(rows[2][2]).startswith("2025-05-01")


def test_overwriting_a_formula_drops_the_calc_chain_and_asks_for_recalc(tmp_path: Path) -> None:
    src = tmp_path / "f.xlsx"
    make_ledger(src)
    with LedgerWriter(src) as w:
        w.set_tool_column("台账", 2, "【系统】x", {3: 1})
        w.commit()
    # hand-place a formula into the tool column and a calcChain, as Excel would after a user edit
    data = parts(src)
    sheet = data["xl/worksheets/sheet1.xml"].replace(
        b'<c r="F3"><v>1</v></c>', b'<c r="F3"><f>1+1</f><v>2</v></c>'
    )
    assert sheet != data["xl/worksheets/sheet1.xml"]
    data["xl/worksheets/sheet1.xml"] = sheet
    data["xl/calcChain.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="F3" i="1"/></calcChain>'
    )
    data["[Content_Types].xml"] = data["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" '
        b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    data["xl/_rels/workbook.xml.rels"] = data["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'calcChain" Target="calcChain.xml"/></Relationships>',
    )
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, content)
    with LedgerWriter(src) as w:
        w.set_tool_column("台账", 2, "【系统】x", {3: "文字"})
        result = w.commit()
    assert "xl/calcChain.xml" in result.removed_parts
    assert b'fullCalcOnLoad="1"' in parts(src)["xl/workbook.xml"]
    assert b"calcChain" not in parts(src)["[Content_Types].xml"]


def test_new_workbook_with_sheets(tmp_path: Path) -> None:
    a, b = ToolSheet("汇总"), ToolSheet("通报")
    a.write_row(1, ["单位", "件数"], Style(bold=True))
    a.write_row(2, ["住建局", 3])
    a.add_chart(Chart("col", "件数", "A2:A2", "B2:B2"))
    b.write(1, 1, "通报内容")
    out = tmp_path / "报表" / "汇总.xlsx"
    result = new_workbook_with_sheets(out, [a, b])
    assert result.path == out.resolve()
    assert read_sheet(out, "汇总") == [["单位", "件数"], ["住建局", 3.0]]
    assert read_sheet(out, "通报") == [["通报内容"]]
    assert not list(out.parent.glob(".~taizhang.*")) or all(
        p.suffix == ".lock" for p in out.parent.glob(".~taizhang.*")
    )
    with LedgerWriter(out) as w:  # and it is a tool-owned workbook the writer can update
        w.replace_sheet(b)
        assert w.commit().unchanged
