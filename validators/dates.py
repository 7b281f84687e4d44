"""date-order, date-in-future, date-out-of-year: the dates of a case must tell a possible story."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from taizhang.core.columns import DATE_COLUMNS, Col
from taizhang.core.settings import Severity
from taizhang.validators.context import Context
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
    frame = ctx.frame
    # Compare each stage with the nearest earlier stage that has a date, so one wrong date is one
    # finding (not one per later stage).
    previous = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
    previous_name = pd.Series(None, index=frame.index, dtype=object)
    for name in CHAIN:
        current = frame[name]
        yield from _before(ctx, current < previous, name, previous_name, previous)
        has = current.notna()
        previous = previous.where(~has, current)
        previous_name = previous_name.where(~has, name)
    for earlier, later in PAIRS:
        yield from _before(ctx, frame[later] < frame[earlier], later,
                           pd.Series(earlier, index=frame.index), frame[earlier])


def _before(ctx: Context, mask: pd.Series, name: str, earlier: pd.Series, earlier_value: pd.Series
            ) -> Iterator[Hit]:
    return ctx.emit(mask, name, earlier=earlier, earlier_value=earlier_value)


@rule("date-in-future", Severity.ERROR, "已发生的日期不得晚于今天（延期至、B类计划解决时限除外）",
      "“{field}”{value}晚于今天（{today}），应为已发生的日期")
def date_in_future(ctx: Context) -> Iterator[Hit]:
    today = ctx.today_ts
    for name in DATE_COLUMNS:
        if name in FUTURE_BY_NATURE:
            continue
        yield from ctx.emit(ctx.frame[name] > today, name, today=ctx.today.isoformat())


@rule("date-out-of-year", Severity.WARNING, "日期应在台账年度前后一年内（B类计划解决时限除外）",
      "“{field}”{value}不在{year}年前后一年内，请检查年份是否写错")
def date_out_of_year(ctx: Context) -> Iterator[Hit]:
    year = ctx.year  # NaN when neither 年度 nor the ledger's year is known: no check
    low, high = (year - 1).to_numpy(), (year + 1).to_numpy()
    shown_year = year.astype("Int64")
    for name in DATE_COLUMNS:
        if name in ANY_YEAR:
            continue
        days = ctx.frame[name].to_numpy()
        date_year = days.astype("datetime64[Y]").astype(np.int64) + 1970  # NaT becomes a huge negative
        outside = ~np.isnat(days) & ((date_year < low) | (date_year > high))
        yield from ctx.emit(pd.Series(outside, index=ctx.frame.index), name, year=shown_year)
