"""The rule engine: every rule of the domain over one ledger, each finding at its cell.

    report = validate(ledger, settings, today=date(2025, 6, 1))
    report.errors, report.counts, report.to_json(), report.to_frame()

Pure: imports no workbook library. Rules are registered by code (see `RULES`, `rule_rows`).
"""

from taizhang.validators.catalog import CODES
from taizhang.validators.context import Context, RereplyDue
from taizhang.validators.engine import active_rules, validate
from taizhang.validators.finding import JSON_KEYS, Finding, Report
from taizhang.validators.frame import ledger_frame
from taizhang.validators.registry import RULES, Hit, Rule, rule, rule_rows
from taizhang.validators.results import default_rereply_due

__all__ = [
    "CODES",
    "JSON_KEYS",
    "RULES",
    "Context",
    "Finding",
    "Hit",
    "Report",
    "RereplyDue",
    "Rule",
    "active_rules",
    "default_rereply_due",
    "ledger_frame",
    "rule",
    "rule_rows",
    "validate",
]
