"""Mailing each unit its workbook after a split (`taizhang split --send`, the 分发各单位 button).

One message per unit with an 电子邮箱 in 单位名录: the unit's workbook attached (RFC 2231 name),
the cover note as the body, a UTF-8 subject naming the office (办理机关), the year and the date.
The messages go out through the config's [email] settings, in parallel within one overall deadline
(the weekly mail's `send_all`). Each unit's outcome goes into its 分发记录 row: 已发送 with the
Message-ID and the time, or 发送失败 with the server's reason in 说明."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from taizhang.core.errors import BadInput
from taizhang.core.exchange import SEND_FAILED, SENT
from taizhang.core.names import SEND_LOG_SHEET
from taizhang.core.settings import OFFICE_PLACEHOLDER
from taizhang.macros.jobs.dispatch import send_log_sheet
from taizhang.macros.jobs.split import SplitResult, UnitFile
from taizhang.macros.weekly.config import EmailSettings, load_config
from taizhang.macros.weekly.mail import XLSX_TYPE, send_all
from taizhang.workbook.dispatch import read_send_log
from taizhang.workbook.reader import open_workbook
from taizhang.workbook.writer import LedgerWriter, ToolSheet

STATUS, MESSAGE_ID, SENT_AT, NOTE = 7, 8, 9, 10  # columns of a 分发记录 row (SEND_LOG_HEADERS)


@dataclass
class Delivery:
    """How sending one unit its workbook went."""

    unit: str
    address: str
    error: str | None  # None: sent
    message_id: str
    when: datetime

    def line(self) -> str:
        if self.error is None:
            return f"  {self.unit}（{self.address}）：已发送"
        return f"  {self.unit}（{self.address}）：发送失败，{self.error}"


def mail_settings(config: Path) -> EmailSettings:
    """The [email] settings of a weekly config; BadInput when the file or the section is missing."""
    loaded = load_config(config)
    if loaded.email is None:
        raise BadInput(f"配置文件“{config}”中没有 [email] 部分，无法发送邮件。请按 taizhang schedule --init 生成的示例"
                       "填写发信服务器后再加 --send")
    return loaded.email


def subject(office: str | None, year: int | None, today: date) -> str:
    return f"{office or OFFICE_PLACEHOLDER}：{year or today.year}年建议提案办理情况表（{today.year}年{today.month}月{today.day}日分发）"


def unit_message(settings: EmailSettings, f: UnitFile, title: str) -> EmailMessage:
    """The message to one unit: its cover note as the body, its workbook attached."""
    msg = EmailMessage()  # policy=default: UTF-8 headers (RFC 2047), RFC 2231 file names
    msg["Subject"] = title
    msg["From"] = settings.sender
    msg["To"] = f.email or ""
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    msg.set_content(f.note.read_text(encoding="utf-8"), charset="utf-8")
    msg.add_attachment(f.path.read_bytes(), maintype=XLSX_TYPE[0], subtype=XLSX_TYPE[1], filename=f.path.name)
    return msg


def send_books(result: SplitResult, settings: EmailSettings, today: date, now: datetime,
               env: Mapping[str, str] | None = None) -> list[Delivery]:
    """Mail every unit of `result` that has an address its workbook; one Delivery per unit mailed."""
    files = [f for f in result.files if f.email]
    title = subject(result.office, result.year, today)
    messages = [unit_message(settings, f, title) for f in files]
    outcomes = send_all(messages, settings, os.environ if env is None else env)
    return [Delivery(f.unit, f.email or "", error, str(msg["Message-ID"]), now)
            for f, msg, error in zip(files, messages, outcomes, strict=True)]


def apply_deliveries(rows: list[list[Any]], split_id: str, deliveries: list[Delivery]) -> list[list[Any]]:
    """The 分发记录 rows with each delivery written into its unit's row of split `split_id`."""
    by_unit = {d.unit: d for d in deliveries}
    out: list[list[Any]] = []
    for row in rows:
        row = list(row)
        d = by_unit.get(row[2]) if row[0] == split_id else None
        if d is not None:
            row[STATUS] = SENT if d.error is None else SEND_FAILED
            row[MESSAGE_ID] = d.message_id if d.error is None else None
            row[SENT_AT] = d.when.strftime("%Y-%m-%d %H:%M:%S")
            row[NOTE] = d.error
        out.append(row)
    return out


def record_deliveries(ledger: Path, split_id: str, deliveries: list[Delivery]) -> str:
    """Write the deliveries into the master's 分发记录 (lossless writer); returns the writer's note."""
    with LedgerWriter(ledger) as writer:
        with open_workbook(ledger) as book:
            rows = read_send_log(book)
        writer.replace_sheet(updated_log(rows, split_id, deliveries))
        result = writer.commit()
    return f"发送结果已记入台账的“{SEND_LOG_SHEET}”工作表" + (f"（原文件备份在“{result.backup}”）" if result.backup else "")


def updated_log(rows: list[list[Any]], split_id: str, deliveries: list[Delivery]) -> ToolSheet:
    return send_log_sheet(apply_deliveries(rows, split_id, deliveries))


def sent_text(result: SplitResult, deliveries: list[Delivery]) -> str:
    """Per unit: sent or failed with the reason; then the units without an address."""
    sent = sum(d.error is None for d in deliveries)
    lines = [f"邮件发送：{sent} 个单位已发送，{len(deliveries) - sent} 个单位发送失败"
             + ("（再次运行 split --send 只重发未发送成功的单位）" if sent < len(deliveries) else "") + "："]
    lines += [d.line() for d in deliveries]
    missing = [f.unit for f in result.files if not f.email]
    if missing:
        lines.append(f"  单位名录中没有电子邮箱、未发送（工作簿在输出文件夹中，请另行送达）：{'、'.join(missing)}")
    return "\n".join(lines)
