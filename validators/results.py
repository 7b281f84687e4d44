"""The reply, its class (办理结果) and the proposer's opinion must agree with each other."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd

from taizhang.core.calendar import WorkCalendar
from taizhang.core.columns import Col
from taizhang.core.deadlines.counting import add_months, months_after
from taizhang.core.enums import Opinion, Role, allowed_values
from taizhang.core.settings import Severity
from taizhang.validators.context import Context
from taizhang.validators.registry import Hit, rule

# Without a deadline hook, a 不满意 case must be answered again within one month of the reply
# (精河2025通知: 一个月内; docs/domain.md#deadline-rules), counted as the deadline engine counts: the
# corresponding day (1-31 + 1 month = 2-28), moved off a rest day to the next working day (民法典
# 第二百零二、二百零三条; docs/domain.md#counting-periods).
DEFAULT_REREPLY_MONTHS = 1


def _is_reference(ctx: Context) -> pd.Series:
    return ctx.frame[Col.ROLE] == Role.REFERENCE.value


@rule("reference-with-result", Severity.ERROR, "参阅件不标注办理结果",
      "本件为参阅件，不应填写办理结果（现为“{value}”），应留空")
def reference_with_result(ctx: Context) -> Iterator[Hit]:
    yield from ctx.emit(_is_reference(ctx) & ctx.frame[Col.RESULT].notna(), Col.RESULT)


@rule("reply-without-result", Severity.ERROR, "已正式答复的件（参阅件除外）须填写办理结果",
      "已于{reply}正式答复，应填写办理结果（{allowed}）")
def reply_without_result(ctx: Context) -> Iterator[Hit]:
    frame = ctx.frame
    mask = frame[Col.REPLY_DATE].notna() & frame[Col.RESULT].isna() & ~_is_reference(ctx)
    allowed = "、".join(allowed_values(Col.RESULT, ctx.settings.params.class_scheme))
    yield from ctx.emit(mask, ctx.at(Col.RESULT, Col.REPLY_DATE), reply=frame[Col.REPLY_DATE], allowed=allowed)


@rule("result-without-reply", Severity.WARNING, "填了办理结果但没有正式答复日期",
      "已填办理结果“{result}”，但正式答复日期为空，应填写正式答复日期")
def result_without_reply(ctx: Context) -> Iterator[Hit]:
    frame = ctx.frame
    mask = frame[Col.RESULT].notna() & frame[Col.REPLY_DATE].isna()
    yield from ctx.emit(mask, ctx.at(Col.REPLY_DATE, Col.RESULT), result=frame[Col.RESULT])


@rule("opinion-without-reply", Severity.ERROR, "尚未正式答复，不应有代表意见",
      "已填代表意见“{opinion}”，但正式答复日期为空：应先填写正式答复日期")
def opinion_without_reply(ctx: Context) -> Iterator[Hit]:
    frame = ctx.frame
    mask = frame[Col.OPINION].notna() & frame[Col.REPLY_DATE].isna()
    yield from ctx.emit(mask, ctx.at(Col.REPLY_DATE, Col.OPINION), opinion=frame[Col.OPINION])


@rule("dissatisfied-without-rereply", Severity.ERROR, "代表意见为不满意的，应在时限内重新答复",
      "代表意见为不满意，重新答复应于{due}前完成，但重新答复日期为空")
def dissatisfied_without_rereply(ctx: Context) -> Iterator[Hit]:
    frame = ctx.frame
    waiting = (frame[Col.OPINION] == Opinion.DISSATISFIED.value) & frame[Col.REREPLY_DATE].isna()
    if ctx.rereply_due is not None:
        # The deadlines module knows the local rule and the holidays: ask it for the waiting rows only.
        due_dates = {row: ctx.rereply_due(ctx.cases_by_row[int(row)]) for row in frame.index[waiting.to_numpy()]}
        due = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[s]")
        for row, day in due_dates.items():
            if day is not None:
                due.at[row] = pd.Timestamp(day)
    else:
        # The rolled date is never before the plain one: only rows past that one need the calendar.
        plain = frame[Col.REPLY_DATE] + pd.DateOffset(months=DEFAULT_REREPLY_MONTHS)
        due = ctx.counted(frame[Col.REPLY_DATE], default_rereply_due,
                          lambda day: add_months(day, DEFAULT_REREPLY_MONTHS),
                          where=waiting & (plain < ctx.today_ts))
        due = due.fillna(plain)
    yield from ctx.emit(waiting & (due < ctx.today_ts), ctx.at(Col.REREPLY_DATE, Col.OPINION), due=due)


def default_rereply_due(calendar: WorkCalendar, reply: date) -> date:
    """The default deadline as a plain function, for callers that want to show it; raises
    `UnknownYear` when it falls in a year the calendar does not know."""
    return months_after(calendar, reply, DEFAULT_REREPLY_MONTHS)
