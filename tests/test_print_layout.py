"""Every sheet the tool writes prints cleanly: converted to PDF by LibreOffice and read back with
poppler (`pdftotext -bbox-layout`), no two printed lines overlap and no text leaves the page, every
cell's text is printed whole, and each page holds whole rows (the first and the last cell of a row
side by side on one page: one page wide).

The workbooks, made once for the module and converted in one LibreOffice run:
- the sample ledger after `check`, `due` and `summary` wrote into it and a unit's returned
  workbook was merged: the ledger itself, its settings sheets, 校验结果, 逾期清单, 汇总, 通报, 图表
  and 变更记录;
- the weekly report of a second weekly run (概况, 校验问题, 逾期清单, 各单位, 变化);
- a unit's workbook from `split` (台账, 填报说明);
- a ledger laid out as another office lays it out (a one-line header row of fixed height, its
  own print setup) after `due` and `check` wrote their tool columns into it.
The cells expected are read back from each workbook with openpyxl and shown as a spreadsheet shows
them (dates as 2026-05-20, rates as 66.67%), independently of the tool's own fitting code."""

from __future__ import annotations

import functools
import re
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree

from taizhang.macros.cli import cli
from taizhang.macros.jobs.demo import write_sample
from taizhang.macros.jobs.merge import merge
from taizhang.macros.jobs.split import split
from taizhang.macros.weekly.run import run_once
from taizhang.writeback import run_and_write
from tests.libreoffice import convert_many, soffice_binary
from tests.pdf_layout import Page, find, read_pdf, side_by_side, squeeze
from tests.weekly_helpers import write_config

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

TODAY = date(2026, 5, 20)
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
TOOL_SHEETS = ("校验结果", "逾期清单", "汇总", "通报", "图表", "变更记录")
WEEKLY_SHEETS = ("概况", "校验问题", "逾期清单", "各单位", "变化")
FOREIGN_HEADERS = ("序号", "建议编号", "案由", "领衔代表", "主办单位", "协办单位", "交办时间", "答复时间")


def _master(folder: Path) -> Path:
    """The sample ledger with every job's sheets in it and one unit's returned workbook merged."""
    from taizhang.macros.jobs.check import apply_check
    from taizhang.macros.jobs.due import apply_due
    from taizhang.macros.jobs.summary import apply_summary

    master = write_sample(folder / "台账.xlsx", TODAY)
    run_and_write(master, TODAY, [apply_check, apply_due, apply_summary])
    handed = split(master, folder / "分发", TODAY, units=["县财政局"])
    returned = _fill_progress(handed.files[0].path, folder / "县财政局_回传.xlsx")
    report = merge(master, [returned], TODAY, now=datetime(2026, 5, 21, 9, 30))
    assert report.files[0].changes, report.files[0].message
    return master


def _fill_progress(path: Path, out: Path) -> Path:
    """The unit writes its progress into its host cases, as a clerk types it."""
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    cols = {c.value: c.column for c in ws[2] if c.value}
    filled = 0
    for r in range(3, ws.max_row + 1):
        if ws.cell(r, cols["本单位承办方式"]).value == "主办" and filled < 4:
            cell = ws.cell(r, cols["落实进展"])
            cell.value = f"已与代表面商，资金已列入{2026 + filled}年预算，正在按计划推进，预计年底前完成并书面报告办理结果"
            filled += 1
    wb.save(out)
    return out


def _weekly(folder: Path) -> Path:
    """The report of a second weekly run, so its 变化 sheet lists changes."""
    ledger = write_sample(folder / "台账.xlsx", date(2026, 5, 11))
    config = write_config(folder, '[run]\nledgers = ["台账.xlsx"]\nupdate_master = true\n')
    run_once(config, date(2026, 5, 11), send=False)
    book = openpyxl.load_workbook(ledger)
    ws = book["台账"]
    cols = {c.value: c.column for c in ws[2] if c.value}
    for r in range(3, 40):  # a week's work: replies to a few cases that had none
        if ws.cell(r, cols["正式答复日期"]).value is None and ws.cell(r, cols["交办日期"]).value:
            ws.cell(r, cols["正式答复日期"]).value = date(2026, 5, 14)
    book.save(ledger)
    result = run_once(config, date(2026, 5, 18), send=False)
    report = result.ledgers[0].report
    assert report is not None
    return report


