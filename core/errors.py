"""Errors the user sees, each with the exit code the command line returns for it."""

from __future__ import annotations

import errno
import os
from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes of every command (and of the weekly run); `taizhang --help` lists them."""

    OK = 0  # done
    FINDINGS = 1  # done, with problems to look at: check errors, overdue cases, merge conflicts
    BAD_INPUT = 2  # the input is wrong (file, sheet, cell, option, config); nothing was written
    IN_USE = 3  # the workbook is open elsewhere, or was saved while we worked; nothing was written
    FIDELITY = 4  # the write would have lost something; the original was kept
    INTERNAL = 5  # a bug: the traceback went to the log, the user got a sentence


class TaizhangError(Exception):
    """A problem to show the user in Chinese; never a traceback."""

    exit_code: ExitCode = ExitCode.BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(TaizhangError):
    """The file, sheet or cell is not what was expected."""

    exit_code = ExitCode.BAD_INPUT


class FileInUse(TaizhangError):
    """Someone has the workbook open, or saved it while we worked."""

    exit_code = ExitCode.IN_USE


class FidelityRefused(TaizhangError):
    """The write would have lost something; the original was kept."""

    exit_code = ExitCode.FIDELITY


_OS_PROBLEMS = {
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "磁盘配额已用完",
    "ENAMETOOLONG": "文件名或路径太长，系统无法创建该文件（请改用较短的文件名或较浅的文件夹）",
    "EROFS": "所在位置是只读的（只读磁盘、只读共享或写保护的U盘）",
    "EACCES": "没有写入权限（文件夹或文件为只读，或被其他程序占用）",
    "EPERM": "没有写入权限（文件夹或文件为只读，或被其他程序占用）",
}


def os_error(err: OSError, where: str = "") -> TaizhangError | None:
    """A Chinese message (exit 2) for the file-system faults a user can fix: a full disk, a name
    too long, a read-only place. None for anything else, which stays an internal error."""
    names = {getattr(errno, n): n for n in _OS_PROBLEMS if hasattr(errno, n)}
    problem = _OS_PROBLEMS.get(names.get(err.errno or -1, ""))
    if problem is None:
        return None
    target = where or (os.path.basename(os.fsdecode(err.filename)) if err.filename else "")
    prefix = f"写入“{target}”失败：" if target else "写入文件失败："
    return BadInput(f"{prefix}{problem}。未写入任何不完整的文件，原台账未改动。")
