"""The weekly mail, through a real SMTP server on loopback (aiosmtpd): Chinese subject and body
readable, the report attached under its Chinese name and readable by calamine; a server that is
not there is logged and the report kept."""

from __future__ import annotations

import email
import logging
from email import policy
from email.message import EmailMessage
from pathlib import Path

from taizhang.core.deadlines import CaseStatus
from taizhang.macros.weekly.run import run_once
from tests.weekly_helpers import MONDAY, free_port, sample_copy, sheet_rows, write_config


def mail_config(folder: Path, port: int, extra: str = "") -> str:
    return (f'[run]\nledgers = ["台账.xlsx"]\n[email]\nhost = "127.0.0.1"\nport = {port}\n'
            f'sender = "duban@example.gov.cn"\nrecipients = ["zhuren@example.gov.cn", "duban@example.gov.cn"]\n{extra}')


def parse(raw: bytes) -> EmailMessage:
    msg = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def test_mail_arrives_with_report_and_readable_chinese(tmp_path: Path, tmp_path_factory, smtp) -> None:
    inbox, port = smtp
    sample_copy(tmp_path, cache_dir=tmp_path_factory.getbasetemp())
    config = write_config(tmp_path, mail_config(tmp_path, port))
    result = run_once(config, MONDAY, env={})
    assert result.mail_notes == []
    assert len(inbox.messages) == 1
    recipients, raw = inbox.messages[0]
    assert sorted(recipients) == ["duban@example.gov.cn", "zhuren@example.gov.cn"]
    msg = parse(raw)
    ledger = result.ledgers[0]
    overdue = ledger.count(CaseStatus.OVERDUE)
    assert msg["Subject"] == f"【台账周检】2026-05-11：逾期 {overdue} 件，校验错误 {ledger.errors} 条"
    assert "=?utf-8?" in raw.decode("ascii").split("\r\n\r\n")[0].lower()  # the header itself is encoded
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "台账周检 2026-05-11（星期一）" in text and "台账.xlsx" in text
    assert f"校验错误 {ledger.errors} 条" in text
    html = msg.get_body(preferencelist=("html",)).get_content()
    assert "台账周检" in html
    attachments = list(msg.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["校验报告_2026-05-11.xlsx"]
    assert "filename*=utf-8''" in raw.decode("ascii")  # RFC 2231
    saved = tmp_path / "received.xlsx"
    saved.write_bytes(attachments[0].get_content())
    assert sheet_rows(saved, "概况")[0][0] == "台账周检报告"
    assert ledger.report is not None and ledger.report.read_bytes() == saved.read_bytes()


def test_units_get_their_own_mail_when_asked(tmp_path: Path, tmp_path_factory, smtp) -> None:
    inbox, port = smtp
    sample_copy(tmp_path, cache_dir=tmp_path_factory.getbasetemp())
    config = write_config(tmp_path, mail_config(tmp_path, port, "send_to_units = true\n"))
    result = run_once(config, MONDAY, env={})
    assert result.mail_notes == []
    by_rcpt = {tuple(rcpts): parse(raw) for rcpts, raw in inbox.messages}
    water = by_rcpt[("slj@example.gov.cn",)]  # 县水利局 has overdue cases in the sample
    assert water["Subject"] == "【台账周检】县水利局：2026-05-11 待办事项"
    body = water.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("县水利局：") and "逾期" in body
    assert not list(water.iter_attachments())  # other units' cases stay in the office's report


def test_smtp_failure_is_logged_and_report_kept(tmp_path: Path, tmp_path_factory, caplog) -> None:
    sample_copy(tmp_path, cache_dir=tmp_path_factory.getbasetemp())
    config = write_config(tmp_path, mail_config(tmp_path, free_port()))  # nothing listens there
    with caplog.at_level(logging.ERROR, logger="taizhang.weekly"):
        result = run_once(config, MONDAY, env={})
    assert len(result.mail_notes) == 1 and "发送失败" in result.mail_notes[0]
    assert any("发送失败" in r.getMessage() for r in caplog.records)
    report = result.ledgers[0].report
    assert report is not None and report.is_file()
    assert int(result.exit_code) == 2  # a mail that did not go out needs someone to act


def test_missing_password_is_a_send_failure_not_a_crash(tmp_path: Path, tmp_path_factory, smtp) -> None:
    inbox, port = smtp
    sample_copy(tmp_path, cache_dir=tmp_path_factory.getbasetemp())
    config = write_config(tmp_path, mail_config(tmp_path, port, 'user = "duban"\npassword_env = "TZ_TEST_PW"\n'))
    result = run_once(config, MONDAY, env={})
    assert inbox.messages == []
    assert "TZ_TEST_PW" in result.mail_notes[0]
