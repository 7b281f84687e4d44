"""The streamed sheet editor: rows nobody writes stay byte for byte, rows written as bytes match what
lxml would write, odd sheets (comments, prefixes, positional cells) still take the element path."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree

from taizhang.workbook.writer import Chart, Hyperlink, LedgerWriter, Style, ToolSheet
from taizhang.workbook.writer.cells import cell_rest, set_cell_value
from taizhang.workbook.writer.chart import chart_xml
from taizhang.workbook.writer.toolsheet import HYPERLINK_REL
from taizhang.workbook.writer.xmlutil import REL
from tests.conftest_writer import make_ledger, parts, read_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"


def rows_of(data: bytes) -> dict[str, bytes]:
    return {m.group(1).decode(): m.group(0) for m in re.finditer(rb'<row r="(\d+)".*?</row>', data, re.S)}


def rewrite(path: Path, part: str, change) -> None:  # type: ignore[no-untyped-def]
    data = parts(path)
    data[part] = change(data[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, content)


@pytest.mark.parametrize(
    "value",
    ["正常", " lead", "a\nb", "x&y<z>\r", "", 7, -3, 2.5, 1e-12, True, False, None,
     date(2025, 3, 1), datetime(2025, 3, 1, 8, 30), Hyperlink("#'台账'!A1", "链接")],
)  # fmt: skip
@pytest.mark.parametrize("xf", [0, 5])
def test_cell_bytes_are_what_lxml_writes(value: object, xf: int) -> None:
    row = etree.SubElement(etree.Element(f"{{{MAIN}}}sheetData", nsmap={None: MAIN}), f"{{{MAIN}}}row")
    c = etree.SubElement(row, f"{{{MAIN}}}c", r="F3")
    if xf:
        c.set("s", str(xf))
    set_cell_value(c, value, "F3")  # type: ignore[arg-type]
    expected = etree.tostring(row, encoding="UTF-8").split(b">", 1)[1].rsplit(b"</", 1)[0]
    assert b'<c r="F3"' + cell_rest(xf, value, "F3")[0] == expected  # type: ignore[arg-type]


def test_untouched_rows_and_head_stay_byte_identical(tmp_path: Path) -> None:
    src = make_ledger(tmp_path / "台账.xlsx", rows=30)
    before = parts(src)[SHEET]
    with LedgerWriter(src) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {5: "逾期"})
        w.set_cell_fills("台账", {"B7": "overdue"}, "due")
        w.commit()
    after = parts(src)[SHEET]
    old, new = rows_of(before), rows_of(after)
    changed = {r for r in old if old[r] != new[r]}
    assert changed == {"2", "5", "7"}  # header, the value, the fill: nothing else
    assert b'<c r="F5" t="inlineStr"><is><t>\xe9\x80\xbe\xe6\x9c\x9f</t></is></c></row>' in new["5"]
    assert b'spans="1:6"' in new["5"]
    assert read_sheet(src, "台账")[4][5] == "逾期"


def test_a_cell_beyond_the_tool_column_keeps_its_place_and_a_rerun_is_stable(tmp_path: Path) -> None:
    src = make_ledger(tmp_path / "台账.xlsx", rows=5)
    # a formatted empty cell far right (a user's border), as Excel writes it
    rewrite(
        src, SHEET, lambda d: re.sub(rb'(<row r="4".*?)</row>', rb'\1<c r="H4" s="1"/></row>', d, count=1)
    )
    assert b'<c r="H4" s="1"/></row>' in parts(src)[SHEET]
    with LedgerWriter(src) as w:
        assert w.set_tool_column("台账", 2, "【系统】状态", {3: "a", 4: "b"}) == "F"
        w.commit()
    row4 = rows_of(parts(src)[SHEET])["4"]
    assert row4.index(b'r="E4"') < row4.index(b'r="F4"') < row4.index(b'r="H4"')
    data = src.read_bytes()
    with LedgerWriter(src) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "a", 4: "b"})
        assert w.commit().unchanged
    assert src.read_bytes() == data
    with LedgerWriter(src) as w:  # a second run with other values rewrites the cells in place
        w.set_tool_column("台账", 2, "【系统】状态", {4: "c"})
        w.commit()
    rows = read_sheet(src, "台账")
    assert rows[2][5] == "" and rows[3][5] == "c"


def test_rows_with_comments_and_positional_cells_take_the_element_path(tmp_path: Path) -> None:
    src = make_ledger(tmp_path / "台账.xlsx", rows=5)

    def odd(d: bytes) -> bytes:
        d = d.replace(b'<row r="4"', b'<!-- a <row r="99"> in a comment --><row r="4"', 1)
        return re.sub(rb'(<row r="5"[^>]*>)<c r="A5"', rb"\1<c", d)  # A5 positional

    rewrite(src, SHEET, odd)
    with LedgerWriter(src) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {4: "x", 5: "y"})
        w.commit()
    after = parts(src)[SHEET]
    assert b'<!-- a <row r="99"> in a comment -->' in after
    rows = read_sheet(src, "台账")
    assert rows[3][5] == "x" and rows[4][5] == "y" and rows[4][0] == "J003"


def test_a_sheet_with_a_prefixed_namespace(tmp_path: Path) -> None:
    src = make_ledger(tmp_path / "台账.xlsx", rows=4)

    def prefixed(d: bytes) -> bytes:
        head, body = d.split(b"<worksheet", 1)
        body = re.sub(rb"<(/?)(?!x:)([A-Za-z]+[ />])", rb"<\1x:\2", b"<worksheet" + body)
        return head + body.replace(b'xmlns="' + MAIN.encode(), b'xmlns:x="' + MAIN.encode(), 1)

    rewrite(src, SHEET, prefixed)
    assert b"<x:row" in parts(src)[SHEET]
    with LedgerWriter(src) as w:
        assert w.set_tool_column("台账", 2, "【系统】状态", {3: "x", 6: "新行"}) == "F"
        w.set_cell_fills("台账", {"A4": "overdue"}, "due")
        w.commit()
    after = parts(src)[SHEET]
    assert b"<c " not in after and b"<x:c " in after
    rows = read_sheet(src, "台账")
    assert rows[2][5] == "x" and rows[5][5] == "新行"


def test_chart_series_and_pie_slices_have_solid_fills() -> None:
    ns = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
          "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}  # fmt: skip
    values = {(r, 1): f"单位{r}" for r in range(2, 6)} | {(r, 2): r for r in range(2, 6)}

    def at(r: int, c: int) -> object:
        return values.get((r, c))

    for kind in ("bar", "col", "pie"):
        root = etree.fromstring(chart_xml("汇总", Chart(kind, "t", "A2:A5", "B2:B5"), at))
        for ser in root.iterfind(".//c:ser", ns):
            assert ser.find("c:spPr/a:solidFill/a:srgbClr", ns) is not None
            assert ser.find("c:spPr/a:noFill", ns) is None
            points = ser.findall("c:dPt", ns)
            if kind == "pie":
                colours = [p.find("c:spPr/a:solidFill/a:srgbClr", ns).get("val") for p in points]
                assert [p.find("c:idx", ns).get("val") for p in points] == ["0", "1", "2", "3"]
                assert len(set(colours)) == 4


def test_tool_sheet_chart_in_a_ledger(tmp_path: Path) -> None:
    src = make_ledger(tmp_path / "台账.xlsx")
    sheet = ToolSheet("图表")
    sheet.write_row(1, ["单位", "件数"])
    sheet.write_row(2, ["住建局", 3])
    sheet.add_chart(Chart("pie", "占比", "A2:A2", "B2:B2"))
    with LedgerWriter(src) as w:
        w.replace_sheet(sheet)
        w.commit()
    chart = next(d for n, d in parts(src).items() if n.startswith("xl/charts/chart"))
    assert b"<a:solidFill>" in chart and b"<c:dPt>" in chart


@pytest.mark.parametrize("style", [None, Style(font_size=10, border=True)])
def test_tool_columns_and_their_fills_are_written_in_one_pass(tmp_path: Path, style: Style | None) -> None:
    """Two tool columns, an old fill cleared, new fills on the tool cells (folded into the cells as
    they are appended) and on a user's cell: each lands as if written one after the other."""
    import openpyxl

    src = make_ledger(tmp_path / "台账.xlsx", rows=12)
    with LedgerWriter(src) as w:  # an earlier run left a tool fill on B5 (the user's column)
        w.set_cell_fills("台账", {"B5": "overdue"}, "due")
        w.commit()
    with LedgerWriter(src) as w:
        f = w.set_tool_column("台账", 2, "【系统】截止日期", {r: date(2025, 6, r) for r in range(3, 14)}, style=style)
        g = w.set_tool_column("台账", 2, "【系统】状态", {r: "逾期" if r % 2 else "正常" for r in range(3, 14)}, style=style)
        assert (f, g) == ("F", "G")  # after the user's last column E, in order
        w.clear_tool_fills("台账", "due", keep={"G3"})
        fills = {f"G{r}": "overdue" for r in range(3, 14, 2)} | {"F4": "soon", "C3": "overdue", "B6": "done"}
        skipped = w.set_cell_fills("台账", fills, "due")
        w.commit()
    assert skipped == ["C3"]  # the user's yellow is never replaced
    rows = read_sheet(src, "台账")
    assert rows[1][5:7] == ["【系统】截止日期", "【系统】状态"]
    for r in range(3, 14):
        assert rows[r - 1][5] == date(2025, 6, r) and rows[r - 1][6] == ("逾期" if r % 2 else "正常")
    ws = openpyxl.load_workbook(src)["台账"]
    colour = {ref: ws[ref].fill.fgColor.rgb[-6:] if ws[ref].fill.fill_type == "solid" else None
              for ref in ("G3", "G4", "G5", "F4", "F5", "B5", "B6", "C3")}
    assert colour == {"G3": "FFC8CE", "G4": None, "G5": "FFC8CE", "F4": "FFEA9C", "F5": None,
                      "B5": None, "B6": "C6EFCD", "C3": "FFFF00"}
    assert ws["F3"].number_format == "yyyy-mm-dd" and ws["F4"].number_format == "yyyy-mm-dd"
    before = src.read_bytes()
    with LedgerWriter(src) as w:  # the same write again changes nothing
        w.set_tool_column("台账", 2, "【系统】截止日期", {r: date(2025, 6, r) for r in range(3, 14)}, style=style)
        w.set_tool_column("台账", 2, "【系统】状态", {r: "逾期" if r % 2 else "正常" for r in range(3, 14)}, style=style)
        w.clear_tool_fills("台账", "due", keep=set(fills))
        w.set_cell_fills("台账", fills, "due")
        assert w.commit().unchanged
    assert src.read_bytes() == before


