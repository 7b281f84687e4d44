"""承办单位 names as the 单位名录 spells them, and the order summaries list them in.

Aliases and short names resolve to the unit's full name (县教体局 → 县教育和体育局). Units of the
名录 come first in its 排序 order; units it does not know follow in the order the ledger first
names them, under the spelling first seen.
"""

from __future__ import annotations

from taizhang.core.enums import fold
from taizhang.core.settings import Settings

NO_HOST = "（未填写主办单位）"  # a pseudo-unit, so the units' totals row still covers every case


class UnitNames:
    def __init__(self, settings: Settings) -> None:
        # Built once: Settings.resolve_unit rebuilds its index on every call.
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

    def listed(self, name: str) -> bool:
        return name in self._rank

    def sort_key(self, name: str) -> tuple[int, int]:
        if name in self._rank:
            return (0, self._rank[name])
        if name == NO_HOST:
            return (2, 0)
        return (1, self._seen.get(name, len(self._seen)))
