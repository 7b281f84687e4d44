"""The 通报 as a Word document laid out per GB/T 9704-2012 党政机关公文格式, written with python-docx
(no Word needed). What it says comes from `taizhang.core.bulletin`; this module only lays it out.

The page (GB/T 9704-2012 5.2, 7):
- A4, 210 × 297 mm; margins top 37 mm (天头), left 28 mm (订口), right 26 mm, bottom 35 mm, so
  the 版心 is 156 × 225 mm.
- Body text 3号 (16 pt) 仿宋_GB2312, 28 characters a line and 22 lines a page:
  lines: 225 mm = 637.8 pt, / 22 = 28.99 pt a line. The section's line grid (docGrid type
  "lines") takes that in twips rounded down so 22 lines fit: floor(637.8 × 20 / 22) = 579
  (28.95 pt; 22 × 28.95 = 636.9 pt ≤ 637.8), and body paragraphs set the same exact line spacing,
  so a program that ignores the grid still prints 22 lines.
  characters: 156 mm = 442.2 pt, / 28 = 15.79 pt a character, 0.21 pt less than the 16 pt glyph.
  The text is condensed by that much, rounded up to whole twips: 5 twips = 0.25 pt, a pitch of
  15.75 pt (28 × 15.75 = 441 pt fit, 29 × 15.75 = 456.75 pt do not). Word's character grid
  (docGrid "linesAndChars", charSpace = floor((15.79 − 16) × 4096) = −849) would do the same in
  Word and WPS, but LibreOffice gives every glyph wider than a grid cell two cells and prints 14
  characters a line, so the grid counts lines only and the characters are condensed.
- Title 2号 (22 pt) 方正小标宋简体; 一级标题 (一、) 3号 黑体; 二级标题 （一） 3号 楷体_GB2312.
- Page numbers "— 1 —" in 4号 (14 pt) 宋体, the line 7 mm below the 版心: odd pages on the right,
  even pages on the left, each one character in from the edge of the 版心 (PAGE fields in the odd
  and even footers). The footer sits 35 − 7 − 4.94 (a 14 pt line) = 23 mm above the page's edge.
- The 附件 (the statistics table) is its own section on landscape A4 with the 版心 turned
  (225 × 156 mm), its header rows repeated on every page.

Fonts missing on a computer: each font the document uses is listed in its font table with the
usual substitute as its alternate name (方正小标宋简体 → 华文中宋, 仿宋_GB2312 → 仿宋,
楷体_GB2312 → 楷体); Word and WPS take the alternate when the named font is not installed, and
the document's properties (备注) say the same for whoever opens it.
"""

from __future__ import annotations

import math
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from taizhang.core.bulletin import Bulletin, Field, Part, Table
from taizhang.core.columns import Col
from taizhang.workbook.writer.safety import complete

# The page, in millimetres (GB/T 9704-2012 5.2.1, 5.2.2)
PAGE_W, PAGE_H = 210, 297
TOP, BOTTOM, LEFT, RIGHT = 37, 35, 28, 26
TEXT_W, TEXT_H = PAGE_W - LEFT - RIGHT, PAGE_H - TOP - BOTTOM  # 156 × 225: the 版心
CHARS, LINES = 28, 22
PT_PER_MM = 72 / 25.4
BODY_PT, TITLE_PT, PAGE_NUMBER_PT = 16, 22, 14  # 3号, 2号, 4号
LINE_PITCH = math.floor(TEXT_H * PT_PER_MM * 20 / LINES)  # 579 twips
CONDENSE = math.ceil((BODY_PT - TEXT_W * PT_PER_MM / CHARS) * 20)  # 5 twips: 16 → 15.75 pt a character
PAGE_NUMBER_GAP = 7  # mm between the 版心 and the page-number line
FOOTER_MM = BOTTOM - PAGE_NUMBER_GAP - PAGE_NUMBER_PT / PT_PER_MM  # 23.06

TITLE_FONT, BODY_FONT, HEADING1_FONT, HEADING2_FONT, PAGE_FONT = (
    "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体")
