"""`taizhang update`: check, due and summary in one write — what the ribbon's 一键更新 does, and what
`merge --update` runs after a merge. The same step functions as the single commands, one writer
session, so the ledger is backed up and rewritten once."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from taizhang.analysis import Analysis
from taizhang.core.stats import paragraph
from taizhang.macros.jobs.check import apply_check, check_text
from taizhang.macros.jobs.due import apply_due, due_text
from taizhang.macros.jobs.summary import apply_summary

if TYPE_CHECKING:
    from taizhang.workbook.writer import LedgerWriter

UPDATED = "“校验结果”“逾期清单”“汇总”“通报”“图表”工作表和【系统】列"


def apply_update(writer: LedgerWriter, analysis: Analysis) -> None:
    """Every step, or none: a 时限规则 sheet that asks for a column the ledger lacks is refused
    (exit 2, naming the cell) before anything is staged."""
    analysis.require_sound_rules()
    apply_check(writer, analysis)
    apply_due(writer, analysis)
    apply_summary(writer, analysis)


def update_text(analysis: Analysis) -> str:
    """What `update` prints: the check's and the deadlines' summaries and the report paragraph."""
    lines = [check_text(analysis, limit=10), due_text(analysis, limit=10)]
    if analysis.untracked_note:
        lines.append(f"{analysis.untracked_note}。这些环节不计逾期")
    lines.append(paragraph(analysis.stats))
    lines.append(f"已更新{UPDATED}。")
    return "\n".join(lines)


def refresh_command(ledger: Path, today: date | None) -> str:
    """The exact command that refreshes a ledger's tool columns and sheets (with the --today given)."""
    name = str(ledger)
    shown = f'"{name}"' if any(c.isspace() for c in name) else name
    return f"taizhang update {shown}" + (f" --today {today.isoformat()}" if today else "")
