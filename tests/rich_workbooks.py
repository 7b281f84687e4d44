"""Rich workbooks built in the tests, so the lossless writer is exercised without outside fixtures.

`build_rich(folder)` writes, with xlsxwriter, a .xlsx and a .xlsm whose first worksheet is a
small 台账 carrying most of what a user's workbook can hold (table, validations, conditional
formats, comments, chart, image, text box, sparklines, merged cells, hyperlinks, frozen panes,
print setup, rich text, formulas with cached values), next to a sheet with more drawings, a
hidden list sheet and a chart sheet. The .xlsm holds a real VBA project: the one of the add-in
the project builds from its own sources. `resave_with_libreoffice` makes the second family: the
same workbooks opened and saved by LibreOffice, which writes its parts its own way.

`inventory(parts)` lists what a workbook holds in a form that can be compared before and after
a write: sheets, defined names, relationships, each sheet's feature elements, the VBA project."""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import struct
import subprocess
import tempfile
import zipfile
import zlib
from datetime import datetime
from pathlib import Path

import xlsxwriter
from lxml import etree
from xlsxwriter.worksheet import Worksheet

from taizhang.workbook.addin import addin_bytes
from tests.libreoffice import soffice_binary

Fact = tuple[str, ...]
NAMES = ("rich.xlsx", "rich.xlsm")
LEDGER = "台账"
UNITS = ("住建局", "交通局", "教育局", "卫健委", "生态环境局")
ROWS = 20  # data rows of the ledger, rows 2..21
VBA_DOCUMENT = "Sheet2"  # the add-in's VBA project has a document module for this code name
STATES = ("办理中", "已办结", "留作参考")
LO_FILTERS = {".xlsx": "xlsx:Calc MS Excel 2007 XML", ".xlsm": "xlsm:Calc MS Excel 2007 VBA XML"}

# What each family holds, in the words of `kinds`; LibreOffice 7.4 drops the rest on its way through.
KEPT_BY_LIBREOFFICE = {
    "chart", "image", "comment", "text box", "data validation", "conditional format", "x14 extension",
    "sparkline", "table", "defined name", "print titles", "merged cells", "hyperlink", "print setup",
    "formula with cached value", "rich text", "hidden sheet", "protected sheet",
}  # fmt: skip
ONLY_GENERATED = {
    "frozen pane", "header image", "chart sheet", "in-cell picture", "checkbox", "x14 data validation",
}  # fmt: skip
KINDS = {"generated": KEPT_BY_LIBREOFFICE | ONLY_GENERATED, "libreoffice": KEPT_BY_LIBREOFFICE}
MACRO_KINDS = {"VBA project", "form button"}
# How `kinds` names facts: by the fact's first word, or by one detail of it (index into the rest).
SIMPLE_KINDS = {
    "comment": "comment", "shape text": "text box", "dataValidation": "data validation",
    "conditionalFormatting": "conditional format", "sparkline": "sparkline", "mergeCell": "merged cells",
    "hyperlink": "hyperlink", "pageSetup": "print setup", "vba": "VBA project",
    "sheetProtection": "protected sheet", "formula": "formula with cached value", "rich text": "rich text",
}  # fmt: skip
BY_DETAIL = {
    "rel": (1, {"tablePart": "table", "legacyDrawingHF": "header image"}),
    "book rel": (0, {"richValueRel": "in-cell picture", "FeaturePropertyBag": "checkbox"}),
    "drawn": (1, {"chart": "chart", "image": "image"}),
    "vml": (1, {"Button": "form button"}),
    "pane": (1, {"frozen": "frozen pane"}),
}

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
DRAWING_TEXT = "{http://schemas.openxmlformats.org/drawingml/2006/main}t"
X14_VALIDATIONS = "{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"
X14_URIS = {
    X14_VALIDATIONS: "x14 data validation",
    "{78C0D931-6437-407d-A8EE-F0AAD7539E65}": "x14 conditional format",
    "{05C60535-1F16-4fd2-B633-F4F36F0B64E0}": "sparkline",
}
# Elements of a sheet that carry a feature, and the attribute that says where (None: presence counts).
SHEET_FEATURES = {
    "dataValidation": "sqref", "conditionalFormatting": "sqref", "mergeCell": "ref", "hyperlink": "ref",
    "pane": "state", "pageSetup": "orientation", "headerFooter": None, "printOptions": None,
    "sheetProtection": None, "drawing": None, "legacyDrawing": None, "legacyDrawingHF": None,
    "tablePart": None, "sparkline": None, "ext": "uri",
}  # fmt: skip