FALLBACKS = {"方正小标宋简体": "华文中宋", "仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "黑体": "SimHei",
             "宋体": "SimSun"}
FALLBACK_NOTE = ("字体：标题方正小标宋简体（未安装时用华文中宋或宋体），正文仿宋_GB2312（未安装时用仿宋），"
                 "一级标题黑体，二级标题楷体_GB2312（未安装时用楷体），页码宋体。"
                 "版式按 GB/T 9704-2012：A4，上 37 毫米、下 35 毫米、左 28 毫米、右 26 毫米，每页 22 行、每行 28 字。")
RED = RGBColor(0xC0, 0x00, 0x00)
STYLE_TITLE, STYLE_H1, STYLE_H2, STYLE_TABLE, STYLE_PAGE = "公文标题", "一级标题", "二级标题", "表格文字", "页码"
TABLE_PT = 9  # the attachment's cells
CELL_MARGIN = 40  # twips (0.7 mm) left and right in a cell
CREATOR = "台账助手"


def _fonts(target: object, name: str) -> None:
    """Set every script's font of a style's or run's properties (East Asian text takes eastAsia)."""
    fonts = target.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)


def _style(doc: DocumentObject, name: str, font: str, size: float, *, base: str = "Normal",
           center: bool = False, exact: bool = True) -> None:
    styles = doc.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, 1)
    style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = False
    _fonts(style.element, font)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if exact:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Twips(LINE_PITCH)
    else:  # single spacing of its own size, not the body's 28.95 pt
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if center:
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _defaults(doc: DocumentObject) -> None:
    """The document's defaults, which every style inherits: 3号 仿宋_GB2312, Chinese, no space after
    a paragraph (python-docx's template has Calibri 11 and 10 pt after)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(BODY_PT * 2))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), BODY_FONT)
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing")).set(qn("w:after"), "0")


def _styles(doc: DocumentObject) -> None:
    _defaults(doc)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _fonts(normal.element, BODY_FONT)
    rpr = normal.element.get_or_add_rPr()
    spacing = OxmlElement("w:spacing")  # 28 characters a line (module docs)
    spacing.set(qn("w:val"), str(-CONDENSE))
    rpr.find(qn("w:sz")).addprevious(spacing)  # rPr children keep the schema's order
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Twips(LINE_PITCH)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    spacing = normal.element.get_or_add_pPr().get_or_add_spacing()
    for tag in ("w:autoSpaceDE", "w:autoSpaceDN"):  # no extra space between Chinese and digits: 28 a line
        off = OxmlElement(tag)
        off.set(qn("w:val"), "0")
        spacing.addprevious(off)
    _style(doc, STYLE_TITLE, TITLE_FONT, TITLE_PT, center=True)  # a grid line a line, as the body
    title = doc.styles[STYLE_TITLE].element.get_or_add_pPr()
    off = OxmlElement("w:snapToGrid")  # its exact 28.95 pt, not two grid lines for a 22 pt glyph
    off.set(qn("w:val"), "0")
    title.get_or_add_spacing().addprevious(off)
    _style(doc, STYLE_H1, HEADING1_FONT, BODY_PT)
    _style(doc, STYLE_H2, HEADING2_FONT, BODY_PT)
    _style(doc, STYLE_TABLE, BODY_FONT, TABLE_PT, exact=False, center=True)
    _style(doc, STYLE_PAGE, PAGE_FONT, PAGE_NUMBER_PT, exact=False)
    for name in (STYLE_H1, STYLE_H2):  # headings start two characters in, like the paragraphs
        _indent(doc.styles[name].element, first_chars=2)


def _indent(element: object, *, first_chars: float | None = None, left_chars: float = 0, right_chars: float = 0,
            hanging_chars: float = 0) -> None:
    """Indents counted in characters (w:*Chars, hundredths), with twips for programs that read only those."""
    ind = element.get_or_add_pPr().get_or_add_ind()  # type: ignore[attr-defined]
    twips = round(BODY_PT * 20)
    if hanging_chars:
        ind.set(qn("w:hangingChars"), str(round(hanging_chars * 100)))
        ind.set(qn("w:hanging"), str(round(hanging_chars * twips)))
    if first_chars is not None:
        ind.set(qn("w:firstLineChars"), str(round(first_chars * 100)))
        ind.set(qn("w:firstLine"), str(round(first_chars * twips)))
    if left_chars:
        ind.set(qn("w:leftChars"), str(round(left_chars * 100)))
        ind.set(qn("w:left"), str(round(left_chars * twips)))
    if right_chars:
        ind.set(qn("w:rightChars"), str(round(right_chars * 100)))
        ind.set(qn("w:right"), str(round(right_chars * twips)))


def _grid(section: object, *, chars: bool) -> None:
    """The body's grid of 22 lines; none in the attachment's section (its table is set in 9 pt)."""
    sect = section._sectPr  # type: ignore[attr-defined]
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    for attr in ("w:type", "w:linePitch", "w:charSpace"):
        grid.attrib.pop(qn(attr), None)
    if chars:
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH))
    else:
        grid.set(qn("w:linePitch"), "312")


def _page(section: object, *, landscape: bool) -> None:
    s = section
    if landscape:  # the 版心 turned: the top of the table towards the binding (GB/T 9704 10.1)
        s.orientation = WD_ORIENT.LANDSCAPE  # type: ignore[attr-defined]
        s.page_width, s.page_height = Mm(PAGE_H), Mm(PAGE_W)  # type: ignore[attr-defined]
        s.top_margin, s.bottom_margin = Mm(LEFT), Mm(RIGHT)  # type: ignore[attr-defined]
        s.left_margin, s.right_margin = Mm(TOP), Mm(BOTTOM)  # type: ignore[attr-defined]
    else:
        s.orientation = WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
        s.page_width, s.page_height = Mm(PAGE_W), Mm(PAGE_H)  # type: ignore[attr-defined]
        s.top_margin, s.bottom_margin = Mm(TOP), Mm(BOTTOM)  # type: ignore[attr-defined]
        s.left_margin, s.right_margin = Mm(LEFT), Mm(RIGHT)  # type: ignore[attr-defined]
    s.footer_distance = Mm(FOOTER_MM) if not landscape else Mm(RIGHT - PAGE_NUMBER_GAP - 5)  # type: ignore[attr-defined]
    s.header_distance = Mm(15)  # type: ignore[attr-defined]
    _grid(section, chars=not landscape)


def _field_run(paragraph: Paragraph, instruction: str, shown: str) -> None:
    """A field (PAGE) as Word writes it: begin, instruction, separate, the shown value, end."""
    def fld(kind: str) -> None:
        run = paragraph.add_run()
        char = OxmlElement("w:fldChar")
        char.set(qn("w:fldCharType"), kind)
        run._r.append(char)

    fld("begin")
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    fld("separate")
    paragraph.add_run(shown)
    fld("end")


def _page_numbers(doc: DocumentObject) -> None:
    """— 1 — on the outer side: odd pages right, even pages left, one character in."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.style = doc.styles[STYLE_PAGE]
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        ind = p._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:right" if odd else "w:left"), str(PAGE_NUMBER_PT * 20))  # 空一字 (a 4号 character)
        p.add_run("— ")
        _field_run(p, "PAGE", "1")
        p.add_run(" —")
    section.header.is_linked_to_previous = False
    section.even_page_header.is_linked_to_previous = False


