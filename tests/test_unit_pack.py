"""The unit workbooks of `taizhang split`, written as bytes (workbook/unit_pack.py): read back by two
independent readers (python-calamine and openpyxl), they carry what the openpyxl-built books
carried: the drop-downs and date checks on the fillable columns, the sheet protection (with its
password), only the fillable cells unlocked, the hidden 分发校验 sheet whose 校验码 is the seal of
its records under the master's key; and the column widths and row heights that measure.fit (the
fitting every other sheet of the tool uses) gives the same cells."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.protection import hash_password
from python_calamine import CalamineWorkbook

from taizhang.core.columns import BY_NAME, Kind
from taizhang.core.exchange import FILLABLE, RowRecord, sealed
from taizhang.core.model import column_index
from taizhang.macros.jobs.demo import write_sample
from taizhang.macros.jobs.split import SplitResult, split
from taizhang.workbook.dispatch import read_dispatch
from taizhang.workbook.reader import open_workbook
from taizhang.workbook.unit_book import INFO_HEADERS, META_TABLE_ROW
from taizhang.workbook.unit_pack import password_hash
from taizhang.workbook.writer.measure import CELL_PADDING, CellText, fit, text_units

TODAY = date(2026, 5, 20)
WRAPPED = {"标题", "落实进展", "协办单位", "延期理由", "退回理由"}
DATE_WIDTH = round(text_units("2026-05-20") + CELL_PADDING, 1)


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SplitResult]:
    folder = tmp_path_factory.mktemp("pack")
    master = write_sample(folder / "台账.xlsx", TODAY)
    wb = openpyxl.load_workbook(master)  # a password for the units' sheets, as an office sets one
    ws = wb["参数"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "分发表保护密码")
    ws.cell(row, 2).value = "qh2026"
    wb.save(master)
    return master, split(master, folder / "分发", TODAY)


def test_password_hash_is_excels_legacy_hash() -> None:
    for word in ("qh2026", "a", "台账", "password with spaces", "x" * 15):
        assert password_hash(word) == hash_password(word)


def test_drop_downs_protection_and_unlocked_cells(done: tuple[Path, SplitResult]) -> None:
    _, result = done
    assert len(result.files) > 5
    for file in result.files:
        wb = openpyxl.load_workbook(file.path)
        assert wb.sheetnames == ["台账", "填报说明", "分发校验"]
        assert wb["分发校验"].sheet_state == "hidden"
        ws = wb["台账"]
        for sheet in (ws, wb["分发校验"]):
            assert sheet.protection.sheet and sheet.protection.password == hash_password("qh2026")
        assert wb["填报说明"].protection.sheet
        assert not ws.protection.autoFilter and not ws.protection.sort and not ws.protection.formatColumns
        header = [c.value for c in ws[2]]
        last = ws.max_row
        roles = [ws.cell(r, 1).value for r in range(3, last + 1)]
        assert set(roles) <= {"主办", "协办"} and len(roles) == len(file.numbers)
        for r, role in enumerate(roles, start=3):
            unlocked = {header[c - 1] for c in range(1, len(header) + 1) if not ws.cell(r, c).protection.locked}
            assert unlocked == set(FILLABLE[role]) & set(header)
            tinted = {header[c - 1] for c in range(1, len(header) + 1)
                      if ws.cell(r, c).fill.fgColor.rgb in ("FFFFF2CC", "00FFF2CC")}
            assert tinted == unlocked
        for r in range(3, last + 1):  # the information cells wrap, but for a deadline (a date)
            wraps = [bool(ws.cell(r, c).alignment.wrap_text) for c in range(1, len(INFO_HEADERS) + 1)]
            due = ws.cell(r, 3).value
            assert wraps == [True, True, due is None, True] and (due is None or ws.cell(r, 3).is_date)
        fills = {n for role in set(roles) for n in FILLABLE[role]} & set(header)
        checks = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
        expected = {}
        for name in fills:
            letter = openpyxl.utils.get_column_letter(header.index(name) + 1)
            kind = BY_NAME[name].kind
            if kind in (Kind.ENUM, Kind.DATE):
                expected[f"{letter}3:{letter}{last}"] = kind
        assert set(checks) == set(expected)
        for ref, kind in expected.items():
            dv = checks[ref]
            assert dv.type == ("list" if kind is Kind.ENUM else "date") and dv.allow_blank and dv.showErrorMessage
        assert ws.freeze_panes == "G3" and ws.auto_filter.ref == f"A2:{ws.cell(2, len(header)).column_letter}{last}"
        assert ws.print_title_rows == "$1:$2" and ws.page_setup.fitToWidth == 1
        assert [str(m) for m in ws.merged_cells.ranges] == [f"A1:{ws.cell(2, len(header)).column_letter}1"]


def test_seal_and_records_read_back_with_calamine(done: tuple[Path, SplitResult]) -> None:
    master, result = done
    with open_workbook(master) as book:
        record = read_dispatch(book)
    assert record.secret
    for file in result.files:
        book = CalamineWorkbook.from_path(str(file.path))
        assert book.sheet_names == ["台账", "填报说明", "分发校验"]
        meta = book.get_sheet_by_name("分发校验").to_python()
        info = {str(r[0]): r[1] for r in meta[1:META_TABLE_ROW - 1]}
        entries = {}
        for row in meta[META_TABLE_ROW:]:
            if row[0]:
                entries[str(row[0])] = RowRecord(str(row[1]), str(row[2]), json.loads(str(row[3])))
        columns = json.loads(str(info["列"]))
        assert info["单位"] == file.unit and entries.keys() == set(file.numbers)
        assert sealed(record.secret, file.unit, str(info["分发编号"]), columns, entries, str(info["校验码"]))
        assert record.books[(str(info["分发编号"]), file.unit)].roles == {n: e.role for n, e in entries.items()}
        ledger = book.get_sheet_by_name("台账").to_python()
        assert [str(v) for v in ledger[1][:len(INFO_HEADERS)]] == list(INFO_HEADERS)
        assert ledger[1][len(INFO_HEADERS):len(INFO_HEADERS) + len(columns)] == columns
        numbers = [str(r[ledger[1].index("编号")]) for r in ledger[2:]]
        assert numbers == file.numbers


def _shown(value: object) -> str:
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d") if not hasattr(value, "hour") or not value.hour else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fit_of(ws: openpyxl.worksheet.worksheet.Worksheet) -> tuple[dict[int, float], dict[int, float]]:
    """measure.fit of the sheet's cells as openpyxl reads them back (the text a spreadsheet shows,
    the font, whether the cell's format wraps), with the widths the split fixes for long texts and dates."""
    header = [c.value for c in ws[2]]
    cells = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or cell.value == "":
                continue
            fixed = isinstance(cell.value, int | float | date) and not isinstance(cell.value, bool)
            wrap = bool(cell.alignment.wrap_text)
            cells[(cell.row, cell.column)] = CellText(
                _shown(cell.value), float(cell.font.sz), bool(cell.font.b), wrap, fixed, 3 if cell.row == 2 else 1)
    given = {c: min(BY_NAME[n].width, 28) for c, n in enumerate(header, start=1) if n in WRAPPED}
    given |= {c: DATE_WIDTH for c, n in enumerate(header, start=1) if n in BY_NAME and BY_NAME[n].kind is Kind.DATE}
    merges = [(1, 1, 1, len(header))]
    layout = fit(cells, merges, given, {1: 36.0}, 14)
    return layout.widths, layout.heights