# -- a picture with no binary fixture -----------------------------------------------------------
def png(width: int = 24, height: int = 16) -> bytes:
    """A small RGB PNG: a red-to-blue gradient with a white border."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    def pixel(x: int, y: int) -> bytes:
        if x in (0, width - 1) or y in (0, height - 1):
            return b"\xff\xff\xff"
        return bytes((255 * x // width, 64, 255 - 255 * x // width))

    raw = b"".join(b"\x00" + b"".join(pixel(x, y) for x in range(width)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def vba_project() -> bytes:
    """xl/vbaProject.bin of the add-in the project builds from its own sources."""
    with zipfile.ZipFile(io.BytesIO(addin_bytes())) as z:
        return z.read("xl/vbaProject.bin")


# -- the workbooks -------------------------------------------------------------------------------
def build_rich(folder: Path) -> list[Path]:
    """Write NAMES into `folder`; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    return [_build(folder / name) for name in NAMES]


def _build(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    macro = path.suffix == ".xlsm"
    if macro:
        book.add_vba_project(io.BytesIO(vba_project()), is_stream=True)
    ledger = book.add_worksheet(LEDGER)
    drawings = book.add_worksheet("图表数据")
    units = book.add_worksheet("单位")
    if macro:
        ledger.set_vba_name(VBA_DOCUMENT)
        drawings.set_vba_name("Sheet1")
    _ledger(book, ledger, macro)
    _drawings(book, drawings)
    _units(units)
    _chart_sheet(book)
    _names(book)
    book.set_properties({"title": "富内容台账", "author": "测试"})
    book.close()
    _add_x14_validation(path, "xl/worksheets/sheet1.xml")
    return path


def _ledger(book: xlsxwriter.Workbook, sheet: Worksheet, macro: bool) -> None:
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    rows = [
        [f"J{i:03d}", f"关于第{i}项工作的建议", UNITS[i % len(UNITS)], datetime(2025, 3, 1 + i % 27),
         1 + i % 3, STATES[1] if i % 4 == 0 else STATES[0]]
        for i in range(1, ROWS + 1)
    ]  # fmt: skip
    headers = ["编号", "标题", "主办单位", "交办日期", "件数", "办理状态"]
    sheet.add_table(0, 0, ROWS, len(headers) - 1, {
        "name": "建议台账", "style": "Table Style Medium 2", "data": rows,
        "columns": [{"header": h, "format": date if h == "交办日期" else None} for h in headers],
    })  # fmt: skip
    _validations(sheet)
    _conditional_formats(book, sheet)
    _below_the_table(book, sheet)
    _ledger_drawings(book, sheet, macro)
    _print_setup(sheet)
    sheet.freeze_panes(1, 0)
    sheet.set_column("B:B", 28)
    sheet.set_column("D:D", 12)


def _validations(sheet: Worksheet) -> None:
    """Column C lists the hidden sheet's units through a defined name, E takes 1..9, D a date;
    F gets a list stored the Excel 2010 way, added after xlsxwriter is done (_add_x14_validation)."""
    last = ROWS + 1
    sheet.data_validation(f"C2:C{last}", {"validate": "list", "source": "=单位列表"})
    sheet.data_validation(f"E2:E{last}", {
        "validate": "integer", "criteria": "between", "minimum": 1, "maximum": 9,
        "error_message": "件数为 1 到 9 的整数",
    })  # fmt: skip
    sheet.data_validation(f"D2:D{last}", {
        "validate": "date", "criteria": ">=", "value": datetime(2025, 1, 1), "input_message": "交办日期",
    })  # fmt: skip


def _add_x14_validation(path: Path, sheet_part: str) -> None:
    """Give the ledger's column F a list dropdown from the hidden sheet, stored as Excel 2010 stores
    cross-sheet lists (x14:dataValidation in the sheet's extLst), which xlsxwriter does not write."""
    with zipfile.ZipFile(path) as z:
        parts = {info: z.read(info) for info in z.infolist()}
    info = next(i for i in parts if i.filename == sheet_part)
    root = _xml(parts[info])
    ext_list = root.find(f"{{{MAIN}}}extLst")
    if ext_list is None:
        ext_list = etree.SubElement(root, f"{{{MAIN}}}extLst")
    ext = etree.fromstring(
        f'<ext xmlns="{MAIN}" xmlns:x14="{X14}" xmlns:xm="{XM}" uri="{X14_VALIDATIONS}">'
        '<x14:dataValidations count="1"><x14:dataValidation type="list" allowBlank="1" showInputMessage="1" '
        f'showErrorMessage="1"><x14:formula1><xm:f>\'单位\'!$B$1:$B${len(STATES)}</xm:f></x14:formula1>'
        f"<xm:sqref>F2:F{ROWS + 1}</xm:sqref></x14:dataValidation></x14:dataValidations></ext>"
    )
    ext_list.insert(0, ext)  # Excel writes the validations before the sparklines
    parts[info] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item, data in parts.items():
            z.writestr(item, data)


def _conditional_formats(book: xlsxwriter.Workbook, sheet: Worksheet) -> None:
    last = ROWS + 1
    red = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    sheet.conditional_format(f"E2:E{last}", {"type": "cell", "criteria": ">=", "value": 3, "format": red})
    sheet.conditional_format(f"E2:E{last}", {"type": "data_bar", "data_bar_2010": True})  # x14 extension
    green = book.add_format({"font_color": "#006100"})
    sheet.conditional_format(f"F2:F{last}", {"type": "text", "criteria": "containing", "value": STATES[1],
                                             "format": green})  # fmt: skip


def _below_the_table(book: xlsxwriter.Workbook, sheet: Worksheet) -> None:
    r = ROWS + 2  # 0-based: two rows under the table's last row
    bold = book.add_format({"bold": True})
    sheet.merge_range(r, 0, r, 3, "合计（件）", book.add_format({"bold": True, "align": "center"}))
    # Cached results, as Excel leaves them: a reader that does not calculate sees these numbers.
    sheet.write_formula(r, 4, f"=SUM(E2:E{ROWS + 1})", bold, sum(1 + i % 3 for i in range(1, ROWS + 1)))
    done = sum(1 for i in range(1, ROWS + 1) if i % 4 == 0)
    sheet.write_formula(r + 1, 4, f'=COUNTIF(F2:F{ROWS + 1},"{STATES[1]}")', None, done)
    red = book.add_format({"color": "red", "bold": True})
    sheet.write_rich_string(r + 2, 0, "注：", red, "办理状态", "以主办单位答复为准")
    sheet.write_url(r + 3, 0, "https://www.npc.gov.cn/", string="全国人大网")
    sheet.write_url(r + 4, 0, "internal:'图表数据'!A1", string="查看图表数据")
    sheet.write_comment("B2", "第一件建议的备注", {"author": "办公室"})
    sheet.write_comment(f"C{ROWS + 1}", "主办单位待确认", {"author": "办公室", "visible": True})
    sheet.add_sparkline(r + 5, 4, {"range": f"'{LEDGER}'!E2:E{ROWS + 1}", "type": "column"})  # x14 extension


def _ledger_drawings(book: xlsxwriter.Workbook, sheet: Worksheet, macro: bool) -> None:
    chart = book.add_chart({"type": "column"})
    last = ROWS + 1
    chart.add_series({"name": "件数", "categories": f"='{LEDGER}'!$A$2:$A${last}",
                      "values": f"='{LEDGER}'!$E$2:$E${last}"})  # fmt: skip
    chart.set_title({"name": "各件件数"})
    sheet.insert_chart("J2", chart)
    sheet.insert_image("J18", "logo.png", {"image_data": io.BytesIO(png()), "x_scale": 2, "y_scale": 2})
    sheet.insert_textbox("J22", "办理说明：逾期件请在周报中说明", {"width": 260, "height": 60})
    if macro:
        sheet.insert_button("N22", {"macro": "RibbonTaizhang.TaizhangRibbon", "caption": "更新"})


def _print_setup(sheet: Worksheet) -> None:
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.repeat_rows(0)
    sheet.print_area(f"A1:F{ROWS + 6}")
    sheet.fit_to_pages(1, 0)
    logo = {"image_left": "logo.png", "image_data_left": io.BytesIO(png())}
    sheet.set_header("&L&G&C2025年建议办理台账", logo)
    sheet.set_footer("&C第 &P 页，共 &N 页")


def _drawings(book: xlsxwriter.Workbook, sheet: Worksheet) -> None:
    sheet.write_row(0, 0, ["单位", "件数", "已办结"])
    for i, unit in enumerate(UNITS, start=1):
        sheet.write_row(i, 0, [unit, 4 + i, i])
    pie = book.add_chart({"type": "pie"})
    pie.add_series({"name": "件数", "categories": "='图表数据'!$A$2:$A$6",
                    "values": "='图表数据'!$B$2:$B$6"})  # fmt: skip
    sheet.insert_chart("E2", pie)
    sheet.embed_image("A8", "in-cell.png", {"image_data": io.BytesIO(png(8, 8))})  # in-cell picture
    sheet.insert_checkbox("B8", True)
    sheet.insert_textbox("E18", "各单位件数", {"font": {"bold": True}})
    sheet.write_comment("A1", "数据来自台账")
    sheet.protect("", {"format_columns": True})


def _units(sheet: Worksheet) -> None:
    sheet.write_column(0, 0, UNITS)
    sheet.write_column(0, 1, STATES)
    sheet.hide()


def _chart_sheet(book: xlsxwriter.Workbook) -> None:
    chart = book.add_chart({"type": "bar"})
    chart.add_series({"name": "已办结", "categories": "='图表数据'!$A$2:$A$6",
                      "values": "='图表数据'!$C$2:$C$6"})  # fmt: skip
    book.add_chartsheet("统计图").set_chart(chart)


def _names(book: xlsxwriter.Workbook) -> None:
    book.define_name("单位列表", "='单位'!$A$1:$A$5")
    book.define_name(f"'{LEDGER}'!本页合计", f"='{LEDGER}'!$E${ROWS + 3}")
    book.define_name("交办年度", "=2025")


# -- the second family: re-saved by LibreOffice ------------------------------------------------
def resave_with_libreoffice(sources: list[Path], folder: Path, timeout: float = 180) -> list[Path]:
    """Open each workbook in LibreOffice headless and save it in its own format into `folder`."""
    binary = soffice_binary()
    if binary is None:
        raise RuntimeError("soffice not found")
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for source in sources:
        with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
            proc = subprocess.run(
                [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                 "--convert-to", LO_FILTERS[source.suffix], "--outdir", str(folder), str(source)],
                capture_output=True, text=True, timeout=timeout, check=False,
            )  # fmt: skip
        produced = folder / source.name
        if proc.returncode != 0 or not produced.is_file():
            raise RuntimeError(f"LibreOffice could not re-save {source.name}: {proc.stdout} {proc.stderr}")
        out.append(produced)
    return out


# -- what a workbook holds -----------------------------------------------------------------------
def inventory(parts: dict[str, bytes]) -> set[Fact]:
    """Facts about the workbook that a lossless write keeps, as comparable tuples."""
    book = _xml(parts["xl/workbook.xml"])
    book_rels = _rels(parts, "xl/workbook.xml")
    sheets = list(book.iter(f"{{{MAIN}}}sheet"))
    facts: set[Fact] = {("book rel", kind.rsplit("/", 1)[-1], target) for kind, target in book_rels.values()}
    for el in book.iter(f"{{{MAIN}}}definedName"):
        scope = el.get("localSheetId")
        where = sheets[int(scope)].get("name", "") if scope else ""
        facts.add(("name", el.get("name", ""), where, el.text or ""))
    for sheet in sheets:
        name, part = sheet.get("name", ""), book_rels[sheet.get(f"{{{REL_NS}}}id", "")][1]
        facts.add(("sheet", name, etree.QName(_xml(parts[part])).localname, sheet.get("state", "visible")))
        facts |= _sheet_facts(parts, name, part)
    if "xl/vbaProject.bin" in parts:
        facts.add(("vba", hashlib.sha256(parts["xl/vbaProject.bin"]).hexdigest()))
    return facts | _text_facts(parts)


def _sheet_facts(parts: dict[str, bytes], sheet: str, part: str) -> set[Fact]:
    """The sheet's feature elements, formulas with their cached results, and what its relationships
    point at (a drawing's charts, pictures and text)."""
    rels = _rels(parts, part)
    facts: set[Fact] = set()
    for el in _xml(parts[part]).iter(tag=etree.Element):
        local = etree.QName(el).localname
        if local in SHEET_FEATURES:
            attr = SHEET_FEATURES[local]
            facts.add((local, sheet, (el.get(attr) or "") if attr else ""))
        elif local == "c" and el.find(f"{{{MAIN}}}f") is not None and el.find(f"{{{MAIN}}}v") is not None:
            formula, cached = el.findtext(f"{{{MAIN}}}f") or "", el.findtext(f"{{{MAIN}}}v") or ""
            facts.add(("formula", sheet, el.get("r", ""), formula, cached))
        rid = el.get(f"{{{REL_NS}}}id")
        if rid in rels:
            kind, target = rels[rid]
            facts.add(("rel", sheet, local, kind.rsplit("/", 1)[-1], target))
            facts |= _drawing_facts(parts, sheet, target)
    return facts


def _drawing_facts(parts: dict[str, bytes], sheet: str, part: str) -> set[Fact]:
    if not part.startswith("xl/drawings/drawing") or part not in parts:
        return set()
    rels = _rels(parts, part).values()
    facts: set[Fact] = {("drawn", sheet, kind.rsplit("/", 1)[-1], target) for kind, target in rels}
    text = "".join(t.text or "" for t in _xml(parts[part]).iter(DRAWING_TEXT))
    if text:
        facts.add(("shape text", sheet, text))
    return facts


def _text_facts(parts: dict[str, bytes]) -> set[Fact]:
    """Rich-text runs of the shared strings, comments by cell, and the kinds of VML objects."""
    facts: set[Fact] = set()
    for name, data in parts.items():
        if name == "xl/sharedStrings.xml":
            runs = _xml(data).iter(f"{{{MAIN}}}r")
            facts |= {("rich text", "".join(t.text or "" for t in r.iter(f"{{{MAIN}}}t"))) for r in runs}
        elif name.startswith("xl/comments"):
            facts |= {("comment", name, el.get("ref", "")) for el in _xml(data).iter(f"{{{MAIN}}}comment")}
        elif name.endswith(".vml"):
            facts |= {("vml", name, kind.decode()) for kind in re.findall(rb'ObjectType="(\w+)"', data)}
    return facts


def expected_kinds(family: str, name: str) -> set[str]:
    """The kinds of feature a workbook of ours holds (`family` generated or libreoffice)."""
    return KINDS[family] | (MACRO_KINDS if name.endswith(".xlsm") else set())


def kinds(facts: set[Fact]) -> set[str]:
    """The kinds of feature the facts show, in words."""
    return {kind for fact in facts for kind in _kinds(fact)}


def _kinds(fact: Fact) -> set[str]:
    what, rest = fact[0], fact[1:]
    if what == "ext":
        return {"x14 extension", X14_URIS.get(rest[-1], "x14 extension")}
    if what == "name":
        return {"print titles" if rest[0].startswith("_xlnm.") else "defined name"}
    if what == "sheet":
        kind, state = rest[1], rest[2]
        return {"chart sheet"} if kind == "chartsheet" else {"hidden sheet"} if state == "hidden" else set()
    by_detail = BY_DETAIL.get(what)
    if by_detail is not None:
        return {by_detail[1][d] for d in [rest[by_detail[0]]] if d in by_detail[1]}
    return {SIMPLE_KINDS[what]} if what in SIMPLE_KINDS else set()


def _rels(parts: dict[str, bytes], source: str) -> dict[str, tuple[str, str]]:
    """A part's relationships: id -> (type, target part or external address)."""
    folder, base = posixpath.split(source)
    data = parts.get(posixpath.join(folder, "_rels", base + ".rels"))
    out = {}
    for r in _xml(data).iter(f"{{{PKG_REL}}}Relationship") if data else ():
        target = r.get("Target", "")
        if r.get("TargetMode") != "External":  # a part: absolute, or relative to the source's folder
            target = target[1:] if target.startswith("/") else posixpath.normpath(f"{folder}/{target}")
        out[r.get("Id", "")] = (r.get("Type", ""), target)
    return out


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