def _runs(paragraph: Paragraph, field: Field) -> None:
    """A field's text; a placeholder stays visibly marked (highlighted) until the office fills it in."""
    run = paragraph.add_run(field.text)
    if field.placeholder:
        run._r.get_or_add_rPr().get_or_add_highlight().set(qn("w:val"), "yellow")


def _blank(doc: DocumentObject, lines: int = 1) -> None:
    for _ in range(lines):
        doc.add_paragraph()


def _masthead(doc: DocumentObject, b: Bulletin) -> None:
    """版头: the issuing office's mark in red, the 文号, and the red line the width of the 版心."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if b.office.placeholder:
        _runs(p, b.office)
    else:
        size = min(42.0, TEXT_W * PT_PER_MM / max(len(b.office.text), 1) * 0.95)  # one line, at most 初号
        run = p.add_run(b.office.text)
        run.font.size = Pt(size)
        run.font.color.rgb = RED
        _fonts(run._r, TITLE_FONT)
        p.paragraph_format.line_spacing = Pt(round(size * 1.4))  # room for the large mark
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.AT_LEAST
    _blank(doc, 1)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _runs(p, b.number)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for attr, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "11"), ("w:color", "C00000")):
        bottom.set(qn(attr), value)
    border.append(bottom)
    p._p.get_or_add_pPr().get_or_add_spacing().addprevious(border)  # pBdr precedes spacing and jc


def _body(doc: DocumentObject, b: Bulletin) -> None:
    _blank(doc, 2)  # 红色分隔线下空二行
    doc.add_paragraph(b.title, style=STYLE_TITLE)
    _blank(doc, 1)  # 标题下空一行
    p = doc.add_paragraph()
    _runs(p, b.recipients)
    p.add_run("：")
    _paragraph(doc, b.opening)
    for part in b.parts:
        _part(doc, part)


def _paragraph(doc: DocumentObject, text: str, style: str | None = None) -> Paragraph:
    p = doc.add_paragraph(text, style=style)
    if style is None:
        _indent(p._p, first_chars=2)
    return p


def _part(doc: DocumentObject, part: Part) -> None:
    doc.add_paragraph(part.heading, style=STYLE_H1)
    for text in part.paragraphs:
        _paragraph(doc, text)
    for unit in part.units:
        doc.add_paragraph(unit.heading, style=STYLE_H2)
        for item in unit.items:
            _paragraph(doc, item)
    for req in part.requirements:  # （一）… in 楷体, run in at the start of its paragraph
        p = _paragraph(doc, "")
        run = p.add_run(req.heading)
        _fonts(run._r, HEADING2_FONT)
        p.add_run(req.text)
    for note in part.notes:
        _paragraph(doc, note)


def _signature(doc: DocumentObject, b: Bulletin) -> None:
    """附件说明, then 发文机关署名 and 成文日期 (GB/T 9704 7.3.4–7.3.5, without a seal): the date two
    characters right of the signature's start, and at least two characters from the right."""
    _blank(doc, 1)
    p = doc.add_paragraph(f"附件：{b.attachment}")
    # 正文下空一行左空二字; a second line lines up with the attachment's name, after 附件：
    _indent(p._p, left_chars=5, hanging_chars=3)
    _blank(doc, 2)
    office, day = _width(b.office.text), _width(b.date_line)
    date_right = max(2.0, office - day)
    office_right = date_right + day + 2 - office
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _runs(p, b.office)
    _indent(p._p, right_chars=office_right)
    p = doc.add_paragraph(b.date_line)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _indent(p._p, right_chars=date_right)


