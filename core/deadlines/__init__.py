"""Deadlines: rules as data (the 时限规则 sheet), counting per 民法典 201–203 on the working-day
calendar, and each case's stages, current stage and status. Imports no workbook library."""

from taizhang.core.calendar import UnknownYear, WorkCalendar, holiday_rows_for_years
from taizhang.core.deadlines.counting import add_months
from taizhang.core.deadlines.evaluate import (
    CaseDeadlines,
    CaseStatus,
    StageDeadline,
    StageState,
    evaluate,
    to_json,
)
from taizhang.core.deadlines.presets import (
    DEFAULT_PRESET,
    PRESETS,
    preset_rules,
    rules_for_settings,
    rules_from_sheet,
)
from taizhang.core.deadlines.rules import (
    DEFAULT_ROLES,
    Combine,
    Condition,
    DeadlineKind,
    DeadlineRule,
    Owner,
    Term,
)
from taizhang.core.deadlines.sheet import RULE_HEADERS, rules_from_table, rules_to_rows
from taizhang.core.deadlines.tracking import RulePlan, RuleProblem, Untracked, plan_rules

__all__ = [
    "DEFAULT_PRESET",
    "DEFAULT_ROLES",
    "PRESETS",
    "RULE_HEADERS",
    "CaseDeadlines",
    "CaseStatus",
    "Combine",
    "Condition",
    "DeadlineKind",
    "DeadlineRule",
    "Owner",
    "RulePlan",
    "RuleProblem",
    "StageDeadline",
    "StageState",
    "Term",
    "UnknownYear",
    "Untracked",
    "WorkCalendar",
    "add_months",
    "evaluate",
    "holiday_rows_for_years",
    "plan_rules",
    "preset_rules",
    "rules_for_settings",
    "rules_from_sheet",
    "rules_from_table",
    "rules_to_rows",
    "to_json",
]
