"""The weekly run's log: a rotating UTF-8 file beside the reports, so an unattended machine keeps
a year of weekly lines without filling the disk."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOGGER = "taizhang.weekly"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(message)s"


def setup_logging(path: Path, *, echo: bool = False) -> logging.Logger:
    """Log to `path` (rotated at 1 MB, 5 old files kept); again with another path replaces the
    handlers this function added before."""
    logger = stop_logging()
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")]
    if echo:
        handlers.append(logging.StreamHandler())
    for handler in handlers:
        handler.setFormatter(logging.Formatter(FORMAT))
        handler._taizhang = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return logger


def stop_logging() -> logging.Logger:
    """Remove and close the handlers `setup_logging` added (the log file stays)."""
    logger = logging.getLogger(LOGGER)
    for handler in [h for h in logger.handlers if getattr(h, "_taizhang", False)]:
        logger.removeHandler(handler)
        handler.close()
    return logger
