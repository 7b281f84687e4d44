"""Colours: the tool fills offending cells and its own status cells, clears them once fixed, and
never touches a colour the user chose. Fills are read back with openpyxl (reading only)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from openpyxl.styles import PatternFill

from taizhang.macros.cli import cli
from taizhang.macros.jobs.due import STATUS_COLUMN
from taizhang.workbook.writer import TOOL_FILLS

USER_YELLOW = "FFFFFF00"


def _ledger(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["编号", "类别", "标题", "领衔人", "主办单位", "交办日期", "正式答复日期", "办理结果"])
    ws.append(["第1号", "建议", "关于修路的建议", None, "县交通局", date(2026, 1, 5), None, None])  # D2 missing
    ws.append(["第2号", "建议", "关于修桥的建议", None, "县交通局", date(2026, 1, 6), None, None])  # D3 missing
    ws.append(["第3号", "建议", "关于路灯的建议", "李四", "县交通局", date(2026, 1, 7), date(2026, 2, 1), "A"])
    ws["D3"].fill = PatternFill("solid", fgColor=USER_YELLOW)  # the user's own colour on an offending cell
    wb.save(path)
    return path


def _fill(path: Path, cell: str) -> str | None:
    ws = load_workbook(path)["台账"]
    fill = ws[cell].fill
    return fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.output


def test_check_colours_offending_cells_but_never_the_users(tmp_path: Path) -> None:
    path = _ledger(tmp_path / "台账.xlsx")
    output = _run("check", str(path), "--today", "2026-03-01", "--write")
    assert (_fill(path, "D2") or "")[-6:] == TOOL_FILLS["check"]["error"]
    assert _fill(path, "D3") == USER_YELLOW
    assert "未标色：台账!D3" in output
    assert _fill(path, "D4") is None
    first = path.read_bytes()
    _run("check", str(path), "--today", "2026-03-01", "--write")
    assert path.read_bytes() == first  # colouring twice gives the same file


def test_fixed_cells_lose_the_tool_colour(tmp_path: Path) -> None:
    path = _ledger(tmp_path / "台账.xlsx")
    _run("check", str(path), "--today", "2026-03-01", "--write")
    assert (_fill(path, "D2") or "")[-6:] == TOOL_FILLS["check"]["error"]
    # the user fixes D2 in Excel (simulated on a copy built the same way, with D2 filled in)
    fixed = _ledger(tmp_path / "fixed.xlsx")
    wb = load_workbook(fixed)
    wb["台账"]["D2"] = "张三"
    wb.save(fixed)
    _run("check", str(fixed), "--today", "2026-03-01", "--write")
    _run("check", str(fixed), "--today", "2026-03-01", "--write")
    assert _fill(fixed, "D2") is None


def test_due_colours_only_its_own_cells_and_recolours_when_status_changes(tmp_path: Path) -> None:
    path = _ledger(tmp_path / "台账.xlsx")
    _run("due", str(path), "--today", "2026-05-20", "--write")
    ws = load_workbook(path)["台账"]
    status_col = next(c.column_letter for c in ws[1] if c.value == STATUS_COLUMN)
    assert ws[f"{status_col}2"].value == "逾期"
    assert (_fill(path, f"{status_col}2") or "")[-6:] == TOOL_FILLS["due"]["overdue"]
    assert _fill(path, "D3") == USER_YELLOW
    first = path.read_bytes()
    _run("due", str(path), "--today", "2026-05-20", "--write")
    assert path.read_bytes() == first
    # earlier, the same case was not yet due: its colour goes
    _run("due", str(path), "--today", "2026-01-10", "--write")
    ws = load_workbook(path)["台账"]
    assert ws[f"{status_col}2"].value == "正常"
    assert _fill(path, f"{status_col}2") is None
