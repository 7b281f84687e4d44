"""What changed since the last run: newly overdue, newly done, new and fixed errors.

Each run leaves a snapshot of its cases' statuses and its errors in a small JSON state file beside
the ledger's reports. Cases are keyed by 编号 (rows move when someone inserts a line), errors by
case, rule code and column. The baseline is the newest snapshot from an earlier day, so running
twice on one day still compares with last week."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.deadlines import CaseStatus
from taizhang.core.settings import Severity

STATE_NAME = ".taizhang-state.json"
KEEP_SNAPSHOTS = 8


@dataclass(frozen=True)
class Entry:
    key: str
    number: str | None
    unit: str | None
    text: str  # the stage and due date, or the finding's message
    cell: str = ""
    code: str = ""  # errors: the rule code
    column: str = ""  # errors: the column's name (or letter)


@dataclass
class Snapshot:
    day: date
    cases: dict[str, dict[str, Any]]  # case key -> {"status", "number", "unit", "stage", "due"}
    errors: dict[str, dict[str, Any]]  # error key -> {"number", "unit", "cell", "message"}

    def to_json(self) -> dict[str, Any]:
        return {"date": self.day.isoformat(), "cases": self.cases, "errors": self.errors}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Snapshot:
        return cls(date.fromisoformat(data["date"]), dict(data["cases"]), dict(data["errors"]))


@dataclass
class Changes:
    since: date | None  # the baseline run's day; None on the first run
    newly_overdue: list[Entry] = field(default_factory=list)
    newly_done: list[Entry] = field(default_factory=list)
    new_errors: list[Entry] = field(default_factory=list)
    fixed_errors: list[Entry] = field(default_factory=list)

    def keys(self, name: str) -> set[str]:
        return {e.key for e in getattr(self, name)}


def case_keys(analysis: Analysis) -> dict[int, str]:
    """Each case row's key: its 编号, or 编号@行 when the number is not unique, or @行 when blank."""
    by_row = analysis.ledger.by_row(Col.NUMBER)
    numbers = Counter(number for number in by_row.values() if number)
    keys: dict[int, str] = {}
    for row, number in by_row.items():
        if number and numbers[number] == 1:
            keys[row] = number
        else:
            keys[row] = f"{number or ''}@{row}"
    return keys


def error_key(case_key: str, code: str, where: str) -> str:
    return f"{case_key}|{code}|{where}"


def snapshot(analysis: Analysis) -> Snapshot:
    keys = case_keys(analysis)
    hosts = analysis.ledger.by_row(Col.HOST_UNIT)
    numbers = analysis.ledger.by_row(Col.NUMBER)
    cases = {keys[d.row]: {"status": d.status.value, "number": d.number, "unit": d.unit, "stage": d.stage,
                           "due": d.due.isoformat() if d.due else None}
             for d in analysis.deadlines if d.row in keys}
    errors: dict[str, dict[str, Any]] = {}
    for f in analysis.report.findings:
        if f.severity is not Severity.ERROR:
            continue
        on_ledger = f.sheet == analysis.report.sheet  # else a settings sheet's cell, not a case's row
        case_key = keys.get(f.row, f"@{f.row}") if on_ledger else f"{f.sheet}!{f.cell}"
        base = error_key(case_key, f.code, f.field or f.column or f.cell)
        key, n = base, 2
        while key in errors:  # one rule twice on one case and column: keep both
            key, n = f"{base}#{n}", n + 1
        errors[key] = {"number": numbers.get(f.row) if on_ledger else None,
                       "unit": hosts.get(f.row) if on_ledger else None, "cell": f.cell, "message": f.message,
                       "code": f.code, "column": f.field or f.column}
    return Snapshot(analysis.today, cases, errors)


def _case_entry(key: str, info: dict[str, Any]) -> Entry:
    due = f"，截止 {info['due']}" if info.get("due") else ""
    return Entry(key, info.get("number"), info.get("unit"), f"{info.get('stage') or ''}{due}".lstrip("，"))


def _error_entry(key: str, info: dict[str, Any]) -> Entry:
    return Entry(key, info.get("number"), info.get("unit"), info.get("message", ""), info.get("cell", ""),
                 info.get("code", ""), info.get("column", ""))


def compare(before: Snapshot | None, now: Snapshot) -> Changes:
    if before is None:
        return Changes(since=None)
    overdue, done = CaseStatus.OVERDUE.value, CaseStatus.DONE.value
    was = {k: v["status"] for k, v in before.cases.items()}
    return Changes(
        since=before.day,
        newly_overdue=[_case_entry(k, v) for k, v in now.cases.items() if v["status"] == overdue and was.get(k) != overdue],
        # a case added already done is new, not newly done
        newly_done=[_case_entry(k, v) for k, v in now.cases.items() if v["status"] == done and k in was and was[k] != done],
        new_errors=[_error_entry(k, v) for k, v in now.errors.items() if k not in before.errors],
        fixed_errors=[_error_entry(k, v) for k, v in before.errors.items() if k not in now.errors],
    )


class StateFile:
    """The ledger's last few snapshots, newest last."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> list[Snapshot]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return sorted((Snapshot.from_json(s) for s in data["runs"]), key=lambda s: s.day)
        except FileNotFoundError:
            return []
        except (ValueError, KeyError, TypeError):
            return []  # a damaged state only costs one week's comparison; the run goes on

    def baseline(self, today: date) -> Snapshot | None:
        earlier = [s for s in self.load() if s.day < today]
        return earlier[-1] if earlier else None

    def save(self, snap: Snapshot, ledger: Path) -> None:
        runs = [s for s in self.load() if s.day != snap.day] + [snap]
        runs = sorted(runs, key=lambda s: s.day)[-KEEP_SNAPSHOTS:]
        text = json.dumps({"ledger": str(ledger), "runs": [s.to_json() for s in runs]}, ensure_ascii=False)
        write_atomic(self.path, text)


def write_atomic(path: Path, text: str) -> None:
    """A state file half written by a killed run would lose the comparison: write, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
