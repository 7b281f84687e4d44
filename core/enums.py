"""The enumerations of a case and the spellings that mean each value.

办理结果 has no fixed enumeration: its scheme (A/B/C, A/B/C/D, 甲/乙/丙) is a setting.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from taizhang.core.columns import Col


class Category(StrEnum):
    SUGGESTION = "人大代表建议"
    PROPOSAL = "政协委员提案"


class Level(StrEnum):
    NATIONAL = "全国"
    PROVINCE = "省"
    PREFECTURE = "州(市)"
    COUNTY = "县(区)"


class Timing(StrEnum):
    SESSION = "大会期间"
    RECESS = "闭会期间"


class Role(StrEnum):
    HOST = "主办"
    CO = "协办"
    JOINT = "会办"
    SPLIT = "分办"
    REFERENCE = "参阅"


class Opinion(StrEnum):
    SATISFIED = "满意"
    BASICALLY = "基本满意"
    DISSATISFIED = "不满意"


class Disclosure(StrEnum):
    ACTIVE = "主动公开"
    ON_REQUEST = "依申请公开"
    NONE = "不公开"


# Spellings staff write, folded with `fold`, mapped to the canonical value.
SPELLINGS: dict[str, dict[str, str]] = {
    Col.CATEGORY: {
        "人大代表建议": Category.SUGGESTION, "建议": Category.SUGGESTION, "代表建议": Category.SUGGESTION,
        "人大建议": Category.SUGGESTION, "政协委员提案": Category.PROPOSAL, "提案": Category.PROPOSAL,
        "委员提案": Category.PROPOSAL, "政协提案": Category.PROPOSAL,
    },
    Col.LEVEL: {
        "全国": Level.NATIONAL, "国家": Level.NATIONAL, "省": Level.PROVINCE, "省级": Level.PROVINCE,
        "自治区": Level.PROVINCE, "州(市)": Level.PREFECTURE, "州": Level.PREFECTURE, "市": Level.PREFECTURE,
        "州级": Level.PREFECTURE, "市级": Level.PREFECTURE, "州市": Level.PREFECTURE,
        "县(区)": Level.COUNTY, "县": Level.COUNTY, "区": Level.COUNTY, "县级": Level.COUNTY,
        "县区": Level.COUNTY, "区级": Level.COUNTY,
    },
    Col.TIMING: {
        "大会期间": Timing.SESSION, "大会": Timing.SESSION, "会议期间": Timing.SESSION,
        "闭会期间": Timing.RECESS, "闭会": Timing.RECESS, "平时": Timing.RECESS,
    },
    Col.ROLE: {r.value: r.value for r in Role} | {Col.HOST_UNIT: Role.HOST, Col.CO_UNITS: Role.CO},
    Col.OPINION: {o.value: o.value for o in Opinion} | {"比较满意": Opinion.BASICALLY},
    Col.DISCLOSURE: {d.value: d.value for d in Disclosure} | {"公开": Disclosure.ACTIVE, "依申请": Disclosure.ON_REQUEST},
}

CLASS_SCHEMES: dict[str, tuple[str, ...]] = {
    "A/B/C": ("A", "B", "C"),
    "A/B/C/D": ("A", "B", "C", "D"),
    "甲/乙/丙": ("甲", "乙", "丙"),
}

# The classes that count as resolved (A) and in progress (B) in each scheme.
RESOLVED_CLASS = {"A/B/C": "A", "A/B/C/D": "A", "甲/乙/丙": "甲"}
PLANNED_CLASS = {"A/B/C": "B", "A/B/C/D": "B", "甲/乙/丙": "乙"}


def fold(text: str) -> str:
    """Fold full-width forms, spaces and bracket styles so spellings compare equal."""
    folded = unicodedata.normalize("NFKC", text).strip()
    return "".join(folded.split()).replace("（", "(").replace("）", ")")


def canonical(column: str, text: str | None) -> str | None:
    """The canonical value of an enumeration cell, or the folded text when it is not a known spelling."""
    if text is None:
        return None
    key = fold(text)
    if not key:
        return None
    spellings = SPELLINGS.get(column)
    if spellings is None:
        return key
    found = spellings.get(key) or spellings.get(key.replace("(", "").replace(")", ""))
    return str(found) if found is not None else key


def canonical_class(text: str | None) -> str | None:
    """办理结果 spelled as 'A类', 'a', 'Ａ' all mean A."""
    if text is None:
        return None
    key = fold(text).upper().removesuffix("类")
    return key or None


def allowed_values(column: str, class_scheme: str = "A/B/C") -> tuple[str, ...]:
    if column == Col.RESULT:
        return CLASS_SCHEMES[class_scheme]
    enum_of: dict[str, type[StrEnum]] = {Col.CATEGORY: Category, Col.LEVEL: Level, Col.TIMING: Timing, Col.ROLE: Role,
               Col.OPINION: Opinion, Col.DISCLOSURE: Disclosure}
    return tuple(v.value for v in enum_of[column])
