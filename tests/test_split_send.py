"""`taizhang split --send` through a real SMTP server on loopback (aiosmtpd): one message per unit
with an address, each carrying exactly that unit's workbook (opened with calamine and compared with
the master's cases, worked out here from the master's own cells), the Chinese subject and attachment
name decoded with the email package; a refused recipient is 发送失败 with the server's reason in the
分发记录 (read back with calamine) and the rerun sends only it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from taizhang.macros.cli.split_merge import split_cmd
from taizhang.macros.jobs.demo import write_sample
from tests.test_merge_roundtrip import TODAY
from tests.test_weekly_mail import parse
from tests.weekly_helpers import Inbox, running_smtp, sheet_rows

UNITS = ("县财政局", "县民政局", "县水利局")
REFUSED = "slj@example.gov.cn"  # 县水利局's address
SEPARATORS = re.compile(r"[、，,;；\n]")


class PickyInbox(Inbox):
    """Accepts every recipient but those in `refuse`, which it answers with a permanent error."""

    def __init__(self) -> None:
        super().__init__()
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:  # type: ignore[no-untyped-def]
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp() -> Any:  # this file's server answers like a strict real one (PickyInbox)
    with running_smtp(PickyInbox()) as server:
        yield server


OFFICE = "清河县人民政府办公室"


def setup(folder: Path, port: int) -> Path:
    master = write_sample(folder / "台账.xlsx", TODAY)
    (folder / "周检.toml").write_text(
        f'[run]\nledgers = ["台账.xlsx"]\n[email]\nhost = "127.0.0.1"\nport = {port}\ntimeout = 10\n'
        'sender = "duban@example.gov.cn"\n', encoding="utf-8")
    return master


def run(master: Path, out: Path, *extra: str) -> Any:
    return CliRunner().invoke(split_cmd, [str(master), "--out", str(out), "--today", TODAY.isoformat(),
                                          *[a for u in UNITS for a in ("--unit", u)], *extra])


def directory(master: Path) -> dict[str, tuple[set[str], str | None]]:
    """Each unit's spellings and address, from the 单位名录 cells."""
    rows = sheet_rows(master, "单位名录")
    head = rows[0]
    out: dict[str, tuple[set[str], str | None]] = {}
    for r in rows[1:]:
        cell = dict(zip(head, r, strict=False))
        names = {cell["单位名称"], cell["简称"], *SEPARATORS.split(str(cell["别名"] or ""))} - {"", None}
        out[str(cell["单位名称"])] = ({str(n) for n in names}, str(cell["电子邮箱"] or "") or None)
    return out


def unit_cases(master: Path, unit: str) -> set[str]:
    """The 编号 of every case the unit hosts or co-handles, from the ledger's cells."""
    spellings = directory(master)[unit][0]
    rows = sheet_rows(master, "台账")
    at = next(i for i, r in enumerate(rows) if "编号" in r and "主办单位" in r)
    head = rows[at]
    found: set[str] = set()
    for r in rows[at + 1:]:
        cell = dict(zip(head, r, strict=False))
        co = {c.strip() for c in SEPARATORS.split(str(cell["协办单位"] or ""))}
        if cell["编号"] and (cell["主办单位"] in spellings or co & spellings):
            found.add(str(cell["编号"]))
    return found


def book_cases(path: Path) -> set[str]:
    rows = sheet_rows(path, "台账")
    col = rows[1].index("编号")
    return {str(r[col]) for r in rows[2:] if r[col]}


def log(master: Path) -> list[dict[str, Any]]:
    rows = sheet_rows(master, "分发记录")
    return [dict(zip(rows[2], r, strict=False)) for r in rows[3:] if any(r)]


