"""The figures and their exact definitions (docs/domain.md#classification and
docs/domain.md#statistics; the sources named below are listed in docs/domain.md#sources).

This docstring is the documentation of every count and rate; 汇总, 通报, the report paragraph,
`stats --json` and the weekly report name them with the words in bold below, and only those.

Which cases count
- **Current-year cases**: 年度 equal to the ledger year, or no 年度 (or no ledger year at all).
  A 年度 after the ledger year is a slip the validators report; it counts as current, so no case
  silently disappears. Every count and rate below is over current-year cases unless it says
  otherwise. The ledger year is `ledger_year`, else the 参数 sheet's 年度.
- **Earlier years' B cases** (B类建议提案, tracked 跨年度, 精河2025通知 三㈢): 年度 before the ledger year
  and 办理结果 of the scheme's B class (B, or 乙), or carrying a B类计划解决时限 whatever the class
  is now (only B cases get one, so a B case since re-marked A is still found). They count only
  in 往年B类件数 / 已解决 / B类转化率. Earlier years' other cases are counted apart (往年其他件数).
- **Resolved** (an earlier year's B case): its 办理结果 is now the A class (A, or 甲), or its
  落实进展 contains 已解决, 基本解决, 已完成, 已落实 or 已办结 ("尚未解决" does not).

Two kinds of count, never mixed
1. The ledger's own role, case by case (each case counted once; they sum to **件数**):
   - **本级主办 / 本级协办 / 本级会办 / 本级分办**: cases whose 本级承办方式 is that role, not 退回;
     a blank 本级承办方式 is **本级承办方式未填写** (a spelling outside the roles is 本级 + it).
   - **参阅** (本级承办方式 参阅): no class (docs/domain.md#classification), in no rate's numerator or
     denominator (新疆2024报告: 4 件, 参阅 1, shares over 3), and no unit's row: nobody handles it.
   - **退回** (a 退回日期, not 参阅): handed back as outside the unit's remit; in no rate.
   件数 = 本级主办 + 本级协办 + 本级会办 + 本级分办 (+ 未填写 or odd spellings) + 参阅 + 退回.
2. The units' assignments (`UnitRow`, one row per 承办单位, 参阅 cases left out):
   - **主办件次**: the cases naming the unit in 主办单位 (退回 included: it was assigned them).
     Cases with no 主办单位 are grouped under a pseudo-unit, so the 合计 of 主办件次 is
     件数 − 参阅, whatever the 本级承办方式 (a 本级协办 case names the local unit that does the work
     in 主办单位, so 主办件次 is not 本级主办).
   - **协办件次**: the times the unit is named in 协办单位 (a case with three 协办单位 gives three);
     a unit never co-handles the case it hosts.
   - A unit's other figures (应办复, 已办复, rates, classes, opinions, 往年B类) are over its 主办 cases;
     its **逾期件数** is the cases where *it* owes an overdue stage (see below).

Replies
- **应办复**: current-year cases that must be replied, whatever their deadline: neither 参阅 nor 退回,
  whatever the role (新疆2024报告: 协办3件 all replied, 办结率 100%).
- **已办复**: 应办复 cases with a 正式答复日期.
- **到期应办复** (needs the deadline engine): 应办复 cases with a 正式答复 deadline that has passed by
  today or that are replied (`CaseTiming.reply_due_by_today`). A case with no reply deadline (协办
  under the presets, or a deadline nobody can know) or missing from the timing is not in it, since
  nobody can say whether it was on time. Unknown ("未知") without timing.
- **按期办复**: 到期应办复 cases the deadline engine says were replied by their deadline.

Rates (each carries its numerator and denominator; `Rate`, half up to two decimals)
- **办复率** = 已办复 / 应办复, as offices publish it in progress reports and year-end reviews. Mid-year
  it is below 100% while replies are outstanding, so 到期应办复 and 按期办复率 stand beside it.
- **按期办复率** = 按期办复 / 到期应办复. Without timing it is unknown ("未知"), never guessed.
- **见面率** (面商率) = host cases with a 面商日期 / host cases, where host cases are 应办复 cases whose
  本级承办方式 is 主办 or 分办 (each 分办 unit replies on its own), or blank (a ledger without the
  column holds the office's own cases). 协办 and 会办 cases do not meet the proposer themselves.
- **满意率** = 应办复 cases whose 代表意见 is 满意 or 基本满意 / 应办复 cases with a 代表意见.
  **满意占比** = 满意 alone / 应办复 cases with a 代表意见 (some places publish only this).
- **Class shares** (A类占比 …) = 应办复 cases of the class / classified cases (**已分类**), classified
  being 应办复 cases whose 办理结果 is a class of the scheme (A/B/C, A/B/C/D or 甲/乙/丙, the 参数
  setting). A 办理结果 outside the scheme is not counted (the validators report it).
- **解决率** = (A + B) / classified cases (甲 + 乙 in 甲/乙/丙).
- **B类转化率** = earlier years' B cases now resolved / earlier years' B cases.

Overdue
- **逾期件数** (a whole group, the 合计 row, the paragraph's "N件有环节逾期"): current-year cases the
  deadline engine says are overdue at some tracked stage, each case once (unknown without timing).
- **逾期件数 of a unit**: current-year cases where that unit owes an overdue stage
  (`CaseTiming.overdue_units`: 协办意见 is owed by the co-handlers, the lead's stages by the
  主办单位; not given = the 主办单位). A case late at both the lead and a co-handler counts for both,
  so the units' 逾期件数 can add up to more than the 合计, which counts each case once.

A rate over no cases prints "—", not 0% or 100%. A rate whose column the ledger does not have is
unknown ("未知"), never 0%: 见面率 without 面商日期, 办复率 and 按期办复率 without 正式答复日期,
满意率 and 满意占比 without 代表意见, 解决率 without 办理结果 (`RATE_COLUMNS`). In the sheets a rate is a number with the
`0.00%` format (the value rounded half up first, so the cell shows what the paragraph says).
"""

