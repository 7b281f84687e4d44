"""The figures and their exact definitions (../shared/domain.md, "Classification and statistics").

Which cases count
- **Current-year cases**: 年度 equal to the ledger year, or no 年度 (or no ledger year at all).
  A 年度 after the ledger year is a slip the validators report; it counts as current, so no case
  silently disappears. Every count and rate below is over current-year cases unless it says
  otherwise. The ledger year is `ledger_year`, else the 参数 sheet's 年度.
- **Earlier years' B cases** (B类建议提案, tracked 跨年度, seeds/000 三㈢): 年度 before the ledger year
  and 办理结果 of the scheme's B class (B, or 乙), or carrying a B类计划解决时限 whatever the class
  is now (only B cases get one, so a B case since re-marked A is still found). They count only
  in 往年B类件数 / 已解决 / B类转化率. Earlier years' other cases are counted apart (往年其他件数).
- **Resolved** (an earlier year's B case): its 办理结果 is now the A class (A, or 甲), or its
  落实进展 contains 已解决, 基本解决, 已完成, 已落实 or 已办结 ("尚未解决" does not).
- **参阅 cases** (本级承办方式 参阅) count in 件数 and the role counts only: they get no class
  (domain.md) and are in no rate's numerator or denominator (seeds/004: 4 件, 参阅 1, shares over 3).
- **退回 cases** (a 退回日期) were handed back as outside the unit's remit: counted in 件数 and
  退回, in no rate.
- **Due cases** (应办): current-year cases neither 参阅 nor 退回, whatever the role. They are the
  cases the ledger handles; most rates are over them or a part of them.
- **Cases due to be replied** (应办复, domain.md: 办复率 = replied / due to be replied): with timing,
  the due cases whose 正式答复 deadline has passed by today (`CaseTiming.reply_due_by_today`) or
  which are replied. A case not yet at its deadline is not owed a reply yet, so it does not lower
  the rate; a 协办 case has no 正式答复 stage of its own (the presets' reply rules leave 协办 out),
  so it is never due to reply and counts only once it is replied anyway. A case missing from the
  timing counts only when replied. Without timing, every due case is taken as due to be replied
  (the year-end reading, where every deadline has passed), 协办 cases included.

Rates (each carries its numerator and denominator; `Rate`, half up to two decimals)
- **办复率** = cases due to be replied that have a 正式答复日期 / cases due to be replied (see above;
  without timing: due cases with a 正式答复日期 / due cases).
- **见面率** (面商率) = host cases with a 面商日期 / host cases, where host cases are due cases whose
  本级承办方式 is 主办 or 分办 (each 分办 unit replies on its own), or blank (a ledger without the
  column holds the office's own cases). 协办 and 会办 cases do not meet the proposer themselves.
- **按期办复率** = due cases the deadline engine says were replied on time / due cases whose reply
  deadline has passed or which are replied (`CaseTiming.reply_due_by_today`): the 办复率's
  denominator, less replied cases without a reply deadline (协办, or a due date that is unknown),
  whose timeliness nobody can judge. Without timing the rate is unknown ("未知"), never guessed;
  a case missing from the timing is left out of both sides.
- **满意率** = due cases whose 代表意见 is 满意 or 基本满意 / due cases with a 代表意见.
  **满意占比** = 满意 alone / due cases with a 代表意见 (some places publish only this).
- **Class shares** (A类占比 …) = due cases of the class / classified cases, classified being due
  cases whose 办理结果 is a class of the scheme (A/B/C, A/B/C/D or 甲/乙/丙, the 参数 setting).
  A 办理结果 outside the scheme is not counted (the validators report it).
- **解决率** = (A + B) / classified cases (甲 + 乙 in 甲/乙/丙).
- **B类转化率** = earlier years' B cases now resolved / earlier years' B cases.
- **逾期件数** = current-year cases the deadline engine says are overdue at some stage (unknown
  without timing).

A rate over no cases prints "—", not 0% or 100%.
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.core.enums import CLASS_SCHEMES, PLANNED_CLASS, RESOLVED_CLASS, Opinion, Role
from taizhang.core.stats.facts import BLANK, HOST_ROLES, Facts, Period
from taizhang.core.stats.rates import Rate

REPLY_RATE = "办复率"
MEETING_RATE = "见面率"
ON_TIME_RATE = "按期办复率"
SATISFACTION_RATE = "满意率"
SATISFIED_SHARE = "满意占比"
SOLVED_RATE = "解决率"
B_CONVERSION_RATE = "B类转化率"
RATE_NAMES = (REPLY_RATE, MEETING_RATE, ON_TIME_RATE, SATISFACTION_RATE, SATISFIED_SHARE, SOLVED_RATE,
              B_CONVERSION_RATE)

ROLES = tuple(r.value for r in Role)
OPINIONS = tuple(o.value for o in Opinion)


@dataclass(frozen=True)
class Figures:
    """The counts and rates of one group of cases (all of them, one 类别, one unit's 主办 cases …)."""

    cases: int  # current-year cases
    roles: dict[str, int]  # 主办/协办/会办/分办/参阅, then blank or unknown spellings when present
    referral: int  # 参阅
    returned: int  # 退回
    due: int  # due cases (neither 参阅 nor 退回)
    replied: int  # due cases with a 正式答复日期 (all of them are due to be replied)
    classes: dict[str, int]  # every class of the scheme, in scheme order
    opinions: dict[str, int]  # 满意/基本满意/不满意
    overdue: int | None  # None: unknown (no timing given)
    earlier_b: int
    earlier_b_resolved: int
    earlier_other: int
    rates: dict[str, Rate]  # RATE_NAMES, in that order
    class_shares: dict[str, Rate]

    @property
    def classified(self) -> int:
        return sum(self.classes.values())


class Tally:
    """Counters for one group; `add` takes a `Facts` and how many cases share it."""

    def __init__(self) -> None:
        self.cases = self.referral = self.returned = self.due = self.replied = 0
        self.hosts = self.met = self.reply_due = self.on_time = self.overdue = 0
        self.owed = 0  # due to be replied: reply deadline passed, or replied (with timing)
        self.with_opinion = 0
        self.earlier_b = self.earlier_b_resolved = self.earlier_other = 0
        self.roles: dict[str, int] = {}
        self.classes: dict[str, int] = {}
        self.opinions: dict[str, int] = {}

    def add(self, f: Facts, n: int = 1) -> None:
        if f.period != Period.CURRENT:
            if f.period == Period.EARLIER_B:
                self.earlier_b += n
                self.earlier_b_resolved += n if f.resolved else 0
            else:
                self.earlier_other += n
            return
        self.cases += n
        self.roles[f.role] = self.roles.get(f.role, 0) + n
        if f.overdue:
            self.overdue += n
        if f.role == Role.REFERENCE:
            self.referral += n
            return
        if f.returned:
            self.returned += n
            return
        self.due += n
        if f.replied:
            self.replied += n
        if f.replied or f.reply_due:
            self.owed += n
        if f.role in HOST_ROLES:
            self.hosts += n
            self.met += n if f.met else 0
        if f.reply_due:
            self.reply_due += n
            self.on_time += n if f.on_time else 0
        if f.cls is not None:
            self.classes[f.cls] = self.classes.get(f.cls, 0) + n
        if f.opinion is not None:
            self.with_opinion += n
            self.opinions[f.opinion] = self.opinions.get(f.opinion, 0) + n

    def merge(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, dict):
                mine = getattr(self, name)
                for key, count in value.items():
                    mine[key] = mine.get(key, 0) + count
            else:
                setattr(self, name, getattr(self, name) + value)

    def figures(self, scheme: str, timing_known: bool) -> Figures:
        letters = CLASS_SCHEMES[scheme]
        classes = {c: self.classes.get(c, 0) for c in letters}
        classified = sum(classes.values())
        solved = classes[RESOLVED_CLASS[scheme]] + classes[PLANNED_CLASS[scheme]]
        opinions = {o: self.opinions.get(o, 0) for o in OPINIONS}
        pleased = opinions[Opinion.SATISFIED] + opinions[Opinion.BASICALLY]
        rates = {
            REPLY_RATE: Rate(self.replied, self.owed if timing_known else self.due),
            MEETING_RATE: Rate(self.met, self.hosts),
            ON_TIME_RATE: Rate(self.on_time, self.reply_due) if timing_known else Rate.unknown(),
            SATISFACTION_RATE: Rate(pleased, self.with_opinion),
            SATISFIED_SHARE: Rate(opinions[Opinion.SATISFIED], self.with_opinion),
            SOLVED_RATE: Rate(solved, classified),
            B_CONVERSION_RATE: Rate(self.earlier_b_resolved, self.earlier_b),
        }
        # Fixed roles always, zeros included, so tables keep their columns; odd spellings after.
        roles = {r: self.roles.get(r, 0) for r in ROLES}
        roles |= {r: n for r, n in self.roles.items() if r not in roles and r != BLANK}
        if self.roles.get(BLANK):
            roles[BLANK] = self.roles[BLANK]
        return Figures(
            cases=self.cases, roles=roles, referral=self.referral, returned=self.returned, due=self.due,
            replied=self.replied, classes=classes, opinions=opinions,
            overdue=self.overdue if timing_known else None,
            earlier_b=self.earlier_b, earlier_b_resolved=self.earlier_b_resolved,
            earlier_other=self.earlier_other, rates=rates,
            class_shares={c: Rate(n, classified) for c, n in classes.items()},
        )
