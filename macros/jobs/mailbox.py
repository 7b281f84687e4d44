"""The office mailbox over IMAP (imaplib, standard library), for `taizhang collect`.

Every network call is bounded by the configured timeout. A message is looked at once: after
collect has taken its attachments it is moved to the processed folder (created when missing), or,
on a server without MOVE, flagged \\Seen and KEYWORD in place; a message without attachments is
only given KEYWORD (it stays unread for staff). The search leaves out KEYWORD, so a rerun fetches
nothing twice whichever way a message was marked. A message larger than the attachment limit allows
is never downloaded: its headers say who sent it, and it is reported as refused.

Mailbox names are sent in IMAP's modified UTF-7 (RFC 3501 5.1.3), quoted."""

from __future__ import annotations

import base64
import contextlib
import email
import imaplib
import re
import ssl
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from types import TracebackType

from taizhang.core.errors import BadInput
from taizhang.macros.weekly.config import ImapSettings

KEYWORD = "$TaizhangCollected"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MESSAGE_FACTOR = 3  # a message may be this many times the attachment limit (base64, several files)
HEADER_FIELDS = "(FROM SUBJECT DATE)"
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")
_DATE = re.compile(rb'INTERNALDATE "([^"]+)"')


@dataclass
class Attachment:
    """One attached file of a message, as the mail names it (untrusted) with its decoded bytes."""

    name: str
    data: bytes


@dataclass
class Mail:
    """One message: who sent it, when, its subject and attachments. `too_big` when it was not
    downloaded because of its size (then `attachments` is empty and `size` says how big)."""

    uid: str
    sender: str  # the address, lower case
    subject: str
    when: datetime | None
    size: int
    attachments: list[Attachment] = field(default_factory=list)
    too_big: bool = False
    damaged: str = ""  # why the message could not be parsed


