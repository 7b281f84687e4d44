"""Rules by their stable code, so a checklist (the 校验规则 sheet) is plain data."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from taizhang.core.settings import Settings, Severity

if TYPE_CHECKING:
    from taizhang.validators.context import Context


class Hit(NamedTuple):
    """What a rule found before the engine dresses it as a Finding.

    `column` None means "the column of `field`"; "" means no column (a whole column is missing).
    `sheet` None means the ledger's sheet; a settings problem names its own sheet (时限规则), and
    then `row` and `column` are that sheet's.
    """

    row: int
    field: str
    value: Any
    params: Mapping[str, Any] = {}
    column: str | None = None
    sheet: str | None = None


Check = Callable[["Context"], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """A registered check (`@rule`): its stable code, default severity, title, message template and the
    function that yields its hits."""

    code: str  # kebab-case, never renamed: settings sheets and scripts refer to it
    severity: Severity  # the default; the 校验规则 sheet may change it
    title: str  # short Chinese description shown in the 校验规则 sheet
    template: str  # Chinese message; {field} and {value} are always available
    check: Check = field(repr=False)

    def message(self, field_name: str, value: str | None, params: Mapping[str, Any]) -> str:
        return self.template.format_map({"field": field_name, "value": value or "", **params})


RULES: dict[str, Rule] = {}


def rule(code: str, severity: Severity, title: str, template: str) -> Callable[[Check], Check]:
    """Register a check function under its code (pandera's register_builtin_check)."""

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule code registered twice: {code}")
        RULES[code] = Rule(code, severity, title, template, check)
        return check

    return register


def rule_rows(settings: Settings | None = None) -> list[list[str]]:
    """Rows for the 校验规则 sheet under core.settings.CHECK_RULE_HEADERS (规则代码, 说明, 启用, 级别),
    keeping what the workbook's own sheet chose when `settings` is given."""
    rows: list[list[str]] = []
    for r in RULES.values():
        setting = settings.rule_setting(r.code) if settings else None
        enabled = setting.enabled if setting else True
        severity = (setting.severity if setting and setting.severity else r.severity).value
        rows.append([r.code, r.title, "是" if enabled else "否", severity])
    return rows
