"""承办单位 names as the 单位名录 spells them, and the order summaries list them in.

Aliases and short names resolve to the unit's full name (县教体局 → 县教育和体育局). Units of the
名录 come first in its 排序 order; units it does not know follow in the order the ledger first
names them, under the spelling first seen; cases without a 主办单位 come last, under `NO_HOST`.
Every report that groups by unit (统计, 逾期清单, 通报, 分发, 周检) names and orders units this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from taizhang.core.enums import fold
from taizhang.core.settings import Settings, Unit

NO_HOST = "（未填写主办单位）"  # a pseudo-unit, so the units' totals row still covers every case

T = TypeVar("T")


class UnitNames:
    def __init__(self, settings: Settings) -> None:
        self._index = settings.unit_index()
        listed = sorted(enumerate(settings.units), key=lambda pair: (pair[1].order, pair[0]))
        self._rank = {unit.name: rank for rank, (_, unit) in enumerate(listed)}
        self._names: dict[str, str] = {}  # raw spelling -> canonical name
        self._unknown: dict[str, str] = {}  # folded unknown spelling -> name first seen
        self._seen: dict[str, int] = {}  # unknown name -> first-seen rank

    def name(self, raw: str) -> str:
        found = self._names.get(raw)
        if found is not None:
            return found
        key = fold(raw)
        unit = self._index.get(key)
        if unit is not None:
            found = unit.name
        else:
            found = self._unknown.setdefault(key, raw.strip())
            self._seen.setdefault(found, len(self._seen))
        self._names[raw] = found
        return found

    def host(self, raw: str | None) -> str:
        """The name a case's 主办单位 is grouped under: `name(raw)`, or `NO_HOST` when it is empty."""
        return self.name(raw) if raw else NO_HOST

    def unit(self, raw: str) -> Unit | None:
        """The 单位名录 entry for any of its spellings, else None."""
        return self._index.get(fold(raw))

    def grouped(self, items: Iterable[T], unit_of: Callable[[T], str | None]) -> list[tuple[str, list[T]]]:
        """`items` grouped under `host(unit_of(item))`, units in report order, items in their order."""
        groups: dict[str, list[T]] = {}
        hosts: dict[str | None, list[T]] = {}  # each spelling's group, its name asked once
        for item in items:
            raw = unit_of(item)
            group = hosts.get(raw)
            if group is None:
                group = hosts[raw] = groups.setdefault(self.host(raw), [])
            group.append(item)
        return sorted(groups.items(), key=lambda kv: self.sort_key(kv[0]))

    def listed(self, name: str) -> bool:
        return name in self._rank

    def sort_key(self, name: str) -> tuple[int, int]:
        if name in self._rank:
            return (0, self._rank[name])
        if name == NO_HOST:
            return (2, 0)
        return (1, self._seen.get(name, len(self._seen)))
