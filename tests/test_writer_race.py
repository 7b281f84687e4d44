"""Another program saving the ledger at the very moment the writer replaces it: its save ends in
the ledger or in 备份, never nowhere, and the run says so (exit 3)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from taizhang.core.errors import FileInUse
from taizhang.macros.cli import cli
from taizhang.workbook.writer import LedgerWriter, safety
from tests.conftest_writer import make_ledger
from tests.messy import tidy_ledger


def save_over(ledger: Path, content: bytes) -> None:
    """How Excel, WPS and LibreOffice save: a new file in the folder, renamed over the name."""
    temp = ledger.with_name("excel-save-8F3A.tmp")
    temp.write_bytes(content)
    os.replace(temp, ledger)


def at_point(monkeypatch: pytest.MonkeyPatch, point: str, action: Callable[[], None]) -> list[str]:
    """Run `action` when the writer passes `point`; returns the points passed."""
    real = safety.fault
    seen: list[str] = []

    def fault(p: str) -> None:
        seen.append(p)
        if p == point:
            action()
        real(p)

    monkeypatch.setattr(safety, "fault", fault)
    return seen


def left_over(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".old")))


def backups(folder: Path) -> list[bytes]:
    return [p.read_bytes() for p in sorted((folder / "备份").glob("*"))] if (folder / "备份").exists() else []


@pytest.mark.parametrize("point", ["before-replace", "after-aside"])
def test_a_save_at_the_replace_moment_stays_in_the_ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    ledger = make_ledger(tmp_path / "台账.xlsx")
    original = ledger.read_bytes()
    theirs = make_ledger(tmp_path / "别人保存的.xlsx", rows=5).read_bytes()
    seen = at_point(monkeypatch, point, lambda: save_over(ledger, theirs))
    with pytest.raises(FileInUse) as err, LedgerWriter(ledger) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        w.commit()
    assert point in seen
    assert "保存" in err.value.message
    assert ledger.read_bytes() == theirs
    assert all(b == original for b in backups(tmp_path))  # at most the original, kept in 备份
    assert left_over(tmp_path) == []


def test_two_saves_in_the_window_keep_both(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One save lands before the master is moved aside and another right after: the earlier
    goes to 备份, the later stays in the ledger."""
    ledger = make_ledger(tmp_path / "台账.xlsx")
    first = make_ledger(tmp_path / "第一次.xlsx", rows=4).read_bytes()
    second = make_ledger(tmp_path / "第二次.xlsx", rows=6).read_bytes()
    real = safety.fault

    def fault(p: str) -> None:
        if p == "before-replace":
            save_over(ledger, first)
        if p == "after-aside":
            save_over(ledger, second)
        real(p)

    monkeypatch.setattr(safety, "fault", fault)
    with pytest.raises(FileInUse) as err, LedgerWriter(ledger) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        w.commit()
    assert ledger.read_bytes() == second
    assert backups(tmp_path) == [first]
    assert "备份" in err.value.message
    assert left_over(tmp_path) == []


def test_check_write_exits_3_when_saved_at_the_replace_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger = tidy_ledger(tmp_path / "台账.xlsx")
    theirs = make_ledger(tmp_path / "别人保存的.xlsx", rows=5).read_bytes()
    at_point(monkeypatch, "before-replace", lambda: save_over(ledger, theirs))
    result = CliRunner().invoke(cli, ["check", str(ledger), "--today", "2025-06-01", "--write"])
    assert result.exit_code == 3, result.output
    assert ledger.read_bytes() == theirs


def test_an_undisturbed_write_keeps_the_original_in_backup(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "台账.xlsx")
    original = ledger.read_bytes()
    with LedgerWriter(ledger) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        result = w.commit()
    assert result.backup is not None and result.backup.read_bytes() == original
    assert ledger.read_bytes() != original
    assert left_over(tmp_path) == []


def test_no_backup_wanted_leaves_no_backup_folder(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "台账.xlsx")
    with LedgerWriter(ledger, backup_keep=0) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        assert w.commit().backup is None
    assert not (tmp_path / "备份").exists()
    assert left_over(tmp_path) == []


def test_without_hard_links_the_name_is_still_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shares and FAT disks without hard links: the fallback checks the name is free."""
    import errno

    def no_link(src: object, dst: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_link)
    ledger = make_ledger(tmp_path / "台账.xlsx")
    theirs = make_ledger(tmp_path / "别人保存的.xlsx", rows=5).read_bytes()
    at_point(monkeypatch, "after-aside", lambda: save_over(ledger, theirs))
    with pytest.raises(FileInUse), LedgerWriter(ledger) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        w.commit()
    assert ledger.read_bytes() == theirs
    monkeypatch.undo()
    with LedgerWriter(ledger) as w:  # and an undisturbed write goes through the same fallback
        monkeypatch.setattr(os, "link", no_link)
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        w.commit()
    assert ledger.read_bytes() not in (theirs,)
    assert left_over(tmp_path) == []


def test_another_ledgers_interrupted_replace_is_not_taken_for_this_ones(tmp_path: Path) -> None:
    """台账.xlsx.xlsx's aside file starts like 台账.xlsx's would: the writer of 台账.xlsx leaves it."""
    ledger = make_ledger(tmp_path / "台账.xlsx")
    other = tmp_path / ".~taizhang.台账.xlsx.xlsx.0a1b2c3d.old"
    other.write_bytes(b"the other ledger's original")
    with LedgerWriter(ledger) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        w.commit()
    assert other.read_bytes() == b"the other ledger's original"
