"""A slow or silent SMTP server costs a weekly run one deadline, not one timeout per message."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from taizhang.macros.weekly.config import EmailSettings
from taizhang.macros.weekly.mail import DEADLINE_FACTOR, send_all


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts every connection and never says a word (no 220 greeting)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    for s in held:
        s.close()
    server.close()


def test_27_mails_to_a_silent_server_end_within_one_deadline(silent_server: int) -> None:
    timeout = 0.5
    settings = EmailSettings(host="127.0.0.1", port=silent_server, sender="duban@example.cn", timeout=timeout)
    messages = []
    for n in range(27):
        msg = EmailMessage()
        msg["Subject"], msg["To"] = f"单位 {n}", f"unit{n}@example.cn"
        msg.set_content("逾期件")
        messages.append(msg)
    start = time.monotonic()
    outcomes = send_all(messages, settings, {})
    elapsed = time.monotonic() - start
    assert all(o is not None for o in outcomes)  # none went out, each says why
    # one after another they would take 27 x 0.5 s; the deadline is DEADLINE_FACTOR x 0.5 s
    assert elapsed < 27 * timeout / 2
    assert DEADLINE_FACTOR * timeout <= 27 * timeout / 4
