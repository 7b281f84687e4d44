"""The ribbon's 回收合并 with the office's mail settings: collect from the mailbox (dovecot on
loopback), then merge what arrived into the open workbook (the in-memory xlwings stand-in, as
tests/test_addin_live.py), the same values as the command line. The settings are taken only from
the user's folder (office_config_path), never from beside the ledger, and only for the ledger they
name."""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

import pytest

from taizhang.macros.excel import ribbon
from taizhang.macros.jobs.merge import merge
from taizhang.workbook.addin.config import office_config_path
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
)
from tests.fake_xlwings import FakeBook
from tests.imap_server import PASSWORD, ImapServer
from tests.test_acceptance_jobs import blank  # noqa: F401 (a fixture)


def imap_config(ledger: Path, port: int) -> str:
    return (f'[run]\nledgers = ["{ledger.as_posix()}"]\n[imap]\nhost = "127.0.0.1"\nport = {port}\n'
            f'security = "none"\nuser = "office@example.gov.cn"\npassword_env = "{PASSWORD_ENV}"\n')


@pytest.fixture
def office(blank: Path, tmp_path: Path, imap: ImapServer, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    """A master split on 05-20 whose 交通 unit has mailed back its filled book; the user folder is tmp."""
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "user"))
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    master = office_master(blank, tmp_path / "办公室" / "台账.xlsx")
    books = split_books(master, tmp_path / "分发")
    add_dispatch_log(master, sent_rows(books, datetime(2026, 5, 20, 10, 0)))
    filled = edit_book(books["县交通运输局"], tmp_path / "u" / "交通.xlsx", {("第1号", "面商日期"): date(2026, 4, 1)})
    imap.append(return_mail(ADDRESS["县交通运输局"], "交通", [("交通.xlsx", filled.read_bytes())],
                            datetime(2026, 5, 22, 9)))
    return master


def test_merge_button_collects_then_merges_what_arrived(office: Path, imap: ImapServer, tmp_path: Path) -> None:
    config = office_config_path()
    assert config.is_relative_to(tmp_path / "user")
    config.parent.mkdir(parents=True)
    config.write_text(imap_config(office, imap.port), encoding="utf-8")
    cli_copy = shutil.copyfile(office, tmp_path / "cli.xlsx")
    book = FakeBook.from_file(office, saved=True)

    message = ribbon.run("merge", book, TODAY)

    assert "收取邮件 1 封" in message and "回收合并完成" in message, message
    assert "县财政局：已发送 2026-05-20 10:00；未回传（已发出 5 天）" in message
    assert imap.subjects("INBOX") == []
    [arrived] = list((office.parent / "回收" / TODAY.isoformat()).iterdir())
    report = merge(cli_copy, [arrived], TODAY)  # the command line on the same file, independently
    assert [(c.number, c.field, c.new) for f in report.files for c in f.changes] == [("第1号", "面商日期", "2026-04-01")]
    ws = book.sheet("台账")
    header = next(r for r in range(1, 5) if "编号" in [ws.cell(r, c) for c in range(1, 60)])
    col = {ws.cell(header, c): c for c in range(1, 60) if ws.cell(header, c)}
    row = next(r for r in range(header + 1, header + 10) if ws.cell(r, col["编号"]) == "第1号")
    assert ws.cell(row, col["面商日期"]) in (date(2026, 4, 1), datetime(2026, 4, 1))


def test_settings_beside_the_ledger_are_never_used(office: Path, imap: ImapServer) -> None:
    (office.parent / "周检.toml").write_text(imap_config(office, imap.port), encoding="utf-8")
    (office.parent / "taizhang.conf").write_text(imap_config(office, imap.port), encoding="utf-8")
    message = ribbon.run("merge", FakeBook.from_file(office, saved=True), TODAY)
    assert "没有找到回收的文件" in message
    assert imap.subjects("INBOX") == ["交通"]  # nothing collected


def test_settings_for_another_ledger_collect_nothing(office: Path, imap: ImapServer, tmp_path: Path) -> None:
    other = shutil.copyfile(office, tmp_path / "另一个台账.xlsx")
    config = office_config_path()
    config.parent.mkdir(parents=True)
    config.write_text(imap_config(other, imap.port), encoding="utf-8")
    message = ribbon.run("merge", FakeBook.from_file(office, saved=True), TODAY)
    assert "不是当前工作簿" in message and "没有收取邮件" in message
    assert imap.subjects("INBOX") == ["交通"]


def test_a_mail_server_that_is_down_still_merges_the_folder(office: Path, tmp_path: Path) -> None:
    from tests.imap_server import free_port

    config = office_config_path()
    config.parent.mkdir(parents=True)
    config.write_text(imap_config(office, free_port()), encoding="utf-8")
    dropped = office.parent / "回收"
    dropped.mkdir()
    shutil.copyfile(tmp_path / "u" / "交通.xlsx", dropped / "交通.xlsx")  # saved from the mail by hand
    message = ribbon.run("merge", FakeBook.from_file(office, saved=True), TODAY)
    assert "未能收取回传邮件" in message and "无法连接收信服务器" in message
    assert "回收合并完成：1 个文件共 1 处改动" in message
