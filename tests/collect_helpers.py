"""An office for the collect tests: a master with three units and their addresses in 单位名录, split
into unit books, the 分发记录 as `split --send` writes it (built here, with send times the test chooses), the config, and
return mails as units send them."""

from __future__ import annotations

from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from taizhang.macros.weekly.config import WeeklyConfig, load_config
from taizhang.workbook.writer import LedgerWriter, ToolSheet
from tests.test_acceptance_exchange import edit as edit_book  # noqa: F401 (the tests import it from here)
from tests.test_acceptance_jobs import build, case, run

SPLIT_DAY = date(2026, 5, 20)
TODAY = date(2026, 5, 25)
PASSWORD_ENV = "TAIZHANG_TEST_IMAP_PASSWORD"
# name, short name, alias, kind, e-mail
UNITS = (
    ("县交通运输局", "县交通局", "", "承办单位", "jt@jt.example.gov.cn"),
    ("县财政局", "", "", "承办单位", "cz@cz.example.gov.cn"),
    ("县教育和体育局", "县教体局", "教体局", "承办单位", "jy@jy.example.gov.cn"),
)
ADDRESS = {u[0]: u[4] for u in UNITS}
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def office_master(blank: Path, dest: Path) -> Path:
    """A ledger with three cases: 第1号 hosted by 交通 with 财政 co-handling, 第2号 and 第3号 by 教体局."""
    rows = [
        case(1, 交办日期=date(2026, 3, 20), 主办单位="县交通运输局", 协办单位="县财政局"),
        case(2, 交办日期=date(2026, 3, 20), 主办单位="县教育和体育局"),
        case(3, 交办日期=date(2026, 3, 20), 主办单位="教体局"),
    ]
    return build(blank, dest, rows, UNITS)


def split_books(master: Path, out: Path, day: date = SPLIT_DAY) -> dict[str, Path]:
    result = run("split", master, "--out", out, "--today", day.isoformat())
    assert result.exit_code == 0, result.output
    return {p.name.split("_")[0]: p for p in out.glob("*.xlsx")}


DISPATCH_HEADERS = ("分发编号", "分发时间", "单位", "件数", "编号", "文件名", "电子邮箱", "发送结果", "邮件标识", "发送时间", "说明")


def add_dispatch_log(master: Path, rows: list[dict[str, Any]]) -> None:
    """The 分发记录 sheet as `split --send` records it (header on row 3), through the lossless writer."""
    sheet = ToolSheet("分发记录")
    sheet.write(1, 1, "分发记录")
    for c, header in enumerate(DISPATCH_HEADERS, start=1):
        sheet.write(3, c, header)
    for r, row in enumerate(rows, start=4):
        for c, header in enumerate(DISPATCH_HEADERS, start=1):
            sheet.write(r, c, row.get(header))
    with LedgerWriter(master) as writer:
        writer.replace_sheet(sheet)
        writer.commit()


def sent_rows(files: dict[str, Path], when: datetime, split_id: str = "", failed: tuple[str, ...] = ()) -> list[dict[str, Any]]:
    return [{"分发编号": split_id, "分发时间": when, "单位": unit, "件数": 1, "文件名": path.name,
             "电子邮箱": ADDRESS[unit], "发送结果": "发送失败" if unit in failed else "已发送",
             "发送时间": None if unit in failed else when} for unit, path in files.items()]


def write_config(folder: Path, port: int, extra: str = "", run_extra: str = "") -> WeeklyConfig:
    text = (f'[run]\nledgers = ["台账.xlsx"]\n{run_extra}\n'
            f'[imap]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nuser = "office@example.gov.cn"\n'
            f'password_env = "{PASSWORD_ENV}"\nmax_attachment_mb = 1\n{extra}')
    path = folder / "周检.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def return_mail(sender: str, subject: str, files: list[tuple[str, bytes]], when: datetime,
                to: str = "office@example.gov.cn") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(when.astimezone())
    msg.set_content("附件是我单位填好的办理情况表，请查收。", charset="utf-8")
    for name, data in files:
        if name.lower().endswith((".xlsx", ".xls")):
            msg.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)
        else:
            msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg
