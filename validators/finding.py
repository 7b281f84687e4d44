"""One finding model and one report table: every rule's result has the same shape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from taizhang.core.model import column_index
from taizhang.core.settings import Severity

if TYPE_CHECKING:
    import pandas as pd

# The keys of a finding in the JSON report, in order (the CLI and the 校验结果 sheet rely on them).
JSON_KEYS = ("code", "severity", "sheet", "row", "column", "cell", "value", "message")
FRAME_COLUMNS = (*JSON_KEYS, "field")


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one cell (or at the header row when a whole column is missing). Most are on
    the ledger's sheet; a settings problem (a 时限规则 rule naming a column the ledger lacks) is on
    its settings sheet, and its row and cell are that sheet's."""

    code: str
    severity: Severity
    sheet: str
    row: int  # Excel row number
    column: str  # column letter, "" when the problem is not in one column
    cell: str  # like "F12", "" when column is ""
    value: str | None
    message: str
    field: str = ""  # canonical column name, "" when none

    def sort_key(self) -> tuple[int, int, str]:
        return self.row, column_index(self.column) if self.column else -1, self.code


@dataclass
class Report:
    """Every finding of one run over one ledger sheet, sorted by row then column."""

    sheet: str
    rows: int  # cases checked
    findings: list[Finding]

    @property
    def counts(self) -> dict[str, int]:
        """Findings per rule code, in the order codes first appear."""
        counts: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.code] = counts.get(finding.code, 0) + 1
        return counts

    def ledger_findings(self) -> list[Finding]:
        """The findings on the ledger's own sheet: the ones whose row is a case's row."""
        return [f for f in self.findings if f.sheet == self.sheet]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        """No 错误 (warnings and hints do not fail a ledger)."""
        return self.errors == 0

    def flatten(self, keys: list[str]) -> list[list[Any]]:
        """Short lists of chosen values, for tests: report.flatten(["row", "column", "code"])."""
        return [[getattr(f, key) for key in keys] for f in self.findings]

    def to_frame(self) -> pd.DataFrame:
        """One table, one row per finding (pandera's failure_cases). pandas is imported here: the
        checks themselves do not need it."""
        import pandas as pd

        return pd.DataFrame([[getattr(f, k) for k in FRAME_COLUMNS] for f in self.findings],
                            columns=list(FRAME_COLUMNS))

    def to_json(self) -> dict[str, Any]:
        """The JSON report as a plain dict: {"sheet", "rows", "findings": [...], "counts"}."""
        return {
            "sheet": self.sheet,
            "rows": self.rows,
            "findings": [{k: getattr(f, k) if k != "severity" else f.severity.value for k in JSON_KEYS}
                         for f in self.findings],
            "counts": self.counts,
        }

    def to_json_text(self, indent: int | None = 2) -> str:
        """The JSON report as text, Chinese kept readable."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=indent)
