"""The canonical columns of a ledger, their kinds and the header spellings users write.

`Col` names each column by its Chinese header (docs/domain.md#cases-and-columns); every use of a
column in code goes through it: `Col.REPLY_DATE`, never the bare "正式答复日期" (a test checks).
A case's value is read as `case[Col.REPLY_DATE]` (see `taizhang.core.model.Case`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    INT = "int"
    YEAR = "year"
    ENUM = "enum"
    UNITS = "units"
    FLAG = "flag"


class Col(StrEnum):
    """The 40 canonical columns; the value is the header the tool writes and matches. The member's
    name in lower case is the attribute on `Case` (`Col.HOST_UNIT.field == "host_unit"`)."""

    SEQ = "序号"
    NUMBER = "编号"
    CATEGORY = "类别"
    LEVEL = "级别"
    YEAR = "年度"
    SESSION = "届次会次"
    TIMING = "提出时间"
    TITLE = "标题"
    LEAD = "领衔人"
    COSIGNERS = "附议人数"
    DELEGATION = "代表团"
    PHONE = "联系电话"
    ROLE = "本级承办方式"
    HOST_UNIT = "主办单位"
    CO_UNITS = "协办单位"
    ASSIGNED_DATE = "交办日期"
    RECEIVED_DATE = "签收日期"
    KEY_CASE = "重点件"
    SUPERVISOR = "督办领导"
    MEETING_DATE = "面商日期"
    CO_OPINION_DATE = "协办意见日期"
    PLAN_DATE = "办理方案日期"
    DRAFT_DATE = "答复样稿日期"
    REPLY_DATE = "正式答复日期"
    REPLY_NUMBER = "答复文号"
    RESULT = "办理结果"
    OPINION = "代表意见"
    REREPLY_DATE = "重新答复日期"
    PLAN_DEADLINE = "B类计划解决时限"
    PROGRESS = "落实进展"
    EXTENDED_TO = "延期至"
    EXTENSION_REASON = "延期理由"
    RETURNED_DATE = "退回日期"
    RETURN_REASON = "退回理由"
    FILED_DATE = "备案日期"
    REVIEW_DATE = "回头看日期"
    PUBLISH_DATE = "公开日期"
    DISCLOSURE = "公开属性"
    DISCLOSURE_REASON = "不公开理由"
    REMARK = "备注"

    @property
    def field(self) -> str:
        """The attribute on `Case` that holds this column's value."""
        return _FIELDS[self]


_FIELDS: dict[str, str] = {c: c.name.lower() for c in Col}  # read on every case access: no property chain


@dataclass(frozen=True)
class ColumnSpec:
    """A canonical column: its kind, the other headers that mean it, its width in a new ledger."""

    name: Col
    kind: Kind
    aliases: tuple[str, ...] = ()
    width: float = 12
    personal: bool = False  # personal data: never leaves the office except to the case's own units

    @property
    def field(self) -> str:
        return _FIELDS[self.name]


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec(Col.SEQ, Kind.TEXT, ("序", "顺序号"), 6),
    ColumnSpec(Col.NUMBER, Kind.TEXT, ("建议编号", "提案编号", "建议号", "提案号", "案号", "建议提案编号", "案件编号"), 14),
    ColumnSpec(Col.CATEGORY, Kind.ENUM, ("类型", "建议提案类别", "案件类别", "建议类别"), 12),
    ColumnSpec(Col.LEVEL, Kind.ENUM, ("来源", "层级", "级次"), 8),
    ColumnSpec(Col.YEAR, Kind.YEAR, ("年份",), 7),
    ColumnSpec(Col.SESSION, Kind.TEXT, ("届次", "会次", "届次会议", "会议"), 16),
    ColumnSpec(Col.TIMING, Kind.ENUM, ("提出时段", "提交时间"), 10),
    ColumnSpec(Col.TITLE, Kind.TEXT, ("案由", "建议标题", "提案标题", "题目", "建议提案标题"), 36),
    ColumnSpec(Col.LEAD, Kind.TEXT, ("领衔代表", "第一提案人", "提出人", "代表委员", "提案人", "建议人"), 12, True),
    ColumnSpec(Col.COSIGNERS, Kind.INT, ("附议人", "联名人数"), 8),
    ColumnSpec(Col.DELEGATION, Kind.TEXT, ("界别", "代表团界别", "代表团或界别"), 12),
    ColumnSpec(Col.PHONE, Kind.TEXT, ("电话", "联系方式", "手机", "手机号码"), 14, True),
    ColumnSpec(Col.ROLE, Kind.ENUM, ("承办方式", "办理方式", "本级办理方式"), 10),
    ColumnSpec(Col.HOST_UNIT, Kind.TEXT, ("主办", "承办单位主办", "主办部门", "承办单位"), 18),
    ColumnSpec(Col.CO_UNITS, Kind.UNITS, ("协办", "承办单位协办", "协办部门", "会办单位"), 20),
    ColumnSpec(Col.ASSIGNED_DATE, Kind.DATE, ("交办时间", "交办日"), 11),
    ColumnSpec(Col.RECEIVED_DATE, Kind.DATE, ("承办情况表日期", "承办情况表", "签收时间"), 11),
    ColumnSpec(Col.KEY_CASE, Kind.FLAG, ("是否重点件", "重点"), 7),
    ColumnSpec(Col.SUPERVISOR, Kind.TEXT, ("领办领导", "督办县领导", "牵头领导"), 10),
    ColumnSpec(Col.MEETING_DATE, Kind.DATE, ("面商时间", "见面日期", "初次见面日期", "沟通日期"), 11),
    ColumnSpec(Col.CO_OPINION_DATE, Kind.DATE, ("协办意见", "协办意见提交日期", "协办意见时间"), 11),
    ColumnSpec(Col.PLAN_DATE, Kind.DATE, ("办理工作方案日期", "工作方案日期", "办理方案"), 11),
    ColumnSpec(Col.DRAFT_DATE, Kind.DATE, ("答复样稿", "样稿日期", "答复初稿日期"), 11),
    ColumnSpec(Col.REPLY_DATE, Kind.DATE, ("答复日期", "办复日期", "正式答复时间", "答复时间"), 11),
    ColumnSpec(Col.REPLY_NUMBER, Kind.TEXT, ("文号", "答复函文号"), 16),
    ColumnSpec(Col.RESULT, Kind.ENUM, ("办理类别", "答复类别", "结果类别", "办理结果类别", "ABC类"), 8),
    ColumnSpec(Col.OPINION, Kind.ENUM, ("委员意见", "代表委员意见", "满意度", "反馈意见", "评价意见"), 10),
    ColumnSpec(Col.REREPLY_DATE, Kind.DATE, ("再次答复日期", "二次答复日期"), 11),
    ColumnSpec(Col.PLAN_DEADLINE, Kind.DATE, ("计划解决时限", "B类解决时限", "计划解决日期"), 12),
    ColumnSpec(Col.PROGRESS, Kind.TEXT, ("落实情况", "进展情况", "办理进展"), 24),
    ColumnSpec(Col.EXTENDED_TO, Kind.DATE, ("延期日期", "延期至日期", "延期截止日期"), 11),
    ColumnSpec(Col.EXTENSION_REASON, Kind.TEXT, ("延期原因",), 16),
    ColumnSpec(Col.RETURNED_DATE, Kind.DATE, ("退回时间",), 11),
    ColumnSpec(Col.RETURN_REASON, Kind.TEXT, ("退回原因",), 16),
    ColumnSpec(Col.FILED_DATE, Kind.DATE, ("备案总结日期", "备案时间"), 11),
    ColumnSpec(Col.REVIEW_DATE, Kind.DATE, ("回头看时间", "回访日期"), 11),
    ColumnSpec(Col.PUBLISH_DATE, Kind.DATE, ("公开时间",), 11),
    ColumnSpec(Col.DISCLOSURE, Kind.ENUM, ("公开方式", "公开类型"), 11),
    ColumnSpec(Col.DISCLOSURE_REASON, Kind.TEXT, ("公开理由", "依申请公开理由", "不予公开理由"), 16),
    ColumnSpec(Col.REMARK, Kind.TEXT, ("说明",), 16),
)

