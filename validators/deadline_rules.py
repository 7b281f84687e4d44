"""deadline-rule-column: a rule of the workbook's own 时限规则 sheet needs a column the ledger lacks.

The staff asked for that stage, yet the ledger can never record it: rather than a stream of overdue
cases, one finding at the 时限规则 cell that names the column (`core.deadlines.tracking`). `due`
refuses such a sheet (exit 2); `check` reports it here and goes on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from taizhang.core.deadlines import plan_rules, rules_for_settings, rules_from_sheet
from taizhang.core.settings import Severity
from taizhang.validators.context import Context
from taizhang.validators.registry import Hit, rule

_CELL = re.compile(r"^([A-Z]+)(\d+)$")


@rule("deadline-rule-column", Severity.ERROR, "“时限规则”中启用的环节所用的列，台账中须有",
      "环节“{stage}”要用台账的“{field}”列，但台账没有这一列：请在台账中加上这一列，或把该行的“启用”改为“否”")
def deadline_rule_column(ctx: Context) -> Iterator[Hit]:
    if not rules_from_sheet(ctx.settings):
        return  # the built-in defaults quietly skip what the ledger cannot track
    plan = plan_rules(rules_for_settings(ctx.settings), ctx.ledger.columns, from_sheet=True)
    for problem in plan.problems:
        found = _CELL.match(problem.cell or "")
        row, column = (int(found[2]), found[1]) if found else (1, "")
        yield Hit(row, problem.column, problem.column, {"stage": problem.stage}, column, sheet=problem.sheet)
