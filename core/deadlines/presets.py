"""Ready-made rule sets that fill the 时限规则 sheet; staff edit them there.

Each rule cites the notice it comes from (docs/domain.md#sources and docs/domain.md#presets); stage
names are the same across presets so reports compare.
"""

from __future__ import annotations

from taizhang.core.columns import Col
from taizhang.core.deadlines.conditions import parse_conditions
from taizhang.core.deadlines.rules import Combine, DeadlineKind, DeadlineRule, Term, default_owner
from taizhang.core.deadlines.sheet import rules_from_table
from taizhang.core.enums import Role
from taizhang.core.errors import BadInput
from taizhang.core.settings import Settings

DEFAULT_PRESET = "代表法三个月"
_CO = (Role.CO.value,)


def fixed(month: int, day: int) -> Term:
    return Term(kind=DeadlineKind.FIXED, month=month, day=day)


def after(amount: int, kind: DeadlineKind, base: str = Col.ASSIGNED_DATE) -> Term:
    return Term(kind=kind, amount=amount, base=base)


def rule(stage: str, done: str, term: Term, *, roles: tuple[str, ...] = (), when: str = "",
         extension: str | None = None, note: str | None = None,
         second: Term | None = None, combine: Combine | None = None) -> DeadlineRule:
    made = DeadlineRule(stage=stage, done_column=done, term=term, roles=roles,
                        conditions=parse_conditions(when), extension_column=extension, note=note,
                        second=second, combine=combine)
    # Presets say whose work each stage is, so the 时限规则 sheet they fill shows it.
    return made.model_copy(update={"owner": default_owner(made)})


def _co_opinion(term: Term, note: str) -> list[DeadlineRule]:
    """Two rows for one duty: our 协办 cases (our opinion to the outside 主办), and our own cases
    that have 协办单位 (their opinion to our 主办单位)."""
    return [
        rule("协办意见", Col.CO_OPINION_DATE, term, roles=_CO, note=note),
        rule("协办意见", Col.CO_OPINION_DATE, term, when="协办单位=有", note=note),
    ]


_JH = "精政办发〔2025〕5号"  # 精河2025通知 (docs/domain.md#sources)
JINGHE_2025: list[DeadlineRule] = [
    rule("承办情况表", Col.RECEIVED_DATE, fixed(3, 25), note=f"{_JH} 二㈠：3月25日前各主办单位填写承办情况表"),
    rule("面商", Col.MEETING_DATE, fixed(3, 31), note=f"{_JH} 二㈡：3月31日前完成初次见面"),
    *_co_opinion(fixed(4, 7), f"{_JH} 二㈢：4月7日前协办单位将办理意见报送主办单位"),
    rule("答复样稿", Col.DRAFT_DATE, fixed(4, 18), note=f"{_JH} 二㈢：4月18日前答复样稿报县政办初审"),
    rule("正式答复", Col.REPLY_DATE, fixed(5, 26), extension=Col.EXTENDED_TO, note=f"{_JH} 二㈣：5月26日前正式答复"),
    rule("重新答复", Col.REREPLY_DATE, after(1, DeadlineKind.MONTHS, Col.REPLY_DATE), when="代表意见=不满意",
         note=f"{_JH} 二㈣：不满意的，一个月内重新答复"),
    rule("备案", Col.FILED_DATE, fixed(6, 6), note=f"{_JH} 二㈤：6月6日前报送正式答复、征求意见表和总结"),
    rule("回头看", Col.REVIEW_DATE, fixed(10, 10), when="级别=州(市)",
         note=f"{_JH} 二㈥：10月10日前对所承办的州级建议提案逐一自查"),
    rule("公开", Col.PUBLISH_DATE, fixed(11, 3), when="公开属性=主动公开", note=f"{_JH} 二㈦：11月3日前审查和公开"),
]

_PS = "彭水县政府办2023年建议提案办理通知"  # 彭水2023通知 (docs/domain.md#sources)
PENGSHUI_2023: list[DeadlineRule] = [
    rule("办理方案", Col.PLAN_DATE, fixed(4, 20), note=f"{_PS} 一：4月20日前报送办理工作方案"),
    *_co_opinion(after(30, DeadlineKind.WORKDAYS), f"{_PS} 三：交办之日起30个工作日内送达协办意见"),
    rule("正式答复", Col.REPLY_DATE, fixed(8, 31), extension=Col.EXTENDED_TO, note=f"{_PS} 三：办结时限均为8月31日"),
    rule("备案", Col.FILED_DATE, fixed(8, 31), note=f"{_PS} 三：办结时限前报送复函、回执和年度总结"),
]

_LAW = "代表法第五十一条"
_OPINIONS = "政协提案办理工作实施意见"  # 提案实施意见 (docs/domain.md#sources)
REPRESENTATIVES_LAW: list[DeadlineRule] = [
    *_co_opinion(after(1, DeadlineKind.MONTHS), f"{_OPINIONS}及各地办法：协办意见一个月内"),
    rule("正式答复", Col.REPLY_DATE, after(3, DeadlineKind.MONTHS), extension=Col.EXTENDED_TO,
         note=f"{_LAW}：自交办之日起三个月内答复，延期最迟不超过六个月"),
    rule("重新答复", Col.REREPLY_DATE, after(1, DeadlineKind.MONTHS, Col.REPLY_DATE), when="代表意见=不满意",
         note="不满意的，一个月内重新答复"),
    rule("回头看", Col.REVIEW_DATE, after(1, DeadlineKind.MONTHS, Col.REPLY_DATE), note=f"{_OPINIONS}：办复后一个月内回头看"),
]

PRESETS: dict[str, list[DeadlineRule]] = {
    "精河2025": JINGHE_2025,
    "彭水2023": PENGSHUI_2023,
    DEFAULT_PRESET: REPRESENTATIVES_LAW,
}


def preset_rules(name: str) -> list[DeadlineRule]:
    """A preset by name; an unknown name is refused with the names there are."""
    if name not in PRESETS:
        raise BadInput(f"没有名为“{name}”的时限预设，可选：{'、'.join(PRESETS)}")
    return list(PRESETS[name])


def rules_from_sheet(settings: Settings) -> bool:
    """Whether the workbook's own 时限规则 sheet gives the rules (else the default preset does)."""
    return settings.deadline_table is not None and bool(settings.deadline_table.rows)


def rules_for_settings(settings: Settings) -> list[DeadlineRule]:
    """The workbook's 时限规则 sheet, or the default preset when the workbook has none or it is empty."""
    if not rules_from_sheet(settings):
        return preset_rules(DEFAULT_PRESET)
    return rules_from_table(settings.deadline_table)
