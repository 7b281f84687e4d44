"""What statistics need to know about one case, read once per case.

Each case becomes a small hashable `Facts` tuple; identical tuples are counted together, so
20k cases cost one pass plus a few hundred tally updates. The meaning of every flag is in
`taizhang.core.stats.figures` (the definitions).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple

from taizhang.core.columns import Col
from taizhang.core.enums import (
    CLASS_SCHEMES,
    PLANNED_CLASS,
    RESOLVED_CLASS,
    Opinion,
    Role,
    canonical,
    canonical_class,
)
from taizhang.core.stats.units import UnitNames
from taizhang.core.table import CaseTable

BLANK = "未填写"  # the group of cases that leave a breakdown's column empty
ORDINARY_CASE = "一般件"

# 落实进展 wording that says an earlier year's B case is now resolved. "尚未解决" and "未完成"
# do not contain these, so negations stay unresolved.
RESOLVED_WORDS = ("已解决", "基本解决", "已完成", "已落实", "已办结")

# A blank 本级承办方式 is read as 主办: a ledger without the column holds the office's own cases.
HOST_ROLES = frozenset({Role.HOST.value, Role.SPLIT.value, BLANK})
_OPINIONS = frozenset(o.value for o in Opinion)


@dataclass(frozen=True)
class CaseTiming:
    """What the deadline engine says about a case, passed in by the caller (keyed by Excel row)."""

    overdue: bool  # currently overdue at some stage
    replied_on_time: bool | None  # 正式答复 done by its due date (None: not replied or unknown)
    reply_due_by_today: bool  # its reply deadline has passed (or it has been replied)
    # The units (as the ledger spells them) that owe an overdue stage of the case: the 主办单位 for
    # the lead's stages, each 协办单位 for an overdue 协办意见. None: not known, read as the 主办单位.
    overdue_units: frozenset[str] | None = None


class Period:
    CURRENT = "current"  # the ledger year's cases (or no 年度): all figures
    EARLIER_B = "earlier_b"  # an earlier year's B case: B类转化率 only
    EARLIER_OTHER = "earlier_other"  # an earlier year's A/C/unclassified case: counted apart, nowhere else


class Facts(NamedTuple):
    period: str
    category: str
    level: str
    role: str
    timing: str  # 提出时间
    key_case: str
    host: str | None  # canonical 主办单位 name
    returned: bool
    replied: bool
    met: bool
    cls: str | None  # a class of the scheme, else None
    opinion: str | None
    overdue: bool | None  # None: not known (no timing for the case)
    reply_due: bool | None
    on_time: bool | None
    resolved: bool  # earlier B cases only


class FactsReader:
    """Reads cases into `Facts`, remembering each spelling it has already canonicalised."""

    def __init__(self, scheme: str, ledger_year: int | None, units: UnitNames,
                 timing: dict[int, CaseTiming] | None) -> None:
        self.classes = frozenset(CLASS_SCHEMES[scheme])
        self.resolved_class = RESOLVED_CLASS[scheme]
        self.planned_class = PLANNED_CLASS[scheme]
        self.ledger_year = ledger_year
        self.units = units
        self.timing = timing
        self._enums: dict[tuple[str, str], str] = {}
        self._classes: dict[str, str | None] = {}

    def _enum(self, column: str, text: str | None) -> str:
        if text is None:
            return BLANK
        key = (column, text)
        found = self._enums.get(key)
        if found is None:
            found = self._enums[key] = canonical(column, text) or BLANK
        return found

    def _class(self, text: str | None) -> str | None:
        if text is None:
            return None
        if text not in self._classes:
            cls = canonical_class(text)
            self._classes[text] = cls if cls in self.classes else None
        return self._classes[text]

    def _period(self, year: int | None, plan_deadline: date | None, cls: str | None) -> str:
        if self.ledger_year is None or year is None or year >= self.ledger_year:
            return Period.CURRENT
        # Only B cases get a 计划解决时限, so one marks a B case even after its class became A.
        if cls == self.planned_class or plan_deadline is not None:
            return Period.EARLIER_B
        return Period.EARLIER_OTHER

    def _resolved(self, progress: str | None, cls: str | None) -> bool:
        if cls == self.resolved_class:
            return True
        return any(word in (progress or "") for word in RESOLVED_WORDS)

    def read_table(self, table: CaseTable) -> Iterator[Facts]:
        """The facts of each case of `table`, in its order, read from its columns. Cases alike in
        everything the facts read share one `Facts`, worked out once (a ledger has a few hundred)."""
        rows = zip(table.rows, *(table.column(c) for c in _READ), strict=True)
        timings, ledger_year = self.timing, self.ledger_year
        made: dict[tuple[Any, ...], Facts] = {}
        for case in rows:
            (row, result, year, plan_deadline, progress, opinion, category, level, role, timing_text,
             key_case, host, returned, replied, met) = case
            timing = timings.get(row) if timings is not None else None
            # 落实进展 is read for an earlier year's case only; of the dates, only whether each is filled.
            earlier = ledger_year is not None and year is not None and year < ledger_year
            key = (result, year, plan_deadline, progress if earlier else None, opinion, category, level, role,
                   timing_text, not key_case, host, returned is None, replied is None, met is None,
                   (timing.overdue, timing.reply_due_by_today, timing.replied_on_time) if timing else None)
            try:
                facts = made.get(key)
            except TypeError:  # a value that cannot be a key: read on its own
                yield self._facts(case, timing)
                continue
            if facts is None:
                facts = made[key] = self._facts(case, timing)
            yield facts

    def _facts(self, case: tuple[Any, ...], timing: CaseTiming | None) -> Facts:
        (_row, result, year, plan_deadline, progress, opinion, category, level, role, timing_text,
         key_case, host, returned, replied, met) = case
        cls = self._class(result)
        period = self._period(year, plan_deadline, cls)
        said = self._enum(Col.OPINION, opinion)
        return Facts(
            period=period,
            category=self._enum(Col.CATEGORY, category),
            level=self._enum(Col.LEVEL, level),
            role=self._enum(Col.ROLE, role),
            timing=self._enum(Col.TIMING, timing_text),
            key_case=Col.KEY_CASE if key_case else ORDINARY_CASE,
            host=self.units.name(host) if host else None,
            returned=returned is not None,
            replied=replied is not None,
            met=met is not None,
            cls=cls,
            opinion=said if said in _OPINIONS else None,
            overdue=timing.overdue if timing else None,
            reply_due=timing.reply_due_by_today if timing else None,
            on_time=timing.replied_on_time if timing else None,
            resolved=period == Period.EARLIER_B and self._resolved(progress, cls),
        )


# The columns `FactsReader.read_table` reads, in the order it unpacks them.
_READ = (Col.RESULT, Col.YEAR, Col.PLAN_DEADLINE, Col.PROGRESS, Col.OPINION, Col.CATEGORY, Col.LEVEL, Col.ROLE,
         Col.TIMING, Col.KEY_CASE, Col.HOST_UNIT, Col.RETURNED_DATE, Col.REPLY_DATE, Col.MEETING_DATE)
