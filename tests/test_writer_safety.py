"""Safe writes: owner files, changes meanwhile, crashes at any point, backups, --out."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from filelock import FileLock

from taizhang.core.errors import BadInput, ExitCode, FileInUse
from taizhang.workbook.writer import FAULT_POINTS, LedgerWriter, ToolSheet
from tests.conftest_writer import make_ledger, parts

SCRIPT = textwrap.dedent(
    """
    import sys
    from taizhang.workbook.writer import LedgerWriter, ToolSheet
    sheet = ToolSheet("汇总")
    sheet.write_row(1, ["承办单位", "件数"])
    sheet.write_row(2, ["住建局", 10])
    with LedgerWriter(sys.argv[1], out=sys.argv[2] if len(sys.argv) > 2 else None) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {r: "正常" for r in range(3, 23)})
        w.replace_sheet(sheet)
        w.commit()
    """
)


def run_script(
    path: Path, fault: str | None = None, out: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("TAIZHANG_FAULT", None)
    if fault:
        env["TAIZHANG_FAULT"] = fault
    args = [sys.executable, "-c", SCRIPT, str(path)] + ([str(out)] if out else [])
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return make_ledger(tmp_path / "台账.xlsx")


@pytest.mark.parametrize("point", FAULT_POINTS)
def test_a_crash_at_any_point_leaves_old_or_complete_new_file(
    ledger: Path, tmp_path: Path, point: str
) -> None:
    old = ledger.read_bytes()
    reference = tmp_path / "reference.xlsx"
    assert run_script(ledger, out=reference).returncode == 0
    new = reference.read_bytes()
    assert new != old

    crashed = run_script(ledger, fault=point)
    assert crashed.returncode == 86, crashed.stderr
    if point == "after-aside":  # the master waits under its aside name for the next write
        assert [p.read_bytes() for p in tmp_path.glob(".~taizhang.*.old")] == [old]
    else:
        assert ledger.read_bytes() in (old, new)
    with FileLock(str(ledger.with_name(f".~taizhang.{ledger.name}.lock")), timeout=0):
        pass  # the lock died with the process

    again = run_script(ledger)
    assert again.returncode == 0, again.stderr
    assert ledger.read_bytes() == new
    assert not list(tmp_path.glob(".~taizhang.*.tmp")), "stale temp files are cleaned up"
    assert not list(tmp_path.glob(".~taizhang.*.old")), "an interrupted replace is undone"
    backups = [p.read_bytes() for p in (tmp_path / "备份").iterdir()]
    assert old in backups and all(b in (old, new) for b in backups)


def excel_owner_file(user: str) -> bytes:
    ansi = user.encode("gbk")
    data = bytes([len(ansi)]) + ansi
    data = data.ljust(54, b" ")
    data += len(user).to_bytes(2, "little") + user.encode("utf-16-le")
    return data.ljust(165, b" ")


@pytest.mark.parametrize(
    ("owner_name", "content", "user"),
    [
        ("~$台账.xlsx", excel_owner_file("张三"), "张三"),
        ("~$台账.xlsx", bytes([5]) + b"Alice" + b" " * 48, "Alice"),
        (
            ".~lock.台账.xlsx#",
            ",李四,PC-01,21.11.2025 10:00,file:///home/lisi/.config/libreoffice/4;".encode(),
            "李四",
        ),
    ],
)
def test_owner_file_refuses_naming_the_user(ledger: Path, owner_name: str, content: bytes, user: str) -> None:
    before = ledger.read_bytes()
    (ledger.parent / owner_name).write_bytes(content)
    with pytest.raises(FileInUse) as err, LedgerWriter(ledger):
        pass
    assert user in err.value.message and err.value.exit_code == ExitCode.IN_USE
    assert ledger.read_bytes() == before


def test_file_saved_by_someone_else_meanwhile_is_not_overwritten(ledger: Path) -> None:
    with pytest.raises(FileInUse) as err, LedgerWriter(ledger) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        saved_by_user = make_ledger(ledger.with_name("other.xlsx"), rows=5).read_bytes()
        ledger.write_bytes(saved_by_user)
        w.commit()
    assert "保存" in err.value.message
    assert ledger.read_bytes() == saved_by_user
    assert not list(ledger.parent.glob(".~taizhang.*.tmp"))
    assert not (ledger.parent / "备份").exists()


def test_second_writer_waits_for_the_lock_then_refuses(ledger: Path) -> None:
    with LedgerWriter(ledger), pytest.raises(FileInUse), LedgerWriter(ledger, lock_timeout=0.1):
        pass


def test_leaving_without_commit_writes_nothing(ledger: Path) -> None:
    before = ledger.read_bytes()
    with LedgerWriter(ledger) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
    assert ledger.read_bytes() == before
    with LedgerWriter(ledger) as w:  # and the lock was released
        assert w.sheet_names() == ["台账", "说明"]


def test_backups_are_dated_and_only_the_last_n_kept(ledger: Path) -> None:
    from datetime import datetime, timedelta

    start = datetime(2025, 4, 1, 9, 0, 0)
    for i in range(4):
        with LedgerWriter(ledger, backup_keep=2, clock=lambda i=i: start + timedelta(minutes=i)) as w:
            w.set_tool_column("台账", 2, "【系统】序号", {3: i})
            result = w.commit()
        assert result.backup is not None
    backups = sorted(p.name for p in (ledger.parent / "备份").iterdir())
    assert backups == ["台账_20250401-090200.xlsx", "台账_20250401-090300.xlsx"]


def test_out_writes_a_new_file_and_leaves_the_master(ledger: Path, tmp_path: Path) -> None:
    before = ledger.read_bytes()
    out = tmp_path / "结果.xlsx"
    with LedgerWriter(ledger, out=out) as w:
        w.replace_sheet(ToolSheet("汇总"))
        result = w.commit()
    assert result.path == out.resolve() and result.backup is None
    assert ledger.read_bytes() == before
    assert "xl/worksheets/sheet3.xml" in parts(out)


def test_xls_cannot_be_written_back(tmp_path: Path) -> None:
    with pytest.raises(BadInput) as err:
        LedgerWriter(tmp_path / "老台账.xls")
    assert "另存为 .xlsx" in err.value.message


def test_not_a_workbook_is_bad_input(tmp_path: Path) -> None:
    bogus = tmp_path / "假的.xlsx"
    bogus.write_text("这不是工作簿")
    with pytest.raises(BadInput) as err, LedgerWriter(bogus):
        pass
    assert "假的.xlsx" in err.value.message
