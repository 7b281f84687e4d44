"""Everything that keeps the master safe around a write: the tool's own lock, other programs'
owner files, the fingerprint re-check, dated backups and the atomic replace.

Fault injection for tests: the environment variable TAIZHANG_FAULT names one point
("temp-partial", "temp-complete", "before-replace", "after-replace"); the writing process
then ends abruptly there (os._exit), as a crash or a killed process would. Read only in `fault`."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from taizhang.core.errors import FileInUse

FAULT_POINTS = ("temp-partial", "temp-complete", "before-replace", "after-replace")


def fault(point: str) -> None:
    if os.environ.get("TAIZHANG_FAULT") == point:
        os._exit(86)


# -- the tool's own lock -----------------------------------------------------------------------
def lock_path(path: Path) -> Path:
    return path.with_name(f".~taizhang.{path.name}.lock")


def take_lock(path: Path, timeout: float) -> FileLock:
    lock = FileLock(str(lock_path(path)), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise FileInUse(f"{path.name}：台账助手的另一个任务正在写入这个文件，请稍后再试。") from None
    return lock


# -- owner files of Excel, WPS and LibreOffice ------------------------------------------------------
def owner_files(path: Path) -> list[Path]:
    name = path.name
    candidates = [path.with_name("~$" + name), path.with_name(f".~lock.{name}#")]
    if len(name) > 2:  # Word's variant drops the name's first two characters
        candidates.append(path.with_name("~$" + name[2:]))
    return [p for p in candidates if p.is_file()]


def owner_name(owner: Path) -> str:
    try:
        data = owner.read_bytes()[:512]
    except OSError:
        return "未知用户"
    if owner.name.startswith(".~lock."):
        # LibreOffice: "X,user name,host,date,profile url;" (first field may be empty)
        fields = data.decode("utf-8", "replace").split(",")
        for f in fields[1:2] + fields[:1]:
            if f.strip():
                return f.strip()
        return "未知用户"
    return _excel_owner(data) or "未知用户"


def _excel_owner(data: bytes) -> str | None:
    """Excel/WPS `~$`: byte 0 = length, then the name in the ANSI code page, padded to 54 bytes;
    newer Office then repeats it as UTF-16 (2-byte length, then the name)."""
    if len(data) >= 58:
        n = int.from_bytes(data[54:56], "little")
        if 0 < n <= 54 and len(data) >= 56 + 2 * n:
            try:
                text = data[56 : 56 + 2 * n].decode("utf-16-le")
                if text.isprintable():
                    return text.strip()
            except UnicodeDecodeError:
                pass
    if data:
        n = data[0]
        raw = data[1 : 1 + n]
        for enc in ("utf-8", "gbk"):
            try:
                text = raw.decode(enc)
                if text.isprintable():
                    return text.strip()
            except UnicodeDecodeError:
                continue
    return None


def refuse_if_open(path: Path) -> None:
    for owner in owner_files(path):
        raise FileInUse(
            f"{path.name} 正被“{owner_name(owner)}”打开（发现占用文件 {owner.name}），"
            "请对方保存并关闭后再试；如确认无人打开，可删除该占用文件。"
        )


# -- fingerprint ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fingerprint:
    size: int
    mtime_ns: int
    sha256: str


def fingerprint(path: Path, data: bytes | None = None) -> Fingerprint:
    st = path.stat()
    if data is None:
        data = path.read_bytes()
    return Fingerprint(st.st_size, st.st_mtime_ns, hashlib.sha256(data).hexdigest())


def refuse_if_changed(path: Path, before: Fingerprint) -> None:
    try:
        now = fingerprint(path)
    except FileNotFoundError:
        raise FileInUse(f"{path.name} 在处理期间被移走或删除，未写入。") from None
    if now != before:
        raise FileInUse(f"{path.name} 在处理期间被他人保存过，为免覆盖对方的修改，未写入。请重新运行。")


# -- temp files, backup, replace ---------------------------------------------------------------
def temp_prefix(path: Path) -> str:
    return f".~taizhang.{path.name}."


def remove_stale_temps(path: Path) -> None:
    """Temp files of a run that was killed; safe to remove while we hold the lock."""
    for p in path.parent.glob(temp_prefix(path) + "*.tmp"):
        with contextlib.suppress(OSError):
            p.unlink()


def write_temp(path: Path, data: bytes, like: Path | None) -> Path:
    fd, name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as f:
            half = len(data) // 2
            f.write(data[:half])
            f.flush()
            fault("temp-partial")
            f.write(data[half:])
            f.flush()
            os.fsync(f.fileno())
        if like is not None and like.exists():
            shutil.copymode(like, temp)  # mkstemp makes 0600; keep the master's permissions
        else:
            os.chmod(temp, 0o666 & ~_umask())
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return temp


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def backup(path: Path, folder: Path, keep: int, now: datetime) -> Path | None:
    if keep <= 0:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    n = 2
    while target.exists():
        target = folder / f"{path.stem}_{stamp}-{n}{path.suffix}"
        n += 1
    shutil.copy2(path, target)
    pattern = re.compile(re.escape(path.stem) + r"_\d{8}-\d{6}(?:-\d+)?" + re.escape(path.suffix) + "$")
    ours = sorted(
        (p for p in folder.iterdir() if pattern.match(p.name)), key=lambda p: (p.stat().st_mtime_ns, p.name)
    )
    for old in ours[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def replace(temp: Path, path: Path) -> None:
    fault("before-replace")
    try:
        os.replace(temp, path)
    except PermissionError:  # Windows: someone has it open, or it is read-only
        raise FileInUse(f"{path.name} 正被其他程序占用或为只读，无法替换，未写入。请关闭后再试。") from None
    fault("after-replace")
    fsync_dir(path.parent)


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":
        return  # Windows cannot open a folder for fsync; NTFS journals the rename
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


Clock = Callable[[], datetime]
