"""The ribbon's 节假日 button against the xlwings stand-in: the notice pasted into a sheet, the same
rows in the 节假日 sheet as `taizhang holidays --write` gives the file, a bounded number of calls,
and a message box quoting the line when the notice is inconsistent."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from taizhang.macros.cli import cli
from taizhang.macros.excel import ribbon
from taizhang.macros.excel.holidays import PASTE_SHEET
from tests.fake_xlwings import FakeBook
from tests.ledger_factory import write_ledger
from tests.test_holidays_cmd import SYNTHETIC_2027

TODAY = date(2026, 11, 20)
MAX_CALLS = 30
NOTICES = Path(__file__).parent / "data" / "holiday_notices"


def _same(value: Any) -> Any:
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date()
    return value


def file_rows(path: Path) -> list[list[Any]]:
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("节假日").to_python(skip_empty_area=False)
    return [[_same(v) for v in row] for row in grid]


def live_rows(book: FakeBook) -> list[list[Any]]:
    ws = book.sheet("节假日")
    rows = max(r for r, _ in ws.cells)
    cols = max(c for _, c in ws.cells)
    return [[_same(ws.cell(r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "台账.xlsx"
    assert CliRunner().invoke(cli, ["new", str(path), "--year", "2026"]).exit_code == 0
    return path


def press(book: FakeBook) -> str:
    book.calls.clear()
    message = ribbon.run("holidays", book, TODAY)
    assert len(book.calls) <= MAX_CALLS, book.calls
    return message


def paste(book: FakeBook, lines: list[Any]) -> None:
    sheet = book.sheet(PASTE_SHEET)
    for i, line in enumerate(lines):
        sheet.set_cell(3 + i, 1, line)


def test_first_press_adds_a_sheet_to_paste_into(blank: Path) -> None:
    book = FakeBook.from_file(blank)
    message = press(book)
    assert f"“{PASTE_SHEET}”" in message and "A3" in message
    sheet = book.sheet(PASTE_SHEET)
    assert sheet.active and "A3" in sheet.cell(1, 1)
    assert book.app.alerts[-1][2] == "info"
    assert press(book) == message  # nothing pasted yet: asked again


@pytest.mark.parametrize("how", ["one cell", "one line per row"])
def test_pasted_notice_gives_the_rows_the_command_line_gives(blank: Path, tmp_path: Path, how: str) -> None:
    book = FakeBook.from_file(blank)
    press(book)
    if how == "one cell":
        paste(book, [SYNTHETIC_2027])
    else:  # Excel spreads pasted plain text over rows, and makes a date of a line that is only a date
        paste(book, [*SYNTHETIC_2027.splitlines(), "国务院办公厅", datetime(2026, 11, 4)])
    message = press(book)
    assert "2027年的放假和调休安排（休 29 天、班 6 天）" in message, message
    assert "  春节：2月5日至2月13日放假，共9天；1月31日、2月20日上班" in message.splitlines()

    copy = tmp_path / "台账.xlsx"
    copy.write_bytes(blank.read_bytes())
    notice = tmp_path / "通知.txt"
    notice.write_text(SYNTHETIC_2027, encoding="utf-8")
    assert CliRunner().invoke(cli, ["holidays", str(copy), "--notice", str(notice), "--write"]).exit_code == 0
    assert live_rows(book) == file_rows(copy)


def test_a_ledger_without_the_sheet_gets_one(tmp_path: Path) -> None:
    book = FakeBook.from_file(write_ledger(tmp_path, []))
    press(book)
    paste(book, [(NOTICES / "2026.txt").read_text(encoding="utf-8")])
    assert "已新建“节假日”工作表" in press(book)
    rows = live_rows(book)
    assert rows[0] == ["日期", "休/班", "说明"] and len(rows) == 1 + 33 + 6
    assert rows[1] == [date(2026, 1, 1), "休", "元旦"]


def test_an_inconsistent_notice_is_a_message_quoting_its_line(blank: Path) -> None:
    book = FakeBook.from_file(blank)
    before = live_rows(book)
    press(book)
    paste(book, [(NOTICES / "2026.txt").read_text(encoding="utf-8").replace("共9天", "共10天")])
    message = press(book)
    assert "“共10天”与日期不符" in message and "二、春节:2月15日" in message
    assert book.app.alerts[-1][2] == "critical"
    assert live_rows(book) == before


def test_a_formula_in_the_rows_to_change_is_not_overwritten(blank: Path) -> None:
    book = FakeBook.from_file(blank)
    sheet = book.sheet("节假日")
    # 清明 as chinese-calendar names it; the notice says 清明节, so this row is rewritten
    row = next(r for (r, c), v in sheet.cells.items() if c == 1 and v == datetime(2026, 4, 5))
    assert sheet.cell(row, 3) == "清明"
    sheet.formulas[(row, 3)] = '="清明"'
    press(book)
    paste(book, [(NOTICES / "2026.txt").read_text(encoding="utf-8")])
    message = press(book)
    assert "有公式" in message and "taizhang holidays" in message
    assert sheet.cell(row, 3) == "清明"
