"""Everything that keeps the master safe around a write: the tool's own lock, other programs'
owner files, the fingerprint re-check, dated backups and the replace that never loses a save.

The replace (`swap_in`), in this order:
1. rename the master aside to a short hidden name in its folder (`.~taizhang.<name>.<random>.old`).
   A rename is atomic on local disks and on SMB shares (one SMB2 SET_INFO rename request), so the
   aside file is exactly what was at the name at that instant; after it, the name is free, and
   any other program's save creates a new file under it.
2. check that the aside file is the one that was read: same size and sha256. If not, somebody
   saved between the last check and the rename: put their file back (step 4's no-overwrite way;
   if the name is taken once more, into 备份) and refuse (exit 3).
3. put the new file at the name *without overwriting*: a hard link (`os.link` fails when the name
   exists; SMB2 creates hard links with ReplaceIfExists = false) then removal of the temp name; on
   Windows `os.rename`, which never replaces an existing name; where hard links are unsupported
   (FAT, some NAS shares) a check that the name is free, then a rename. If the name was taken
   meanwhile, that newer save stays in the ledger, the original goes to 备份, and the run exits 3.
4. move the aside original into 备份 (a rename: no partial backup can exist under a final name;
   a backup folder on another disk gets a complete copy, written under a temp name and renamed,
   before step 1, so a full disk there refuses the write before the master is touched).
Whatever fails between 1 and 3 puts the original back. A crash between 1 and 3 leaves the master
under its aside name for a moment; the next write (`recover`) puts it back, or into 备份 when
the name holds a newer file by then. No step can overwrite a file it has not verified.

Fault injection for tests: the environment variable TAIZHANG_FAULT names one point of
FAULT_POINTS; the writing process then ends abruptly there (os._exit), as a crash or a killed
process would. In-process tests may set `HOOK` instead: it is called with each point's name."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from taizhang.core.errors import FileInUse

FAULT_POINTS = ("temp-partial", "temp-complete", "before-replace", "after-aside", "after-replace")
HOOK: Callable[[str], None] | None = None  # tests: called at every point (see the module docs)
NAME_BYTES = 255  # a file name's limit on NTFS, ext4, SMB shares
SHORT_BYTES = 100  # how much of the ledger's name the tool's own files repeat


def fault(point: str) -> None:
    if HOOK is not None:
        HOOK(point)
    if os.environ.get("TAIZHANG_FAULT") == point:
        os._exit(86)


# -- names of the tool's own files ----------------------------------------------------------
def short_name(name: str, limit: int = SHORT_BYTES) -> str:
    """The name itself when it fits in `limit` UTF-8 bytes, else its start and a hash of the whole,
    so the tool's lock, temp and backup names stay under the file-name limit whatever the ledger."""
    if len(name.encode("utf-8")) <= limit:
        return name
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    head = name.encode("utf-8")[: limit - 11].decode("utf-8", "ignore")
    return f"{head}~{digest}"


def _own(path: Path) -> str:
    return f".~taizhang.{short_name(path.name)}."


def lock_path(path: Path) -> Path:
    return path.with_name(_own(path) + "lock")


def _ours(path: Path, suffix: str) -> list[Path]:
    """This ledger's temp (or aside) files: exactly `<prefix><8 hex digits><suffix>`, so those
    of a ledger whose name merely starts the same (台账.xlsx.bak) are not taken for its own."""
    mine = re.compile(re.escape(_own(path)) + r"[0-9a-f]{8}" + re.escape(suffix))
    try:
        return [p for p in path.parent.iterdir() if mine.fullmatch(p.name)]
    except OSError:
        return []


