"""The read-back before a write is put in place: calamine reads the temp file and every cell the
writer wrote must read as intended, on the ledger sheet (its tool columns) and on tool sheets,
whether the user sheets are read beside the tool sheets (small ones, in a worker thread) or after
them. A writer bug is simulated two ways: the bytes written differ from what the writer meant (the
element counts stay the same, so only the read-back sees it) and the expectation differs."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from taizhang.core.errors import FidelityRefused
from taizhang.workbook.bounded import ZipBook
from taizhang.workbook.writer import LedgerWriter, ToolSheet, fidelity
from taizhang.workbook.writer.sheetxml import SheetEditor
from tests.conftest_writer import make_ledger, read_sheet

STATES = {r: f"状态{r}" for r in range(3, 23)}  # the tool column, one distinct text per case row


@pytest.fixture(params=[False, True], ids=["scanned", "known"])
def known(request: pytest.FixtureRequest) -> bool:
    """The ledger sheet's extent told to the writer (as `taizhang.writeback` does when calamine read
    it whole), so its read-back skips the scan of its extent, or not."""
    return bool(request.param)


@pytest.fixture(params=[True, False], ids=["beside", "after"])
def together(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> bool:
    """User sheets read beside the tool sheets (the small-ledger path) or after them."""
    monkeypatch.setattr(fidelity, "TOGETHER_UP_TO", 1 << 40 if request.param else -1)
    return bool(request.param)


def _list_sheet() -> ToolSheet:
    sheet = ToolSheet("清单")
    sheet.write_row(1, ["行", "状态"])
    for r, state in STATES.items():
        sheet.write_row(r, [r, state])
    return sheet


def _write(path: Path, known: bool = False) -> str:
    rows = read_sheet(path, "台账")
    with LedgerWriter(path) as w:
        if known:
            w.known_extent("台账", len(rows), max(map(len, rows)))
        letter = w.set_tool_column("台账", 2, "【系统】状态", STATES)
        w.replace_sheet(_list_sheet())
        w.commit()
    return letter


def _alter_row_12(monkeypatch: pytest.MonkeyPatch) -> None:
    """The ledger sheet's bytes carry another text in row 12's tool cell than the writer meant."""
    real = SheetEditor.serialize

    def altered(self: SheetEditor) -> bytes:
        data = real(self)
        was, now = "状态12</t>".encode(), "状态99</t>".encode()
        assert data.count(was) == 1
        return data.replace(was, now)

    monkeypatch.setattr(SheetEditor, "serialize", altered)


def test_both_kinds_of_sheet_read_back_as_written(tmp_path: Path, together: bool,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_ledger(tmp_path / "台账.xlsx")
    readers: list[str] = []
    real = fidelity._user_sheets

    def user_sheets(*args: object) -> None:
        readers.append(threading.current_thread().name)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(fidelity, "_user_sheets", user_sheets)
    letter = _write(path)
    assert len(readers) == 1 and readers[0].startswith("readback") == together
    col = ord(letter) - ord("A")
    ledger, listing = read_sheet(path, "台账"), read_sheet(path, "清单")
    assert [ledger[r - 1][col] for r in STATES] == list(STATES.values())
    assert [listing[r - 1][:2] for r in STATES] == [[r, s] for r, s in STATES.items()]


def test_a_tool_cell_written_otherwise_is_refused_by_the_read_back(tmp_path: Path, together: bool, known: bool,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_ledger(tmp_path / "台账.xlsx")
    before = path.read_bytes()
    _alter_row_12(monkeypatch)
    scans: list[str] = []
    real_fetch = ZipBook.sheet_extent

    def counted(self: ZipBook, name: str) -> object:
        scans.append(name)
        return real_fetch(self, name)

    monkeypatch.setattr(ZipBook, "sheet_extent", counted)
    with pytest.raises(FidelityRefused, match="12：应为“状态12”，实际读到“状态99”"):
        _write(path, known)
    assert path.read_bytes() == before
    assert ("台账" in scans) != known, scans  # read back without its extent scanned only when known


def test_without_the_read_back_the_altered_cell_would_have_been_written(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The refusal above is the read-back's: the other checks (element counts, untouched parts)
    let the altered bytes through."""
    path = make_ledger(tmp_path / "台账.xlsx")
    _alter_row_12(monkeypatch)
    monkeypatch.setattr(fidelity, "readback", lambda *args, **kwargs: None)
    letter = _write(path)
    assert read_sheet(path, "台账")[11][ord(letter) - ord("A")] == "状态99"


def test_a_tool_sheet_difference_is_reported_before_a_tool_column_one(tmp_path: Path, together: bool,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Both read to the end whichever thread reads them; the tool sheet's difference is named."""
    path = make_ledger(tmp_path / "台账.xlsx")
    before = path.read_bytes()
    _alter_row_12(monkeypatch)
    real = ToolSheet.written_rows

    def expected_otherwise(self: ToolSheet) -> dict[int, list[object]]:
        rows = real(self)
        rows[7][1] = "不是写入的内容"
        return rows

    monkeypatch.setattr(ToolSheet, "written_rows", expected_otherwise)
    with pytest.raises(FidelityRefused, match=r"清单.*B7"):
        _write(path)
    assert path.read_bytes() == before


def test_a_save_between_the_writers_read_and_the_ledgers_read_is_refused_cleanly(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The extent that spares the read-back a scan comes from a second read of the file: if someone
    saved in between, the write is refused as saved meanwhile (exit 3), not read back unscanned."""
    from datetime import date

    from taizhang import writeback
    from taizhang.core.errors import FileInUse
    from tests.messy import tidy_ledger

    path = tidy_ledger(tmp_path / "台账.xlsx")
    other = tidy_ledger(tmp_path / "别人保存的.xlsx")
    real = writeback.read_workbook

    def saved_meanwhile(source: Path, sheet: str | None = None) -> object:
        source.write_bytes(other.read_bytes())  # another save lands between the two reads
        return real(source, sheet)

    monkeypatch.setattr(writeback, "read_workbook", saved_meanwhile)

    def tool_column(writer: LedgerWriter, analysis: object) -> None:
        ledger = analysis.ledger  # type: ignore[attr-defined]
        writer.set_tool_column(ledger.sheet, ledger.header_row, "【系统】状态", {ledger.header_row + 1: "x"})

    read_back: list[Path] = []
    monkeypatch.setattr(fidelity, "readback", lambda temp, *args, **kwargs: read_back.append(temp))
    with pytest.raises(FileInUse, match="被他人保存过"):
        writeback.run_and_write(path, date(2025, 6, 1), [tool_column])
    assert read_back == []  # refused before calamine reads the temp file with the other file's extent