def test_widths_and_heights_are_measure_fit(done: tuple[Path, SplitResult]) -> None:
    _, result = done
    for file in result.files:
        wb = openpyxl.load_workbook(file.path)
        ws = wb["台账"]
        widths, heights = _fit_of(ws)
        written_widths = {column_index(k) + 1: d.width for k, d in ws.column_dimensions.items() if d.width}
        written_heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
        assert written_widths == pytest.approx(widths), file.path.name
        assert written_heights == pytest.approx(heights), file.path.name


def test_no_openpyxl_traces_and_fixed_dates(done: tuple[Path, SplitResult]) -> None:
    _, result = done
    with zipfile.ZipFile(result.files[0].path) as z:
        names = z.namelist()
        core = z.read("docProps/core.xml").decode()
        assert all(i.date_time[:3] == (2026, 5, 20) for i in z.infolist())
    assert "xl/worksheets/sheet1.xml" in names and "xl/styles.xml" in names
    assert "2026-05-20T00:00:00Z" in core and "openpyxl" not in "".join(names).lower()


def test_a_book_written_on_its_own(tmp_path: Path) -> None:
    """write_unit_book without a split's packer: the rows' own values, shared by two rows of one
    case (its lead's and a co-handler's copy are different books; here one book holds both roles)."""
    from taizhang.workbook.unit_book import UnitBook, UnitRow, write_unit_book

    values = {"编号": "县人大第1号建议", "标题": "关于加强农村饮水安全工作的建议", "交办日期": date(2026, 3, 2),
              "正式答复日期": None, "办理结果": None}
    columns = list(values)
    rows = [UnitRow("县人大第1号建议", values, "正式答复", date(2026, 6, 1), "正常", RowRecord("主办", "f1", {})),
            UnitRow("县人大第1号建议", values, "协办意见", None, None, RowRecord("协办", "f2", {}))]
    book = UnitBook(unit="县水利局", year=2026, split_date=TODAY, version="v", columns=columns, rows=rows,
                    split_id="2026-1", mac="m")
    path = write_unit_book(tmp_path / "book.xlsx", book)
    ledger = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("台账").to_python()
    assert ledger[0][0] == "县水利局2026年建议提案办理情况（2026年05月20日分发）"
    assert [r[:2] for r in ledger[2:]] == [["主办", "正式答复"], ["协办", "协办意见"]]
    assert [r[4] for r in ledger[2:]] == ["县人大第1号建议"] * 2
    ws = openpyxl.load_workbook(path)["台账"]
    assert not ws["H3"].protection.locked and ws["H4"].protection.locked  # 正式答复日期: the lead's only
    assert ws["G3"].value.date() == date(2026, 3, 2) and ws["G3"].number_format == "yyyy-mm-dd"