BY_NAME: dict[str, ColumnSpec] = {c.name: c for c in COLUMNS}
DATE_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind is Kind.DATE)
ENUM_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind is Kind.ENUM)

# The columns by the type `case[Col.X]` gives (tests/test_structure.py checks them against COLUMNS):
# a date, a whole number (年度, 附议人数), a yes/no flag, a list of units, or text.
DateColumn = Literal[Col.ASSIGNED_DATE, Col.RECEIVED_DATE, Col.MEETING_DATE, Col.CO_OPINION_DATE,
    Col.PLAN_DATE, Col.DRAFT_DATE, Col.REPLY_DATE, Col.REREPLY_DATE, Col.PLAN_DEADLINE, Col.EXTENDED_TO,
    Col.RETURNED_DATE, Col.FILED_DATE, Col.REVIEW_DATE, Col.PUBLISH_DATE]
NumberColumn = Literal[Col.YEAR, Col.COSIGNERS]
FlagColumn = Literal[Col.KEY_CASE]
UnitsColumn = Literal[Col.CO_UNITS]
TextColumn = Literal[Col.SEQ, Col.NUMBER, Col.CATEGORY, Col.LEVEL, Col.SESSION, Col.TIMING, Col.TITLE,
    Col.LEAD, Col.DELEGATION, Col.PHONE, Col.ROLE, Col.HOST_UNIT, Col.SUPERVISOR, Col.REPLY_NUMBER,
    Col.RESULT, Col.OPINION, Col.PROGRESS, Col.EXTENSION_REASON, Col.RETURN_REASON, Col.DISCLOSURE,
    Col.DISCLOSURE_REASON, Col.REMARK]

# Headers the tool writes itself; never taken for user columns.
TOOL_PREFIX = "【系统】"

_DROP = re.compile(r"[\s\u3000*＊:：、/／·._\-—\"'“”‘’]+")
_BRACKETS = re.compile(r"[()\[\]{}<>（）【】〔〕《》「」]")


def normalize_header(text: object) -> str:
    """Fold a header as typed into a comparable key: no spaces, breaks, brackets or markers."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", str(text))
    folded = _BRACKETS.sub("", folded)
    return _DROP.sub("", folded).lower()


def _alias_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for spec in COLUMNS:
        for spelling in (spec.name, *spec.aliases):
            index.setdefault(normalize_header(spelling), spec.name)
    return index


ALIASES: dict[str, str] = _alias_index()


_BRACKETED = re.compile(r"[(（\[【〔][^)）\]】〕]*[)）\]】〕]")


def match_header(text: object) -> str | None:
    """The canonical column a header names, or None when it names none.
    `承办单位（主办）` reads with its brackets' content, `办理结果（A/B/C）` without."""
    if text is None or str(text).startswith(TOOL_PREFIX):
        return None
    key = normalize_header(text)
    if not key:
        return None
    found = ALIASES.get(key)
    if found is None:
        found = ALIASES.get(normalize_header(_BRACKETED.sub("", unicodedata.normalize("NFKC", str(text)))))
    return found
