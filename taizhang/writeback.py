"""Writing a job's results into the ledger through the one lossless writer.

Order matters: the writer opens first (lock, owner files, fingerprint), then the workbook is read
and analysed, so a save by someone else after that moment makes the commit refuse (exit 3).

A legacy .xls master cannot be patched. The first write converts it (LibreOffice, in a temp
folder) and writes the results into a new .xlsx beside it, which exists only once the whole write
succeeded. Later commands on the .xls name use that .xlsx while it is the newer file, and say so."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from taizhang.analysis import Analysis
from taizhang.core.errors import BadInput
from taizhang.workbook import writer as lossless  # its LedgerWriter loads on first use
from taizhang.workbook.convert import convert, current_ledger
from taizhang.workbook.reader import LoadedWorkbook, read_workbook

if TYPE_CHECKING:
    from taizhang.workbook.writer import LedgerWriter, WriteResult

Apply = Callable[["LedgerWriter", Analysis], object]


@dataclass
class WriteOutcome:
    """What a write-back gives the command: the analysis it wrote, the writer's result, and a note
    saying where the results went."""

    analysis: Analysis
    result: WriteResult
    note: str  # what the user should know about where the results went


def run_and_write(path: Path, today: date, apply: list[Apply], *, out: Path | None = None,
                  sheet: str | None = None) -> WriteOutcome:
    """Read the ledger at `path` (its current file, see the module docstring), analyse it as of `today`
    and run each step of `apply` on the writer, then commit once (into `out` when given). Raises
    BadInput (exit 2), FileInUse (exit 3) or FidelityRefused (exit 4); nothing is written then."""
    path, moved = current_ledger(path, writing=True) if out is None else (path, "")
    if path.suffix.lower() == ".xls":
        outcome = _write_converted(path, today, apply, out, sheet)
    else:
        outcome = _write(path, today, apply, out=out, sheet=sheet)
    if moved:
        outcome.note = f"{moved} {outcome.note}"
    return outcome


def _write_converted(path: Path, today: date, apply: list[Apply], out: Path | None,
                     sheet: str | None) -> WriteOutcome:
    """Convert the .xls in a temp folder and write the results as a new .xlsx (out, else beside it)."""
    target = out or path.with_suffix(".xlsx")
    if out is None and target.exists():
        raise BadInput(f"原台账“{path.name}”是旧版 .xls 格式，无法写回；而“{target.name}”已存在且不是由它转换而来。"
                       "请用 --out 指定新的 .xlsx 文件名")
    read_workbook(path, sheet)  # a damaged, encrypted or non-ledger .xls is refused before converting
    with tempfile.TemporaryDirectory(prefix="taizhang-xls-") as work:
        converted = convert(path, "xlsx", Path(work))
        outcome = _write(converted, today, apply, out=target, sheet=sheet)
    outcome.note = (f"原台账“{path.name}”是旧版 .xls 格式，无法写回；已另存为“{target.name}”并写入其中，"
                    f"原文件未改动。以后请对“{target.name}”运行命令。{outcome.note}")
    return outcome


def _write(source: Path, today: date, apply: list[Apply], *, out: Path | None, sheet: str | None) -> WriteOutcome:
    with lossless.LedgerWriter(source, out=out) as writer:
        loaded: LoadedWorkbook = read_workbook(source, sheet)
        if loaded.extent is not None:
            writer.known_extent(loaded.ledger.sheet, *loaded.extent)
        writer.backup_keep = loaded.settings.params.backup_keep  # the 参数 sheet's 备份保留份数
        analysis = Analysis(loaded.ledger, loaded.settings, today)
        for step in apply:
            step(writer, analysis)
        result = writer.commit()
    return WriteOutcome(analysis, result, _note(result))


def _note(result: WriteResult) -> str:
    if result.unchanged:
        note = "与上次写入的结果相同，文件未改动。"
    elif result.backup:
        note = f"已写回“{result.path.name}”，原文件备份在“{result.backup}”。"
    else:
        note = f"结果已写入“{result.path}”。"
    if result.skipped_fills:
        shown = "、".join(result.skipped_fills[:10]) + ("等" if len(result.skipped_fills) > 10 else "")
        note += f" {len(result.skipped_fills)} 个单元格已有您自己设置的底色，未标色：{shown}。"
    return note
