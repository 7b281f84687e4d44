"""One way to read: a saved file and the workbook open in Excel are read by the same functions
(workbook/reader.py over a GridSource), so both take the same sheet and refuse the same workbooks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter

from taizhang.core.errors import BadInput
from taizhang.macros.excel import ribbon
from taizhang.macros.excel.live import Budget, LiveSource, read_book
from taizhang.workbook.reader import change_records_end, open_workbook, read_change_records, read_workbook
from tests.fake_xlwings import FakeBook

TODAY = date(2026, 5, 20)
HEADER = ["编号", "标题", "主办单位", "交办日期", "领衔人"]


def ledger_rows(number: str) -> list[list[Any]]:
    return [HEADER, [number, "修路", "县交通局", date(2026, 3, 1), "张三"]]


def save(path: Path, sheets: dict[str, list[list[Any]]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    sheet.write_datetime(r, c, value, book.add_format({"num_format": "yyyy-mm-dd"}))
                elif value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


TWO = {"2026年": ledger_rows("1"), "州级": ledger_rows("2")}


def test_two_ledger_like_sheets_are_refused_in_a_file(tmp_path: Path) -> None:
    path = save(tmp_path / "台账.xlsx", TWO)
    with pytest.raises(BadInput) as refused:
        read_workbook(path)
    assert "多个工作表都像台账：“2026年”、“州级”" in refused.value.message


@pytest.mark.parametrize("saved", [False, True])
def test_two_ledger_like_sheets_are_refused_in_excel_too(tmp_path: Path, saved: bool) -> None:
    path = save(tmp_path / "台账.xlsx", TWO)
    book = FakeBook.from_file(path, saved=saved)  # unsaved: read live; saved: read from the file
    with pytest.raises(BadInput) as refused:
        read_book(book)
    assert "多个工作表都像台账：“2026年”、“州级”" in refused.value.message
    message = ribbon.run("check", FakeBook.from_file(path, saved=saved), TODAY, show=lambda _: None)
    assert "多个工作表都像台账" in message


def test_the_sheet_named_ledger_wins_in_both(tmp_path: Path) -> None:
    path = save(tmp_path / "台账.xlsx", {"台账": ledger_rows("1"), "州级": ledger_rows("2")})
    assert read_workbook(path).ledger.cases[0].number == "1"
    book = FakeBook.from_file(path)
    live = read_book(book, Budget())
    assert live.ledger.sheet == "台账" and [c.number for c in live.ledger.cases] == ["1"]
    assert [c for c in book.calls if c[:2] == ("book", "sheets[]")] == [("book", "sheets[]", "台账")]


def test_a_wanted_sheet_that_is_missing_is_named_the_same_way(tmp_path: Path) -> None:
    path = save(tmp_path / "台账.xlsx", {**TWO, "参数": [["参数", "值", "说明"], ["台账工作表", "县级", None]]})
    with pytest.raises(BadInput) as in_file:
        read_workbook(path)
    with pytest.raises(BadInput) as in_excel:
        read_book(FakeBook.from_file(path))
    assert in_file.value.message.replace("文件“台账.xlsx”", "当前工作簿") == in_excel.value.message
    assert "没有名为“县级”的工作表" in in_excel.value.message


def test_change_records_read_alike_from_both_sources(tmp_path: Path) -> None:
    rows = [["时间", "文件", "单位", "编号", "字段", "原值", "新值"],
            ["2026-05-21 09:30:00", "财政局.xlsx", "县财政局", 12.0, "答复文号", None, "财发〔2026〕3号"],
            [None] * 7]
    path = save(tmp_path / "台账.xlsx", {"台账": ledger_rows("1"), "变更记录": rows})
    live = LiveSource(FakeBook.from_file(path), Budget(), "工作簿1")
    with open_workbook(path) as book:
        assert read_change_records(book) == read_change_records(live) == [
            ["2026-05-21 09:30:00", "财政局.xlsx", "县财政局", "12", "答复文号", None, "财发〔2026〕3号"]]
        assert change_records_end(book) == change_records_end(live) == 3
    no_log = save(tmp_path / "新.xlsx", {"台账": ledger_rows("1")})
    with open_workbook(no_log) as book:
        assert read_change_records(book) == [] and change_records_end(book) is None
