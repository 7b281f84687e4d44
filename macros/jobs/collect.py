"""`taizhang collect`: the units' returned workbooks from the office mailbox into 回收/YYYY-MM-DD/,
each matched to its unit, and the 回收情况: who was sent a workbook, who has returned it, who not.

Per message (macros/jobs/mailbox.py): every attachment ending in .xlsx or .xls and within the size
limit is saved under a safe name (macros/jobs/safe_names.py); anything else is refused and listed
with its reason. A saved file is then read only through the returned-file guard and only its
分发校验 sheet (workbook/dispatch.py) for its unit and 分发编号; a file that fails is deleted again
and listed (the mail stays in the processed folder as evidence). The sender is checked against the
unit's 电子邮箱 in 单位名录: a mismatch is kept but flagged. A dry run saves to a temporary folder,
deleted at the end, and neither moves messages nor writes anything.

The record of what was collected (`.taizhang-collect.json` in the 回收 folder) is written after each
message and before the message is moved, so the 回收情况 counts returns of earlier runs too.
The 回收情况 goes to the screen and to 回收/回收情况_YYYY-MM-DD.xlsx, not into the master: collect
runs while the master is open in Excel (the ribbon's button, an 08:30 weekly run) and must not need
to write it; the master's own records are split's 分发记录 and merge's 变更记录."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from taizhang.core.errors import BadInput, ExitCode, FileInUse, TaizhangError
from taizhang.core.settings import Settings
from taizhang.macros.jobs import sheet_styles as st
from taizhang.macros.jobs.mailbox import Mail, Mailbox
from taizhang.macros.jobs.safe_names import safe_name, unique_path
from taizhang.macros.weekly.changes import write_atomic
from taizhang.macros.weekly.config import ImapSettings, WeeklyConfig
from taizhang.workbook.dispatch import DISPATCH_SHEET, DispatchEntry, read_dispatch_log, read_return_meta
from taizhang.workbook.reader import read_workbook
from taizhang.workbook.writer import CellValue, ToolSheet, new_workbook_with_sheets
from taizhang.workbook.writer.safety import complete

WORKBOOK_SUFFIXES = (".xlsx", ".xls")
HISTORY_NAME = ".taizhang-collect.json"
LOCK_NAME = ".taizhang-collect.lock"
REPORT_PREFIX = "回收情况_"
MB = 1024 * 1024
_ADDRESS_SPLIT = re.compile(r"[;,，；、\s]+")
MOMENT = replace(st.DATE, number_format="yyyy-mm-dd hh:mm")


@dataclass
class Returned:
    """A workbook a unit sent back: the file it was saved as, the unit and 分发编号 it carries, and
    the mail it came in. `sender_note` says why the sender is not the unit's address ("" when it is)."""

    file: str  # relative to the 回收 folder ("2026-05-25/x.xlsx"); the name alone in a dry run
    unit: str
    split_id: str | None
    split_date: date | None
    sender: str
    received: datetime | None
    subject: str
    sender_note: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["split_date"] = self.split_date.isoformat() if self.split_date else None
        data["received"] = self.received.isoformat(timespec="seconds") if self.received else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Returned:
        return cls(str(data["file"]), str(data["unit"]), data.get("split_id"),
                   date.fromisoformat(data["split_date"]) if data.get("split_date") else None,
                   str(data.get("sender") or ""),
                   datetime.fromisoformat(data["received"]) if data.get("received") else None,
                   str(data.get("subject") or ""), str(data.get("sender_note") or ""))


@dataclass
class Refused:
    """An attachment (or a whole message) not taken, and why."""

    name: str
    sender: str
    subject: str
    received: datetime | None
    reason: str


@dataclass
class UnitState:
    """One unit's line of the 回收情况."""

    unit: str
    split_id: str = ""
    sent: str = ""  # 已发送 / 未发送 / 发送失败, from 分发记录; "" when the master has none
    sent_at: datetime | None = None
    returns: list[Returned] = field(default_factory=list)
    waiting_days: int | None = None  # sent and not returned: days since sending
    notes: list[str] = field(default_factory=list)


