"""The contract of the workbooks sent to the handling units and merged back (docs/domain.md
#exchange-of-workbooks): what each role may fill, how a row is fingerprinted at split time and
verified on return, which master a copy was split from, and the record of what a merge took.
`taizhang split` (macros/jobs/split.py) and `taizhang merge` (macros/jobs/merge.py) apply it; the
unit workbook's hidden 分发校验 sheet (workbook/unit_book.py, read back by workbook/returned.py)
carries it. Pure: no workbook access.

What a unit may fill (documented for staff in the unit workbook's 填报说明 sheet):
- 主办 unit: 签收日期, 面商日期, 办理方案日期, 答复样稿日期, 正式答复日期, 答复文号, 办理结果, 代表意见,
  重新答复日期, B类计划解决时限, 落实进展, 延期理由, 退回日期, 退回理由, 备案日期, 公开日期, 公开属性, 不公开理由.
- 协办 unit: only 协办意见日期 (the ledger has one 落实进展 per case, kept by the 主办 unit).
Everything else (the case itself, 交办日期, 延期至 and 回头看日期, which the office decides) is locked.

Each row carries a fingerprint (sha256 of its locked fields' values as the reader understands
them) and its fillable values at split time, so a merge tells edits of locked fields and stale
copies apart from the unit's own changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from taizhang.core.columns import Col
from taizhang.core.enums import Role
from taizhang.core.model import Ledger

HOST_FIELDS: tuple[str, ...] = (
    Col.RECEIVED_DATE, Col.MEETING_DATE, Col.PLAN_DATE, Col.DRAFT_DATE, Col.REPLY_DATE, Col.REPLY_NUMBER,
    Col.RESULT, Col.OPINION, Col.REREPLY_DATE, Col.PLAN_DEADLINE, Col.PROGRESS, Col.EXTENSION_REASON,
    Col.RETURNED_DATE, Col.RETURN_REASON, Col.FILED_DATE, Col.PUBLISH_DATE, Col.DISCLOSURE, Col.DISCLOSURE_REASON,
)
CO_FIELDS: tuple[str, ...] = (Col.CO_OPINION_DATE,)
FILLABLE: dict[str, tuple[str, ...]] = {Role.HOST: HOST_FIELDS, Role.CO: CO_FIELDS}

# The hidden 分发校验 sheet: these facts of the split, then one record per case.
META_KEYS = ("单位", Col.YEAR, "分发日期", "台账版本", "列")
RECORD_HEADERS = (Col.NUMBER, "承办方式", "指纹", "分发时值")

# The 变更记录 sheet: one row per value a merge took, below this header.
CHANGE_HEADERS = ("时间", "文件", "单位", Col.NUMBER, "字段", "原值", "新值")


@dataclass
class RowRecord:
    """What the split recorded of one case of a unit's copy: the unit's role in it, the fingerprint
    of its locked values, and its fillable values at split time."""

    role: str
    fingerprint: str
    split_values: dict[str, Any] = field(default_factory=dict)


def fillable(role: str) -> tuple[str, ...]:
    """The columns a unit in `role` (主办 or 协办) may fill; none for any other role."""
    return FILLABLE.get(role, ())


def locked_columns(columns: Iterable[str], role: str) -> list[str]:
    """The columns of `columns` that a unit in `role` may not change, in their order."""
    mine = fillable(role)
    return [c for c in columns if c not in mine]


def shown_values(ledger: Ledger) -> dict[int, dict[str, Any]]:
    """Each row's canonical values; a cell the reader could not understand counts as its raw text,
    so an unreadable value is compared (and never silently taken for empty)."""
    raws: dict[tuple[int, str], str] = {(u.row, u.name): u.value for u in ledger.unparsed}
    out: dict[int, dict[str, Any]] = {}
    for case in ledger.cases:
        values = case.canonical_values()
        for name in values:
            if (case.row, name) in raws:
                values[name] = raws[(case.row, name)]
        out[case.row] = values
    return out


def fingerprint(values: dict[str, Any], locked: Iterable[str]) -> str:
    """sha256 of the locked fields' values, in column order."""
    data = json.dumps([[name, values.get(name)] for name in locked], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def record_row(values: dict[str, Any], columns: list[str], role: str) -> RowRecord:
    """What the split records of a row whose `values` (from `shown_values`) go out with `columns`."""
    return RowRecord(role, fingerprint(values, locked_columns(columns, role)),
                     {name: values.get(name) for name in fillable(role) if name in columns})


def verify_row(values: dict[str, Any], columns: list[str], record: RowRecord) -> bool:
    """Whether a returned row's locked values are those the split recorded (`values` from
    `shown_values` of the returned copy, `columns` the ones it went out with)."""
    return fingerprint(values, locked_columns(columns, record.role)) == record.fingerprint


def master_version(ledger: Ledger) -> str:
    """A short hash of every case's data: tells a copy split from an older master."""
    shown = shown_values(ledger)
    rows = sorted(json.dumps(shown[c.row], ensure_ascii=False, sort_keys=True, default=str) for c in ledger.cases)
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]


def cell_text(value: Any) -> str | None:
    """A value as the 变更记录 holds and compares it: text, a whole number without ".0", None for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
