"""`taizhang collect` against a real IMAP server (dovecot on loopback, tests/imap_server.py): the
right files saved under safe names, everything else reported with its reason, processed messages
moved (or flagged on a server without MOVE), a second collect fetches nothing, a dry run changes
nothing. The 回收情况 workbook is read back with python-calamine."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from taizhang.macros.jobs.collect import collect
from taizhang.macros.jobs.mailbox import imap_utf7
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
from tests.hostile import XXE, with_doctype
from tests.imap_server import NO_MOVE, PASSWORD, ImapServer, running_dovecot
from tests.test_acceptance_jobs import blank, run  # noqa: F401 (blank is a fixture)

PROCESSED = "台账助手已回收"
ENV = {PASSWORD_ENV: PASSWORD}
SENT_AT = datetime(2026, 5, 20, 10, 0)



@pytest.fixture
def office(blank: Path, tmp_path: Path) -> dict[str, Path]:  # noqa: F811
    master = office_master(blank, tmp_path / "台账.xlsx")
    books = split_books(master, tmp_path / "分发")
    add_dispatch_log(master, sent_rows(books, SENT_AT))
    return {"master": master, **books}


def edited(office: dict[str, Path], unit: str, tmp: Path) -> bytes:
    """The unit's book with its reply date filled in, as the unit saves it."""
    number = "第2号" if unit == "县教育和体育局" else "第1号"
    field = "协办意见日期" if unit == "县财政局" else "正式答复日期"
    dest = edit_book(office[unit], tmp / "units" / f"{unit}.xlsx", {(number, field): datetime(2026, 5, 22)})
    return dest.read_bytes()


def test_returns_saved_the_rest_reported_messages_moved_and_a_rerun_fetches_nothing(
        imap: ImapServer, office: dict[str, Path], tmp_path: Path) -> None:
    transport = edited(office, "县交通运输局", tmp_path)
    finance = edited(office, "县财政局", tmp_path)
    education = edited(office, "县教育和体育局", tmp_path)
    xxe = with_doctype(tmp_path / "units" / "县交通运输局.xlsx", tmp_path / "xxe.xlsx", XXE, "&x;").read_bytes()
    big = os.urandom(1_300_000)  # over the 1 MB limit, the message under 3 MB: downloaded, not saved
    huge = os.urandom(3_500_000)  # the message itself over 3 x 1 MB: not even downloaded
    mails = [
        return_mail(ADDRESS["县交通运输局"], "交通局回传", [("交通局回传.xlsx", transport)], datetime(2026, 5, 22, 9)),
        return_mail(ADDRESS["县财政局"], "财政局回传", [("财政局.xlsx", finance), ("说明.docx", b"PK\x03\x04 docx")],
                    datetime(2026, 5, 22, 10)),
        return_mail("someone@qq.example.com", "教体局的表", [("教体局.xlsx", education)], datetime(2026, 5, 22, 11)),
        return_mail(ADDRESS["县交通运输局"], "大文件", [("big.xlsx", big)], datetime(2026, 5, 22, 12)),
        return_mail(ADDRESS["县交通运输局"], "更大的文件", [("huge.xlsx", huge)], datetime(2026, 5, 22, 12, 30)),
        return_mail(ADDRESS["县财政局"], "财政局再次回传", [("财政局.xlsx", finance)], datetime(2026, 5, 23, 9)),
        return_mail(ADDRESS["县财政局"], "伪装的表", [("fake.xlsx", b"not a workbook at all")], datetime(2026, 5, 23, 10)),
        return_mail(ADDRESS["县交通运输局"], "带实体的表", [("实体.xlsx", xxe)], datetime(2026, 5, 23, 10, 30)),
        return_mail("leader@example.gov.cn", "开会通知", [], datetime(2026, 5, 23, 11)),
        return_mail("news@example.com", "简报", [("logo.png", b"\x89PNG\r\n")], datetime(2026, 5, 23, 12)),
    ]
    for msg in mails:
        imap.append(msg)
    config = write_config(office["master"].parent, imap.port)

    result = collect(config, TODAY, env=ENV)

    folder = office["master"].parent / "回收" / TODAY.isoformat()
    saved = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert saved == {"交通局回传.xlsx": transport, "财政局.xlsx": finance, "财政局 (2).xlsx": finance,
                     "教体局.xlsx": education}
    assert result.messages == 10
    reasons = {r.name: r.reason for r in result.refused}
    assert set(reasons) == {"说明.docx", "big.xlsx", "（整封邮件）", "fake.xlsx", "实体.xlsx"}
    assert "实体" in reasons["实体.xlsx"] and "未保存" in reasons["实体.xlsx"]
    assert "不是 Excel 工作簿" in reasons["说明.docx"]
    assert "超过上限 1 MB" in reasons["big.xlsx"]
    assert "未下载" in reasons["（整封邮件）"]
    assert "不是 Excel 工作簿" in reasons["fake.xlsx"]
    by_unit = {s.unit: s for s in result.units}
    assert [len(by_unit[u].returns) for u in ("县交通运输局", "县财政局", "县教育和体育局")] == [1, 2, 1]
    assert any("回传了 2 次" in n for n in by_unit["县财政局"].notes)
    flagged = {r.file: r.sender_note for r in result.saved if r.sender_note}
    assert list(flagged) == [f"{TODAY.isoformat()}/教体局.xlsx"]
    assert "someone@qq.example.com" in flagged[f"{TODAY.isoformat()}/教体局.xlsx"]
    # processed messages moved; other mail (no attachment, or not a unit's and no workbook) stays, unread
    assert imap.subjects("INBOX") == ["开会通知", "简报"]
    assert all("\\Seen" not in flags for flags in imap.flags("INBOX"))
    assert sorted(imap.subjects(imap_utf7(PROCESSED))) == sorted(str(m["Subject"]) for m in mails[:-2])
    # the 回收情况 workbook, read independently
    report = CalamineWorkbook.from_path(str(result.report))
    rows = report.get_sheet_by_name("回收情况").to_python()
    table = {row[0]: row for row in rows[3:] if row[0]}
    assert set(table) == {"县交通运输局", "县财政局", "县教育和体育局"}
    assert table["县财政局"][4] == "已回传 2 次" and table["县财政局"][5] == "财政局.xlsx、财政局 (2).xlsx"
    assert table["县教育和体育局"][7] == "someone@qq.example.com" and "请核实" in table["县教育和体育局"][9]
    refused = report.get_sheet_by_name("未收下的附件").to_python()
    assert sorted(r[3] for r in refused[1:]) == sorted(reasons)

    again = collect(config, TODAY, env=ENV)
    assert again.messages == 0 and again.saved == [] and again.refused == []
    assert sorted(p.name for p in folder.iterdir()) == sorted(saved)
    assert [len(s.returns) for s in again.units] == [1, 2, 1]  # the record of earlier runs counts


