"""Where the tool writes its logs: one set-up for its three ways of running, each with its place.

- the command line: an internal error's traceback (the user sees one sentence and this path),
  appended to taizhang.log in the temp folder (`cli_log_path`, `log_internal_error`);
- the ribbon: every button press and failure, in %LOCALAPPDATA%\\taizhang\\ribbon.log (`ribbon_logger`);
- the weekly run: one line per ledger and run, in the log file its config names, beside the
  reports, echoed on the console by `taizhang schedule` (`setup_weekly_log`, `stop_weekly_log`).

Each file rotates at 1 MB (a few old files kept), so an unattended machine keeps a year of lines
without filling the disk. Light to import (the ribbon's entry imports it): the standard library only.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

CLI, RIBBON, WEEKLY = "taizhang.cli", "taizhang.ribbon", "taizhang.weekly"  # the loggers' names
MAX_BYTES = 1_000_000
BACKUPS = {CLI: 3, RIBBON: 3, WEEKLY: 5}  # old files kept
FORMAT = "%(asctime)s %(levelname)s %(message)s"


def configure(name: str, path: Path, *, echo: bool = False) -> logging.Logger:
    """The logger `name` writing to `path` (rotated), and to stderr too with `echo`; configuring it
    again (another path) replaces the handlers this function added before."""
    import logging.handlers  # here: it imports socket and pickle, which a command that logs nothing never needs

    logger = stop(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [logging.handlers.RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUPS.get(name, 3), encoding="utf-8")]
    if echo:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._taizhang = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger


def stop(name: str) -> logging.Logger:
    """Remove and close the handlers `configure` added to the logger `name` (its file stays)."""
    logger = logging.getLogger(name)
    for handler in [h for h in logger.handlers if getattr(h, "_taizhang", False)]:
        logger.removeHandler(handler)
        handler.close()
    return logger


def configured(name: str) -> bool:
    return any(getattr(h, "_taizhang", False) for h in logging.getLogger(name).handlers)


# -- the command line ---------------------------------------------------------------------------

def cli_log_path() -> Path:
    return Path(tempfile.gettempdir()) / "taizhang.log"


def log_internal_error(traceback_text: str) -> Path:
    """The traceback of an internal error into the command line's log; returns the log's path. The
    log file only: the user is told in a sentence, never shown the traceback."""
    path = cli_log_path()
    logger = configure(CLI, path)
    logger.propagate = False  # no handler of the caller's may print it
    try:
        logger.error("程序内部错误\n%s", traceback_text.rstrip())
    finally:
        stop(CLI)
    return path


# -- the ribbon ---------------------------------------------------------------------------------

def ribbon_log_path() -> Path:
    base = os.environ.get("LOCALAPPDATA")
    folder = Path(base) / "taizhang" if base else Path(tempfile.gettempdir()) / "taizhang"
    return folder / "ribbon.log"


def ribbon_logger() -> logging.Logger:
    """The ribbon's logger, set up on the first press of the Python process."""
    return logging.getLogger(RIBBON) if configured(RIBBON) else configure(RIBBON, ribbon_log_path())


# -- the weekly run -----------------------------------------------------------------------------

def weekly_logger() -> logging.Logger:
    """The weekly run's logger (its file is set by `setup_weekly_log`)."""
    return logging.getLogger(WEEKLY)


def setup_weekly_log(path: Path, *, echo: bool = False) -> logging.Logger:
    """The weekly run logs to `path` (the config's log file), and to the console with `echo`."""
    return configure(WEEKLY, path, echo=echo)


def stop_weekly_log() -> logging.Logger:
    return stop(WEEKLY)