from __future__ import annotations

from dataclasses import dataclass

from taizhang.core.columns import Col
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

# The ledger column each rate is read from: without it the rate is unknown, not 0%.
RATE_COLUMNS = {
    REPLY_RATE: Col.REPLY_DATE, MEETING_RATE: Col.MEETING_DATE, ON_TIME_RATE: Col.REPLY_DATE, SATISFACTION_RATE: Col.OPINION,
    SATISFIED_SHARE: Col.OPINION, SOLVED_RATE: Col.RESULT,
}

ROLES = tuple(r.value for r in Role)
OPINIONS = tuple(o.value for o in Opinion)


@dataclass(frozen=True)
class Figures:
    """The counts and rates of one group of cases (all of them, one 类别, one unit's 主办 cases …).
    Field comments give the name every report prints (see the module docstring)."""

    cases: int  # 件数: current-year cases
    # 本级承办方式 of the cases not 退回: 主办/协办/会办/分办/参阅 always, then odd spellings, then 未填写;
    # sum(roles) + returned == cases
    roles: dict[str, int]
    referral: int  # 参阅
    returned: int  # 退回
    due: int  # 应办复: neither 参阅 nor 退回
    replied: int  # 已办复: 应办复 cases with a 正式答复日期
    reply_due: int | None  # 到期应办复; None: unknown (no timing given)
    on_time: int | None  # 按期办复; None: unknown
    classes: dict[str, int]  # every class of the scheme, in scheme order
    opinions: dict[str, int]  # 满意/基本满意/不满意
    overdue: int | None  # 逾期件数; None: unknown (no timing given)
    earlier_b: int  # 往年B类件数
    earlier_b_resolved: int  # 往年B类已解决
    earlier_other: int  # 往年其他件数
    rates: dict[str, Rate]  # RATE_NAMES, in that order
    class_shares: dict[str, Rate]

    @property
    def classified(self) -> int:
        """已分类: 应办复 cases with a class of the scheme."""
        return sum(self.classes.values())


def role_label(role: str) -> str:
    """How reports name a 本级承办方式 count: 本级主办 …, 参阅, 本级承办方式未填写."""
    if role == Role.REFERENCE:
        return role
    if role == BLANK:
        return f"{Col.ROLE}{BLANK}"
    return f"本级{role}"


class Tally:
    """Counters for one group; `add` takes a `Facts` and how many cases share it."""

    def __init__(self) -> None:
        self.cases = self.referral = self.returned = self.due = self.replied = 0
        self.hosts = self.met = self.reply_due = self.on_time = self.overdue = 0
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
        if f.overdue:
            self.overdue += n
        if f.role != Role.REFERENCE and f.returned:
            self.returned += n  # 退回 instead of its role: the role counts and 退回 sum to 件数
            return
        self.roles[f.role] = self.roles.get(f.role, 0) + n
        if f.role == Role.REFERENCE:
            self.referral += n
            return
        self.due += n
        if f.replied:
            self.replied += n
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

    def figures(self, scheme: str, timing_known: bool, unknown: frozenset[str] = frozenset()) -> Figures:
        """The figures; rates named in `unknown` (their column is not in the ledger) are unknown."""
        letters = CLASS_SCHEMES[scheme]
        classes = {c: self.classes.get(c, 0) for c in letters}
        classified = sum(classes.values())
        solved = classes[RESOLVED_CLASS[scheme]] + classes[PLANNED_CLASS[scheme]]
        opinions = {o: self.opinions.get(o, 0) for o in OPINIONS}
        pleased = opinions[Opinion.SATISFIED] + opinions[Opinion.BASICALLY]
        rates = {
            REPLY_RATE: Rate(self.replied, self.due),
            MEETING_RATE: Rate(self.met, self.hosts),
            ON_TIME_RATE: Rate(self.on_time, self.reply_due) if timing_known else Rate.unknown(),
            SATISFACTION_RATE: Rate(pleased, self.with_opinion),
            SATISFIED_SHARE: Rate(opinions[Opinion.SATISFIED], self.with_opinion),
            SOLVED_RATE: Rate(solved, classified),
            B_CONVERSION_RATE: Rate(self.earlier_b_resolved, self.earlier_b),
        }
        rates |= {name: Rate.unknown() for name in unknown if name in rates}
        # Fixed roles always, zeros included, so tables keep their columns; odd spellings after.
        roles = {r: self.roles.get(r, 0) for r in ROLES}
        roles |= {r: n for r, n in self.roles.items() if r not in roles and r != BLANK}
        if self.roles.get(BLANK):
            roles[BLANK] = self.roles[BLANK]
        return Figures(
            cases=self.cases, roles=roles, referral=self.referral, returned=self.returned, due=self.due,
            replied=self.replied, reply_due=self.reply_due if timing_known else None,
            on_time=self.on_time if timing_known else None, classes=classes, opinions=opinions,
            overdue=self.overdue if timing_known else None,
            earlier_b=self.earlier_b, earlier_b_resolved=self.earlier_b_resolved,
            earlier_other=self.earlier_other, rates=rates,
            class_shares={c: Rate(n, classified) for c, n in classes.items()},
        )
