"""unknown-unit, host-in-co-units, section-as-host: handling units against the 单位名录."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from itertools import chain

from taizhang.core.columns import Col
from taizhang.core.enums import fold
from taizhang.core.settings import Severity, Unit, UnitKind
from taizhang.validators.context import Context
from taizhang.validators.registry import Hit, rule


def _lookup(ctx: Context, names: Iterable[str | None]) -> dict[str, Unit | None]:
    """Each distinct spelling's unit, or None: resolved once per spelling, not once per row."""
    index = ctx.settings.unit_index()
    return {name: index.get(fold(name)) for name in dict.fromkeys(names) if name is not None}


def _unit_keys(ctx: Context, names: Iterable[str | None]) -> dict[str, str]:
    """The same unit under any alias has one key: its name in the 单位名录, else the folded text."""
    return {n: u.name if u is not None else fold(n) for n, u in _lookup(ctx, names).items()}


def _suggest(name: str, units: list[Unit]) -> str:
    """“，是否应为“X”？” for the closest known unit. The cutoff 0.6 keeps 县水利局 from suggesting
    县财政局 (they share only 县 and 局), while 县教体育局 still finds 县教育和体育局."""
    spellings = {s: u.name for u in units for s in u.spellings()}
    close = difflib.get_close_matches(name, list(spellings), n=1, cutoff=0.6)
    return f"，是否应为“{spellings[close[0]]}”？" if close else "，请在“单位名录”中补充或改为名录中的单位"


@rule("unknown-unit", Severity.ERROR, "主办、协办单位须为“单位名录”中的单位（简称、别名亦可）",
      "单位“{value}”不在“单位名录”中{hint}")
def unknown_unit(ctx: Context) -> Iterator[Hit]:
    units = ctx.settings.units
    if not units:
        return  # no 单位名录 sheet: nothing to check against
    hints: dict[str, str] = {}
    hosts = list(zip(ctx.rows, ctx.col(Col.HOST_UNIT), strict=True))
    for name, entries in ((Col.HOST_UNIT, hosts), (Col.CO_UNITS, ctx.co_units)):
        found = _lookup(ctx, (unit for _, unit in entries))
        for row, unit_name in entries:
            if unit_name is None or found[unit_name] is not None:
                continue
            if unit_name not in hints:
                hints[unit_name] = _suggest(unit_name, units)
            yield Hit(row, name, unit_name, {"hint": hints[unit_name]})


@rule("host-in-co-units", Severity.ERROR, "协办单位中不得再列主办单位",
      "协办单位中的“{value}”就是主办单位“{host}”，协办单位不应包含主办单位")
def host_in_co_units(ctx: Context) -> Iterator[Hit]:
    hosts, co_lists = ctx.col(Col.HOST_UNIT), ctx.col(Col.CO_UNITS)
    host_keys = _unit_keys(ctx, hosts)
    co_keys = _unit_keys(ctx, chain.from_iterable(co_lists))
    if not host_keys or not co_keys:
        return
    for row, host, co_units in zip(ctx.rows, hosts, co_lists, strict=True):
        if host is None or not co_units:
            continue
        key = host_keys[host]
        for unit_name in co_units:
            if co_keys[unit_name] == key:
                yield Hit(row, Col.CO_UNITS, unit_name, {"host": host})


@rule("section-as-host", Severity.ERROR, "不得以内设机构或下属单位作主办单位（须以单位名义答复）",
      "主办单位“{value}”是内设机构，应以其所属单位作主办单位（不得以内设机构或下属单位名义答复）")
def section_as_host(ctx: Context) -> Iterator[Hit]:
    if not ctx.settings.units:
        return
    hosts = ctx.col(Col.HOST_UNIT)
    sections = {n for n, u in _lookup(ctx, hosts).items() if u is not None and u.kind is UnitKind.SECTION}
    yield from ctx.emit([host in sections for host in hosts], Col.HOST_UNIT)
