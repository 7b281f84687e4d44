"""A full disk, a name at the file-name limit, a read-only place: a clear Chinese message (exit 2),
the master untouched, and no partial file under a final name.

The disks are real: a small tmpfs (filled up) and a tmpfs remounted read-only, mounted for the
test. That needs root (or CAP_SYS_ADMIN); elsewhere these tests skip. Running as root is also why
read-only places are mounts and not chmod: root ignores permission bits."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from taizhang.core.errors import BadInput
from taizhang.macros.cli import cli
from taizhang.macros.weekly.run import run_once
from taizhang.workbook.writer import LedgerWriter
from tests.messy import tidy_ledger
from tests.weekly_helpers import write_config

TODAY = "2025-06-01"
# openpyxl leaves its ZipFile open when a save hits the full disk; its __del__ complains later.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _mount(args: list[str]) -> bool:
    if shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", *args], capture_output=True, check=False).returncode == 0


def _umount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB disk of its own."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if not _mount(["-t", "tmpfs", "-o", "size=2m", "tmpfs", str(folder)]):
        pytest.skip("cannot mount a tmpfs here (needs root or CAP_SYS_ADMIN)")
    yield folder
    _umount(folder)


def fill(folder: Path, leave: int) -> None:
    """Take all but about `leave` bytes of the disk."""
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with open(folder / "填满磁盘.bin", "wb") as f:
        f.write(b"\0" * max(free - leave, 0))
        f.flush()


def read_only(folder: Path) -> None:
    if not _mount(["-o", "remount,ro", str(folder)]):
        pytest.skip("cannot remount read-only here")


def strays(folder: Path) -> list[str]:
    """Files the tool should not have left: its temps and asides, empty or partial workbooks."""
    out = []
    for p in folder.rglob("*"):
        if p.is_file() and (p.name.startswith(".~taizhang") and not p.name.endswith(".lock")):
            out.append(p.name)
    return out


def complete_workbooks(folder: Path) -> bool:
    import zipfile

    for p in folder.rglob("*.xlsx"):
        with zipfile.ZipFile(p) as z:
            assert z.testzip() is None, p
    return True


def test_check_write_on_a_full_disk(disk: Path) -> None:
    ledger = tidy_ledger(disk / "台账.xlsx")
    before = ledger.read_bytes()
    fill(disk, 4096)
    result = CliRunner().invoke(cli, ["check", str(ledger), "--today", TODAY, "--write"])
    assert result.exit_code == 2, result.output
    assert "磁盘空间不足" in result.output and "台账.xlsx" in result.output
    assert ledger.read_bytes() == before
    assert strays(disk) == []
    assert not (disk / "备份").exists() or not list((disk / "备份").iterdir())


def test_a_backup_folder_on_a_full_disk_refuses_before_the_master_moves(disk: Path, tmp_path: Path) -> None:
    ledger = tidy_ledger(tmp_path / "台账.xlsx")
    before = ledger.read_bytes()
    fill(disk, 2048)
    with pytest.raises(BadInput) as err, LedgerWriter(ledger, backup_dir=disk / "备份") as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        w.commit()
    assert "磁盘空间不足" in err.value.message
    assert ledger.read_bytes() == before
    assert [p.name for p in (disk / "备份").iterdir()] == []  # nothing partial under a backup's name
    assert strays(tmp_path) == []


def test_a_backup_folder_on_another_disk_gets_a_complete_copy(disk: Path, tmp_path: Path) -> None:
    ledger = tidy_ledger(tmp_path / "台账.xlsx")
    before = ledger.read_bytes()
    with LedgerWriter(ledger, backup_dir=disk / "备份") as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        result = w.commit()
    assert result.backup is not None and result.backup.read_bytes() == before
    assert strays(tmp_path) == [] and strays(disk) == []


def test_split_on_a_full_disk_leaves_only_complete_files(disk: Path, tmp_path: Path) -> None:
    from taizhang.macros.jobs.demo import write_sample

    master = write_sample(tmp_path / "台账.xlsx", date(2026, 5, 20))
    fill(disk, 60_000)  # room for a few unit workbooks, not all
    result = CliRunner().invoke(cli, ["split", str(master), "--out", str(disk / "分发"), "--today", "2026-05-20"])
    assert result.exit_code == 2, result.output
    assert "磁盘空间不足" in result.output
    assert strays(disk) == []
    assert complete_workbooks(disk)


def test_summary_out_on_a_full_disk(disk: Path, tmp_path: Path) -> None:
    ledger = tidy_ledger(tmp_path / "台账.xlsx")
    fill(disk, 2048)
    result = CliRunner().invoke(cli, ["summary", str(ledger), "--today", TODAY, "--out", str(disk / "统计表.xlsx")])
    assert result.exit_code == 2, result.output
    assert "统计表.xlsx" in result.output and "磁盘空间不足" in result.output
    assert not (disk / "统计表.xlsx").exists()
    assert strays(disk) == []


def test_weekly_with_its_report_folder_on_a_full_disk(disk: Path, tmp_path: Path) -> None:
    tidy_ledger(tmp_path / "台账.xlsx")
    fill(disk, 2048)
    config = write_config(tmp_path, f'[run]\nledgers = ["台账.xlsx"]\nreport_dir = "{disk / "报告"}"\n')
    result = run_once(config, date(2025, 6, 1), send=False)
    assert "磁盘空间不足" in result.ledgers[0].problem
    assert int(result.exit_code) == 2
    assert strays(disk) == [] and complete_workbooks(disk)


LONG = "长" * 78 + "a"  # 235 bytes in UTF-8: with ".xlsx", a 240-byte name


@pytest.mark.parametrize("command", [["check", "--write"], ["due", "--write"], ["summary", "--write"]])
def test_a_240_byte_ledger_name_works(tmp_path: Path, command: list[str]) -> None:
    ledger = tidy_ledger(tmp_path / f"{LONG}.xlsx")
    assert len(ledger.name.encode()) == 240
    before = ledger.read_bytes()
    for _ in range(2):  # the second run finds its own lock and backup names again
        result = CliRunner().invoke(cli, [command[0], str(ledger), "--today", TODAY, *command[1:]])
        assert result.exit_code in (0, 1), result.output
    backups = list((tmp_path / "备份").iterdir())
    assert before in [b.read_bytes() for b in backups]
    assert all(len(p.name.encode()) <= 255 for p in tmp_path.rglob("*"))
    assert all(len(p.name.encode()) <= 120 for p in tmp_path.glob(".~taizhang*"))
    assert strays(tmp_path) == []


def test_a_read_only_folder_is_a_clear_message(disk: Path) -> None:
    ledger = tidy_ledger(disk / "台账.xlsx")
    before = ledger.read_bytes()
    read_only(disk)
    for command in (["check", "--write"], ["due", "--write"], ["merge", str(ledger)]):
        args = [command[0], str(ledger), "--today", TODAY, *command[1:]]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, (command, result.output)
        assert "只读" in result.output, result.output
    assert ledger.read_bytes() == before


def test_out_into_a_read_only_folder_is_a_clear_message(disk: Path, tmp_path: Path) -> None:
    ledger = tidy_ledger(tmp_path / "台账.xlsx")
    assert CliRunner().invoke(cli, ["adopt", str(ledger), "--write"]).exit_code == 0  # split needs a 单位名录
    read_only(disk)
    for command in (["summary", "--out", str(disk / "统计表.xlsx")], ["check", "--out", str(disk / "结果.xlsx")],
                    ["split", "--out", str(disk / "分发")]):
        result = CliRunner().invoke(cli, [command[0], str(ledger), "--today", TODAY, *command[1:]])
        assert result.exit_code == 2, (command, result.output)
        assert "只读" in result.output, result.output
