"""The canonical columns of a ledger, their kinds and the header spellings users write.

Names are the Chinese headers of shared/domain.md; `field` is the attribute on `Case`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    INT = "int"
    YEAR = "year"
    ENUM = "enum"
    UNITS = "units"
    FLAG = "flag"


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    field: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    width: float = 12
    personal: bool = False  # personal data: never leaves the office except to the case's own units


COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("序号", "seq", Kind.TEXT, ("序", "顺序号"), 6),
    ColumnSpec("编号", "number", Kind.TEXT, ("建议编号", "提案编号", "建议号", "提案号", "案号", "建议提案编号", "案件编号"), 14),
    ColumnSpec("类别", "category", Kind.ENUM, ("类型", "建议提案类别", "案件类别", "建议类别"), 12),
    ColumnSpec("级别", "level", Kind.ENUM, ("来源", "层级", "级次"), 8),
    ColumnSpec("年度", "year", Kind.YEAR, ("年份",), 7),
    ColumnSpec("届次会次", "session", Kind.TEXT, ("届次", "会次", "届次会议", "会议"), 16),
    ColumnSpec("提出时间", "timing", Kind.ENUM, ("提出时段", "提交时间"), 10),
    ColumnSpec("标题", "title", Kind.TEXT, ("案由", "建议标题", "提案标题", "题目", "建议提案标题"), 36),
    ColumnSpec("领衔人", "lead", Kind.TEXT, ("领衔代表", "第一提案人", "提出人", "代表委员", "提案人", "建议人"), 12, True),
    ColumnSpec("附议人数", "cosigners", Kind.INT, ("附议人", "联名人数"), 8),
    ColumnSpec("代表团", "delegation", Kind.TEXT, ("界别", "代表团界别", "代表团或界别"), 12),
    ColumnSpec("联系电话", "phone", Kind.TEXT, ("电话", "联系方式", "手机", "手机号码"), 14, True),
    ColumnSpec("本级承办方式", "role", Kind.ENUM, ("承办方式", "办理方式", "本级办理方式"), 10),
    ColumnSpec("主办单位", "host_unit", Kind.TEXT, ("主办", "承办单位主办", "主办部门", "承办单位"), 18),
    ColumnSpec("协办单位", "co_units", Kind.UNITS, ("协办", "承办单位协办", "协办部门", "会办单位"), 20),
    ColumnSpec("交办日期", "assigned_date", Kind.DATE, ("交办时间", "交办日"), 11),
    ColumnSpec("签收日期", "received_date", Kind.DATE, ("承办情况表日期", "承办情况表", "签收时间"), 11),
    ColumnSpec("重点件", "key_case", Kind.FLAG, ("是否重点件", "重点"), 7),
    ColumnSpec("督办领导", "supervisor", Kind.TEXT, ("领办领导", "督办县领导", "牵头领导"), 10),
    ColumnSpec("面商日期", "meeting_date", Kind.DATE, ("面商时间", "见面日期", "初次见面日期", "沟通日期"), 11),
    ColumnSpec("协办意见日期", "co_opinion_date", Kind.DATE, ("协办意见", "协办意见提交日期", "协办意见时间"), 11),
    ColumnSpec("办理方案日期", "plan_date", Kind.DATE, ("办理工作方案日期", "工作方案日期", "办理方案"), 11),
    ColumnSpec("答复样稿日期", "draft_date", Kind.DATE, ("答复样稿", "样稿日期", "答复初稿日期"), 11),
    ColumnSpec("正式答复日期", "reply_date", Kind.DATE, ("答复日期", "办复日期", "正式答复时间", "答复时间"), 11),
    ColumnSpec("答复文号", "reply_number", Kind.TEXT, ("文号", "答复函文号"), 16),
    ColumnSpec("办理结果", "result", Kind.ENUM, ("办理类别", "答复类别", "结果类别", "办理结果类别", "ABC类"), 8),
    ColumnSpec("代表意见", "opinion", Kind.ENUM, ("委员意见", "代表委员意见", "满意度", "反馈意见", "评价意见"), 10),
    ColumnSpec("重新答复日期", "rereply_date", Kind.DATE, ("再次答复日期", "二次答复日期"), 11),
    ColumnSpec("B类计划解决时限", "plan_deadline", Kind.DATE, ("计划解决时限", "B类解决时限", "计划解决日期"), 12),
    ColumnSpec("落实进展", "progress", Kind.TEXT, ("落实情况", "进展情况", "办理进展"), 24),
    ColumnSpec("延期至", "extended_to", Kind.DATE, ("延期日期", "延期至日期", "延期截止日期"), 11),
    ColumnSpec("延期理由", "extension_reason", Kind.TEXT, ("延期原因",), 16),
    ColumnSpec("退回日期", "returned_date", Kind.DATE, ("退回时间",), 11),
    ColumnSpec("退回理由", "return_reason", Kind.TEXT, ("退回原因",), 16),
    ColumnSpec("备案日期", "filed_date", Kind.DATE, ("备案总结日期", "备案时间"), 11),
    ColumnSpec("回头看日期", "review_date", Kind.DATE, ("回头看时间", "回访日期"), 11),
    ColumnSpec("公开日期", "publish_date", Kind.DATE, ("公开时间",), 11),
    ColumnSpec("公开属性", "disclosure", Kind.ENUM, ("公开方式", "公开类型"), 11),
    ColumnSpec("不公开理由", "disclosure_reason", Kind.TEXT, ("公开理由", "依申请公开理由", "不予公开理由"), 16),
    ColumnSpec("备注", "remark", Kind.TEXT, ("说明",), 16),
)

BY_NAME: dict[str, ColumnSpec] = {c.name: c for c in COLUMNS}
BY_FIELD: dict[str, ColumnSpec] = {c.field: c for c in COLUMNS}
DATE_COLUMNS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.kind is Kind.DATE)

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