def test_tool_sheet_rows_and_links_written_as_bytes_parse_back() -> None:
    """The rows and hyperlinks a tool sheet writes as bytes are what an XML parser reads back:
    odd text in cells and link targets, numbers, dates, row heights and an empty row."""
    sheet = ToolSheet("清单")
    odd = ['a&b<c>d"e', "x\ny\tz", " lead ", "台账'!A1", "控\x01制"]
    for r, text in enumerate(odd, start=1):
        sheet.write(r, 1, Hyperlink(f"#'台''账'!A{r}", text))
        sheet.write(r, 2, text)
        sheet.write(r, 3, r * 1.5)
    sheet.write(7, 2, date(2025, 3, 1))
    sheet.write(7, 5, Hyperlink("https://example.org/a?b=1&c=2", "外链"))
    sheet.row_height(9, 40)
    xml, rels = sheet.render(lambda value, style: 0, None)
    root = etree.fromstring(xml)
    ns = {"m": MAIN}
    shown = [t.replace("\x01", "") for t in odd]
    links = root.findall("m:hyperlinks/m:hyperlink", ns)
    assert [h.get("display") for h in links] == [*shown, "外链"]
    assert [h.get("location") for h in links[:5]] == [f"'台''账'!A{r}" for r in range(1, 6)]
    assert links[5].get("ref") == "E7" and links[5].get(f"{{{REL}}}id") == "rId2"
    assert rels == [("rId2", HYPERLINK_REL, "https://example.org/a?b=1&c=2")]
    texts = {c.get("r"): "".join(c.itertext()) for c in root.iter(f"{{{MAIN}}}c")}
    assert [texts[f"B{r}"] for r in range(1, 6)] == shown
    assert texts["C2"] == "3.0" and texts["B7"] == "45717"
    assert root.find("m:sheetData/m:row[@r='9']", ns).get("ht") == "40"


