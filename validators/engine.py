"""validate(): run the enabled rules over one ledger and gather one sorted report."""

from __future__ import annotations

from datetime import date

from taizhang.core.calendar import WorkCalendar
from taizhang.core.model import Ledger
from taizhang.core.settings import Settings, Severity
from taizhang.validators import catalog  # noqa: F401  (registers every rule)
from taizhang.validators.context import Context, RereplyDue
from taizhang.validators.finding import Finding, Report
from taizhang.validators.registry import RULES, Hit, Rule

UNPARSED = "unparsed-value"


def active_rules(settings: Settings) -> list[tuple[Rule, Severity]]:
    """The rules the 校验规则 sheet leaves on, each with its severity there (or its default)."""
    chosen: list[tuple[Rule, Severity]] = []
    for r in RULES.values():
        setting = settings.rule_setting(r.code)
        if setting is not None and not setting.enabled:
            continue
        chosen.append((r, setting.severity if setting is not None and setting.severity else r.severity))
    return chosen


def validate(ledger: Ledger, settings: Settings, today: date, *,
             rereply_due: RereplyDue | None = None, calendar: WorkCalendar | None = None) -> Report:
    """Check a ledger. `today` decides what is in the future or overdue; `rereply_due(case)` gives a
    不满意 case's re-reply deadline (default: one month after 正式答复日期, on the next working day
    when that is a rest day). `calendar` is the deadlines' working-day calendar; without it one is
    built from the settings' 节假日 rows."""
    ctx = Context(ledger, settings, today, rereply_due, calendar)
    findings: list[Finding] = []
    for r, severity in active_rules(settings):
        findings.extend(_finding(ctx, r, severity, hit) for hit in r.check(ctx))
    # A cell the reader could not understand is reported once, as unparsed: the rules saw it empty.
    unparsed = {(f.row, f.column) for f in findings if f.code == UNPARSED}
    if unparsed:
        findings = [f for f in findings if f.code == UNPARSED or (f.row, f.column) not in unparsed]
    # Settings problems (another sheet) first: they change what the ledger's findings mean.
    findings.sort(key=lambda f: (f.sheet == ledger.sheet, *f.sort_key()))
    return Report(sheet=ledger.sheet, rows=len(ledger), findings=findings)


def _finding(ctx: Context, r: Rule, severity: Severity, hit: Hit) -> Finding:
    column = ctx.ledger.columns.get(hit.field, "") if hit.column is None else hit.column
    value = None if hit.value is None else str(hit.value)
    return Finding(code=r.code, severity=severity, sheet=hit.sheet or ctx.ledger.sheet, row=hit.row, column=column,
                   cell=f"{column}{hit.row}" if column else "", value=value,
                   message=r.message(hit.field, value, hit.params), field=hit.field)
