"""Shared test fixtures: where the foreign workbooks are, LibreOffice headless, and the mail servers
(a real SMTP server and a real dovecot IMAP server on loopback)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from tests.libreoffice import soffice_binary

# Property tests check results, not speed: no per-example deadline on a loaded 2-core machine.
hypothesis_settings.register_profile("taizhang", deadline=None)
hypothesis_settings.load_profile("taizhang")

REPO = Path(__file__).resolve().parents[1]
FOREIGN = REPO.parent / "shared" / "fixtures" / "foreign"


def pytest_sessionstart(session: pytest.Session) -> None:
    # In CI the foreign workbooks must be there: without them the writer's fidelity tests would
    # be skipped or collected empty, and a green run would prove nothing.
    if os.environ.get("CI") and not FOREIGN.is_dir():
        raise pytest.UsageError(f"CI needs ../shared/fixtures/foreign beside the checkout ({FOREIGN})")


@pytest.fixture(scope="session")
def foreign_dir() -> Path:
    if not FOREIGN.is_dir():
        pytest.skip("../shared/fixtures/foreign is not beside the checkout")
    return FOREIGN


@pytest.fixture(scope="session")
def soffice() -> str:
    found = soffice_binary()
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed: run .ci/install-system.sh")
    return found


@pytest.fixture
def copy_foreign(tmp_path: Path, foreign_dir: Path):
    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copyfile(foreign_dir / name, target)
        return target

    return copy


@pytest.fixture
def smtp() -> Iterator[tuple[Any, int]]:
    """An SMTP server on loopback: (its Inbox, its port)."""
    from tests.weekly_helpers import Inbox, running_smtp

    with running_smtp(Inbox()) as server:
        yield server


@pytest.fixture
def imap() -> Iterator[Any]:
    """A dovecot IMAP server on loopback (tests.imap_server.ImapServer); skips where dovecot is missing."""
    from tests.imap_server import running_dovecot

    with running_dovecot() as server:
        yield server
