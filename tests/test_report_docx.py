"""`taizhang report`: the 通报 as a Word document per GB/T 9704-2012, read back with python-docx (page,
margins, fonts and sizes in the document's XML, the landscape attachment with its repeated header,
the PAGE fields of the odd and even footers) and converted by LibreOffice to PDF (what it prints:
the office, the title with the year, every unit that owes an overdue stage, the date line).

The ledger is written the way an office keeps one; which units owe an overdue stage is worked out
here from the rows, by the rules of the default preset (代表法三个月): the reply three months after
交办, the 回头看 a month after the reply, each co-handler's opinion a month after 交办. Every date
is at least a fortnight from its deadline, so no holiday can move a case across it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from lxml import etree

from taizhang.macros.cli import cli
from tests.ledger_factory import write_ledger
from tests.libreoffice import soffice_binary
from tests.pdf_layout import read_pdf, squeeze

TODAY = date(2026, 7, 15)
OFFICE = "东山县人民政府办公室"
UNITS = (("县教育和体育局", "县教体局", "", "承办单位"), ("县财政局", "", "", "承办单位"),
         ("县卫生健康委员会", "县卫健委", "", "承办单位"), ("县住房和城乡建设局", "县住建局", "", "承办单位"),
         ("县民政局", "", "", "承办单位"), ("县交通运输局", "", "", "承办单位"))
HEADERS = ("编号", "类别", "年度", "标题", "领衔人", "本级承办方式", "主办单位", "协办单位", "交办日期",
           "协办意见日期", "正式答复日期", "办理结果", "代表意见", "回头看日期", "B类计划解决时限", "落实进展")


def case(n: int, host: str, assigned: date, *, co: str | None = None, opinion: date | None = None,
         reply: date | None = None, review: date | None = None, year: int = 2026, **more: Any) -> dict[str, Any]:
    row = {"编号": f"东人大第{n}号建议" if n % 2 else f"东政协第{n}号提案",
           "类别": "人大代表建议" if n % 2 else "政协委员提案", "年度": year,
           "标题": f"关于加强第{n}片区公共服务的建议", "领衔人": f"代表{n}", "本级承办方式": "主办",
           "主办单位": host, "协办单位": co, "交办日期": assigned, "协办意见日期": opinion,
           "正式答复日期": reply, "办理结果": "A" if reply else None, "代表意见": "满意" if reply else None,
           "回头看日期": review, **more}
    return {k: v for k, v in row.items() if v is not None}


ROWS = [
    case(1, "县教育和体育局", date(2026, 1, 20), co="县财政局", opinion=date(2026, 2, 10)),
    case(2, "县卫生健康委员会", date(2026, 3, 20), co="县民政局", reply=date(2026, 5, 10), review=date(2026, 6, 1)),
    case(3, "县住房和城乡建设局", date(2026, 6, 20)),
    case(4, "县交通运输局", date(2026, 2, 1), reply=date(2026, 4, 20)),
    case(5, "县财政局", date(2026, 5, 1), reply=date(2026, 6, 1), review=date(2026, 6, 20)),
    case(6, "县民政局", date(2025, 3, 1), reply=date(2025, 5, 1), review=date(2025, 6, 1), year=2025,
         **{"办理结果": "B", "B类计划解决时限": date(2026, 12, 31), "落实进展": "正在推进"}),
]


def months(day: date, n: int) -> date:
    """`n` months later, a fortnight's margin added (the deadlines below are never this close)."""
    month = day.month - 1 + n
    return date(day.year + month // 12, month % 12 + 1, min(day.day, 28)) + timedelta(days=14)


def overdue_units(rows: list[dict[str, Any]], today: date) -> set[str]:
    """The units owing a stage past its deadline, by the preset's rules, this year's cases only."""
    owing = set()
    for row in rows:
        if row["年度"] != today.year:
            continue
        reply = row.get("正式答复日期")
        if reply is None and months(row["交办日期"], 3) < today:
            owing.add(row["主办单位"])
        if reply is not None and row.get("回头看日期") is None and months(reply, 1) < today:
            owing.add(row["主办单位"])
        if row.get("协办单位") and row.get("协办意见日期") is None and months(row["交办日期"], 1) < today:
            owing.add(row["协办单位"])
    return owing


EXPECTED = overdue_units(ROWS, TODAY)


def ledger(folder: Path, params: dict[str, Any] | None = None) -> Path:
    return write_ledger(folder / "台账.xlsx", ROWS, headers=HEADERS, title="2026年建议提案办理台账",
                        units=UNITS, params={"年度": 2026, **(params or {})})


def report(path: Path, *extra: str) -> tuple[int, str, Path]:
    out = path.with_name("通报.docx")
    result = CliRunner().invoke(cli, ["report", str(path), "--today", TODAY.isoformat(), "--out", str(out), *extra])
    return result.exit_code, result.output, out


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("report")
    code, output, out = report(ledger(folder, {"办理机关": OFFICE}))
    assert code == 0, output
    return out, output


def style_font(doc: Any, name: str) -> tuple[str | None, int | None]:
    """The East Asian font and the size (half-points) a style sets."""
    rpr = doc.styles[name].element.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    size = rpr.find(qn("w:sz"))
    return fonts.get(qn("w:eastAsia")), int(size.get(qn("w:val"))) if size is not None else None


def test_the_page_is_a4_with_the_gbt9704_margins(written: tuple[Path, str]) -> None:
    doc = docx.Document(str(written[0]))
    first = doc.sections[0]
    assert first.orientation == WD_ORIENT.PORTRAIT
    assert first.page_width.mm == pytest.approx(210, abs=1) and first.page_height.mm == pytest.approx(297, abs=1)
    for got, want in ((first.top_margin, 37), (first.bottom_margin, 35), (first.left_margin, 28),
                      (first.right_margin, 26)):
        assert got.mm == pytest.approx(want, abs=1)
    grid = first._sectPr.find(qn("w:docGrid"))
    # 22 lines in 225 mm: a line pitch of at most 225/22 mm, in twips
    assert int(grid.get(qn("w:linePitch"))) * 22 <= 225 / 25.4 * 1440


def test_fonts_and_sizes_of_title_body_headings(written: tuple[Path, str]) -> None:
    doc = docx.Document(str(written[0]))
    title = next(p for p in doc.paragraphs if p.text.endswith("办理情况的通报"))
    assert style_font(doc, title.style.name) == ("方正小标宋简体", 44)  # 2号
    assert style_font(doc, "Normal") == ("仿宋_GB2312", 32)  # 3号
    heading1 = next(p for p in doc.paragraphs if p.text.startswith("二、"))
    heading2 = next(p for p in doc.paragraphs if p.text.startswith("（一）"))
    assert style_font(doc, heading1.style.name)[0] == "黑体"
    assert style_font(doc, heading2.style.name)[0] == "楷体_GB2312"
    opening = next(p for p in doc.paragraphs if p.text.startswith("为推动"))
    assert opening.style.name == "Normal"
    # 28 characters a line: 3号 less the condensing must fit 156 mm 28 times
    spacing = doc.styles["Normal"].element.find(qn("w:rPr")).find(qn("w:spacing"))
    pitch = 16 + int(spacing.get(qn("w:val"))) / 20
    assert pitch * 28 <= 156 / 25.4 * 72 < pitch * 29
    with zipfile.ZipFile(written[0]) as z:
        fonts = etree.fromstring(z.read("word/fontTable.xml"))
    alt = {f.get(qn("w:name")): f.find(qn("w:altName")).get(qn("w:val")) for f in fonts}
    assert alt["方正小标宋简体"] == "华文中宋" and alt["仿宋_GB2312"] == "仿宋"


def test_page_numbers_on_the_outer_side(written: tuple[Path, str]) -> None:
    doc = docx.Document(str(written[0]))
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        p = footer.paragraphs[0]
        assert "PAGE" in "".join(t.text for t in p._p.iter(qn("w:instrText")))
        assert p.text.startswith("— ") and p.text.endswith(" —")
        assert style_font(doc, p.style.name) == ("宋体", 28)  # 4号
        assert str(p.alignment).lower().startswith(side)


def test_attachment_is_a_landscape_section_with_a_repeated_header(written: tuple[Path, str]) -> None:
    doc = docx.Document(str(written[0]))
    last = doc.sections[-1]
    assert last.orientation == WD_ORIENT.LANDSCAPE and last.page_width.mm == pytest.approx(297, abs=1)
    body = list(doc.element.body)
    section_ends = [i for i, el in enumerate(body) if el.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None]
    tables = [i for i, el in enumerate(body) if el.tag == qn("w:tbl")]
    assert len(tables) == 1 and tables[0] > section_ends[-1]  # in the last (landscape) section
    table = doc.tables[0]
    repeated = [row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None for row in table.rows]
    assert repeated[:2] == [True, True] and not any(repeated[2:])
    units = [row.cells[1].text for row in table.rows[2:-1]]
    assert {u for u, *_ in UNITS} <= set(units)


def test_overdue_units_are_named_by_the_ledgers_own_rules(written: tuple[Path, str]) -> None:
    doc = docx.Document(str(written[0]))
    texts = [p.text for p in doc.paragraphs]
    start, end = texts.index("二、逾期情况"), next(i for i, t in enumerate(texts) if t.startswith("三、"))
    named = {t.split("）", 1)[1].rsplit("（", 1)[0] for t in texts[start:end] if t.startswith("（")}
    assert named == EXPECTED
    earlier = texts[end:next(i for i, t in enumerate(texts) if t.startswith("四、"))]
    assert any("县民政局1件" in t for t in earlier)  # 往年 B 类, not yet solved, in its own part


@pytest.mark.libreoffice
def test_pdf_holds_office_title_units_and_date(written: tuple[Path, str], tmp_path: Path) -> None:
    if soffice_binary() is None:
        pytest.skip("LibreOffice is not installed: run .ci/install-system.sh")
    source, _ = written
    code, output, out = report(source.with_name("台账.xlsx"), "--pdf")
    assert code == 0, output
    pdf = out.with_suffix(".pdf")
    assert "PDF 已写入" in output and pdf.is_file()
    pages = read_pdf(pdf)
    first, last = pages[0], pages[-1]
    assert (first.width, first.height) == (pytest.approx(595.3, abs=3), pytest.approx(841.9, abs=3))
    assert last.landscape
    text = "".join(squeeze(p.text) for p in pages)
    assert OFFICE in text
    assert f"{OFFICE}关于2026年人大代表建议和政协委员提案办理情况的通报" in text
    assert all(unit in text for unit in EXPECTED)
    assert "2026年7月15日" in text
    for page in pages:
        assert page.overlapping() == [] and page.off_page() == []


def test_fields_the_office_fills_stay_marked_until_filled(tmp_path: Path) -> None:
    code, output, out = report(ledger(tmp_path))
    assert code == 0, output
    assert "文号、主送" in output or "办理机关、文号、主送" in output
    doc = docx.Document(str(out))
    marked = [r.text for p in doc.paragraphs for r in p.runs
              if r._r.rPr is not None and r._r.rPr.find(qn("w:highlight")) is not None]
    assert len(marked) == 4  # 发文机关, 文号, 主送, 署名
    assert all("请在台账“参数”工作表填写" in t for t in marked)
    assert any(p.text == "关于2026年人大代表建议和政协委员提案办理情况的通报" for p in doc.paragraphs)


def test_number_and_recipients_come_from_the_params_sheet(tmp_path: Path) -> None:
    params = {"办理机关": OFFICE, "文号": "东政办发〔2026〕18号", "主送": "各乡（镇）人民政府，县政府各部门"}
    code, output, out = report(ledger(tmp_path, params))
    assert code == 0, output
    doc = docx.Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert "东政办发〔2026〕18号" in texts and "各乡（镇）人民政府，县政府各部门：" in texts
    assert OFFICE in texts and "2026年7月15日" in texts  # 落款 and 成文日期
    assert not any(r._r.rPr is not None and r._r.rPr.find(qn("w:highlight")) is not None
                   for p in doc.paragraphs for r in p.runs)


def test_a_document_not_written_by_the_tool_is_not_replaced(tmp_path: Path) -> None:
    path = ledger(tmp_path)
    mine = docx.Document()
    mine.add_paragraph("办公室自己的文件")
    mine.save(str(tmp_path / "通报.docx"))
    before = (tmp_path / "通报.docx").read_bytes()
    code, output, _out = report(path)
    assert code == 2 and "不是本工具生成" in output
    assert (tmp_path / "通报.docx").read_bytes() == before
    assert report(path)[0] == 2
    (tmp_path / "通报.docx").unlink()
    assert report(path)[0] == 0 and report(path)[0] == 0  # its own earlier 通报 is replaced


def test_pdf_without_libreoffice_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = ledger(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice to be found
    code, output, out = report(path, "--pdf")
    assert code == 0 and out.is_file()
    assert "未生成 PDF" in output and "LibreOffice" in output


def test_the_content_builder_imports_no_document_library() -> None:
    code = ("import sys, taizhang.core.bulletin; "
            "print(sorted(m for m in ('docx', 'openpyxl', 'xlwings', 'python_calamine') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
