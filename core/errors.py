"""Errors the user sees, each with the exit code the command line returns for it."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes shared by every command."""

    OK = 0
    FINDINGS = 1
    BAD_INPUT = 2
    IN_USE = 3
    FIDELITY = 4


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