def test_hostile_file_names_stay_in_the_folder_valid_and_apart(imap: ImapServer, office: dict[str, Path],
                                                             tmp_path: Path) -> None:
    book = edited(office, "县交通运输局", tmp_path)
    names = ["../../x.xlsx", "..\\..\\evil.xlsx", "CON.xlsx", "lpt1.XLSX", "a\x07b\nc\u202ed.xlsx", "长" * 300 + ".xlsx",
             "x.xlsx", ".xlsx"]
    imap.append(return_mail(ADDRESS["县交通运输局"], "文件名", [(n, book) for n in names], datetime(2026, 5, 22, 9)))
    config = write_config(office["master"].parent, imap.port)

    result = collect(config, TODAY, env=ENV)

    folder = office["master"].parent / "回收" / TODAY.isoformat()
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == len(names) == len(result.saved)
    assert all(p.read_bytes() == book for p in folder.iterdir())
    assert not (tmp_path / "x.xlsx").exists() and not (office["master"].parent.parent / "x.xlsx").exists()
    reserved = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}
    for name in files:
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert all(ord(ch) >= 0x20 and ch not in '<>:"|?*\u202e' for ch in name), name
        assert name.split(".")[0].upper() not in reserved, name
        assert len(name.encode("utf-8")) <= 200 and name.lower().endswith(".xlsx")
    assert "x.xlsx" in files and "x (2).xlsx" in files  # "../../x.xlsx" and "x.xlsx" do not overwrite each other
    assert "evil.xlsx" in files and "_CON.xlsx" in files and "_lpt1.xlsx" in files


