"""A proposed 单位名录 from the unit names a ledger uses (`taizhang adopt`). Imports no workbook library.

Every distinct name in 主办单位 and 协办单位 (folded: full-width forms and spaces do not make a new
name) is proposed once. Two kinds of name are proposed as belonging to another, marked 请核对,
and only when the evidence is specific; anything unclear stays a unit of its own:

1. **Short forms** (aliases): a is a short form of b when, after the same place prefix (县 or 区;
   a may leave it out: 教体局 ↔ 县教体局),
   - both end in the same kind of unit (局, 委 = 委员会, 政府 = 人民政府, 办 = 办公室, 中心, 院 …), and
   - what comes before it in a (its core, at least two characters) is a shorter, in-order
     selection of the characters of b's core starting with the same character: 教体 in 教育和体育,
     住建 in 住房和城乡建设, 人社 in 人力资源和社会保障, 发改 in 发展和改革, 卫健 in 卫生健康,
     市场监管 in 市场监督管理, 教育体育 in 教育和体育;
   - or a is a township (…镇, …乡, …街道) and b is its 人民政府 / 政府.
   A name that could be the short form of two different units (县农业局: 县农业农村局 or
   县农业机械局?) is left a unit of its own, with a note naming both.
   The full name (the longest of the group) is proposed as 单位名称, the shortest other as 简称,
   the rest as 别名.
2. **Internal sections** (内设机构 or 下属单位, which may not reply on their own, 精河2025通知 三㈠): a
   name that is another unit's name (or a short form of exactly one unit) followed by at least two
   more characters ending in a section suffix: 股, 科, 室, 办公室, 所, 中心, 站, 队, 组, 处, 办
   (县教体局基础教育股, 县教育和体育局办公室, 县自然资源局不动产登记中心). A government's own 办公室
   (县人民政府办公室) is a unit, not a section.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from taizhang.core.columns import Col
from taizhang.core.enums import fold
from taizhang.core.settings import Unit, UnitKind
from taizhang.core.values import split_units

if TYPE_CHECKING:
    from taizhang.core.case import Case

PLACE_PREFIXES = ("县", "区")
# Kinds of unit a name ends in, longest first; each maps to the kind it is the same as.
UNIT_SUFFIXES: dict[str, str] = {
    "人民政府": "政府", "委员会": "委", "办公室": "办", "政府": "政府", "中心": "中心", "分局": "分局",
    "局": "局", "委": "委", "办": "办", "院": "院", "所": "所", "站": "站", "馆": "馆", "会": "会",
    "社": "社", "队": "队", "处": "处", "部": "部", "公司": "公司",
}
SECTION_SUFFIXES = ("办公室", "中心", "大队", "中队", "股", "科", "室", "所", "站", "队", "组", "处", "办")
TOWNSHIP_SUFFIXES = ("街道", "镇", "乡")
CHECK = "请核对"
_JUNK = frozenset({"无", "暂无", "/", "-", "—", "——", "待定", "未定", "空"})


@dataclass
class FoundName:
    """One unit name as the ledger uses it."""

    name: str  # folded spelling
    order: int  # first appearance
    hosts: int = 0  # cases naming it in 主办单位
    cos: int = 0  # cases naming it in 协办单位
    rows: list[int] = field(default_factory=list)  # Excel rows naming it in 主办单位


@dataclass
class ProposedUnit:
    name: str
    short: str | None = None
    aliases: list[str] = field(default_factory=list)
    kind: UnitKind = UnitKind.UNIT
    order: int = 0
    note: str = ""  # 说明: why it is proposed so, and 请核对 when it is a guess
    hosts: int = 0
    cos: int = 0
    host_rows: list[int] = field(default_factory=list)  # rows where a 内设机构 is the 主办单位
    parent: str | None = None  # the unit an internal section belongs to
    existing: bool = False  # already in the 单位名录: only `aliases` are proposed, to add by hand

    @property
    def to_check(self) -> bool:
        return CHECK in self.note

    def unit(self) -> Unit:
        return Unit(name=self.name, short=self.short, aliases=list(self.aliases), kind=self.kind, order=self.order)


def _usable(name: str) -> bool:
    return bool(name) and name not in _JUNK and any("\u4e00" <= ch <= "\u9fff" for ch in name)


def collect_names(cases: Iterable[Case]) -> list[FoundName]:
    """Every distinct unit name of 主办单位 (split like 协办单位, for 分办 cases) and 协办单位."""
    found: dict[str, FoundName] = {}

    def add(raw: str, row: int, host: bool) -> None:
        name = fold(raw)
        if not _usable(name):
            return
        entry = found.setdefault(name, FoundName(name, len(found)))
        if host:
            entry.hosts += 1
            entry.rows.append(row)
        else:
            entry.cos += 1

    for case in cases:
        for raw in split_units(case[Col.HOST_UNIT]):
            add(raw, case.row, True)
        for raw in case[Col.CO_UNITS]:
            add(raw, case.row, False)
    return list(found.values())


def _place(name: str) -> tuple[str, str]:
    for prefix in PLACE_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            return prefix, name[len(prefix):]
    return "", name


def _kind(name: str) -> tuple[str, str] | None:
    """(core, kind of unit) or None when the name ends in no known kind."""
    for suffix, kind in UNIT_SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], kind
    return None


def _picked_from(short: str, full: str) -> bool:
    """`short` is a shorter, in-order selection of `full`'s characters, from the same first one."""
    if len(short) >= len(full) or not short or short[0] != full[0]:
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


