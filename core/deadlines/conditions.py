"""The small vocabulary of 适用条件: `列=值` for an enumeration column, `列=有` / `列=无` for any column.

Examples: 代表意见=不满意, 公开属性=主动公开, 办理结果=B, 重点件=是, 级别=州(市), 协办单位=有.
办理结果 letters mean a position in the class scheme: B is the planned class (乙 under 甲/乙/丙).
"""

from __future__ import annotations

import re
from typing import Any

from taizhang.core.columns import BY_NAME, Col, Kind, match_header
from taizhang.core.deadlines.rules import Condition, DeadlineRule, Owner
from taizhang.core.enums import CLASS_SCHEMES, Role, allowed_values, canonical, canonical_class, fold
from taizhang.core.table import CaseValues

FILLED, EMPTY = "有", "无"
_FLAG_VALUES = {"是": True, "否": False}
_ROLES = frozenset(r.value for r in Role)
_HOST = Role.HOST.value
_SEPARATORS = re.compile(r"[;；\n]+|且")
_PAIR = re.compile(r"^(?P<column>[^=:]+)[=:](?P<value>.+)$")


class BadCondition(ValueError):
    """`reason` says in Chinese what the condition should look like."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _class_position(letter: str) -> int | None:
    for scheme in CLASS_SCHEMES.values():
        if letter in scheme:
            return scheme.index(letter)
    return None


def parse_condition(text: str) -> Condition:
    match = _PAIR.match(fold(text))
    if not match:
        raise BadCondition(f"“列=值”的形式，如“代表意见=不满意”，而不是“{text}”")
    column = match_header(match["column"])
    if column is None:
        raise BadCondition(f"台账中的列名，“{match['column']}”不是")
    value = match["value"]
    if value in (FILLED, EMPTY):
        return Condition(column=column, value=value)
    spec = BY_NAME[column]
    if column == Col.RESULT:
        letter = canonical_class(value) or ""
        if _class_position(letter) is None:
            raise BadCondition("办理结果 A、B、C、D 或 甲、乙、丙")
        return Condition(column=column, value=letter)
    if spec.kind is Kind.FLAG:
        if value not in _FLAG_VALUES:
            raise BadCondition(f"“{column}=是”或“{column}=否”")
        return Condition(column=column, value=value)
    if spec.kind is Kind.ENUM:
        known = allowed_values(column)
        canon = canonical(column, value)
        if canon not in known:
            raise BadCondition(f"{column}为 {'、'.join(known)} 之一")
        return Condition(column=column, value=canon)
    raise BadCondition(f"“{column}=有”或“{column}=无”（此列只能判断是否填写）")


def parse_conditions(text: str | None) -> tuple[Condition, ...]:
    """Conditions separated by ；, line breaks or 且; all must hold."""
    if not text:
        return ()
    return tuple(parse_condition(part) for part in _SEPARATORS.split(text) if part.strip())


def _filled(value: Any) -> bool:
    return value not in (None, "", [])


def holds(condition: Condition, case: CaseValues, class_scheme: str) -> bool:
    value = case[condition.column]
    if condition.value == FILLED:
        return _filled(value)
    if condition.value == EMPTY:
        return not _filled(value)
    if condition.column == Col.RESULT:
        position = _class_position(condition.value)
        classes = CLASS_SCHEMES.get(class_scheme, CLASS_SCHEMES["A/B/C"])
        wanted = classes[position] if position is not None and position < len(classes) else condition.value
        return canonical_class(value) == wanted
    if BY_NAME[condition.column].kind is Kind.FLAG:
        return value is _FLAG_VALUES[condition.value]
    return canonical(condition.column, value) == condition.value


def case_role(case: CaseValues) -> str:
    """The case's 本级承办方式; blank or unrecognised counts as 主办 (a ledger without the column
    holds the office's own cases), so no deadline is hidden by a missing value."""
    role = canonical(Col.ROLE, case[Col.ROLE])
    return role if role in _ROLES else _HOST


def case_category(case: CaseValues) -> str | None:
    return canonical(Col.CATEGORY, case[Col.CATEGORY])


class CaseScope:
    """What a case is, worked out once, to test it against every rule: 承办方式, 类别 and every
    适用条件 must hold, and a stage owed by the 协办单位 needs one. A blank 类别 does not exclude
    the case."""

    def __init__(self, case: CaseValues, class_scheme: str) -> None:
        self.case = case
        self.class_scheme = class_scheme
        self.role = case_role(case)
        self.category = case_category(case)

    def admits(self, rule: DeadlineRule) -> bool:
        if not rule.applies_to_role(self.role):
            return False
        if rule.category and self.category and self.category != rule.category:
            return False
        if rule.responsible is Owner.CO and not self.case[Col.CO_UNITS]:
            return False  # a stage owed by the 协办单位 of a case that names none is owed by nobody
        return all(holds(c, self.case, self.class_scheme) for c in rule.conditions)