def _width(text: str) -> float:
    """Characters of the grid a text takes: half-width digits and letters count half."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def _attachment(doc: DocumentObject, b: Bulletin) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    _page(section, landscape=True)
    p = doc.add_paragraph("附件", style=STYLE_H1)
    _indent(p._p, first_chars=0)  # 顶格
    doc.add_paragraph()
    doc.add_paragraph(b.table.title, style=STYLE_TITLE)
    doc.add_paragraph()
    _table(doc, b.table, section)
    note = doc.add_paragraph(b.table.note, style=STYLE_TABLE)
    note.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _column_widths(t: Table, total: float) -> list[float]:
    """Millimetres per column: rates need room for 100.00%, the unit's name the rest."""
    subs = [sub for _, subs in t.groups for sub in subs]
    rate = [sub.endswith("率") for sub in subs]
    number, rate_w, count_w = 9.0, 15.5, 9.5
    unit = total - number - sum(rate_w if r else count_w for r in rate)
    return [number, unit, *(rate_w if r else count_w for r in rate)]


def _cell(cell: _Cell, text: str, width: float, *, bold: bool = False) -> None:
    cell.width = Mm(width)
    p = cell.paragraphs[0]
    p.style = STYLE_TABLE
    if cell.text != text:
        p.text = ""
        run = p.add_run(text)
        if bold:
            _fonts(run._r, HEADING1_FONT)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def _header_row(row: object) -> None:
    """Repeated at the top of every page the table runs onto; never split across pages."""
    trpr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    for tag in ("w:cantSplit", "w:tblHeader"):  # the schema's order
        el = OxmlElement(tag)
        trpr.append(el)


