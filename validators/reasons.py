"""Values that need a companion: a 重点件 its leader, a non-public case its reason, a B case its
planned date, an extension and a return their reasons."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from taizhang.core.columns import Col
from taizhang.core.deadlines.counting import EXTENSION_CAP_MONTHS, add_months, extension_cap
from taizhang.core.enums import PLANNED_CLASS, Disclosure
from taizhang.core.settings import Severity
from taizhang.validators.context import Context, PerRow, filled
from taizhang.validators.registry import Hit, rule


def _needs(ctx: Context, trigger: list[bool], companion: str, asked_by: str, **params: Any) -> Iterator[Hit]:
    """Rows where `trigger` holds and `companion` is empty, reported at the companion's cell."""
    if not any(trigger):
        return iter(())
    mask = [t and v is None for t, v in zip(trigger, ctx.col(companion), strict=True)]
    return ctx.emit(mask, ctx.at(companion, asked_by), **params)


@rule("key-case-without-supervisor", Severity.ERROR, "重点件须明确督办领导",
      "本件为重点件，应填写督办领导")
def key_case_without_supervisor(ctx: Context) -> Iterator[Hit]:
    yield from _needs(ctx, [v is True for v in ctx.col(Col.KEY_CASE)], Col.SUPERVISOR, Col.KEY_CASE)


@rule("disclosure-without-reason", Severity.ERROR, "依申请公开、不公开的须说明理由",
      "公开属性为“{disclosure}”，应填写不公开理由")
def disclosure_without_reason(ctx: Context) -> Iterator[Hit]:
    disclosure = ctx.col(Col.DISCLOSURE)
    asking = (Disclosure.ON_REQUEST.value, Disclosure.NONE.value)
    trigger = [v in asking for v in disclosure]
    yield from _needs(ctx, trigger, Col.DISCLOSURE_REASON, Col.DISCLOSURE, disclosure=PerRow(disclosure))


@rule("b-without-plan-deadline", Severity.ERROR, "B类（正在解决或列入计划解决）须填写计划解决时限",
      "办理结果为{planned}类，应填写B类计划解决时限")
def b_without_plan_deadline(ctx: Context) -> Iterator[Hit]:
    planned = PLANNED_CLASS[ctx.settings.params.class_scheme]
    trigger = [v == planned for v in ctx.col(Col.RESULT)]
    yield from _needs(ctx, trigger, Col.PLAN_DEADLINE, Col.RESULT, planned=planned)


@rule("extension-without-reason", Severity.ERROR, "延期须说明延期理由",
      "已延期至{extended}，应填写延期理由")
def extension_without_reason(ctx: Context) -> Iterator[Hit]:
    extended = ctx.col(Col.EXTENDED_TO)
    yield from _needs(ctx, filled(extended), Col.EXTENSION_REASON, Col.EXTENDED_TO, extended=PerRow(extended))


@rule("extension-too-long", Severity.ERROR, "延期至不得超过交办之日起六个月",
      "延期至{value}超过交办日期{assigned}起六个月（最迟{limit}），应不晚于{limit}")
def extension_too_long(ctx: Context) -> Iterator[Hit]:
    assigned, extended = ctx.col(Col.ASSIGNED_DATE), ctx.col(Col.EXTENDED_TO)
    # The deadline engine's cap (counting.extension_cap): the corresponding day (民法典 第二百零二条,
    # 8-31 + 6 months = 2-28), moved off a rest day (第二百零三条). That only moves it later, so
    # only grants past the plain corresponding day need the calendar.
    plain = [add_months(a, EXTENSION_CAP_MONTHS) if a is not None and e is not None else None
             for a, e in zip(assigned, extended, strict=True)]
    past_plain = [e is not None and p is not None and e > p for e, p in zip(extended, plain, strict=True)]
    counted = ctx.counted(assigned, extension_cap, lambda day: add_months(day, EXTENSION_CAP_MONTHS),
                          where=past_plain)
    limit: list[date | None] = [c if c is not None else p for c, p in zip(counted, plain, strict=True)]
    mask = [past and e > lim for past, e, lim in zip(past_plain, extended, limit, strict=True)]
    yield from ctx.emit(mask, Col.EXTENDED_TO, assigned=PerRow(assigned), limit=PerRow(limit))


@rule("return-without-reason", Severity.ERROR, "退回须说明退回理由",
      "已于{returned}退回，应填写退回理由")
def return_without_reason(ctx: Context) -> Iterator[Hit]:
    returned = ctx.col(Col.RETURNED_DATE)
    yield from _needs(ctx, filled(returned), Col.RETURN_REASON, Col.RETURNED_DATE, returned=PerRow(returned))
