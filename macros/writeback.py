"""Writing a job's results into the ledger through the one lossless writer.

Order matters: the writer opens first (lock, owner files, fingerprint), then the workbook is read
and analysed, so a save by someone else after that moment makes the commit refuse (exit 3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from taizhang.macros.analysis import Analysis
from taizhang.workbook.convert import convert
from taizhang.workbook.reader import LoadedWorkbook, read_workbook
from taizhang.workbook.writer import LedgerWriter, WriteResult

Apply = Callable[[LedgerWriter, Analysis], object]


@dataclass
class WriteOutcome:
    analysis: Analysis
    result: WriteResult
    note: str  # what the user should know about where the results went


def writable_copy(path: Path, out: Path | None) -> tuple[Path, Path | None, str]:
    """A legacy .xls master cannot be patched: convert it to a new .xlsx beside it and write there."""
    if path.suffix.lower() != ".xls":
        return path, out, ""
    target = out or path.with_suffix(".xlsx")
    if target.exists() and out is None:
        raise FileExistsError(target)
    converted = convert(path, "xlsx", path.parent / ".taizhang-convert")
    converted.replace(target)
    converted.parent.rmdir()
    # Written as a new file (out=target): a fresh conversion needs no backup of itself.
    return target, target, f"原台账“{path.name}”是旧版 .xls 格式，无法写回；已另存为“{target.name}”并写入其中，原文件未改动。"


def run_and_write(path: Path, today: date, apply: list[Apply], *, out: Path | None = None,
                  sheet: str | None = None) -> WriteOutcome:
    try:
        source, out, note = writable_copy(path, out)
    except FileExistsError as exists:
        from taizhang.core.errors import BadInput

        raise BadInput(f"原台账“{path.name}”是旧版 .xls 格式，无法写回；而“{exists.args[0]}”已存在。"
                       "请用 --out 指定新的 .xlsx 文件名") from None
    with LedgerWriter(source, out=out) as writer:
        loaded: LoadedWorkbook = read_workbook(source, sheet)
        writer.backup_keep = loaded.settings.params.backup_keep  # the 参数 sheet's 备份保留份数
        analysis = Analysis(loaded.ledger, loaded.settings, today)
        for step in apply:
            step(writer, analysis)
        result = writer.commit()
    if result.unchanged:
        note = (note + " " if note else "") + "与上次写入的结果相同，文件未改动。"
    elif result.backup and not note:
        note = (note + " " if note else "") + f"已写回“{result.path.name}”，原文件备份在“{result.backup}”。"
    else:
        note = (note + " " if note else "") + f"结果已写入“{result.path}”。"
    if result.skipped_fills:
        shown = "、".join(result.skipped_fills[:10]) + ("等" if len(result.skipped_fills) > 10 else "")
        note += f" {len(result.skipped_fills)} 个单元格已有您自己设置的底色，未标色：{shown}。"
    return WriteOutcome(analysis, result, note)