def _table(doc: DocumentObject, t: Table, section: object) -> None:
    widths = _column_widths(t, (PAGE_H - TOP - BOTTOM))
    table = doc.add_table(rows=2 + len(t.rows) + 1, cols=t.columns)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # a fixed layout: the widths below, whatever the content
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins: 100.00% fits a rate column
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(CELL_MARGIN))
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    table._tbl.tblPr.find(qn("w:tblLook")).addprevious(margins)
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(round(sum(widths) / 25.4 * 1440)))
    for col, w in zip(table.columns, widths, strict=True):
        col.width = Mm(w)
    head0, head1 = table.rows[0], table.rows[1]
    for row in (head0, head1):
        _header_row(row)
    for col, text in ((0, Col.SEQ), (1, "承办单位")):
        merged = head0.cells[col].merge(head1.cells[col])
        _cell(merged, text, widths[col], bold=True)
    col = 2
    for title, subs in t.groups:
        if len(subs) == 1:
            merged = head0.cells[col].merge(head1.cells[col])
            _cell(merged, subs[0], widths[col], bold=True)
        else:
            merged = head0.cells[col].merge(head0.cells[col + len(subs) - 1])
            _cell(merged, title, sum(widths[col:col + len(subs)]), bold=True)
            for i, sub in enumerate(subs):
                _cell(head1.cells[col + i], sub, widths[col + i], bold=True)
        col += len(subs)
    for r, values in enumerate([*t.rows, t.total], start=2):
        row = table.rows[r]
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for c, value in enumerate(values):
            _cell(row.cells[c], value, widths[c], bold=r == len(t.rows) + 2)
            if c == 1 and r < len(t.rows) + 2:
                row.cells[c].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.LEFT
    total = table.rows[-1]
    total.cells[0].merge(total.cells[1])


def _font_table(doc: DocumentObject) -> None:
    """List every font with its substitute (w:altName), so a computer without it uses the next best."""
    part = next(rel.target_part for rel in doc.part.rels.values() if rel.reltype.endswith("/fontTable"))
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    fonts = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>' for name, alt in FALLBACKS.items())
    part._blob = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:fonts xmlns:w="{w}">{fonts}'
                  "</w:fonts>").encode()


def bulletin_document(b: Bulletin) -> DocumentObject:
    doc = Document()
    _styles(doc)
    _page(doc.sections[0], landscape=False)
    _page_numbers(doc)
    _masthead(doc, b)
    _body(doc, b)
    _signature(doc, b)
    _attachment(doc, b)
    _font_table(doc)
    props = doc.core_properties
    props.author = props.last_modified_by = CREATOR
    props.title = b.title
    props.comments = FALLBACK_NOTE
    props.keywords = "GB/T 9704-2012"
    return doc


def write_bulletin(b: Bulletin, path: Path) -> Path:
    """Write the 通报 to `path` (.docx), replacing it only once the new file is complete."""
    doc = bulletin_document(b)
    path.parent.mkdir(parents=True, exist_ok=True)
    with complete(path) as temp:
        doc.save(str(temp))
    return path


def written_by_tool(path: Path) -> bool:
    """Whether a .docx was written by this tool (its author is 台账助手): only such a file is replaced."""
    try:
        return Document(str(path)).core_properties.author == CREATOR
    except Exception:  # not a Word document at all
        return False