def test_each_unit_gets_its_own_workbook_by_mail(tmp_path: Path, smtp: Any) -> None:
    inbox, port = smtp
    master = setup(tmp_path, port)
    result = run(master, tmp_path / "分发", "--send")
    assert result.exit_code == 0, result.output
    addresses = {unit: directory(master)[unit][1] for unit in UNITS}
    assert sorted(rcpt for rcpts, _ in inbox.messages for rcpt in rcpts) == sorted(addresses.values())
    for rcpts, raw in inbox.messages:
        unit = next(u for u, a in addresses.items() if [a] == rcpts)
        msg = parse(raw)
        assert msg["Subject"] == f"{OFFICE}：2026年建议提案办理情况表（2026年5月20日分发）"
        assert "=?utf-8?" in raw.decode("ascii").split("\r\n\r\n")[0].lower()  # encoded, not raw UTF-8
        [attachment] = list(msg.iter_attachments())
        name = attachment.get_filename()
        assert name == f"{unit}_2026建议提案办理_20260520.xlsx"
        assert re.search(r"filename\*(0\*)?=utf-8''", raw.decode("ascii"))  # RFC 2231 (continued when long)
        saved = tmp_path / "收到" / name
        saved.parent.mkdir(exist_ok=True)
        saved.write_bytes(attachment.get_content())
        assert saved.read_bytes() == (tmp_path / "分发" / name).read_bytes()
        assert book_cases(saved) == unit_cases(master, unit)
        body = msg.get_body(preferencelist=("plain",)).get_content()
        assert body.startswith(f"{unit}：") and name in body
    rows = log(master)
    assert {r["单位"] for r in rows} == set(UNITS)
    for r in rows:
        assert (r["发送结果"], r["电子邮箱"]) == ("已发送", addresses[r["单位"]])
        assert r["邮件标识"].startswith("<") and r["发送时间"]
    assert "已发送" in result.output


def test_a_refused_recipient_is_recorded_and_only_it_is_sent_again(tmp_path: Path, smtp: Any) -> None:
    inbox, port = smtp
    master = setup(tmp_path, port)
    inbox.refuse.add(REFUSED)
    first = run(master, tmp_path / "分发", "--send")
    assert first.exit_code == 1, first.output
    assert "县水利局" in first.output and "发送失败" in first.output and "mailbox unavailable" in first.output
    assert len(inbox.messages) == 2
    by_unit = {r["单位"]: r for r in log(master)}
    assert by_unit["县水利局"]["发送结果"] == "发送失败" and "mailbox unavailable" in by_unit["县水利局"]["说明"]
    assert by_unit["县财政局"]["发送结果"] == "已发送"
    inbox.refuse.clear()
    again = run(master, tmp_path / "再发", "--send")
    assert again.exit_code == 0, again.output
    assert [rcpts for rcpts, _ in inbox.messages[2:]] == [[REFUSED]]
    assert sorted(p.name for p in (tmp_path / "再发").glob("*.xlsx")) == ["县水利局_2026建议提案办理_20260520.xlsx"]
    rows = log(master)
    assert [r["单位"] for r in rows].count("县财政局") == 1  # not split again: its book stands
    assert [r["发送结果"] for r in rows if r["单位"] == "县水利局"] == ["发送失败", "已发送"]
    everyone = run(master, tmp_path / "全部", "--send", "--all")
    assert everyone.exit_code == 0, everyone.output
    assert len(inbox.messages) == 2 + 1 + 3


def test_units_without_an_address_are_listed_and_nothing_is_mailed_without_send(tmp_path: Path, smtp: Any) -> None:
    inbox, port = smtp
    master = setup(tmp_path, port)
    row = next(i for i, r in enumerate(sheet_rows(master, "单位名录"), start=1) if r[0] == "县民政局")
    book = openpyxl.load_workbook(master)  # the office clears the address in Excel
    book["单位名录"][f"F{row}"] = None
    book.save(master)
    plain = run(master, tmp_path / "不发")
    assert plain.exit_code == 0, plain.output
    assert inbox.messages == [] and {r["发送结果"] for r in log(master)} == {"未发送"}
    sent = run(master, tmp_path / "分发", "--send")
    assert sent.exit_code == 0, sent.output
    assert "没有电子邮箱" in sent.output and "县民政局" in sent.output.split("没有电子邮箱")[1]
    assert len(inbox.messages) == 2 and "mzj@example.gov.cn" not in str(inbox.messages)
    assert not list((tmp_path / "分发").glob("县民政局*"))  # it keeps the book it was handed: its return still counts
    assert {r["说明"] for r in log(master) if r["单位"] == "县民政局"} == {"单位名录中没有该单位的电子邮箱"}


def test_send_needs_the_mail_settings(tmp_path: Path) -> None:
    master = write_sample(tmp_path / "台账.xlsx", TODAY)
    result = run(master, tmp_path / "分发", "--send")
    assert result.exit_code == 2 and "周检.toml" in result.output
    assert not (tmp_path / "分发").exists()
    assert "周检.toml" in CliRunner().invoke(split_cmd, ["--help"]).output