@pytest.mark.parametrize("chunk", [1, 7, 64, 1 << 20])
def test_tags_are_counted_a_piece_at_a_time_as_in_one_scan(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """The fidelity count of a big sheet's tags, taken a few MB at a time, is the count of one
    scan (lxml's own count of the well-formed part, and the same regex over the whole for the
    malformed tail, where a name runs on across a "<")."""
    from collections import Counter

    from taizhang.workbook.writer import sheetbytes

    rows = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>第{r}号</t></is></c>'
                   f'<c r="B{r}"><v>{r}</v></c><x:c r="C{r}"/></row>' for r in range(1, 60))
    good = f'<sheetData xmlns="{MAIN}" xmlns:x="{MAIN}">{rows}</sheetData>'.encode()
    by_lxml = Counter(etree.QName(el).localname for el in etree.fromstring(good).iter())
    odd = b"<a<b><c d='>'/><<e>"
    by_regex = Counter(n.rsplit(b":", 1)[-1].decode() for n in re.findall(rb"<([^\s/>!?][^\s/>]*)", odd))
    monkeypatch.setattr(sheetbytes, "_CHUNK", chunk)
    assert sheetbytes.tag_counts(good) == by_lxml
    assert sheetbytes.tag_counts(odd) == by_regex
    assert sheetbytes.tag_counts(good + odd) == by_lxml + by_regex


