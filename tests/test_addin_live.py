"""The ribbon's live-Excel layer against an in-memory xlwings stand-in: same results as the file
path, a bounded number of calls into Excel whatever the size, a message box instead of a traceback."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks.ledger_gen import generate
from taizhang.core.model import column_index
from taizhang.macros import ribbon
from taizhang.macros.check_job import PROBLEMS_COLUMN, apply_check
from taizhang.macros.due_job import DUE_COLUMN, LEFT_COLUMN, STAGE_COLUMN, STATUS_COLUMN, apply_due
from taizhang.macros.writeback import run_and_write
from taizhang.workbook.reader import read_workbook
from tests.fake_xlwings import FakeBook

TODAY = date(2026, 5, 20)
MAX_CALLS = 30


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("ledgers")
    return {n: generate(folder / f"ledger{n}.xlsx", n) for n in (100, 20_000)}


def _same(value: Any) -> Any:
    """One spelling for both paths: Excel hands back datetimes and floats, calamine dates and floats."""
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _file_columns(path: Path, headers: list[str]) -> dict[str, list[Any]]:
    """What the command line's --write leaves in the file, read back the way the reader reads."""
    import python_calamine as pc

    loaded = read_workbook(path)
    grid = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(loaded.ledger.sheet).to_python(
        skip_empty_area=False)
    head = loaded.ledger.header_row
    out = {}
    for h in headers:
        col = column_index(loaded.ledger.tool_columns[h])
        out[h] = [_same(row[col] if col < len(row) else None) for row in grid[head:]]
    return out


def _live_columns(book: FakeBook, sheet: str, header_row: int, headers: list[str], rows: int) -> dict[str, list[Any]]:
    ws = book.sheet(sheet)
    found = {ws.cell(header_row, c): c for c in range(1, 200) if ws.cell(header_row, c)}
    return {h: [_same(ws.cell(r, found[h])) for r in range(header_row + 1, header_row + 1 + rows)] for h in headers}


@pytest.mark.parametrize(("tag", "apply", "headers"), [
    ("check", apply_check, [PROBLEMS_COLUMN]),
    ("due", apply_due, [STAGE_COLUMN, DUE_COLUMN, LEFT_COLUMN, STATUS_COLUMN]),
])
def test_live_results_equal_the_file_path(tag: str, apply: Any, headers: list[str], ledgers: dict[int, Path],
                                          tmp_path: Path) -> None:
    source = ledgers[100]
    book = FakeBook.from_file(source)  # unsaved in Excel: no path needed
    ribbon.run(tag, book, TODAY)
    copy = shutil.copyfile(source, tmp_path / "copy.xlsx")
    run_and_write(copy, TODAY, [apply])
    expected = _file_columns(copy, headers)
    loaded = read_workbook(copy)
    live = _live_columns(book, loaded.ledger.sheet, loaded.ledger.header_row, headers, len(expected[headers[0]]))
    assert live == expected
    assert any(v is not None for v in live[headers[0]])


@pytest.mark.slow
@pytest.mark.parametrize("rows", [100, 20_000])
@pytest.mark.parametrize("tag", ["check", "due", "mark_overdue", "summary"])
def test_calls_into_excel_stay_bounded(tag: str, rows: int, ledgers: dict[int, Path]) -> None:
    book = FakeBook.from_file(ledgers[rows])
    message = ribbon.run(tag, book, TODAY)
    assert "内部错误" not in message
    assert len(book.calls) <= MAX_CALLS, book.calls
    reads = [c for c in book.calls if c[:2] == ("range", "value get")]
    assert len(reads) == 1  # the used range of the ledger, once


def test_excel_state_is_restored_and_columns_written_as_blocks(ledgers: dict[int, Path]) -> None:
    book = FakeBook.from_file(ledgers[100])
    ribbon.run("mark_overdue", book, TODAY)
    history = book.app.history
    assert history[:3] == [("screen_updating", False), ("calculation", "manual"),
                           ("status_bar", "台账助手：正在标注逾期件……")]
    assert history[-3:] == [("status_bar", False), ("calculation", "automatic"), ("screen_updating", True)]
    writes = [c for c in book.calls if c[:2] == ("range", "value set")]
    assert writes[0][2] == "AO2:AR102"  # four adjacent tool columns, header row to last row, one write
    rules = book.sheet("台账").conditions
    assert [r["formula"] for r in rules] == ['="逾期"', '="临期"']
    assert book.app.alerts and book.app.alerts[-1][2] == "info"


def test_a_failure_restores_excel_and_ends_in_a_message_box(ledgers: dict[int, Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    book = FakeBook.from_file(ledgers[100])

    def broken(*_: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("taizhang.macros.ribbon._analysis", broken)
    message = ribbon.run("due", book, TODAY)
    assert "内部错误" in message and "Traceback" not in message and "boom" not in message
    assert book.app.history[-2:] == [("calculation", "automatic"), ("screen_updating", True)]
    assert book.app.alerts[-1][2] == "critical"
    assert "boom" in ribbon.log_path().read_text(encoding="utf-8")


def test_a_workbook_without_a_ledger_gets_a_chinese_explanation() -> None:
    book = FakeBook({"Sheet1": [["随便", "写点"], [1, 2]]})
    message = ribbon.run("check", book, TODAY)
    assert "找不到台账" in message
    assert book.app.alerts[-1][2] == "critical"


def test_unknown_tag_says_to_reinstall() -> None:
    book = FakeBook({"Sheet1": [[1]]})
    assert "addin install" in ribbon.run("nope", book, TODAY)


def test_settings_creates_the_missing_sheets(ledgers: dict[int, Path]) -> None:
    book = FakeBook.from_file(ledgers[100])
    ribbon.run("settings", book, TODAY)
    names = [s.name for s in book.sheet_objects]
    assert names[1:] == ["单位名录", "时限规则", "节假日", "参数", "校验规则"]
    params = book.sheet("参数")
    assert params.cell(1, 1) == "参数" and params.cell(2, 1) == "年度" and params.cell(2, 2) == 2026
    ribbon.run("settings", book, TODAY)  # second press: shows them
    assert book.sheet("参数").active


def test_every_handler_returns_text_for_the_user(ledgers: dict[int, Path]) -> None:
    for tag in ribbon.HANDLERS:
        message = ribbon.run(tag, FakeBook.from_file(ledgers[100]), TODAY)
        assert message and "内部错误" not in message, (tag, message)
