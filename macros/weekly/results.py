"""What one run found, per ledger and overall: shared by the report, the summary, the mail and the
exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from taizhang.analysis import Analysis
from taizhang.core.deadlines import CaseStatus
from taizhang.core.errors import ExitCode
from taizhang.core.stats import Stats
from taizhang.macros.weekly.changes import Changes
from taizhang.macros.weekly.units import UnitLine

if TYPE_CHECKING:
    from taizhang.macros.weekly.returns import CollectStep


@dataclass
class LedgerResult:
    path: Path
    analysis: Analysis | None = None  # None: the ledger could not be read
    stats: Stats | None = None
    units: list[UnitLine] = field(default_factory=list)
    changes: Changes | None = None
    report: Path | None = None
    opened_by: str = ""  # “张三”（~$台账.xlsx） when Excel/WPS/LibreOffice has it open
    write_note: str = ""  # what happened to the master: written, not written and why
    write_refused: ExitCode | None = None  # update_master was asked for and the write was refused
    problem: str = ""  # why the ledger could not be read or reported
    holidays_note: str = ""  # next year's holidays are not known yet (macros/jobs/holidays.py)

    def count(self, status: CaseStatus) -> int:
        return sum(1 for d in self.analysis.deadlines if d.status is status) if self.analysis else 0

    @property
    def errors(self) -> int:
        return self.analysis.report.errors if self.analysis else 0

    @property
    def warnings(self) -> int:
        return self.analysis.report.warnings if self.analysis else 0

    @property
    def exit_code(self) -> ExitCode:
        if self.problem:
            return ExitCode.BAD_INPUT
        if self.write_refused is not None:
            return self.write_refused
        if self.errors or self.count(CaseStatus.OVERDUE):
            return ExitCode.FINDINGS
        return ExitCode.OK

    def log_line(self) -> str:
        if self.problem:
            return f"{self.path.name}：未能处理：{self.problem}"
        parts = [f"{self.path.name}：{len(self.analysis.deadlines) if self.analysis else 0} 件，"
                 f"错误 {self.errors} 条，警告 {self.warnings} 条，逾期 {self.count(CaseStatus.OVERDUE)} 件，"
                 f"临期 {self.count(CaseStatus.DUE_SOON)} 件"]
        if self.changes and self.changes.since:
            c = self.changes
            parts.append(f"较 {c.since} 新增逾期 {len(c.newly_overdue)}、新办结 {len(c.newly_done)}、"
                         f"新错误 {len(c.new_errors)}、已改正 {len(c.fixed_errors)}")
        if self.opened_by:
            parts.append(f"台账正被{self.opened_by}打开")
        if self.write_note:
            parts.append(self.write_note)
        if self.holidays_note:
            parts.append(self.holidays_note)
        if self.report:
            parts.append(f"报告：{self.report}")
        return "；".join(parts)


@dataclass
class RunResult:
    today: date
    ledgers: list[LedgerResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # config entries that name no ledger
    mail_notes: list[str] = field(default_factory=list)
    collect: CollectStep | None = None  # [run] collect: the returns and the dry-run merge

    @property
    def exit_code(self) -> ExitCode:
        """2 before 3 (and 4) before 1: an unreadable ledger or a mail that did not go out needs
        someone to act; an open one clears itself."""
        codes = {r.exit_code for r in self.ledgers}
        if self.collect is not None:
            codes.add(self.collect.exit_code)
        if self.problems or self.mail_notes:
            codes.add(ExitCode.BAD_INPUT)
        for code in (ExitCode.BAD_INPUT, ExitCode.IN_USE, ExitCode.FIDELITY, ExitCode.FINDINGS):
            if code in codes:
                return code
        return ExitCode.OK

    @property
    def reports(self) -> list[Path]:
        return [r.report for r in self.ledgers if r.report]
