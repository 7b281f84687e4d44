"""The rich workbooks built for the writer's fidelity tests, and the inventory those tests compare:
the inventory must see what a lossy save drops, or keeping it would prove nothing."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import openpyxl
import pytest

from tests import rich_workbooks as rich
from tests.conftest_writer import parts, worksheet_cells


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return rich.build_rich(tmp_path_factory.mktemp("rich"))


def test_the_picture_is_a_valid_png() -> None:
    data = rich.png(5, 3)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert length == 13
    assert kind == b"IHDR" and struct.unpack(">II", data[16:24]) == (5, 3)
    idat = data.index(b"IDAT")
    size = struct.unpack(">I", data[idat - 4 : idat])[0]
    raw = zlib.decompress(data[idat + 4 : idat + 4 + size])
    assert len(raw) == 3 * (1 + 5 * 3)  # a filter byte and 5 RGB pixels per row
    assert raw[1:4] == b"\xff\xff\xff"  # the border


def test_the_ledger_reads_back_as_written(built: list[Path]) -> None:
    for path in built:
        ledger = worksheet_cells(path)[rich.LEDGER]
        assert [ledger[(1, c)] for c in range(1, 7)] == ["编号", "标题", "主办单位", "交办日期", "件数", "办理状态"]
        assert ledger[(2, 1)] == "J001" and ledger[(rich.ROWS + 1, 1)] == f"J{rich.ROWS:03d}"
        # The cached results a reader sees without calculating: 1 + i % 3 summed, and every 4th 已办结.
        total_row = rich.ROWS + 3
        assert ledger[(total_row, 5)] == sum(1 + i % 3 for i in range(1, rich.ROWS + 1))
        assert ledger[(total_row + 1, 5)] == rich.ROWS // 4


def test_the_macro_workbook_carries_the_addins_vba_project(built: list[Path]) -> None:
    xlsm = next(p for p in built if p.suffix == ".xlsm")
    assert parts(xlsm)["xl/vbaProject.bin"] == rich.vba_project()
    assert "xl/vbaProject.bin" not in parts(next(p for p in built if p.suffix == ".xlsx"))


def test_the_inventory_sees_what_openpyxl_loses(built: list[Path], tmp_path: Path) -> None:
    for path in built:
        saved = tmp_path / path.name
        with pytest.warns(UserWarning):  # openpyxl says it drops the extensions it does not know
            book = openpyxl.load_workbook(path, keep_vba=True)
        book.save(saved)
        lost = rich.kinds(rich.inventory(parts(path))) - rich.kinds(rich.inventory(parts(saved)))
        assert {"text box", "sparkline", "x14 data validation", "in-cell picture", "checkbox"} <= lost
