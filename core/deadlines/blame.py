"""Who owes what: every stage that is overdue, done late or due soon, under the unit that owes it.

A stage's 责任单位 (`DeadlineRule.responsible`, carried on each `StageDeadline.owner`) says whose work
it is: the lead's stages are owed by the unit in 主办单位; the 协办意见 by each unit named in
协办单位 (every one of them, since the ledger has one 协办意见日期 per case). Units are named as
every report names them (`UnitNames`: 单位名录 spellings resolve to the full name).

逾期清单, 通报, the split cover notes, the weekly per-unit mail and unit lines are all read from this
one model, which knows nothing of sheets (a 公文 can be rendered from it as well).

Earlier-year cases (年度 before the ledger's year: 往年 B 类 回头看 and the like) are flagged, so
reports list them in their own section (往年件), never mixed into this year's list.

Overdue is counted in working days and is at least 1 when shown: a Friday deadline seen on the
Sunday after is overdue, yet no working day has been lost, so it reads "逾期（截止6月13日，周五）",
never "逾期0个工作日".
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from taizhang.core.calendar import UnknownYear, WorkCalendar
from taizhang.core.columns import Col
from taizhang.core.deadlines.conditions import case_role
from taizhang.core.deadlines.evaluate import CaseDeadlines, StageDeadline, StageState
from taizhang.core.deadlines.rules import Owner
from taizhang.core.enums import Role
from taizhang.core.stats.units import UnitNames
from taizhang.core.table import CaseTable

WEEKDAYS = "一二三四五六日"
HOST_PART, CO_PART = "主办", "协办"
LOCAL_CO_CASE = "本级协办件"
# The states a unit is answerable for, worst first.
BLAMED = (StageState.OVERDUE, StageState.DONE_LATE, StageState.DUE_SOON)


@dataclass(slots=True)  # not frozen: a big ledger owes ~50k of these, and frozen fields cost 3× to set
class Owed:
    """One stage of one case, as owed by one unit. Made only by `owed` (as_co, part and lead are
    worked out there from owner, case_role and host); read-only by convention, as lists and reports
    share them, and not hashable."""

    unit: str  # the unit that owes the stage (canonical name)
    owner: Owner  # owed as the case's 主办单位 or as one of its 协办单位
    row: int  # Excel row of the case
    number: str | None  # 编号
    title: str | None
    host: str  # the case's 主办单位 (canonical): where a co-handler's opinion goes
    stage: str
    due: date | None
    state: StageState  # one of BLAMED
    done_date: date | None  # DONE_LATE only
    # Working days past the due date (to today, or to the done date); 0 when none has passed yet (a
    # Friday deadline seen on Sunday), None when the calendar cannot count them. Shown only when >= 1.
    days_late: int | None
    days_left: int | None  # DUE_SOON only: working days left
    earlier_year: bool  # the case's 年度 is before the ledger's year
    case_role: str  # the case's 本级承办方式 (blank read as 主办)
    # Worked out once when made (`owed`): lists and reports ask for them on every row.
    as_co: bool  # owed as one of the 协办单位
    # 协办 when the unit owes the stage as a co-handler: one named in 协办单位, or the local unit of a
    # case this office itself only co-handles (本级承办方式 协办); else 主办.
    part: str
    # Whom the work is for, as a list shows it: the case's 主办单位; 本级协办件 when this office only
    # co-handles the case (its 主办单位 column holds the local unit, the lead is elsewhere).
    lead: str

    @property
    def overdue(self) -> bool:
        return self.state is StageState.OVERDUE


def _part_and_lead(owner: Owner, case_role: str, host: str) -> tuple[bool, str, str]:
    as_co = owner is Owner.CO
    local_co = case_role == Role.CO.value
    return as_co, CO_PART if as_co or local_co else HOST_PART, LOCAL_CO_CASE if not as_co and local_co else host


def day_text(day: date, today: date) -> str:
    """6月13日，周五 (with the year when it is not today's year)."""
    return f"{short_day(day, today)}，周{WEEKDAYS[day.weekday()]}"


def short_day(day: date, today: date) -> str:
    """6月13日 (with the year when it is not today's year)."""
    year = "" if day.year == today.year else f"{day.year}年"
    return f"{year}{day.month}月{day.day}日"


def late_phrase(item: Owed) -> str:
    """逾期3个工作日 / 逾期 (less than one working day, or a count the calendar cannot make)."""
    return f"逾期{item.days_late}个工作日" if item.days_late else "逾期"


def situation(item: Owed, today: date) -> str:
    """What is wrong, in the words of a 通报: 逾期3个工作日未完成（截止5月15日，周五）."""
    due = f"截止{day_text(item.due, today)}" if item.due else "截止日期未知"
    if item.state is StageState.OVERDUE:
        return f"{late_phrase(item)}未完成（{due}）"
    if item.state is StageState.DONE_LATE:
        done = f"{short_day(item.done_date, today)}完成" if item.done_date else "已完成"
        late = f"，超期{item.days_late}个工作日" if item.days_late else ""
        return f"超期完成（{due}；{done}{late}）"
    left = f"还剩{item.days_left}个工作日" if item.days_left else "今天到期"
    return f"临期，{left}（{due}）"


def duty(item: Owed) -> str:
    """The unit's part in the case: 主办, or 协办（主办单位：县教育和体育局）."""
    return f"协办（主办单位：{item.host}）" if item.as_co else item.part


def owing_units(stage: StageDeadline, host: str | None, co_units: list[str]) -> list[str]:
    """The units (as the ledger spells them) that owe `stage` of a case with these 主办单位 and
    协办单位; [] when the ledger names none."""
    return units_owing((stage.owner,), host, co_units)


def units_owing(owners: Collection[Owner], host: str | None, co_units: list[str]) -> list[str]:
    """The units (as the ledger spells them) that owe a case's stages of these `owners`: the
    主办单位 for the lead's stages, every 协办单位 for a co-handler's."""
    return [*([host] if host and Owner.HOST in owners else ()), *(co_units if Owner.CO in owners else ())]


def _days_late(stage: StageDeadline, calendar: WorkCalendar) -> int | None:
    if stage.state is StageState.OVERDUE:
        left = stage.working_days_left
        return None if left is None else max(0, -left)
    if stage.due is None or stage.done_date is None:
        return None
    try:
        late = calendar.workdays_between(stage.due, stage.done_date)
    except UnknownYear:
        return None
    return max(0, late)


def owed(deadlines: list[CaseDeadlines], table: CaseTable, names: UnitNames, calendar: WorkCalendar,
         *, ledger_year: int | None, states: Iterable[StageState] = BLAMED) -> list[Owed]:
    """Every stage in `states`, once per unit that owes it, in case order then stage order.
    `deadlines` are those of `table`'s cases, in its order (`evaluate`). A stage with no unit to owe
    it (no 主办单位 filled) is listed under `UnitNames.host(None)`."""
    wanted = frozenset(states)
    years, hosts, co_units, titles, raw_roles = (
        table.column(c) for c in (Col.YEAR, Col.HOST_UNIT, Col.CO_UNITS, Col.TITLE, Col.ROLE))
    # Cases alike share their stage lists and stage objects (`evaluate`): what a list blames, what
    # a stage says, who owes alike stages and as what are each worked out once.
    blamed_of: dict[int, list[StageDeadline]] = {}
    said: dict[int, tuple[str, date | None, StageState, date | None, int | None, int | None]] = {}
    roles: dict[str | None, str] = {}
    named: dict[tuple[Owner, str | None, tuple[str, ...] | None], list[str]] = {}
    parts: dict[tuple[Owner, str, str | None], tuple[str, bool, str, str]] = {}
    items: list[Owed] = []
    append = items.append
    for i, d in enumerate(deadlines):
        stages = d.stages
        blamed = blamed_of.get(id(stages))
        if blamed is None:
            blamed = blamed_of[id(stages)] = [stage for stage in stages if stage.state in wanted]
        if not blamed:
            continue
        year = years[i]
        earlier = ledger_year is not None and year is not None and year < ledger_year
        raw_host, raw_role = hosts[i], raw_roles[i]
        host = names.host(raw_host)
        role = roles.get(raw_role) or roles.setdefault(raw_role, case_role(table.row(i)))
        row, number, title = d.row, d.number, titles[i]
        for stage in blamed:
            owner = stage.owner
            owing = (owner, raw_host, tuple(co_units[i]) if owner is Owner.CO else None)
            units = named.get(owing)
            if units is None:
                raw = owing_units(stage, raw_host, co_units[i])
                units = named[owing] = list(dict.fromkeys(names.name(u) for u in raw)) or [host]
            fields = said.get(id(stage))
            if fields is None:
                left = stage.working_days_left if stage.state is StageState.DUE_SOON else None
                fields = said[id(stage)] = (stage.stage, stage.due, stage.state, stage.done_date,
                                            _days_late(stage, calendar), left)
            as_what = (owner, role, raw_host)
            role_part = parts.get(as_what)
            if role_part is None:
                role_part = parts[as_what] = (role, *_part_and_lead(owner, role, host))
            # positionally, in Owed's field order: a keyword call costs three times as much
            for unit in units:
                append(Owed(unit, owner, row, number, title, host, *fields, earlier, *role_part))
    return items


def by_unit(items: Iterable[Owed], names: UnitNames) -> list[tuple[str, list[Owed]]]:
    """`items` grouped under their unit, units in report order (单位名录 first), items in their order."""
    return names.grouped(items, _UNIT)


def cases_of(items: Iterable[Owed]) -> int:
    """How many distinct cases `items` are about."""
    return len({item.row for item in items})


def most_late_first(items: Iterable[Owed]) -> list[Owed]:
    """Overdue items, the longest overdue first (unknown counts last), then by row."""
    return sorted(items, key=lambda i: (i.due is None, i.due or date.max, -(i.days_late or 0), i.row))


_UNIT = attrgetter("unit")
