"""date-order, date-in-future, date-out-of-year: the dates of a case must tell a possible story."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from taizhang.core.columns import DATE_COLUMNS, Col
from taizhang.core.settings import Severity
from taizhang.validators.context import Column, Context, PerRow, before, bounds
from taizhang.validators.registry import Hit, rule

# The stages in the order they happen; a later one may equal an earlier one, never precede it.
CHAIN = (Col.ASSIGNED_DATE, Col.MEETING_DATE, Col.DRAFT_DATE, Col.REPLY_DATE, Col.REREPLY_DATE)
# Every other date that marks a stage done, which cannot come before the case was assigned (the
# deadline engine then takes it for 日期有误, not a completion). 退回日期 may: a case returned and
# re-assigned has a later 交办日期.
AFTER_ASSIGNMENT = (Col.RECEIVED_DATE, Col.CO_OPINION_DATE, Col.PLAN_DATE, Col.FILED_DATE, Col.REVIEW_DATE, Col.PUBLISH_DATE)
# (earlier, later) pairs outside the chain.
PAIRS = ((Col.CO_OPINION_DATE, Col.REPLY_DATE), *((Col.ASSIGNED_DATE, name) for name in AFTER_ASSIGNMENT))
# Dates that lie in the future by nature: a granted extension, a B case's planned solution.
FUTURE_BY_NATURE = (Col.EXTENDED_TO, Col.PLAN_DEADLINE)
# A B case's planned solution may be years away; every other date belongs near the ledger's year.
ANY_YEAR = (Col.PLAN_DEADLINE,)


@rule("date-order", Severity.ERROR,
      "日期先后：交办≤面商≤答复样稿≤正式答复≤重新答复，协办意见≤正式答复，其余办理日期不早于交办",
      "“{field}”{value}早于“{earlier}”{earlier_value}，{field}不应早于{earlier}")
def date_order(ctx: Context) -> Iterator[Hit]:
    # Compare each stage with the nearest earlier stage that has a date, so one wrong date is one
    # finding (not one per later stage).
    n = len(ctx.rows)
    previous: list[date | None] = [None] * n
    previous_name: list[str | None] = [None] * n
    for name in CHAIN:
        current = ctx.col(name)
        if bounds(current) is None:
            continue  # an empty column changes nothing
        yield from _before(ctx, before(current, previous), name, previous_name, previous)
        previous = [c if c is not None else p for c, p in zip(current, previous, strict=True)]
        previous_name = [name if c is not None else p for c, p in zip(current, previous_name, strict=True)]
    for earlier, later in PAIRS:
        if bounds(ctx.col(later)) is None or bounds(ctx.col(earlier)) is None:
            continue
        yield from _before(ctx, before(ctx.col(later), ctx.col(earlier)), later, [earlier] * n, ctx.col(earlier))


def _before(ctx: Context, mask: list[bool], name: str, earlier: Column, earlier_value: Column) -> Iterator[Hit]:
    return ctx.emit(mask, name, earlier=PerRow(earlier), earlier_value=PerRow(earlier_value))


@rule("date-in-future", Severity.ERROR, "已发生的日期不得晚于今天（延期至、B类计划解决时限除外）",
      "“{field}”{value}晚于今天（{today}），应为已发生的日期")
def date_in_future(ctx: Context) -> Iterator[Hit]:
    today = ctx.today
    for name in DATE_COLUMNS:
        if name in FUTURE_BY_NATURE:
            continue
        column = ctx.col(name)
        span = bounds(column)
        if span is None or span[1] <= today:
            continue  # decided by the latest date alone
        yield from ctx.emit([d is not None and d > today for d in column], name, today=today.isoformat())


@rule("date-out-of-year", Severity.WARNING, "日期应在台账年度前后一年内（B类计划解决时限除外）",
      "“{field}”{value}不在{year}年前后一年内，请检查年份是否写错")
def date_out_of_year(ctx: Context) -> Iterator[Hit]:
    years = ctx.year  # None when neither 年度 nor the ledger's year is known: no check
    shown_year = PerRow(years)
    known = bounds(years)
    if known is None:
        return
    # Within a year of every case's year: the earliest and latest dates settle most columns.
    low, high = date(known[1] - 1, 1, 1), date(known[0] + 1, 12, 31)
    for name in DATE_COLUMNS:
        if name in ANY_YEAR:
            continue
        column = ctx.col(name)
        span = bounds(column)
        if span is None or (low <= span[0] and span[1] <= high):
            continue
        outside = [d is not None and y is not None and abs(d.year - y) > 1
                   for d, y in zip(column, years, strict=True)]
        yield from ctx.emit(outside, name, year=shown_year)