def test_a_part_held_deflated_is_compared_with_the_original_exactly(tmp_path: Path) -> None:
    """Book.differs for a tool sheet kept only deflated: equal bytes are the same part, bytes of
    the same size and another content are not, whether or not they span several MB."""
    import io
    import zlib as _zlib

    from taizhang.workbook.writer.package import Package, deflate

    big = ("".join(f"<row r=\"{r}\"><c r=\"A{r}\"><v>{r}</v></c></row>" for r in range(90_000))).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.xml", big)
        z.writestr("small.xml", b"<a/>")
    pkg = Package(buf.getvalue(), "t.xlsx")
    assert len(big) > 3 << 20
    assert pkg.holds("big.xml", deflate(big)) and pkg.holds("small.xml", deflate(b"<a/>"))
    assert not pkg.holds("big.xml", deflate(big[:-2] + b"x>"))  # same size, last bytes differ
    assert not pkg.holds("big.xml", deflate(big + b" "))
    swapped = bytearray(big)
    swapped[10], swapped[11] = swapped[11], swapped[10]  # same size and (here) different CRC
    assert not pkg.holds("big.xml", deflate(bytes(swapped)))
    same_crc = deflate(b"<b/>")._replace(crc=_zlib.crc32(b"<a/>"))  # a CRC that agrees, bytes that do not
    assert not pkg.holds("small.xml", same_crc)


def test_chart_text_is_escaped_as_the_standard_library_escapes_it() -> None:
    from xml.sax.saxutils import escape as standard

    from taizhang.workbook.writer.chart import escape

    for text in ["县水利局", "A&B <c> d>e", "&amp;", "<<&&>>", "", "‘引号’\"'"]:
        assert escape(text) == standard(text)
