"""The jobs that write into a ledger (check, due, summary with --write), run as a user runs them, on
the rich workbooks of tests/rich_workbooks.py: the ledger sheet's table, validations, conditional
formats, comments and drawings, and the rest of the workbook (VBA project, chart sheet, hidden
sheet), come out as they went in, and so does every cell of the user's."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests import rich_workbooks as rich
from tests.conftest_writer import parts, worksheet_cells

TODAY = "2025-06-01"
TOOL_PREFIX = "【系统】"
WRITES = {"check": "校验结果", "due": "逾期清单", "summary": "汇总"}  # a tool sheet each job adds
JOBS = ["check", "due", "summary"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rich")
    rich.build_rich(folder)
    return folder


def user_cells(cells: dict[tuple[int, int], object]) -> dict[tuple[int, int], object]:
    """The ledger sheet's cells without the tool's columns (their header, in row 1, starts with 【系统】)."""
    tool = {c for (r, c), v in cells.items() if r == 1 and str(v).startswith(TOOL_PREFIX)}
    return {rc: v for rc, v in cells.items() if rc[1] not in tool}


@pytest.mark.parametrize("name", rich.NAMES)
@pytest.mark.parametrize("job", JOBS)
def test_a_job_writing_into_a_rich_ledger_keeps_everything_else(job: str, name: str, built: Path,
                                                                  tmp_path: Path) -> None:
    path = tmp_path / name
    shutil.copyfile(built / name, path)
    facts, cells = rich.inventory(parts(path)), worksheet_cells(path)

    run = subprocess.run([sys.executable, "-m", "taizhang", job, str(path), "--today", TODAY, "--write"],
                         capture_output=True, text=True, timeout=300, check=False)

    assert run.returncode in (0, 1), run.stderr  # 1: done, with problems or overdue cases found
    after = worksheet_cells(path)
    assert WRITES[job] in after
    assert facts - rich.inventory(parts(path)) == set()
    after[rich.LEDGER] = user_cells(after[rich.LEDGER])
    assert {sheet: after[sheet] for sheet in cells} == cells