@dataclass
class CollectResult:
    """One collect: what was fetched, saved and refused, and every unit's line of the 回收情况."""

    today: date
    folder: Path  # 回收/YYYY-MM-DD
    dry_run: bool = False
    messages: int = 0
    saved: list[Returned] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    units: list[UnitState] = field(default_factory=list)
    dispatch_note: str = ""  # why there are no 已发出 columns
    report: Path | None = None

    @property
    def saved_paths(self) -> list[Path]:
        return [self.folder.parent / r.file for r in self.saved] if not self.dry_run else []

    @property
    def exit_code(self) -> ExitCode:
        flagged = self.refused or any(r.sender_note for r in self.saved)
        return ExitCode.FINDINGS if flagged else ExitCode.OK

    def text(self) -> str:
        return "\n".join(summary_lines(self))


class History:
    """The returns collected so far, kept in the 回收 folder (.taizhang-collect.json)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.returns: list[Returned] = []
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            self.returns = [Returned.from_json(item) for item in raw.get("returns", [])]
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise BadInput(f"回收记录文件“{path}”已损坏，无法读取。可将其改名后重试（已回传的统计会从头开始）") from None

    def save(self) -> None:
        write_atomic(self.path, json.dumps({"returns": [r.to_json() for r in self.returns]}, ensure_ascii=False,
                                           indent=1))


def collect(config: WeeklyConfig, today: date, *, since: date | None = None, dry_run: bool = False,
            env: Mapping[str, str] | None = None) -> CollectResult:
    """Collect the returns from the [imap] mailbox of `config` as of `today`."""
    if config.imap is None:
        raise BadInput("配置文件中没有 [imap] 部分，不知道从哪个邮箱收取。可用 taizhang schedule --init 生成示例后照填")
    ledger = config.collect_ledger()
    settings = read_workbook(ledger, config.run.sheet).settings
    dispatch = read_dispatch_log(ledger)
    base = config.return_folder(ledger)
    history = History(base / HISTORY_NAME)
    result = CollectResult(today, base / today.isoformat(), dry_run)
    with nullcontext() if dry_run else collect_lock(base):
        fetch_returns(config.imap, env if env is not None else {}, since, settings, history, result)
    returns = history.returns + (result.saved if dry_run else [])
    result.units, result.dispatch_note = unit_states(dispatch, returns, settings, today)
    if not dry_run:
        result.report = write_report(result, base / f"{REPORT_PREFIX}{today.isoformat()}.xlsx")
    return result


def fetch_returns(imap: ImapSettings, env: Mapping[str, str], since: date | None, settings: Settings,
                  history: History, result: CollectResult) -> None:
    """Every message not looked at yet: its workbooks saved and matched into `result`, the record
    saved, then the message moved (or, if none of collect's business, marked and left)."""
    limit = int(imap.max_attachment_mb * MB)
    with tempfile.TemporaryDirectory(prefix="taizhang-collect-") as scratch, Mailbox(imap, env) as box:
        if not result.dry_run:
            box.prepare()  # the processed folder exists before any file is saved
        target = Path(scratch) if result.dry_run else result.folder
        taken: set[str] = set()
        for uid in box.new_messages(since):
            mail = box.fetch(uid, limit)
            result.messages += 1
            ours = take_mail(mail, target, taken, limit, settings, result)
            if result.dry_run:
                continue
            history.returns += [r for r in result.saved if r not in history.returns]
            history.save()  # before the message moves: a crash between the two keeps the record
            if ours:
                box.processed(uid)
            else:
                box.skipped(uid)


@contextmanager
def collect_lock(base: Path) -> Iterator[None]:
    """One collect at a time per 回收 folder (the button and a weekly run would fetch the same mail).
    A dry run takes no lock: it writes nothing, not even the folder."""
    base.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(base / LOCK_NAME), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise FileInUse(f"另一个收取回传的任务正在进行（{base}），请稍后再试") from None
    try:
        yield
    finally:
        lock.release()


def workbook_suffix(name: str) -> str | None:
    """".xlsx" or ".xls" when an attachment's name says it is a workbook, else None."""
    return next((s for s in WORKBOOK_SUFFIXES if name.lower().rstrip(" .").endswith(s)), None)


def concerns_us(mail: Mail, settings: Settings) -> bool:
    """A return, or something a unit sent: it has a workbook attachment, or comes from an address
    of 单位名录. Other mail in the office's box (a notice with a logo, a large PDF from elsewhere) is
    not collect's business: it is left where it is, unread, and not listed."""
    if any(workbook_suffix(a.name) for a in mail.attachments):
        return True
    return bool(mail.sender) and any(mail.sender in addresses(u.email) for u in settings.units)


def take_mail(mail: Mail, folder: Path, taken: set[str], limit: int, settings: Settings,
              result: CollectResult) -> bool:
    """Save and match `mail`'s workbooks into `folder`, recording each in `result`; False when the
    message is none of collect's business (`concerns_us`): then it is left where it is."""
    def refuse(name: str, reason: str) -> None:
        result.refused.append(Refused(name, mail.sender, mail.subject, mail.when, reason))

    if not concerns_us(mail, settings) or not (mail.attachments or mail.too_big or mail.damaged):
        return False
    if mail.damaged:
        refuse("（整封邮件）", mail.damaged)
        return True
    if mail.too_big:
        refuse("（整封邮件）", f"邮件共 {mail.size / MB:.1f} MB，超过附件上限 {limit / MB:g} MB 所容许的大小，未下载")
        return True
    for att in mail.attachments:
        suffix = workbook_suffix(att.name)
        shown = safe_name(att.name, suffix or "") if att.name else "（无文件名）"
        if suffix is None:
            refuse(shown, "不是 Excel 工作簿（应为 .xlsx 或 .xls），未保存")
        elif len(att.data) > limit:
            refuse(shown, f"附件 {len(att.data) / MB:.1f} MB，超过上限 {limit / MB:g} MB，未保存")
        else:
            save_one(mail, att.data, unique_path(folder, safe_name(att.name, suffix), taken), settings, result)
    return True


def save_one(mail: Mail, data: bytes, path: Path, settings: Settings, result: CollectResult) -> None:
    """Write one workbook, read its 分发校验, check its sender; a file that fails is deleted again."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with complete(path) as temp:
        temp.write_bytes(data)
    try:
        meta = read_return_meta(path)
    except TaizhangError as err:
        reason = err.message
    except Exception as err:  # calamine on a crafted file: refuse it, go on with the others
        reason = f"无法读取（{type(err).__name__}），不是可识别的 Excel 工作簿"
    else:
        unit = settings.resolve_unit(meta.unit)
        if unit is not None:
            relative = path.name if result.dry_run else f"{path.parent.name}/{path.name}"
            result.saved.append(Returned(relative, unit.name, meta.split_id, meta.split_date, mail.sender, mail.when,
                                         mail.subject, sender_note(mail.sender, unit.name, settings)))
            return
        reason = f"工作簿中的单位“{meta.unit}”不在台账的单位名录中"
    path.unlink(missing_ok=True)
    result.refused.append(Refused(path.name, mail.sender, mail.subject, mail.when, reason + "；未保存"))


def addresses(text: str | None) -> list[str]:
    return [a.lower() for a in _ADDRESS_SPLIT.split(text or "") if "@" in a]


def sender_note(sender: str, unit: str, settings: Settings) -> str:
    """"" when `sender` is an address 单位名录 gives `unit`; else a sentence saying what it is."""
    own = addresses(next((u.email for u in settings.units if u.name == unit), None))
    if sender and sender in own:
        return ""
    if not own:
        return f"单位名录中没有“{unit}”的电子邮箱，无法核对发件人 {sender or '（无）'}"
    other = next((u.name for u in settings.units if u.name != unit and sender in addresses(u.email)), None)
    whose = f"（是“{other}”的邮箱）" if other else ""
    return f"发件人 {sender or '（无）'}{whose} 不是单位名录中“{unit}”的邮箱（{'、'.join(own)}），请核实"


def _matches(entry: DispatchEntry, ret: Returned) -> bool:
    """Whether `ret` answers the split run of `entry`: by 分发编号 when both have one, else by the
    split date (a return of an earlier split is not an answer to this one)."""
    if entry.split_id and ret.split_id:
        return entry.split_id == ret.split_id
    if entry.split_at is not None and ret.split_date is not None:
        return ret.split_date >= entry.split_at.date()
    return True


def unit_states(dispatch: list[DispatchEntry] | None, returns: list[Returned], settings: Settings,
                today: date) -> tuple[list[UnitState], str]:
    """The 回收情况 lines, in 单位名录 order, and a note when the master has no 分发记录."""
    order = {u.name: i for i, u in enumerate(settings.units)}

    def canonical(name: str) -> str:
        unit = settings.resolve_unit(name)
        return unit.name if unit else name

    latest = {canonical(e.unit): e for e in dispatch or []}  # later rows are later runs
    mine: dict[str, list[Returned]] = {}
    for r in returns:
        mine.setdefault(r.unit, []).append(r)
    states: list[UnitState] = []
    for unit in sorted({*latest, *mine}, key=lambda u: (order.get(u, len(order)), u)):
        entry = latest.get(unit)
        got = mine.get(unit, [])
        state = UnitState(unit)
        if entry is not None:
            state.split_id, state.sent, state.sent_at = entry.split_id, entry.result, entry.sent_at or entry.split_at
            answers = [r for r in got if _matches(entry, r)]
            if len(got) > len(answers):
                state.notes.append(f"另收到较早一次分发的回传 {len(got) - len(answers)} 份（已过时，合并时会被拒收或无改动）")
            got = answers
            if not got and entry.sent and state.sent_at is not None:
                state.waiting_days = (today - state.sent_at.date()).days
        state.returns = got
        if len(got) > 1:
            state.notes.append(f"回传了 {len(got)} 次（合并时按收到的先后依次合并）")
        state.notes += [r.sender_note for r in got if r.sender_note]
        states.append(state)
    note = "" if dispatch is not None else (
        f"台账中没有“{DISPATCH_SHEET}”工作表（分发时未用 taizhang split --send，或台账助手版本较早），"
        "无法知道向哪些单位发出过工作簿，下表只列出已回传的单位，不列“未回传”。")
    return states, note


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def sent_text(state: UnitState) -> str:
    return f"{state.sent} {_when(state.sent_at)}".strip() if state.sent else "（无分发记录）"


def returned_text(state: UnitState) -> str:
    if state.returns:
        last = state.returns[-1]
        return f"已回传 {_when(last.received)} {Path(last.file).name}（{last.sender}）"
    if state.waiting_days is not None:
        return f"未回传（已发出 {state.waiting_days} 天）"
    return "未回传"


def summary_lines(result: CollectResult) -> list[str]:
    """The 回收情况 as printed: what this run fetched, one line per unit, the refused attachments."""
    head = "试运行：" if result.dry_run else ""
    where = "（试运行，未保存）" if result.dry_run else f"到 {result.folder}"
    lines = [f"{head}收取邮件 {result.messages} 封，保存回传的工作簿 {len(result.saved)} 个{where}，"
             f"未收下的附件 {len(result.refused)} 个。"]
    sent = [s for s in result.units if s.sent]
    back = [s for s in result.units if s.returns]
    waiting = [s for s in result.units if not s.returns and s.waiting_days is not None]
    lines.append(f"回收情况（截至 {result.today.isoformat()}）：" + (
        f"已发出 {len(sent)} 个单位，已回传 {len(back)} 个，未回传 {len(waiting)} 个。" if not result.dispatch_note
        else f"已回传 {len(back)} 个单位。"))
    if result.dispatch_note:
        lines.append(result.dispatch_note)
    for s in result.units:
        lines.append(f"  {s.unit}：{sent_text(s)}；{returned_text(s)}")
        lines += [f"    ！{n}" for n in s.notes]
    if result.refused:
        lines.append("未收下的附件：")
        lines += [f"  {r.name}（{r.sender or '发件人不明'}，{_when(r.received)}，主题“{r.subject}”）：{r.reason}"
                  for r in result.refused]
    if result.report:
        lines.append(f"回收情况表：{result.report}")
    return lines


STATUS_HEADERS = ("单位", "分发编号", "发出情况", "发出时间", "回传情况", "回传文件", "回传时间", "发件人", "未回传天数", "说明")
REFUSED_HEADERS = ("收到时间", "发件人", "邮件主题", "附件", "原因")


def status_sheet(result: CollectResult) -> ToolSheet:
    sheet = ToolSheet("回收情况")
    sheet.write(1, 1, f"回收情况（截至 {result.today.isoformat()}）", st.TITLE)
    sheet.merge("A1:J1")
    sheet.write(2, 1, result.dispatch_note or "按台账“分发记录”中每个单位最近一次分发统计；“未回传天数”从发出之日算起。",
                st.SUBTITLE)
    sheet.merge("A2:J2")
    sheet.write_row(3, list(STATUS_HEADERS), st.HEADER)
    for r, s in enumerate(result.units, start=4):
        last = s.returns[-1] if s.returns else None
        state = f"已回传 {len(s.returns)} 次" if len(s.returns) > 1 else ("已回传" if s.returns else "未回传")
        values: list[CellValue] = [s.unit, s.split_id, s.sent, s.sent_at, state, "、".join(Path(x.file).name for x in s.returns),
                  last.received if last else None, last.sender if last else "", s.waiting_days, "；".join(s.notes)]
        sheet.write_row(r, values, [st.BODY, st.BODY, st.BODY_CENTER, MOMENT, st.BODY_CENTER, st.BODY_WRAP,
                                    MOMENT, st.BODY, st.BODY_CENTER, st.BODY_WRAP])
    for i, width in enumerate((24, 16, 10, 18, 12, 36, 18, 26, 10, 40), start=1):
        sheet.column_width(i, width)
    sheet.freeze("B4")
    sheet.print_setup(landscape=True, paper="A4", repeat_rows=(3, 3))
    return sheet


def refused_sheet(result: CollectResult) -> ToolSheet:
    sheet = ToolSheet("未收下的附件")
    sheet.write_row(1, list(REFUSED_HEADERS), st.HEADER)
    for r, x in enumerate(result.refused, start=2):
        sheet.write_row(r, [x.received, x.sender, x.subject, x.name, x.reason],
                        [MOMENT, st.BODY, st.BODY_WRAP, st.BODY_WRAP, st.BODY_WRAP])
    for i, width in enumerate((18, 26, 30, 30, 50), start=1):
        sheet.column_width(i, width)
    sheet.freeze("A2")
    return sheet


def write_report(result: CollectResult, target: Path) -> Path:
    """The 回收情况 workbook; when that day's is open in Excel, beside it as 回收情况_日期-2.xlsx …"""
    sheets = [status_sheet(result), refused_sheet(result)]
    for n in range(1, 10):
        path = target if n == 1 else target.with_name(f"{target.stem}-{n}{target.suffix}")
        try:
            return new_workbook_with_sheets(path, sheets).path
        except FileInUse:
            continue
    raise FileInUse(f"回收情况表“{target.name}”及其编号副本都正被打开，未能写出；收取本身已完成")