def test_dry_run_saves_and_moves_nothing_then_the_real_run_takes_all(imap: ImapServer, office: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    imap.append(return_mail(ADDRESS["县交通运输局"], "交通局回传",
                            [("交通局.xlsx", edited(office, "县交通运输局", tmp_path))], datetime(2026, 5, 22, 9)))
    config = write_config(office["master"].parent, imap.port)
    back = office["master"].parent / "回收"

    dry = run("collect", "--config", config.base / "周检.toml", "--dry-run", "--today", TODAY.isoformat())

    assert dry.exit_code == 2 and PASSWORD_ENV in dry.output  # no password in the environment
    os.environ[PASSWORD_ENV] = PASSWORD
    try:
        dry = run("collect", "--config", config.base / "周检.toml", "--dry-run", "--today", TODAY.isoformat())
        assert dry.exit_code == 0, dry.output
        assert "试运行" in dry.output and "县交通运输局" in dry.output
        assert not back.exists()
        assert imap.subjects("INBOX") == ["交通局回传"]
        real = run("collect", "--config", config.base / "周检.toml", "--today", TODAY.isoformat())
    finally:
        del os.environ[PASSWORD_ENV]
    assert real.exit_code == 0, real.output
    assert [p.name for p in (back / TODAY.isoformat()).iterdir()] == ["交通局.xlsx"]
    assert imap.subjects("INBOX") == []
    # 财政 and 教体局 were sent a book on 05-20 and have not answered: 5 days
    assert "县财政局：已发送 2026-05-20 10:00；未回传（已发出 5 天）" in real.output


def test_a_server_without_move_gets_the_messages_flagged_and_a_rerun_fetches_nothing(
        office: dict[str, Path], tmp_path: Path) -> None:
    with running_dovecot(capability=NO_MOVE) as server:
        server.append(return_mail(ADDRESS["县财政局"], "财政局回传",
                                  [("财政局.xlsx", edited(office, "县财政局", tmp_path))], datetime(2026, 5, 22, 9)))
        config = write_config(office["master"].parent, server.port)
        first = collect(config, TODAY, env=ENV)
        assert [r.unit for r in first.saved] == ["县财政局"]
        assert server.subjects("INBOX") == ["财政局回传"]  # not moved: flagged
        flags = server.flags("INBOX")[0]
        assert "\\Seen" in flags and "$TaizhangCollected" in flags
        assert server.subjects(imap_utf7(PROCESSED)) == []
        again = collect(config, TODAY, env=ENV)
        assert again.messages == 0


def test_since_leaves_older_mail_for_later(imap: ImapServer, office: dict[str, Path], tmp_path: Path) -> None:
    book = edited(office, "县财政局", tmp_path)
    imap.append(return_mail(ADDRESS["县财政局"], "早先的", [("旧.xlsx", book)], datetime(2026, 5, 18, 9)),
                arrived=datetime(2026, 5, 18, 9))
    imap.append(return_mail(ADDRESS["县财政局"], "财政局回传", [("财政局.xlsx", book)], datetime(2026, 5, 22, 9)),
                arrived=datetime(2026, 5, 22, 9))
    config = write_config(office["master"].parent, imap.port)
    result = collect(config, TODAY, since=SPLIT_DAY, env=ENV)
    assert result.messages == 1 and [r.subject for r in result.saved] == ["财政局回传"]
    assert imap.subjects("INBOX") == ["早先的"]


def test_plain_imap_only_to_this_computer(tmp_path: Path) -> None:
    path = tmp_path / "周检.toml"
    path.write_text('[run]\nledgers = ["台账.xlsx"]\n[imap]\nhost = "imap.example.gov.cn"\nsecurity = "none"\n'
                    'user = "a@b.cn"\n', encoding="utf-8")
    result = run("collect", "--config", path)
    assert result.exit_code == 2 and "127.0.0.1" in result.output


def test_a_server_gone_in_the_middle_is_a_clear_message(office: dict[str, Path]) -> None:
    from taizhang.core.errors import BadInput
    from taizhang.macros.jobs.mailbox import Mailbox

    with running_dovecot() as server:
        config = write_config(office["master"].parent, server.port)
        assert config.imap is not None
        with Mailbox(config.imap, ENV) as box:
            server.stop()
            with pytest.raises(BadInput, match="通信中断（搜索邮件）"):
                box.new_messages()
