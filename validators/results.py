"""The reply, its class (办理结果) and the proposer's opinion must agree with each other."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from taizhang.core.calendar import WorkCalendar
from taizhang.core.columns import Col
from taizhang.core.deadlines.counting import add_months, months_after
from taizhang.core.enums import Opinion, Role, allowed_values
from taizhang.core.settings import Severity
from taizhang.validators.context import Context, PerRow
from taizhang.validators.registry import Hit, rule

# Without a deadline hook, a 不满意 case must be answered again within one month of the reply
# (精河2025通知: 一个月内; docs/domain.md#deadline-rules), counted as the deadline engine counts: the
# corresponding day (1-31 + 1 month = 2-28), moved off a rest day to the next working day (民法典
# 第二百零二、二百零三条; docs/domain.md#counting-periods).
DEFAULT_REREPLY_MONTHS = 1


def _not_reference(ctx: Context) -> list[bool]:
    reference = Role.REFERENCE.value
    return [role != reference for role in ctx.col(Col.ROLE)]


@rule("reference-with-result", Severity.ERROR, "参阅件不标注办理结果",
      "本件为参阅件，不应填写办理结果（现为“{value}”），应留空")
def reference_with_result(ctx: Context) -> Iterator[Hit]:
    mask = [not other and result is not None
            for other, result in zip(_not_reference(ctx), ctx.col(Col.RESULT), strict=True)]
    yield from ctx.emit(mask, Col.RESULT)


@rule("reply-without-result", Severity.ERROR, "已正式答复的件（参阅件除外）须填写办理结果",
      "已于{reply}正式答复，应填写办理结果（{allowed}）")
def reply_without_result(ctx: Context) -> Iterator[Hit]:
    replies = ctx.col(Col.REPLY_DATE)
    mask = [reply is not None and result is None and other
            for reply, result, other in zip(replies, ctx.col(Col.RESULT), _not_reference(ctx), strict=True)]
    allowed = "、".join(allowed_values(Col.RESULT, ctx.settings.params.class_scheme))
    yield from ctx.emit(mask, ctx.at(Col.RESULT, Col.REPLY_DATE), reply=PerRow(replies), allowed=allowed)


@rule("result-without-reply", Severity.WARNING, "填了办理结果但没有正式答复日期",
      "已填办理结果“{result}”，但正式答复日期为空，应填写正式答复日期")
def result_without_reply(ctx: Context) -> Iterator[Hit]:
    results = ctx.col(Col.RESULT)
    mask = [result is not None and reply is None for result, reply in zip(results, ctx.col(Col.REPLY_DATE), strict=True)]
    yield from ctx.emit(mask, ctx.at(Col.REPLY_DATE, Col.RESULT), result=PerRow(results))


@rule("opinion-without-reply", Severity.ERROR, "尚未正式答复，不应有代表意见",
      "已填代表意见“{opinion}”，但正式答复日期为空：应先填写正式答复日期")
def opinion_without_reply(ctx: Context) -> Iterator[Hit]:
    opinions = ctx.col(Col.OPINION)
    mask = [opinion is not None and reply is None
            for opinion, reply in zip(opinions, ctx.col(Col.REPLY_DATE), strict=True)]
    yield from ctx.emit(mask, ctx.at(Col.REPLY_DATE, Col.OPINION), opinion=PerRow(opinions))


@rule("dissatisfied-without-rereply", Severity.ERROR, "代表意见为不满意的，应在时限内重新答复",
      "代表意见为不满意，重新答复应于{due}前完成，但重新答复日期为空")
def dissatisfied_without_rereply(ctx: Context) -> Iterator[Hit]:
    dissatisfied = Opinion.DISSATISFIED.value
    waiting = [opinion == dissatisfied and rereply is None
               for opinion, rereply in zip(ctx.col(Col.OPINION), ctx.col(Col.REREPLY_DATE), strict=True)]
    due: list[date | None]
    if ctx.rereply_due is not None:
        # The deadlines module knows the local rule and the holidays: ask it for the waiting rows only.
        hook = ctx.rereply_due
        due = [hook(ctx.case(i)) if wait else None for i, wait in enumerate(waiting)]
    else:
        # The rolled date is never before the plain one: only rows past that one need the calendar.
        plain = [add_months(reply, DEFAULT_REREPLY_MONTHS) if wait and reply is not None else None
                 for reply, wait in zip(ctx.col(Col.REPLY_DATE), waiting, strict=True)]
        late = [p is not None and p < ctx.today for p in plain]
        counted = ctx.counted(ctx.col(Col.REPLY_DATE), default_rereply_due,
                              lambda day: add_months(day, DEFAULT_REREPLY_MONTHS), where=late)
        due = [c if c is not None else p for c, p in zip(counted, plain, strict=True)]
    mask = [wait and day is not None and day < ctx.today for wait, day in zip(waiting, due, strict=True)]
    yield from ctx.emit(mask, ctx.at(Col.REREPLY_DATE, Col.OPINION), due=PerRow(due))


def default_rereply_due(calendar: WorkCalendar, reply: date) -> date:
    """The default deadline as a plain function, for callers that want to show it; raises
    `UnknownYear` when it falls in a year the calendar does not know."""
    return months_after(calendar, reply, DEFAULT_REREPLY_MONTHS)
