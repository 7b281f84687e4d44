"""The weekly run with [run] collect = true: the returns are collected from the mailbox (dovecot on
loopback), a dry-run merge says what would merge, the master is not written, and the office's mail
(aiosmtpd) tells who returned, who has not, and the conflicts."""

from __future__ import annotations

import email
from datetime import date, datetime
from email import policy
from pathlib import Path

from taizhang.core.errors import ExitCode
from taizhang.macros.weekly.run import run_once
from tests.collect_helpers import (
    ADDRESS,
    PASSWORD_ENV,
    TODAY,
    add_dispatch_log,
    edit_book,
    office_master,
    return_mail,
    sent_rows,
    split_books,
    write_config,
)
from tests.imap_server import PASSWORD, ImapServer, free_port
from tests.test_acceptance_jobs import blank  # noqa: F401 (a fixture)
from tests.weekly_helpers import Inbox


def test_weekly_collects_tries_the_merge_and_mails_who_returned(blank: Path, tmp_path: Path,  # noqa: F811
                                                                 smtp: tuple[Inbox, int], imap: ImapServer) -> None:
    master = office_master(blank, tmp_path / "台账.xlsx")
    books = split_books(master, tmp_path / "分发")
    add_dispatch_log(master, sent_rows(books, datetime(2026, 5, 20, 10, 0)))
    good = edit_book(books["县交通运输局"], tmp_path / "u" / "交通.xlsx", {("第1号", "面商日期"): date(2026, 4, 1)})
    # 财政 changes a locked cell: the dry-run merge must refuse it
    bad = edit_book(books["县财政局"], tmp_path / "u" / "财政.xlsx", {("第1号", "标题"): "改过的标题"})
    imap.append(return_mail(ADDRESS["县交通运输局"], "交通", [("交通.xlsx", good.read_bytes())], datetime(2026, 5, 22, 9)))
    imap.append(return_mail(ADDRESS["县财政局"], "财政", [("财政.xlsx", bad.read_bytes())], datetime(2026, 5, 22, 10)))
    inbox, smtp_port = smtp
    config = write_config(tmp_path, imap.port, run_extra="collect = true",
                          extra=f'[email]\nhost = "127.0.0.1"\nport = {smtp_port}\nsender = "duban@example.gov.cn"\n'
                                'recipients = ["duban@example.gov.cn"]\n')
    before = master.read_bytes()

    result = run_once(config, TODAY, env={PASSWORD_ENV: PASSWORD})

    assert master.read_bytes() == before  # a dry run: the master is not written
    assert result.collect is not None and result.collect.problem == ""
    assert result.collect.merge is not None
    assert {f.unit: f.status for f in result.collect.merge.files} == {"县交通运输局": "merged", "县财政局": "rejected"}
    assert result.exit_code == ExitCode.FINDINGS
    [(_, raw)] = inbox.messages
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert "已回传 2 个单位、未回传 1 个" in str(msg["Subject"])
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "县教育和体育局：已发送 2026-05-20 10:00；未回传（已发出 5 天）" in text
    assert "锁定的内容被改动了" in text and "1 个可以合并" in text
    assert imap.subjects("INBOX") == []


def test_weekly_without_a_mailbox_reports_the_problem_and_still_mails(blank: Path, tmp_path: Path,  # noqa: F811
                                                                       smtp: tuple[Inbox, int]) -> None:
    office_master(blank, tmp_path / "台账.xlsx")
    inbox, smtp_port = smtp
    config = write_config(tmp_path, free_port(), run_extra="collect = true",
                          extra=f'[email]\nhost = "127.0.0.1"\nport = {smtp_port}\nsender = "duban@example.gov.cn"\n'
                                'recipients = ["duban@example.gov.cn"]\n')
    result = run_once(config, TODAY, env={PASSWORD_ENV: PASSWORD})
    assert result.collect is not None and "无法连接收信服务器" in result.collect.problem
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.ledgers[0].report is not None
    [(_, raw)] = inbox.messages
    text = email.message_from_bytes(raw, policy=policy.default).get_body(preferencelist=("plain",)).get_content()
    assert "未能收取回传邮件" in text
