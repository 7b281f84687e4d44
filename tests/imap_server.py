"""A real IMAP server for the tests: Debian's dovecot-imapd (installed by .ci/install-system.sh),
started on a free port of 127.0.0.1 with a throwaway config in a temp folder: its own base and
state folders, passwd-file login, maildir mail and a log file, all under that folder; plain IMAP
on loopback only. Nothing of the system's dovecot (config, service, /var/run) is used or touched.

Run as root (CI), dovecot refuses to log in as root and to store mail as uid 0, so its own system
users serve: `dovenull` for login, `dovecot` for internal work and as the mail owner. Run as anyone
else, the current user is all of them."""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.weekly_helpers import free_port

USER, PASSWORD = "office@example.gov.cn", "s3cret-imap"
# What dovecot 2.3 announces after login, without MOVE: a server that cannot move messages.
NO_MOVE = "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SEARCHRES LITERAL+ NAMESPACE UIDPLUS"


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if Path(p).exists()), None)


def require_dovecot() -> str:
    found = dovecot_binary()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("dovecot is missing: .ci/install-system.sh installs dovecot-imapd")
        pytest.skip("dovecot-imapd is not installed (bash .ci/install-system.sh)")
    return found


@dataclass
class ImapServer:
    port: int
    root: Path
    process: subprocess.Popen[bytes]
    user: str = USER
    password: str = PASSWORD

    def stop(self) -> None:
        """Stop the server and every session it serves now (a mail server gone in the middle)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        imap.login(self.user, self.password)
        return imap

    def append(self, msg: EmailMessage | bytes, folder: str = "INBOX", arrived: datetime | None = None) -> None:
        """Deliver a message into `folder` with IMAP APPEND, as the office's mail server would;
        `arrived` is its arrival time on the server (IMAP's INTERNALDATE, what SINCE searches)."""
        raw = msg if isinstance(msg, bytes) else msg.as_bytes()
        when = imaplib.Time2Internaldate(arrived.astimezone()) if arrived else None
        imap = self.client()
        try:
            typ, data = imap.append(folder, None, when, raw)
            assert typ == "OK", data
        finally:
            imap.logout()

    def subjects(self, folder: str) -> list[str]:
        """The subjects in `folder` (a modified UTF-7 name), in arrival order; [] when it does not exist."""
        import email
        from email import policy

        imap = self.client()
        try:
            typ, _ = imap.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            _, data = imap.uid("SEARCH", "ALL")
            found = []
            for uid in (data[0] or b"").split():
                _, parts = imap.uid("FETCH", uid, "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                head = next(p[1] for p in parts if isinstance(p, tuple))
                found.append(str(email.message_from_bytes(head, policy=policy.default)["Subject"]))
            return found
        finally:
            imap.logout()

    def flags(self, folder: str = "INBOX") -> list[str]:
        imap = self.client()
        try:
            imap.select(f'"{folder}"', readonly=True)
            _, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            return [d.decode() for d in data if isinstance(d, bytes)]
        finally:
            imap.logout()


def _config(root: Path, port: int, capability: str | None) -> str:
    if os.geteuid() == 0:
        mail, internal, login = pwd.getpwnam("dovecot"), "dovecot", "dovenull"
    else:
        mail = pwd.getpwuid(os.getuid())
        internal = login = mail.pw_name
    home = root / "home"
    home.mkdir()
    os.chown(home, mail.pw_uid, mail.pw_gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n", encoding="utf-8")
    lines = [
        f"base_dir = {root}/run", f"state_dir = {root}/state", f"log_path = {root}/dovecot.log",
        f"instance_name = taizhang-test-{port}", "protocols = imap", "listen = 127.0.0.1", "ssl = no",
        "disable_plaintext_auth = no", "auth_mechanisms = plain login", "first_valid_uid = 1",
        f"default_internal_user = {internal}", f"default_internal_group = {_group(internal)}",
        f"default_login_user = {login}",
        "passdb {", "  driver = passwd-file", f"  args = scheme=PLAIN username_format=%u {root}/passwd", "}",
        "userdb {", "  driver = static", f"  args = uid={mail.pw_uid} gid={mail.pw_gid} home={home}/%n", "}",
        "mail_location = maildir:~/Maildir",
        "service imap-login {", "  chroot =", "  inet_listener imap {", "    address = 127.0.0.1",
        f"    port = {port}", "  }", "  inet_listener imaps {", "    port = 0", "  }", "}",
        "service anvil {", "  chroot =", "}",
    ]
    if capability is not None:
        lines.append(f"imap_capability = {capability}")
    return "\n".join(lines) + "\n"


def _group(user: str) -> str:
    import grp

    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def _wait(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = [p.read_text(errors="replace") for p in (log, log.with_name("stderr.log")) if p.exists()]
            raise RuntimeError(f"dovecot exited: {' '.join(said)}")
        try:
            imap = imaplib.IMAP4("127.0.0.1", port, timeout=2)
            imap.login(USER, PASSWORD)
            imap.logout()
            return
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.1)
    raise RuntimeError(f"dovecot did not answer on port {port}: {log.read_text() if log.exists() else ''}")


@contextmanager
def running_dovecot(capability: str | None = None) -> Iterator[ImapServer]:
    """A dovecot on a free loopback port, stopped and removed afterwards."""
    binary = require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="taizhang-imap-"))
    root.chmod(0o755)  # the mail and login users must reach their folders inside
    port = free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port, capability), encoding="utf-8")
    with (root / "stderr.log").open("wb") as err:  # before its log file opens, dovecot speaks on stderr
        process = subprocess.Popen([binary, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=err,
                                   start_new_session=True)  # its own group: stop() ends the sessions too
    try:
        _wait(port, process, root / "dovecot.log")
        yield ImapServer(port, root, process)
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):  # a session process the master left behind
            os.killpg(process.pid, signal.SIGKILL)
        shutil.rmtree(root, ignore_errors=True)