def foreign_ledger(path: Path) -> Path:
    """Another office's ledger: its own headers in a one-line row of fixed height, its own print setup."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "建议办理"
    ws.append(list(FOREIGN_HEADERS))
    ws.row_dimensions[1].height = 15
    for n in range(1, 9):
        ws.append([n, f"第{n}号", f"关于加强第{n}社区养老服务的建议", f"代表{n}", "县民政局", "县财政局",
                   date(2026, 1, 10 + n), date(2026, 3, 2) if n % 2 else None])
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = "本办自用表头"
    ws.column_dimensions["C"].width = 30
    for col in "GH":  # dates as that office shows them
        ws.column_dimensions[col].width = 12
        for cell in ws[col][1:]:
            cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[Page]]]:
    """name -> (workbook, the pages of its PDF)."""
    if soffice_binary() is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or poppler-utils is not installed: run .ci/install-system.sh")
    folder = tmp_path_factory.mktemp("printed")
    for sub in ("master", "weekly", "pdf-in"):
        (folder / sub).mkdir()
    books = {"master": _master(folder / "master"), "weekly": _weekly(folder / "weekly")}
    unit_dir = folder / "units"
    handed = split(write_sample(folder / "split.xlsx", TODAY), unit_dir, TODAY)
    books["unit"] = max((f.path for f in handed.files), key=lambda p: p.stat().st_size)
    foreign = foreign_ledger(folder / "外单位台账.xlsx")
    for command in ("due", "check"):
        result = CliRunner().invoke(cli, [command, str(foreign), "--today", "2026-05-20", "--write"])
        assert result.exit_code in (0, 1), result.output
    books["foreign"] = foreign
    copies = []
    for name, path in books.items():
        copy = folder / "pdf-in" / f"{name}.xlsx"
        shutil.copyfile(path, copy)
        copies.append(copy)
    pdfs = convert_many(copies, "pdf", folder / "pdf")
    return {name: (books[name], read_pdf(pdf)) for name, pdf in zip(books, pdfs, strict=True)}


def shown(value: object, number_format: str) -> str:
    """What a spreadsheet shows for a cell (the test's own formatting, not the tool's)."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d") if "h" not in number_format else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if "%" in number_format:
            return f"{value * 100:.2f}%"
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return "" if value is None else str(value)


@functools.cache
def visible_cells(book: Path) -> dict[str, dict[tuple[int, int], str]]:
    """Every visible sheet's non-empty cells, as shown."""
    wb = openpyxl.load_workbook(book)
    out: dict[str, dict[tuple[int, int], str]] = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        out[ws.title] = {(c.row, c.column): shown(c.value, c.number_format)
                         for row in ws.iter_rows() for c in row if squeeze(shown(c.value, c.number_format))}
        # cells merged over several rows print between rows, level with neither
        out[ws.title + "\0tall"] = {(m.min_row, m.min_col): "" for m in ws.merged_cells.ranges
                                     if m.max_row > m.min_row}
    return out


def sheet_pages(pages: list[Page], sheets: set[str]) -> dict[str, list[Page]]:
    """Pages by the sheet named in their footer."""
    by_sheet: dict[str, list[Page]] = {}
    for page in pages:
        name = page.sheet_name(sheets)
        assert name is not None, f"page {page.number} has no sheet name in its footer"
        by_sheet.setdefault(name, []).append(page)
    return by_sheet


CASES = [("master", s) for s in ("台账", *TOOL_SHEETS, "单位名录", "时限规则", "节假日", "参数", "校验规则")]
CASES += [("weekly", s) for s in WEEKLY_SHEETS] + [("unit", "台账"), ("unit", "填报说明")]


@pytest.mark.parametrize("name", ["master", "weekly", "unit", "foreign"])
def test_no_two_lines_overlap_and_none_leaves_the_page(printed: dict[str, tuple[Path, list[Page]]],
                                                       name: str) -> None:
    _book, pages = printed[name]
    for page in pages:
        assert page.overlapping() == [], f"{name} page {page.number}: lines printed over each other"
        assert page.off_page() == [], f"{name} page {page.number}: text beyond the page"
        assert "###" not in page.text  # a number too wide for its column


