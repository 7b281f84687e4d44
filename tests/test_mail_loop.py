"""The office's whole loop over real mail servers on loopback: split → each unit mailed its book
(SMTP, aiosmtpd, with the weekly run's mail code until `split --send` lands) → two units edit their
copy and mail it back (into dovecot by IMAP APPEND) → `collect` → `merge` of what arrived → the
master, read with python-calamine, holds the units' replies, and 回收情况 shows who has not returned."""

from __future__ import annotations

import email
import os
from datetime import date, datetime
from email import policy
from email.message import EmailMessage
from pathlib import Path

from python_calamine import CalamineWorkbook

from taizhang.macros.weekly.config import EmailSettings
from taizhang.macros.weekly.mail import build_message, send_all
from taizhang.macros.weekly.summary import Summary
from tests.collect_helpers import (
    ADDRESS,
    PASSWORD_ENV,
    SPLIT_DAY,
    TODAY,
    add_dispatch_log,
    edit_book,
    office_master,
    return_mail,
    sent_rows,
    split_books,
    write_config,
)
from tests.imap_server import PASSWORD, ImapServer
from tests.test_acceptance_jobs import blank, run  # noqa: F401 (blank is a fixture)
from tests.weekly_helpers import Inbox

OFFICE = "duban@example.gov.cn"




def mail_books(books: dict[str, Path], port: int) -> None:
    """What `split --send` does: each unit its own book, the cover note as the body."""
    settings = EmailSettings(host="127.0.0.1", port=port, sender=OFFICE, timeout=10)
    messages = []
    for unit, book in books.items():
        note = book.with_suffix(".txt").read_text(encoding="utf-8")
        summary = Summary(f"【建议提案办理】{unit}：2026年办理情况表（{SPLIT_DAY.isoformat()}）", note, f"<pre>{note}</pre>")
        messages.append(build_message(OFFICE, [ADDRESS[unit]], summary, [(book.name, book)]))
    assert send_all(messages, settings, {}) == [None] * len(messages)


def received_book(raw: bytes) -> tuple[str, bytes]:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    [attachment] = list(msg.iter_attachments())
    return str(attachment.get_filename()), attachment.get_content()


def test_split_mail_edit_return_collect_merge(blank: Path, tmp_path: Path, smtp: tuple[Inbox, int],  # noqa: F811
                                              imap: ImapServer) -> None:
    office = tmp_path / "办公室"
    master = office_master(blank, office / "台账.xlsx")
    books = split_books(master, office / "分发")
    inbox, smtp_port = smtp
    mail_books(books, smtp_port)
    add_dispatch_log(master, sent_rows(books, datetime(2026, 5, 20, 10, 0)))
    assert sorted(r for rcpt, _ in inbox.messages for r in rcpt) == sorted(ADDRESS.values())

    # Two units answer: each opens the attachment it received, fills its cells, mails it back.
    fills = {"县交通运输局": {("第1号", "面商日期"): date(2026, 4, 1)},
             "县财政局": {("第1号", "协办意见日期"): date(2026, 4, 8)}}
    by_address = {a: u for u, a in ADDRESS.items()}
    for rcpt, raw in inbox.messages:
        unit = by_address[rcpt[0]]
        if unit not in fills:
            continue  # 县教育和体育局 does not answer
        name, data = received_book(raw)
        copy = tmp_path / unit / name
        copy.parent.mkdir()
        copy.write_bytes(data)
        edit_book(copy, copy, fills[unit])
        imap.append(return_mail(ADDRESS[unit], f"回复：{unit}办理情况", [(name, copy.read_bytes())],
                                datetime(2026, 5, 22, 9)))

    config = write_config(office, imap.port)
    os.environ[PASSWORD_ENV] = PASSWORD
    try:
        collected = run("collect", "--config", config.base / "周检.toml", "--today", TODAY.isoformat())
    finally:
        del os.environ[PASSWORD_ENV]
    assert collected.exit_code == 0, collected.output
    arrived = sorted((office / "回收" / TODAY.isoformat()).iterdir())
    assert len(arrived) == 2

    merged = run("merge", master, *arrived, "--today", TODAY.isoformat())
    assert merged.exit_code == 0, merged.output

    book = CalamineWorkbook.from_path(str(master))
    rows = book.get_sheet_by_name("台账").to_python()
    header = rows[1]
    first = next(r for r in rows[2:] if r[header.index("编号")] == "第1号")
    assert first[header.index("面商日期")] == date(2026, 4, 1)
    assert first[header.index("协办意见日期")] == date(2026, 4, 8)
    log = book.get_sheet_by_name("变更记录").to_python()
    assert {(r[2], r[4]) for r in log[1:]} == {("县财政局", "协办意见日期"), ("县交通运输局", "面商日期")}

    status = CalamineWorkbook.from_path(str(office / "回收" / f"回收情况_{TODAY.isoformat()}.xlsx"))
    table = {r[0]: r for r in status.get_sheet_by_name("回收情况").to_python()[3:] if r[0]}
    assert {u: r[4] for u, r in table.items()} == {"县交通运输局": "已回传", "县财政局": "已回传",
                                                   "县教育和体育局": "未回传"}
    assert table["县教育和体育局"][8] == (TODAY - SPLIT_DAY).days
    assert "县教育和体育局：已发送 2026-05-20 10:00；未回传（已发出 5 天）" in collected.output