# -- the tool's own lock -----------------------------------------------------------------------
def take_lock(path: Path, timeout: float) -> FileLock:
    lock = FileLock(str(lock_path(path)), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise FileInUse(f"{path.name}：台账助手的另一个任务正在写入这个文件，请稍后再试。") from None
    return lock


# -- owner files of Excel, WPS and LibreOffice ------------------------------------------------------
def owner_candidates(path: Path) -> list[Path]:
    """The names an owner file of this workbook can have. Excel and WPS write `~$` + the whole
    name; LibreOffice `.~lock.<name>#`. Word's scheme, which some Office builds use for every file,
    writes `~$` in place of the first two characters when the name without its extension is 8
    characters or more, and of the first one at 7. Such a shortened name is also the Excel owner
    file of the workbook named like its rest; when that workbook exists, the file is taken as its."""
    name, stem = path.name, path.stem
    candidates = [path.with_name("~$" + name), path.with_name(f".~lock.{name}#")]
    drop = 2 if len(stem) >= 8 else 1 if len(stem) == 7 else 0
    if drop and not path.with_name(name[drop:]).exists():
        candidates.append(path.with_name("~$" + name[drop:]))
    return candidates


def owner_files(path: Path) -> list[Path]:
    return [p for p in owner_candidates(path) if p.is_file()]


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


def _saved_meanwhile(name: str) -> FileInUse:
    return FileInUse(f"{name} 在处理期间被他人保存过，为免覆盖对方的修改，未写入。请重新运行。")


def refuse_if_changed(path: Path, before: Fingerprint) -> None:
    try:
        now = fingerprint(path)
    except FileNotFoundError:
        raise FileInUse(f"{path.name} 在处理期间被移走或删除，未写入。") from None
    if now != before:
        raise _saved_meanwhile(path.name)


def same_content(path: Path, before: Fingerprint) -> bool:
    data = path.read_bytes()
    return len(data) == before.size and hashlib.sha256(data).hexdigest() == before.sha256


# -- temp files ---------------------------------------------------------------------------------
def remove_stale_temps(path: Path) -> None:
    """Temp files of a run that was killed; safe to remove while we hold the lock."""
    for p in _ours(path, ".tmp"):
        with contextlib.suppress(OSError):
            p.unlink()


def _unique(path: Path, suffix: str) -> Path:
    return path.with_name(f"{_own(path)}{secrets.token_hex(4)}{suffix}")


def temp_name(path: Path, suffix: str = ".tmp") -> Path:
    """A fresh hidden name beside `path`, short whatever `path` is called."""
    return _unique(path, suffix)


@contextlib.contextmanager
def complete(target: Path, *, sync: bool = True) -> Iterator[Path]:
    """A temp name beside `target` to write the whole file to; it takes the final name only once
    the block ended without error (a full disk leaves no partial file under the final name).
    `sync=False` skips waiting for the disk: for the many files of a split, which it can write
    again (an fsync each cost seconds); the master's own write always syncs."""
    temp = _unique(target, ".tmp")
    try:
        yield temp
        if sync:
            with open(temp, "rb+") as f:
                os.fsync(f.fileno())
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def write_text_complete(target: Path, text: str, *, sync: bool = True) -> None:
    with complete(target, sync=sync) as temp:
        temp.write_text(text, encoding="utf-8")


def write_temp(path: Path, data: bytes, like: Path | None) -> Path:
    temp = _unique(path, ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
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
            shutil.copymode(like, temp)  # made 0600; keep the master's permissions
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


# -- backups --------------------------------------------------------------------------------
@dataclass
class Backups:
    """Dated copies of the master in a folder (备份), the newest `keep` kept."""

    ledger: Path
    folder: Path
    keep: int
    now: datetime

    def _stem(self) -> str:
        # room for "_YYYYMMDD-HHMMSS-NN" and the suffix within the name limit
        return short_name(self.ledger.stem, NAME_BYTES - 24 - len(self.ledger.suffix.encode("utf-8")))

    def prepare(self) -> None:
        """Create the folder before the master is touched, so a read-only place refuses early."""
        self.folder.mkdir(parents=True, exist_ok=True)

    @property
    def same_disk(self) -> bool:
        """The folder is where a rename can move the master (else it is copied)."""
        return os.stat(self.folder).st_dev == os.stat(self.ledger.parent).st_dev

    def copy_now(self) -> Path:
        """A complete copy of the master, taken before anything moves (a folder on another disk)."""
        target = self.target()
        _copy_complete(self.ledger, target)
        self.prune()
        return target

    def target(self) -> Path:
        stamp = self.now.strftime("%Y%m%d-%H%M%S")
        stem, suffix = self._stem(), self.ledger.suffix
        target = self.folder / f"{stem}_{stamp}{suffix}"
        n = 2
        while target.exists():
            target = self.folder / f"{stem}_{stamp}-{n}{suffix}"
            n += 1
        return target

    def take(self, original: Path) -> Path:
        """Move `original` (a file beside the master) into the folder under a dated name."""
        self.prepare()
        target = self.target()
        try:
            _place(original, target)
        except OSError as err:
            if err.errno != errno.EXDEV:
                raise
            _copy_complete(original, target)  # another disk: copied under a temp name, then renamed
            original.unlink()
        self.prune()
        return target

    def prune(self) -> None:
        if self.keep <= 0:
            return
        stem, suffix = self._stem(), self.ledger.suffix
        pattern = re.compile(re.escape(stem) + r"_\d{8}-\d{6}(?:-\d+)?" + re.escape(suffix) + "$")
        ours = sorted(
            (p for p in self.folder.iterdir() if pattern.match(p.name)),
            key=lambda p: (p.stat().st_mtime_ns, p.name),
        )
        for old in ours[: -self.keep]:
            with contextlib.suppress(OSError):
                old.unlink()


def _copy_complete(source: Path, target: Path) -> None:
    temp = target.with_name(f".~taizhang.{secrets.token_hex(4)}.tmp")
    try:
        shutil.copy2(source, temp)
        with open(temp, "rb+") as f:
            os.fsync(f.fileno())
        _place(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


# -- placing files without overwriting --------------------------------------------------------------
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.ENOSYS, errno.EMLINK, errno.EINVAL}


def _place(source: Path, target: Path) -> None:
    """Rename `source` to `target`, failing with FileExistsError instead of replacing a file."""
    if os.name == "nt":
        os.rename(source, target)  # Windows: never replaces an existing name
        return
    try:
        os.link(source, target)
    except FileExistsError:
        raise
    except OSError as err:
        if err.errno not in _NO_LINKS:
            raise
        # no hard links here: the name is checked, then taken (a window of microseconds)
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "exists", str(target)) from None
        os.rename(source, target)
        return
    os.unlink(source)


def _put_back(aside: Path, path: Path, backups: Backups) -> Path | None:
    """Return the aside file to the master's name; when the name holds a newer file by now, keep
    the aside one in 备份 instead. Returns where it went when that was 备份."""
    try:
        _place(aside, path)
        return None
    except FileExistsError:
        return backups.take(aside)


def recover(path: Path, backups: Backups) -> None:
    """After a crash between moving the master aside and putting the new file in place: the
    master back under its name, or into 备份 when the name holds a file again."""
    for aside in _ours(path, ".old"):
        _put_back(aside, path, backups)


def swap_in(temp: Path, path: Path, before: Fingerprint, backups: Backups) -> Path | None:
    """Put `temp` at `path` if `path` still holds the file `before` describes (see module docs).
    Returns the backup of the original (None when backups are off)."""
    copied = backups.copy_now() if backups.keep > 0 and not backups.same_disk else None
    fault("before-replace")
    aside = _unique(path, ".old")
    try:
        os.rename(path, aside)
    except FileNotFoundError:
        raise FileInUse(f"{path.name} 在处理期间被移走或删除，未写入。") from None
    except PermissionError:  # Windows: someone has it open, or it is read-only
        raise FileInUse(f"{path.name} 正被其他程序占用或为只读，无法替换，未写入。请关闭后再试。") from None
    try:
        fault("after-aside")
        if not same_content(aside, before):
            kept = _put_back(aside, path, backups)
            raise _saved_meanwhile(path.name) if kept is None else _both_saved(path, kept)
        try:
            _place(temp, path)
        except FileExistsError:
            kept = backups.take(aside)
            raise FileInUse(
                f"{path.name} 在写入的瞬间被他人保存，对方保存的内容留在台账中，未写入本次结果；"
                f"写入前的原文件备份在“{kept}”。请重新运行。"
            ) from None
    except BaseException:
        if aside.exists():
            _put_back(aside, path, backups)
        raise
    fault("after-replace")
    if backups.keep > 0 and copied is None:
        copied = backups.take(aside)
    else:
        aside.unlink()
    fsync_dir(path.parent)
    return copied


def _both_saved(path: Path, kept: Path) -> FileInUse:
    return FileInUse(
        f"{path.name} 在处理期间被他人保存了不止一次，未写入。较早保存的版本备份在“{kept}”，"
        "较新的仍在台账中，请核对后重新运行。"
    )


def replace(temp: Path, path: Path) -> None:
    """Replace a file the tool writes whole (--out): no one else's save to protect."""
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


