"""Sending the summary with the standard library. Subject, bodies and attachment names are UTF-8
(RFC 2047 headers, RFC 2231 filename*), which Outlook, Foxmail and webmail all read. A failed send
is logged and never loses the report: it stays in the report folder.

A run's mails go out in parallel (PARALLEL at a time) within one deadline, DEADLINE_FACTOR times
the configured timeout: a slow or dead server costs the run that long, not one timeout per
message (27 units x 30 s). A mail not sent by then is reported as failed."""

from __future__ import annotations

import smtplib
import ssl
import threading
import time
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from taizhang.macros.logs import weekly_logger
from taizhang.macros.weekly.config import EmailSettings
from taizhang.macros.weekly.results import RunResult
from taizhang.macros.weekly.summary import Summary, summarize, unit_summaries

PARALLEL = 8
DEADLINE_FACTOR = 2
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
log = weekly_logger()


def build_message(sender: str, recipients: list[str], summary: Summary,
                  attachments: list[tuple[str, Path]] | None = None) -> EmailMessage:
    msg = EmailMessage()  # policy=default: headers and filenames are encoded as needed, in UTF-8
    msg["Subject"] = summary.subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    msg.set_content(summary.text, charset="utf-8")
    msg.add_alternative(summary.html, subtype="html", charset="utf-8")
    for name, path in attachments or []:
        msg.add_attachment(path.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=name)
    return msg


def send(msg: EmailMessage, settings: EmailSettings, env: Mapping[str, str], timeout: float | None = None) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=timeout or settings.timeout) as smtp:
        smtp.ehlo()
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.user:
            password = env.get(settings.password_env)
            if password is None:
                raise RuntimeError(f"环境变量 {settings.password_env} 未设置，无法登录发信服务器")
            smtp.login(settings.user, password)
        smtp.send_message(msg)


def attachment_names(run: RunResult) -> list[tuple[str, Path]]:
    """The reports under names that tell the ledgers apart when there are several."""
    with_reports = [r for r in run.ledgers if r.report]
    if len(with_reports) == 1:
        report = with_reports[0].report
        assert report is not None
        return [(report.name, report)]
    return [(f"{r.path.stem}_{r.report.name}", r.report) for r in with_reports if r.report]


def deliver(run: RunResult, settings: EmailSettings, env: Mapping[str, str]) -> list[str]:
    """Send the run's mail(s); return one Chinese sentence per failure (also logged)."""
    notes: list[str] = []
    messages: list[tuple[str, EmailMessage]] = []
    if settings.recipients:
        messages.append(("汇总邮件", build_message(settings.sender, settings.recipients, summarize(run),
                                                 attachment_names(run))))
    if settings.send_to_units:
        for address, summary in unit_summaries(run).items():
            messages.append((f"给 {address} 的邮件", build_message(settings.sender, [address], summary)))
    outcomes = send_all([msg for _label, msg in messages], settings, env)
    for (label, msg), error in zip(messages, outcomes, strict=True):
        if error is None:
            log.info("%s已发送：%s", label, msg["To"])
            continue
        note = f"{label}发送失败（{settings.host}:{settings.port}）：{error}。报告已保存在报告文件夹中。"
        log.error("%s", note)
        notes.append(note)
    return notes


def send_all(messages: list[EmailMessage], settings: EmailSettings, env: Mapping[str, str]) -> list[str | None]:
    """Send every message, PARALLEL at a time, all within one deadline; None for each sent, else
    why not. Sends still hanging at the deadline are left to their own socket timeout (daemon
    threads) and reported as failed."""
    deadline = time.monotonic() + DEADLINE_FACTOR * settings.timeout
    outcomes: list[str | None] = [f"超过总时限（{DEADLINE_FACTOR * settings.timeout:g} 秒）仍未发出"] * len(messages)
    slots = threading.Semaphore(PARALLEL)

    def work(k: int, msg: EmailMessage) -> None:
        with slots:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                send(msg, settings, env, timeout=min(settings.timeout, left))
            except (OSError, smtplib.SMTPException, RuntimeError) as err:
                outcomes[k] = str(err) or type(err).__name__
            else:
                outcomes[k] = None

    threads = [threading.Thread(target=work, args=(k, m), daemon=True) for k, m in enumerate(messages)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return list(outcomes)
