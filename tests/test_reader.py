"""Reading ledgers: messy layouts, files re-saved by LibreOffice, foreign workbooks, bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from taizhang.core.errors import BadInput
from taizhang.workbook.reader import read_workbook
from tests.libreoffice import convert
from tests.messy import EXPECTED, messy_ledger, tidy_ledger

COMPARED = ("编号", "类别", "标题", "领衔人", "主办单位", "协办单位", "交办日期", "正式答复日期", "办理结果", "代表意见",
            "联系电话")


def understood(path: Path) -> list[dict[str, object]]:
    ledger = read_workbook(path).ledger
    return [{k: case.canonical_values().get(k) or None for k in COMPARED} for case in ledger.cases]


def expected() -> list[dict[str, object]]:
    return [{k: row.get(k) or None for k in COMPARED} for row in EXPECTED]


def test_tidy_ledger_reads_every_column(tmp_path: Path) -> None:
    ledger = read_workbook(tidy_ledger(tmp_path / "tidy.xlsx")).ledger
    assert ledger.sheet == "台账"
    assert ledger.header_row == 2
    assert ledger.columns["编号"] == "B"
    assert ledger.extra_columns == {"经办人": "M"}
    assert understood(tmp_path / "tidy.xlsx") == expected()
    assert ledger.cases[0].extra == {"经办人": "小刘"}


def test_messy_ledger_title_rows_two_row_header_text_dates(tmp_path: Path) -> None:
    path = messy_ledger(tmp_path / "messy.xlsx")
    ledger = read_workbook(path).ledger
    assert ledger.sheet == "2025年台账"
    assert ledger.header_rows == [3, 4]
    assert ledger.year == 2025
    assert {"主办单位": "G", "协办单位": "H", "办理结果": "K", "领衔人": "E"}.items() <= ledger.columns.items()
    # blank row 6 and the totals row 9 skipped; row 7, hidden by the filter, still read
    assert [c.row for c in ledger.cases] == [5, 7, 8]
    assert understood(path) == expected()
    assert ledger.unparsed == []


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_messy_ledger_resaved_by_libreoffice(tmp_path: Path, soffice: str, fmt: str) -> None:
    source = messy_ledger(tmp_path / "messy.xlsx")
    resaved = convert(source, fmt, tmp_path / "out")
    assert understood(resaved) == expected()
    assert read_workbook(resaved).ledger.header_rows == [3, 4]


def test_unparsed_values_are_kept_and_listed(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "类别", "标题", "主办单位", "交办日期", "附议人数"])
    ws.append(["第1号", "建议", "关于修路的建议", "县交通运输局", "下周", "很多"])
    ws.append(["第2号", "建议", "关于修桥的建议", "县交通运输局", "2025.13.45", 3])
    wb.save(tmp_path / "bad.xlsx")
    ledger = read_workbook(tmp_path / "bad.xlsx").ledger
    assert [(u.row, u.column, u.name, u.value) for u in ledger.unparsed] == [
        (2, "E", "交办日期", "下周"), (2, "F", "附议人数", "很多"), (3, "E", "交办日期", "2025.13.45")]
    assert [c.number for c in ledger.cases] == ["第1号", "第2号"]
    assert ledger.cases[0].assigned_date is None


def test_month_day_without_any_year_is_unparsed(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "类别", "标题", "主办单位", "交办日期"])
    ws.append(["第1号", "建议", "关于修路的建议", "县交通运输局", "3月25日"])
    wb.save(tmp_path / "noyear.xlsx")
    ledger = read_workbook(tmp_path / "noyear.xlsx").ledger
    assert [(u.row, u.column) for u in ledger.unparsed] == [(2, "E")]


def test_year_column_gives_month_day_its_year(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["编号", "年度", "标题", "主办单位", "交办日期"])
    ws.append(["第1号", "2024年", "关于修路的建议", "县交通运输局", "3月25日"])
    wb.save(tmp_path / "year.xlsx")
    case = read_workbook(tmp_path / "year.xlsx").ledger.cases[0]
    assert (case.year, case.assigned_date.isoformat() if case.assigned_date else None) == (2024, "2024-03-25")


def test_every_foreign_workbook_says_no_ledger(foreign_dir: Path) -> None:
    names = sorted(p.name for p in foreign_dir.iterdir() if p.suffix in (".xlsx", ".xlsm", ".xls"))
    assert len(names) >= 20
    for name in names:
        with pytest.raises(BadInput, match="找不到台账"):
            read_workbook(foreign_dir / name)


def _two_ledgers(path: Path) -> Path:
    wb = Workbook()
    for title in ("甲表", "乙表"):
        ws = wb.create_sheet(title)
        ws.append(["编号", "类别", "标题", "主办单位", "交办日期"])
        ws.append(["第1号", "建议", "关于修路的建议", "县交通运输局", "2025-03-01"])
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("make", "expected_words"),
    [
        (lambda p: p.write_text("编号,标题\n1,修路\n", encoding="utf-8"), ["not.xlsx", "不是"]),
        (lambda p: p.write_bytes(b""), ["not.xlsx", "空文件"]),
        (lambda p: _zip_without_workbook(p), ["not.xlsx", "不是 Excel 工作簿"]),
        (lambda p: _no_header(p), ["not.xlsx", "找不到台账"]),
        (lambda p: _two_ledgers(p), ["not.xlsx", "“甲表”", "“乙表”", "--sheet"]),
    ],
)
def test_bad_input_names_the_file_and_what_was_expected(tmp_path: Path, make, expected_words) -> None:
    path = tmp_path / "not.xlsx"
    make(path)
    with pytest.raises(BadInput) as caught:
        read_workbook(path)
    for word in expected_words:
        assert word in caught.value.message


def test_encrypted_workbook_is_refused_clearly(tmp_path: Path) -> None:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = tidy_ledger(tmp_path / "plain.xlsx")
    encrypted = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, encrypted.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    assert msoffcrypto.olefile.isOleFile(str(encrypted))
    with pytest.raises(BadInput, match=r"locked\.xlsx.*加密"):
        read_workbook(encrypted)


def test_missing_file_and_unknown_sheet(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="找不到文件"):
        read_workbook(tmp_path / "none.xlsx")
    path = tidy_ledger(tmp_path / "tidy.xlsx")
    with pytest.raises(BadInput, match="没有名为“其他”的工作表"):
        read_workbook(path, sheet="其他")


def _zip_without_workbook(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("readme.txt", "hello")
    path.write_bytes(buffer.getvalue())


def _no_header(path: Path) -> None:
    wb = Workbook()
    wb.active.append(["甲", "乙", "丙"])
    wb.active.append([1, 2, 3])
    wb.save(path)
