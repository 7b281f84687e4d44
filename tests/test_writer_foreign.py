"""Writing into rich workbooks loses nothing: workbooks built here with xlsxwriter (tests/rich_workbooks.py),
the same re-saved by LibreOffice, and, where ../shared is beside the checkout (CI requires it), real
workbooks made by Excel, WPS, LibreOffice and other libraries."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from taizhang.workbook.writer import Chart, Hyperlink, LedgerWriter, Style, ToolSheet
from tests import rich_workbooks as rich
from tests.conftest_writer import (
    FOREIGN,
    cell,
    convert_with_libreoffice,
    parts,
    read_sheet,
    soffice,
    tag_paths,
    worksheet_cells,
)

FOREIGN_BOOKS = sorted(p.name for p in FOREIGN.glob("*.xls[xm]")) if FOREIGN.is_dir() else []
SOURCES = {"generated": "generated_workbooks", "libreoffice": "resaved_workbooks", "foreign": "foreign_dir"}
WORKBOOKS = [
    *[("generated", n) for n in rich.NAMES], *[("libreoffice", n) for n in rich.NAMES],
    *[("foreign", n) for n in FOREIGN_BOOKS],
]  # fmt: skip
MACRO_WORKBOOKS = [w for w in WORKBOOKS if w[1].endswith(".xlsm")]
STATUS = {2: "已办结", 3: '=HYPERLINK("http://x","点我")', 4: date(2025, 3, 25), 5: 7}


def first_worksheet(path: Path) -> str:
    book = CalamineWorkbook.from_path(str(path))
    return next(m.name for m in book.sheets_metadata if str(m.typ).endswith("WorkSheet"))


def tool_sheet(ledger: str) -> ToolSheet:
    sheet = ToolSheet("校验结果")
    sheet.write(1, 1, "校验结果", Style(bold=True, font_size=14, h_align="center"))
    sheet.merge("A1:D1")
    sheet.write_row(2, ["位置", "问题", "数量", "跳转"], Style(bold=True, border=True, fill="D9E1F2"))
    for i, problem in enumerate(["缺少答复日期", "办理单位为空", "编号重复"], start=3):
        sheet.write_row(i, [f"C{i}", problem, i, Hyperlink(f"#'{ledger}'!C{i}", f"C{i}")])
    sheet.freeze("A3")
    sheet.column_width("B", 18)
    sheet.print_setup(repeat_rows=(2, 2), title="校验结果")
    sheet.add_chart(Chart("bar", "问题数量", "B3:B5", "C3:C5", anchor="F2"))
    return sheet


def write(path: Path) -> tuple[str, str]:
    ledger = first_worksheet(path)
    with LedgerWriter(path) as w:
        col = w.set_tool_column(ledger, 1, "【系统】状态", STATUS, header_style=Style(bold=True))
        w.replace_sheet(tool_sheet(ledger))
        result = w.commit()
    assert not result.unchanged
    assert result.backup is not None and result.backup.is_file()
    return ledger, col


def case_id(case: tuple[str, str]) -> str:
    return "/".join(case)


@pytest.fixture(scope="session")
def generated_workbooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    rich.build_rich(folder)
    return folder


@pytest.fixture(scope="session")
def resaved_workbooks(generated_workbooks: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("libreoffice")
    rich.resave_with_libreoffice([generated_workbooks / n for n in rich.NAMES], folder)
    return folder


@pytest.fixture(params=WORKBOOKS, ids=case_id)
def copied(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    family, name = request.param
    target = tmp_path / name
    shutil.copyfile(request.getfixturevalue(SOURCES[family]) / name, target)
    return target


def test_foreign_fixtures_are_there(foreign_dir: Path) -> None:
    assert len(FOREIGN_BOOKS) >= 10, f"expected the foreign workbooks in {foreign_dir}"


@pytest.mark.parametrize("family", ["generated", "libreoffice"])
@pytest.mark.parametrize("name", rich.NAMES)
def test_our_workbooks_are_as_rich_as_meant(family: str, name: str, request: pytest.FixtureRequest) -> None:
    facts = rich.inventory(parts(request.getfixturevalue(SOURCES[family]) / name))
    assert rich.expected_kinds(family, name) - rich.kinds(facts) == set()


def test_write_keeps_everything_the_tool_does_not_own(copied: Path) -> None:
    before = parts(copied)
    ledger, col = write(copied)
    after = parts(copied)

    assert set(before) <= set(after), "no part may disappear"
    rewritten = {
        "[Content_Types].xml", "docProps/app.xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
    }  # fmt: skip
    for name, data in before.items():
        if after[name] != data:
            assert name in rewritten or name.startswith("xl/worksheets/sheet"), name
            old, new = tag_paths(data), tag_paths(after[name])
            lost = {k: v - new[k] for k, v in old.items() if new[k] < v}
            assert not lost, f"{name} lost {lost}"
    assert sum(1 for n in before if after[n] != before[n] and n.startswith("xl/worksheets/sheet")) == 1

    rows = read_sheet(copied, ledger)
    c = ord(col) - 64 if len(col) == 1 else None
    assert c is not None
    assert cell(rows, 1, c) == "【系统】状态"
    assert cell(rows, 2, c) == "已办结"
    assert cell(rows, 3, c) == STATUS[3]  # text, never a formula
    assert cell(rows, 4, c) in (date(2025, 3, 25), __import__("datetime").datetime(2025, 3, 25))
    assert cell(rows, 5, c) == 7
    report = read_sheet(copied, "校验结果")
    assert report[0][0] == "校验结果" and report[2][3] == "C3" and report[4][1] == "编号重复"


def test_write_keeps_the_features_and_the_user_cells(copied: Path) -> None:
    facts, cells = rich.inventory(parts(copied)), worksheet_cells(copied)
    ledger, col = write(copied)
    assert facts - rich.inventory(parts(copied)) == set()
    after = worksheet_cells(copied)
    tool_col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(col)))
    after[ledger] = {rc: v for rc, v in after[ledger].items() if rc[1] != tool_col}
    assert {name: after[name] for name in cells} == cells


@pytest.mark.parametrize("copied", MACRO_WORKBOOKS, ids=case_id, indirect=True)
def test_macro_workbooks_stay_macro_enabled(copied: Path) -> None:
    before = parts(copied)
    write(copied)
    after = parts(copied)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]


def test_rerun_of_the_same_write_changes_nothing(copied: Path) -> None:
    write(copied)
    data, mtime = copied.read_bytes(), copied.stat().st_mtime_ns
    ledger = first_worksheet(copied)
    with LedgerWriter(copied) as w:
        w.set_tool_column(ledger, 1, "【系统】状态", STATUS, header_style=Style(bold=True))
        w.replace_sheet(tool_sheet(ledger))
        result = w.commit()
    assert result.unchanged and result.changed_parts == [] and result.backup is None
    assert copied.read_bytes() == data and copied.stat().st_mtime_ns == mtime


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_converts_the_result(copied: Path, tmp_path: Path) -> None:
    write(copied)
    out = tmp_path / "converted"
    out.mkdir()
    convert_with_libreoffice(copied, out, "pdf")