def imap_utf7(name: str) -> str:
    """A mailbox name in modified UTF-7: printable ASCII as is ("&" as "&-"), the rest as
    "&" + base64 of UTF-16BE with "," for "/" + "-"."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode("ascii")
            out.append("&" + encoded.rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if 0x20 <= ord(ch) <= 0x7E:
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return "".join(out)


def quoted(name: str) -> str:
    return '"' + imap_utf7(name).replace("\\", "\\\\").replace('"', '\\"') + '"'


def search_date(day: date) -> str:
    return f"{day.day}-{MONTHS[day.month - 1]}-{day.year}"


def _check(result: tuple[str, Sequence[object]], what: str) -> list[object]:
    typ, data = result[0], list(result[1])
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise BadInput(f"收信服务器拒绝了{what}：{detail or typ}")
    return data


class Mailbox:
    """A logged-in IMAP session on the configured folder; use as a context manager."""

    def __init__(self, settings: ImapSettings, env: Mapping[str, str]) -> None:
        self.settings = settings
        self.env = env
        self.imap: imaplib.IMAP4 | None = None
        self.can_move = False

    def __enter__(self) -> Mailbox:
        self.imap = self._connect()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.imap is not None:
            with contextlib.suppress(OSError, imaplib.IMAP4.error):  # leaving anyway
                self.imap.logout()
            self.imap = None

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.real_port}"

    def _connect(self) -> imaplib.IMAP4:
        s = self.settings
        password = self.env.get(s.password_env)
        if password is None:
            raise BadInput(f"环境变量 {s.password_env} 未设置，无法登录收信服务器 {self.where}（密码不写在配置文件中）")
        try:
            if s.security == "ssl":
                imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(s.host, s.real_port, ssl_context=ssl.create_default_context(),
                                                        timeout=s.timeout)
            else:
                imap = imaplib.IMAP4(s.host, s.real_port, timeout=s.timeout)
                if s.security == "starttls":
                    imap.starttls(ssl.create_default_context())
        except (OSError, imaplib.IMAP4.error) as err:
            raise BadInput(f"无法连接收信服务器 {self.where}：{err or type(err).__name__}。"
                           "请检查 [imap] 的 host、port、security 设置和网络") from None
        try:
            imap.login(s.user, password)
        except imaplib.IMAP4.error as err:
            raise BadInput(f"登录收信服务器 {self.where} 失败（用户 {s.user}）：{_said(err)}。请检查用户名和密码") from None
        caps = _check(imap.capability(), "查询服务器功能")
        self.can_move = b"MOVE" in b" ".join(c for c in caps if isinstance(c, bytes)).upper().split()
        typ, data = imap.select(quoted(s.folder))
        if typ != "OK":
            raise BadInput(f"收信服务器上没有邮件夹“{s.folder}”（[imap] folder）：{_said(data)}")
        return imap

    def _ask(self, what: str, call: Callable[[], tuple[str, Sequence[object]]]) -> list[object]:
        """One IMAP command: a refusal, a dropped connection or a timeout is BadInput saying what failed."""
        try:
            result = call()
        except (imaplib.IMAP4.error, OSError) as err:
            raise BadInput(f"与收信服务器 {self.where} 的通信中断（{what}）：{_said(err) or type(err).__name__}。"
                           "已保存的文件和回收记录不受影响，下次运行接着收取") from None
        return _check(result, what)

    @property
    def session(self) -> imaplib.IMAP4:
        assert self.imap is not None, "use Mailbox as a context manager"
        return self.imap

    def new_messages(self, since: date | None = None) -> list[str]:
        """UIDs of the messages collect has not looked at yet (arrived on or after `since`)."""
        criteria = ["UNKEYWORD", KEYWORD] + (["SINCE", search_date(since)] if since else [])
        data = self._ask("搜索邮件", lambda: self.session.uid("SEARCH", *criteria))
        return [uid.decode("ascii") for uid in (data[0] or b"").split()] if data and isinstance(data[0], bytes) else []

    def fetch(self, uid: str, max_attachment: int) -> Mail:
        """The message `uid`, downloaded only when it is within MESSAGE_FACTOR x `max_attachment`."""
        meta = b" ".join(d if isinstance(d, bytes) else d[0] for d in
                         self._ask("读取邮件", lambda: self.session.uid("FETCH", uid, "(RFC822.SIZE INTERNALDATE)"))
                         if isinstance(d, bytes | tuple))
        size = int(m[1]) if (m := _SIZE.search(meta)) else 0
        arrived = _internal_date(meta)
        if size > MESSAGE_FACTOR * max_attachment:
            head = self._part(uid, f"BODY.PEEK[HEADER.FIELDS {HEADER_FIELDS}]")
            mail = _mail(uid, head, size, arrived)
            mail.too_big = True
            return mail
        return _mail(uid, self._part(uid, "BODY.PEEK[]"), size, arrived, with_files=True)

    def _part(self, uid: str, item: str) -> bytes:
        data = self._ask("读取邮件", lambda: self.session.uid("FETCH", uid, f"({item})"))
        return b"".join(d[1] for d in data if isinstance(d, tuple) and len(d) > 1 and isinstance(d[1], bytes))

    def prepare(self) -> None:
        """Before taking anything: the processed folder exists (created now when missing)."""
        if self.can_move:
            self._ensure_folder()

    def processed(self, uid: str) -> None:
        """Move `uid` to the processed folder, or flag it where the server cannot move."""
        if self.can_move:
            self._ensure_folder()
            self._ask("移动已处理的邮件", lambda: self.session.uid("MOVE", uid, quoted(self.settings.processed_folder)))
        else:
            self._ask("标记已处理的邮件", lambda: self.session.uid("STORE", uid, "+FLAGS", f"(\\Seen {KEYWORD})"))

    def skipped(self, uid: str) -> None:
        """Mark a message without attachments as looked at, leaving it where it is and unread."""
        self._ask("标记邮件", lambda: self.session.uid("STORE", uid, "+FLAGS", f"({KEYWORD})"))

    _folder_ready = False

    def _ensure_folder(self) -> None:
        if self._folder_ready:
            return
        name = quoted(self.settings.processed_folder)
        data = self._ask("列出邮件夹", lambda: self.session.list('""', name))
        if not any(d for d in data if d):
            self._ask(f"创建邮件夹“{self.settings.processed_folder}”", lambda: self.session.create(name))
            with contextlib.suppress(imaplib.IMAP4.error):  # so mail programs show it; a refusal is harmless
                self.session.subscribe(name)
        self._folder_ready = True


def _said(data: object) -> str:
    if isinstance(data, imaplib.IMAP4.error):
        data = data.args[0] if data.args else ""
    if isinstance(data, OSError):
        return str(data)
    if isinstance(data, list):
        data = b" ".join(d for d in data if isinstance(d, bytes))
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


def _internal_date(meta: bytes) -> datetime | None:
    found = _DATE.search(meta)
    if not found:
        return None
    try:
        return datetime.strptime(found[1].decode("ascii"), "%d-%b-%Y %H:%M:%S %z").astimezone().replace(tzinfo=None)
    except ValueError:
        return None


def _mail(uid: str, raw: bytes, size: int, arrived: datetime | None, with_files: bool = False) -> Mail:
    try:
        msg = email.message_from_bytes(raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        sender = _sender(msg)
        subject = str(msg.get("Subject") or "")
        when = _when(msg) or arrived
        files = list(attachments(msg)) if with_files else []
    except Exception as err:  # a hostile or broken message: said, never a crash
        return Mail(uid, "", "", arrived, size, damaged=f"邮件无法解析（{type(err).__name__}）")
    return Mail(uid, sender, subject, when, size, files)


def _sender(msg: EmailMessage) -> str:
    found = getaddresses([str(msg.get("From") or "")])
    return found[0][1].strip().lower() if found else ""


def _when(msg: EmailMessage) -> datetime | None:
    try:
        moment = parsedate_to_datetime(str(msg.get("Date") or ""))
    except (TypeError, ValueError, IndexError):
        return None
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def attachments(msg: EmailMessage) -> Iterator[Attachment]:
    """Every file attached to `msg` (parts with a file name or marked as attachments), decoded."""
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if name is None and part.get_content_disposition() != "attachment":
            continue  # the message text itself
        data = part.get_payload(decode=True)
        yield Attachment(str(name or ""), data if isinstance(data, bytes) else b"")