def is_short_form(a: str, b: str) -> bool:
    """Whether `a` looks like a short form of the unit `b` (module docstring, rule 1)."""
    if a == b:
        return False
    place_a, rest_a = _place(a)
    place_b, rest_b = _place(b)
    if place_a and place_a != place_b:
        return False
    if any(rest_a.endswith(t) for t in TOWNSHIP_SUFFIXES) and rest_b in (rest_a + "人民政府", rest_a + "政府"):
        return True
    kind_a, kind_b = _kind(rest_a), _kind(rest_b)
    if kind_a is None or kind_b is None or kind_a[1] != kind_b[1]:
        return False
    core_a, core_b = kind_a[0], kind_b[0]
    if place_a == place_b and rest_a == rest_b:
        return False
    if len(core_a) < 2:
        return False
    return core_a == core_b or _picked_from(core_a, core_b)


def section_parent(name: str, units: list[str]) -> str | None:
    """The unit `name` is an internal section of (module docstring, rule 2), or None. `units` are
    the names (and spellings) it may belong to."""
    best: str | None = None
    for i in range(len(name) - 2, 1, -1):
        head, tail = name[:i], name[i:]
        if not any(tail.endswith(s) and len(tail) >= 2 for s in SECTION_SUFFIXES):
            continue
        if head.endswith(("人民政府", "政府")) and tail == "办公室":
            continue  # 县人民政府办公室 is a unit
        if head in units and head != name:
            return head
        parents = {u for u in units if is_short_form(head, u)} - {name}
        if len(parents) == 1 and best is None and not is_short_form(head, name):
            best = parents.pop()
    return best


def _roots(names: list[str], fixed: list[str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each name's full name (itself when it is no unit's short form) and, for names that could be
    the short form of several units, those units. `fixed` names (an existing 单位名录) stay roots."""
    root: dict[str, str] = {name: name for name in fixed}
    ambiguous: dict[str, list[str]] = {}
    order = [*fixed, *names]
    for a in sorted(names, key=lambda n: (-len(n), order.index(n))):
        if a in root:
            continue
        longer = {root[b] for b in root if is_short_form(a, b)}
        if len(longer) == 1:
            root[a] = longer.pop()
        else:
            root[a] = a
            if len(longer) > 1:
                ambiguous[a] = sorted(longer, key=order.index)
    return root, ambiguous


def propose_units(found: list[FoundName], known: list[Unit] | None = None) -> list[ProposedUnit]:
    """The 单位名录 rows for the names the `known` directory (an existing 单位名录) does not resolve,
    in order of first appearance: new units (with the short forms found for them), internal
    sections, and, for a short form of a unit already in `known`, an entry with `existing` set
    that only names the aliases to add to that unit's row."""
    known = known or []
    spelled = {fold(s): u.name for u in known for s in u.spellings()}
    fixed = [u.name for u in known]
    new = [f for f in found if f.name not in spelled]
    candidates = [f.name for f in new] + list(spelled)
    sections = {f.name: p for f in new if (p := section_parent(f.name, candidates)) is not None}
    rest = [f.name for f in new if f.name not in sections]
    root, ambiguous = _roots(rest, fixed)
    units: dict[str, ProposedUnit] = {}
    for f in new:
        if f.name in sections:
            continue
        top = root[f.name]
        entry = units.setdefault(top, ProposedUnit(top, order=f.order, existing=top in fixed))
        entry.hosts += f.hosts
        entry.cos += f.cos
        if f.name != top:
            entry.aliases.append(f.name)
        if f.name in ambiguous:
            entry.note = f"{CHECK}：可能是“{'”或“'.join(ambiguous[f.name])}”的简称，未合并"
    for entry in units.values():
        _name_the_group(entry)
    for f in new:
        if f.name in sections:
            parent = sections[f.name]
            owner = root.get(spelled.get(parent, parent), spelled.get(parent, parent))
            units[f.name] = ProposedUnit(
                f.name, kind=UnitKind.SECTION, order=f.order, hosts=f.hosts, cos=f.cos, host_rows=list(f.rows),
                parent=owner, note=f"{CHECK}：疑为“{owner}”的内设机构或下属单位，不能单独承办；"
                                   "如确是独立承办单位，请把类型改为“承办单位”")
    return sorted(units.values(), key=lambda u: u.order)


def _name_the_group(entry: ProposedUnit) -> None:
    """The shortest alias becomes the 简称 (of a new unit); a group with aliases is a guess to check."""
    if not entry.aliases:
        return
    place, _ = _place(entry.name)
    # the 简称: the shortest spelling that keeps the full name's place (县教体局 before 教体局)
    aliases = sorted(entry.aliases, key=lambda a: (not a.startswith(place), len(a)))
    named = "、".join(f"“{a}”" for a in sorted(entry.aliases, key=len))
    if entry.existing:
        entry.note = entry.note or f"{CHECK}：{named}疑为单位名录中“{entry.name}”的简称，请核对后加入该单位的别名"
        return
    entry.short, entry.aliases = aliases[0], aliases[1:]
    entry.note = entry.note or f"{CHECK}：{named}疑为“{entry.name}”的简称或别称，已并为一个单位"
