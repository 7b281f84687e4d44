"""Reading the ledger a command names, analysing it, and writing the results back: the steps the
ledger commands (check, due, update, stats, summary, split, merge) share. (`current`, which `read`
needs too, lives in `common`: `read` imports neither the analysis nor the writer.)"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from taizhang.analysis import Analysis
from taizhang.macros.cli.common import check_output_path, current, today_or
from taizhang.workbook.reader import read_workbook
from taizhang.writeback import Apply, run_and_write


def load_analysis(ledger: Path, sheet: str | None, today: date | None) -> Analysis:
    """The analysis of the ledger as saved, written nowhere."""
    loaded = read_workbook(current(ledger), sheet)
    return Analysis(loaded.ledger, loaded.settings, today_or(today))


def analyse(ledger: Path, sheet: str | None, today: date | None, apply: Apply | None,
            out: Path | None) -> tuple[Analysis, str]:
    """Analyse the ledger; with `apply`, write its results through the lossless writer (into the
    ledger, or into --out). Returns the analysis and a note on where the results went."""
    if apply is None:
        return load_analysis(ledger, sheet, today), ""
    if out is not None:
        check_output_path(out, ledger)
    outcome = run_and_write(ledger, today_or(today), [apply], out=out, sheet=sheet)
    return outcome.analysis, outcome.note


def echo_untracked(analysis: Analysis) -> None:
    """The stages the ledger cannot track, once, for jobs whose text does not already say it."""
    if analysis.untracked_note:
        click.echo(f"{analysis.untracked_note}。这些环节不计逾期")
