"""The 分发各单位 and 回收合并 buttons: the command line's split() and merge() on the saved ledger.

Both read other workbooks and the ledger's file, so both need the ledger saved: with unsaved
changes the file is not what the user sees, and a message box asks to save first.
- 分发各单位 runs split on the saved file into 分发各单位_YYYYMMDD beside the workbook, and writes
  the 分发记录 and the hidden 分发明细 into the open workbook (Excel holds the file, so the file
  writer must not write it; the user saves). When the office's mail settings exist (only
  `office_config_path()`, in the user's own folder: a ledger from outside cannot point the add-in at
  another mail server) and have [email], a message box asks whether to mail the books too; then
  each unit's outcome is shown and recorded, as `taizhang split --send` does.
- 回收合并 first collects the returns from the office mailbox when the office's config exists
  (`office_config_path()`, in the user's own folder: never a path from the workbook or beside it)
  with an [imap] part and names this workbook as its ledger; then it merges what arrived together
  with every workbook in the 回收 folder beside the ledger (a folder, not a file dialog: staff drop
  returned attachments there by hand, and tests need no dialog). Excel has the ledger open, so the
  file writer must not write it: merge(dry_run=True) decides on the saved file, then the accepted
  values go into the open sheet as one block and the 变更记录 rows are appended live. The workbook
  is then changed in Excel; the user checks and saves it.
Each button imports its job inside its function: a press loads only what that button needs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from taizhang.core.columns import Col
from taizhang.core.errors import BadInput, TaizhangError
from taizhang.core.exchange import CHANGE_HEADERS
from taizhang.core.model import column_index
from taizhang.core.names import CHANGES_SHEET, SEND_DETAIL_SHEET, SEND_LOG_SHEET
from taizhang.macros.excel import live, sheets
from taizhang.macros.excel.live import BookLike, Budget, LiveRead
from taizhang.workbook.reader import change_records_end, open_workbook

RETURN_FOLDER = "回收"
RETURN_SUFFIXES = (".xlsx", ".xlsm", ".xls")
SHOWN_LINES = 25  # a message box longer than the screen hides its OK button
COLLECT_LINES = 12  # the collect's part of the 回收合并 message; the whole table is in 回收情况_日期.xlsx


def _saved(book: BookLike, what: str, budget: Budget) -> tuple[str, Path]:
    fullname, saved = live.where(book, budget)
    if saved is not None:
        return fullname, saved
    path = Path(fullname)
    if path.is_absolute() and path.is_file():
        raise BadInput(f"台账有尚未保存的改动。“{what}”按保存的文件进行，请先保存（Ctrl+S），再点“{what}”。")
    raise BadInput(f"这个工作簿还没有保存成文件。请先把它另存为 .xlsx 工作簿，再点“{what}”。")


@contextmanager
def _status(app: Any, text: str) -> Iterator[None]:
    app.status_bar = text
    try:
        yield
    finally:
        app.status_bar = False


def _shorten(lines: list[str], limit: int = SHOWN_LINES) -> str:
    if len(lines) <= limit:
        return "\n".join(lines)
    return "\n".join([*lines[:limit], f"……另有 {len(lines) - limit} 行，详见日志或命令行"])


def split_folder(path: Path, today: date) -> Path:
    """Where 分发各单位 writes: 分发各单位_YYYYMMDD beside the ledger."""
    return path.parent / f"分发各单位_{today:%Y%m%d}"


SEND_QUESTION = ("已找到发信设置（{config}）。\n是否在生成工作簿后，把各单位的工作簿作为邮件附件"
                 "发到“单位名录”中的电子邮箱？\n（选“否”只生成文件，不发邮件）")


def office_mail() -> tuple[Any, str]:
    """The office's [email] settings from `office_config_path()` (None when there are none), and a
    note when that file exists but cannot be used."""
    from taizhang.macros.jobs.send import mail_settings
    from taizhang.workbook.addin.config import office_config_path

    config = office_config_path()
    if not config.is_file():
        return None, ""
    try:
        return mail_settings(config), ""
    except BadInput as err:
        return None, f"（发信设置未使用：{err.message}）"


def _ask_send(book: BookLike, config_note: str) -> bool:
    from taizhang.macros.excel.ribbon import TITLE

    answer = book.app.alert(SEND_QUESTION.format(config=config_note), title=TITLE, buttons="yes_no", mode="info")
    return str(answer).lower() == "yes"


def split_button(book: BookLike, today: date, now: datetime | None = None) -> str:
    """The 分发各单位 button: split on the saved ledger, the record written into the open workbook,
    and, when the office's mail settings exist and the user says yes, the books mailed. BadInput when
    it has unsaved changes or no unit to send to."""
    from taizhang.macros.jobs import split as split_job
    from taizhang.macros.jobs.send import apply_deliveries, send_books, sent_text
    from taizhang.workbook.addin.config import office_config_path

    budget = Budget()
    fullname, path = _saved(book, "分发各单位", budget)
    folder = split_folder(path, today)
    mail, problem = office_mail()
    send = mail is not None and _ask_send(book, str(office_config_path()))
    when = now or datetime.now()
    deliveries = []
    with live.quiet(book.app, "台账助手：正在生成各单位的分发工作簿……", budget):
        result = split_job.split_saved(path, folder, today, now=when, only_pending=send)
        if not result.files and not (result.kept or result.no_address):
            raise BadInput("没有可分发的单位：台账中的主办、协办单位都不在“单位名录”中，或没有编号。"
                           + ("\n" + "\n".join(result.skipped[:5]) if result.skipped else ""))
        if send and result.files:
            deliveries = send_books(result, mail, today, when)
            result.record.log = apply_deliveries(result.record.log, result.split_id, deliveries)
        if result.files:
            read = live.read_book(book, budget, (fullname, path))
            sheets.write_values(read, result.sheets)
            _hide(read, SEND_DETAIL_SHEET)
            sheets.format_written(read)
    hosts = sum(f.hosts for f in result.files)
    cos = sum(f.cos for f in result.files)
    head = (f"分发完成：为 {len(result.files)} 个单位生成了工作簿和通知（主办 {hosts} 件、协办 {cos} 件），"
            f"保存在文件夹：\n{folder}\n")
    if result.files:
        head += f"分发记录已写入“{SEND_LOG_SHEET}”工作表。请保存台账（Ctrl+S）：回收合并时按它核对各单位回传的文件。\n"
    lines = result.text().splitlines()
    if send:
        lines += sent_text(result, deliveries).splitlines()
    return head + _shorten(lines) + (f"\n{problem}" if problem else "")


def _hide(read: LiveRead, name: str) -> None:
    """Hide a sheet just written (one call)."""
    target = next((w.target for w in read.written if w.sheet.name == name), None)
    if target is not None:
        read.budget.spend()
        target.visible = False


def returned_files(path: Path) -> tuple[Path, list[Path]]:
    """The 回收 folder beside the ledger and the workbooks in it (Excel's ~$ lock files left out)."""
    folder = path.parent / RETURN_FOLDER
    if not folder.is_dir():
        return folder, []
    files = [f for f in folder.iterdir()
             if f.is_file() and f.suffix.lower() in RETURN_SUFFIXES and not f.name.startswith("~$")]
    return folder, sorted(files, key=lambda f: f.name)


def _log_end(path: Path) -> int | None:
    """The row after the last row of the saved file's 变更记录 sheet; None when it has none."""
    with open_workbook(path) as wb:
        return change_records_end(wb)


def collect_first(path: Path, today: date, env: Mapping[str, str]) -> tuple[list[Path], str]:
    """The returns from the office mailbox for the ledger at `path`, and what to tell the user;
    ([], "") when the office has no mail settings with [imap]. The settings are read only from
    `office_config_path()`; they are used only when they name this very ledger, so returns are
    never collected into the wrong ledger's folder."""
    from taizhang.macros.jobs.collect import collect
    from taizhang.macros.weekly.config import load_config
    from taizhang.workbook.addin.config import office_config_path

    config_path = office_config_path()
    if not config_path.is_file():
        return [], ""
    config = load_config(config_path)
    if config.imap is None:
        return [], ""
    try:
        ledger: Path | None = config.collect_ledger()
    except BadInput:
        ledger = None
    if ledger is None or ledger.resolve() != path.resolve():
        return [], (f"办公邮箱设置（{config_path}）中的台账是“{ledger or '（未指定）'}”，不是当前工作簿，"
                    "本次没有收取邮件。")
    try:
        result = collect(config, today, env=env)
    except TaizhangError as err:  # the mail server is down, say: the 回收 folder can still be merged
        return [], f"未能收取回传邮件：{err.message}"
    return result.saved_paths, _shorten(result.text().splitlines(), COLLECT_LINES)


def merge_button(book: BookLike, today: date, now: datetime | None = None,
                 env: Mapping[str, str] | None = None) -> str:
    """The 回收合并 button: collect from the office mailbox when configured, then merge decides on
    the saved ledger, the accepted values go into the open workbook with their 变更记录 rows; the
    user checks and saves."""
    from taizhang.macros.jobs.merge import MERGED, changes_sheet, merge

    budget = Budget()
    fullname, path = _saved(book, "回收合并", budget)
    with _status(book.app, "台账助手：正在收取回传邮件……"):
        arrived, collected = collect_first(path, today, os.environ if env is None else env)
    folder, dropped = returned_files(path)
    files = [*arrived, *dropped]
    head = f"{collected}\n\n" if collected else ""
    if not files:
        if collected:
            return f"{head}没有新收到的回传文件，台账未改动。"
        raise BadInput(f"没有找到回收的文件。请把各单位回传的工作簿（.xlsx）放进台账旁边的“{RETURN_FOLDER}”文件夹：\n"
                       f"{folder}\n然后再点“回收合并”。")
    report = merge(path, files, today, dry_run=True)  # decides on the saved file; writes nothing
    report.note = ""
    merged = [f for f in report.files if f.status == MERGED]
    details = _shorten(report.text().splitlines())
    if not merged:
        return f"{head}回收合并：{len(files)} 个文件都没有可合并的改动，台账未改动。\n{details}"
    when = now or datetime.now()
    with live.quiet(book.app, "台账助手：正在回收合并……", budget):
        read = live.read_book(book, budget, (fullname, path))
        _apply(read, [(c.number, c.field, c.row, c.value) for f in merged for c in f.changes])
        log = changes_sheet([], report.files, when)  # the command line's rows for this run
        cells = log.cells  # a copy made on each use: taken once
        rows = [[cells[(r, c)][0] if (r, c) in cells else None for c in range(1, len(CHANGE_HEADERS) + 1)]
                for r in range(2, 2 + sum(len(f.changes) for f in merged))]
        sheets.append_rows(read, CHANGES_SHEET, list(CHANGE_HEADERS), rows, _log_end(path))
    count = sum(len(f.changes) for f in merged)
    left = len(report.files) - len(merged)
    return head + (f"回收合并完成：{len(merged)} 个文件共 {count} 处改动已写入台账，并记入“{CHANGES_SHEET}”工作表"
                   + (f"；{left} 个文件未合并或无改动（原因见下）" if left else "")
                   + "。请核对后保存台账（Ctrl+S）。\n" + details)


def _apply(read: LiveRead, changes: list[tuple[str, str, int, Any]]) -> None:
    """Accepted (编号, field, row in the saved file, value) into the open ledger. The row is checked
    against the live read: the file was saved, so they agree unless something is badly off."""
    rows: dict[str, list[int]] = {}
    for row, number in read.ledger.by_row(Col.NUMBER).items():
        if number:
            rows.setdefault(number, []).append(row)
    cells: dict[tuple[int, int], Any] = {}
    for number, name, row, value in changes:
        letter = read.ledger.columns.get(name)
        if rows.get(number) != [row] or letter is None:
            raise BadInput(f"Excel 中台账“{number}”的位置或“{name}”列与保存的文件不一致，未合并任何内容。"
                           "请保存台账后再点“回收合并”。")
        cells[(row, column_index(letter) + 1)] = value
    live.write_cells(read, cells)
