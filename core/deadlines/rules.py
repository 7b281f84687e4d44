"""A deadline rule: one stage of handling, which cases it applies to, and when it is due.

Rules are data (the workbook's 时限规则 sheet, see `sheet.py`); this module is only their shape.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from taizhang.core.columns import Col
from taizhang.core.enums import Role

# The roles a rule with an empty 适用承办方式 applies to: the cases the office answers itself.
# 协办 and 参阅 cases owe no reply of their own, so a rule reaches them only by naming them.
DEFAULT_ROLES: tuple[str, ...] = (Role.HOST.value, Role.JOINT.value, Role.SPLIT.value)


class DeadlineKind(StrEnum):
    """How a time limit is given: a fixed date of the ledger's year, or N natural days, working days or
    months after a date column (docs/domain.md#deadline-rules)."""

    FIXED = "固定日期"
    NATURAL_DAYS = "自然日"
    WORKDAYS = "工作日"
    MONTHS = "个月"


class Owner(StrEnum):
    """Whose work a stage is, named by the ledger column that holds that unit: the 主办单位 (the lead's
    own stages), or each unit in 协办单位 (the co-handlers' opinion to the lead)."""

    HOST = Col.HOST_UNIT
    CO = Col.CO_UNITS


class Combine(StrEnum):
    """Which of a rule's two time limits applies: the earlier or the later date."""

    EARLIER = "较早"
    LATER = "较晚"


@dataclass(frozen=True)
class Term:
    """One time limit: a fixed month-day of the ledger's year, or N days/working days/months after a date column."""

    kind: DeadlineKind
    amount: int | None = None  # N, for the relative kinds
    month: int | None = None  # for 固定日期
    day: int | None = None
    base: str = Col.ASSIGNED_DATE  # the date column a relative period runs from

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", DeadlineKind(self.kind))
        if self.kind is DeadlineKind.FIXED:
            if self.month is None or self.day is None:
                raise ValueError("固定日期 needs month and day")
        elif self.amount is None or self.amount < 1:
            raise ValueError(f"{self.kind} needs a positive amount")


@dataclass(frozen=True)
class Condition:
    """`column=value`: an enumeration column holds `value`; value 有/无: the column is filled/empty."""

    column: str
    value: str

    def __str__(self) -> str:
        return f"{self.column}={self.value}"


@dataclass(frozen=True, kw_only=True)
class DeadlineRule:
    """One row of the 时限规则 sheet: a stage, the date column that completes it, the cases it applies
    to (roles, category, conditions), its time limit(s), extension column and the unit that owes it."""

    stage: str  # 环节
    done_column: str  # 完成标志列: the date column whose date marks the stage done
    roles: tuple[str, ...] = ()  # 适用承办方式; empty = DEFAULT_ROLES
    category: str | None = None  # 适用类别: a Category value; None = both
    conditions: tuple[Condition, ...] = ()  # 适用条件: all must hold
    term: Term
    second: Term | None = None  # 时限类型2 …: the other time limit of an earlier/later pair
    combine: Combine | None = None
    extension_column: str | None = None  # 延期列: a granted date that replaces the due date
    owner: Owner | None = None  # 责任单位; None = `default_owner`
    enabled: bool = True  # 启用: a rule switched off is listed as not tracked, never evaluated
    note: str | None = None  # 说明: where the rule comes from
    # Where the rule came from in the 时限规则 sheet: (header, cell) pairs, so a problem names its cell.
    cells: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # The sequences as tuples and the enumerations as members, whatever a caller passed.
        for name in ("roles", "conditions", "cells"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        for name, kind in (("combine", Combine), ("owner", Owner)):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, kind(value))
        if (self.second is None) != (self.combine is None):
            raise ValueError("second and combine go together")

    def model_copy(self, *, update: dict[str, Any] | None = None) -> DeadlineRule:
        """A copy with some fields replaced (as pydantic's `model_copy`, which earlier versions used)."""
        return replace(self, **(update or {}))

    def applies_to_role(self, role: str) -> bool:
        return role in (self.roles or DEFAULT_ROLES)

    def terms(self) -> tuple[Term, ...]:
        return (self.term,) if self.second is None else (self.term, self.second)

    @property
    def responsible(self) -> Owner:
        """The unit that owes this stage: the 责任单位 given, else `default_owner`."""
        return self.owner or default_owner(self)

    def needed_columns(self) -> tuple[str, ...]:
        """The ledger columns without which the stage can never be completed or started: its
        完成标志列 and the 起算列 of each relative limit."""
        bases = [t.base for t in self.terms() if t.kind is not DeadlineKind.FIXED]
        return tuple(dict.fromkeys([self.done_column, *bases]))

    def cell(self, header: str) -> str | None:
        """The 时限规则 cell this rule's `header` was read from, when it came from the sheet."""
        return dict(self.cells).get(header)


def default_owner(rule: DeadlineRule) -> Owner:
    """协办意见 is owed by the co-handlers named in 协办单位, except on the cases where this office is
    itself the 协办 (本级承办方式 协办): there the unit in 主办单位 is the local unit that owes it.
    Every other stage is the lead's work."""
    if rule.done_column == Col.CO_OPINION_DATE and tuple(rule.roles) != (Role.CO.value,):
        return Owner.CO
    return Owner.HOST