@pytest.mark.parametrize(("name", "sheet"), CASES, ids=lambda v: str(v))
def test_every_cell_prints_whole_and_each_row_on_one_page(printed: dict[str, tuple[Path, list[Page]]],
                                                         name: str, sheet: str) -> None:
    book, pages = printed[name]
    cells = visible_cells(book)
    by_sheet = sheet_pages(pages, {s for s in cells if "\0" not in s})
    assert sheet in by_sheet, f"{sheet} printed no page"
    mine = by_sheet[sheet]
    assert all(p.landscape == mine[0].landscape for p in mine)
    places = {rc: find(text, mine) for rc, text in cells[sheet].items()}
    missing = [cells[sheet][rc] for rc, found in places.items() if not found]
    assert missing == [], f"{sheet}: cut or missing: {missing[:5]}"
    tall = cells[sheet + "\0tall"]
    for row in sorted({r for r, _c in cells[sheet]}):
        cols = sorted(c for r, c in cells[sheet] if r == row and (r, c) not in tall)
        if len(cols) < 2:
            continue
        a, b = cells[sheet][(row, cols[0])], cells[sheet][(row, cols[-1])]
        level = side_by_side(places[(row, cols[0])], places[(row, cols[-1])])
        assert level or side_by_side(find(a, mine, thorough=True), find(b, mine, thorough=True)), \
            f"{sheet} row {row}: “{cells[sheet][(row, cols[0])]}” and “{cells[sheet][(row, cols[-1])]}” not side by side"


def _sheet_xml(book: Path, sheet: str) -> etree._Element:
    with zipfile.ZipFile(book) as z:
        workbook = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        rid = next(s.get(f"{{{NS['m'].replace('spreadsheetml/2006/main', 'officeDocument/2006/relationships')}}}id")
                   for s in workbook.iter(f"{{{NS['m']}}}sheet") if s.get("name") == sheet)
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        return etree.fromstring(z.read("xl/" + target.lstrip("/").removeprefix("xl/")))


@pytest.mark.parametrize("sheet", TOOL_SHEETS)
def test_tool_sheets_print_one_page_wide_with_page_numbers(printed: dict[str, tuple[Path, list[Page]]],
                                                           sheet: str) -> None:
    book, _pages = printed["master"]
    root = _sheet_xml(book, sheet)
    setup = root.find("m:pageSetup", NS)
    assert setup is not None and setup.get("fitToWidth") == "1" and setup.get("fitToHeight") == "0"
    assert setup.get("paperSize") == "9"
    assert root.find("m:sheetPr/m:pageSetUpPr", NS).get("fitToPage") == "1"
    footer = root.findtext("m:headerFooter/m:oddFooter", namespaces=NS) or ""
    assert "第 &P 页 共 &N 页" in footer and "&A" in footer
    rows = root.findall("m:sheetData/m:row", NS)
    assert rows and all(r.get("customHeight") == "1" for r in rows if len(r))  # every row with cells sized


def test_check_sheet_reads_the_rule_title_first(printed: dict[str, tuple[Path, list[Page]]]) -> None:
    from taizhang.validators import RULES

    book, _pages = printed["master"]
    ws = openpyxl.load_workbook(book)["校验结果"]
    header = next(r for r in ws.iter_rows(values_only=True) if r[0] == "序号")
    assert header[-1] == "规则代码" and header.index("规则") < header.index("问题说明")
    rows = [r for r in ws.iter_rows(values_only=True) if isinstance(r[0], int)]
    assert rows and all(r[header.index("规则")] == RULES[r[-1]].title for r in rows)


def test_the_foreign_header_row_shows_the_tool_headers_whole(printed: dict[str, tuple[Path, list[Page]]]) -> None:
    book, pages = printed["foreign"]
    root = _sheet_xml(book, "建议办理")
    header = root.find("m:sheetData/m:row[@r='1']", NS)
    tool = [t for t in header.itertext() if t.startswith("【系统】")]
    assert len(tool) == 5
    # Two lines of 11 pt at least (the tool headers wrap in their columns); it was 15 pt.
    assert float(header.get("ht")) >= 2 * 11 * 1.3
    for text in tool:
        assert find(text, pages), text


def test_the_users_own_print_setup_is_never_changed(tmp_path: Path) -> None:
    ledger = foreign_ledger(tmp_path / "外单位台账.xlsx")

    def setup(path: Path) -> tuple[bytes, ...]:
        root = _sheet_xml(path, "建议办理")
        parts = [etree.tostring(el) for tag in ("pageSetup", "pageMargins", "headerFooter", "printOptions")
                 for el in root.findall(f"m:{tag}", NS)]
        with zipfile.ZipFile(path) as z:
            names = re.findall(rb"<definedName[^>]*>[^<]*</definedName>", z.read("xl/workbook.xml"))
        return (*parts, *[n for n in names if "建议办理".encode() in n])  # the user's sheet's print titles

    before = setup(ledger)
    for command in ("due", "check", "summary"):
        args = [command, str(ledger), "--today", "2026-05-20", "--write"]
        assert CliRunner().invoke(cli, args).exit_code in (0, 1)
    assert setup(ledger) == before
