"""Shared helpers of the weekly-run tests: the sample ledger, configs, an owner file, reading a
report back with calamine."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import python_calamine as pc

from taizhang.macros.weekly.config import WeeklyConfig, load_config

MONDAY = date(2026, 5, 11)
NEXT_MONDAY = date(2026, 5, 18)
_CACHE: dict[str, Path] = {}


def sample_copy(folder: Path, name: str = "台账.xlsx", cache_dir: Path | None = None) -> Path:
    """The county sample as of 2026-05-11, generated once per session and copied."""
    if "sample" not in _CACHE:
        from taizhang.macros.jobs.demo import write_sample

        assert cache_dir is not None
        _CACHE["sample"] = write_sample(cache_dir / "sample.xlsx", MONDAY)
    target = folder / name
    shutil.copyfile(_CACHE["sample"], target)
    return target


def write_config(folder: Path, text: str, name: str = "周检.toml") -> WeeklyConfig:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Inbox:
    """An aiosmtpd handler keeping every message it receives: (recipients, raw bytes)."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
        return "250 OK"


@contextmanager
def running_smtp(inbox: Any) -> Iterator[tuple[Any, int]]:
    """A real SMTP server (aiosmtpd) on a free loopback port handing messages to `inbox`."""
    from aiosmtpd.controller import Controller

    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def excel_owner_file(ledger: Path, user: str) -> Path:
    """What Excel writes beside a workbook it has open: ~$name, the user's name length then the
    name, padded to 54 bytes, then again in UTF-16."""
    raw = user.encode("gbk")
    wide = user.encode("utf-16-le")
    data = bytes([len(raw)]) + raw.ljust(53, b" ") + len(user).to_bytes(2, "little") + wide
    owner = ledger.with_name("~$" + ledger.name)
    owner.write_bytes(data.ljust(165, b"\0"))
    return owner


def sheet_rows(path: Path, sheet: str) -> list[list[object]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    return [list(r) for r in book.get_sheet_by_name(sheet).to_python()]


def sheet_text(path: Path, sheet: str) -> str:
    return "\n".join("\t".join(str(v) for v in row) for row in sheet_rows(path, sheet))
