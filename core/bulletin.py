"""What the 通报 says: its heading fields, its parts, the units named in it and the attached table.

Pure content, no layout: this module imports no document library. `taizhang.workbook.docx_report`
lays a `Bulletin` out as a 公文 (GB/T 9704-2012); anything else (a sheet, a mail) could render
it too. Every fact comes from the models the other reports use:

- the situation paragraph and the table: the statistics (`Stats`, `paragraph`; the names are the
  ones `core/stats/figures.py` defines and the 汇总 sheet prints);
- the units and their stages: the blame model (`core/deadlines/blame.py`): each stage overdue or
  done late under the unit that owes it by the ledger's own rules (a co-handler's opinion under
  the co-handler), this year's cases apart from earlier years' (往年件);
- 往年 B 类 follow-up: the statistics' earlier-year B counts, per unit, and the earlier years'
  cases with stages overdue;
- the office's own fields (参数: 办理机关, 文号, 主送): taken when filled in, otherwise kept as
  visibly marked placeholders, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from taizhang.core.columns import Col
from taizhang.core.deadlines.blame import HOST_PART, Owed, by_unit, cases_of, situation
from taizhang.core.deadlines.evaluate import StageState
from taizhang.core.enums import PLANNED_CLASS, Category
from taizhang.core.settings import OFFICE_PLACEHOLDER, Params
from taizhang.core.stats import Figures, Stats, chinese_date, paragraph
from taizhang.core.stats.breakdowns import TOTAL
from taizhang.core.stats.figures import (
    B_CONVERSION_RATE,
    MEETING_RATE,
    ON_TIME_RATE,
    REPLY_RATE,
    SATISFACTION_RATE,
)
from taizhang.core.stats.units import UnitNames

CHINESE_NUMBERS = "一二三四五六七八九十"
NUMBER_PLACEHOLDER = "（文号：请在台账“参数”工作表填写，如 ×政办发〔{year}〕×号）"
RECIPIENTS_PLACEHOLDER = "（主送机关：请在台账“参数”工作表填写，如 各乡（镇）人民政府，县政府各部门）"


@dataclass(frozen=True)
class Field:
    """A 公文 element the office fills in: its text, and whether it is still a placeholder."""

    text: str
    placeholder: bool = False


@dataclass(frozen=True)
class UnitPart:
    """One unit named in the 通报 and the stages it is named for."""

    unit: str
    heading: str  # （一）县交通运输局（4件）
    items: list[str]  # 1. 县人大第36号建议《……》：正式答复，逾期3个工作日未完成（截止5月15日，周五）。


@dataclass(frozen=True)
class Requirement:
    heading: str  # （一）抓紧办理逾期环节。 (a 二级标题 run in at the start of its paragraph)
    text: str


@dataclass(frozen=True)
class Part:
    """一、 … : a 一级标题 and what follows it."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    units: list[UnitPart] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # after the units


@dataclass(frozen=True)
class Table:
    """The attached statistics table: a two-level header, a row per unit, the 合计 row, a note."""

    title: str
    groups: list[tuple[str, list[str]]]  # group title over its sub-columns; a group of one spans both rows
    rows: list[list[str]]  # 序号, 承办单位, then one value per sub-column
    total: list[str]
    note: str

    @property
    def columns(self) -> int:
        return 2 + sum(len(subs) for _, subs in self.groups)


@dataclass(frozen=True)
class Bulletin:
    year: int
    office: Field  # 发文机关: 版头 and 落款
    number: Field  # 发文字号
    recipients: Field  # 主送机关 (without the closing colon)
    title: str
    opening: str
    parts: list[Part]
    attachment: str  # 附件名称
    date_line: str  # 成文日期: 2026年5月20日
    table: Table
    units_named: list[str]  # every unit named in 二、 (for checks and summaries)


def subject(stats: Stats) -> str:
    """人大代表建议和政协委员提案, or only the kind the ledger holds."""
    groups = stats.by_category.groups
    suggestions = groups.get(Category.SUGGESTION)
    proposals = groups.get(Category.PROPOSAL)
    if suggestions and suggestions.cases and not (proposals and proposals.cases):
        return "人大代表建议"
    if proposals and proposals.cases and not (suggestions and suggestions.cases):
        return "政协委员提案"
    return "人大代表建议和政协委员提案"


def ordinal(n: int) -> str:
    """1 → 一, 12 → 十二, 23 → 二十三 (headings 一、 and （一）)."""
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    if n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    return (CHINESE_NUMBERS[tens - 1] if tens > 1 else "") + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "")


def _item_text(n: int, item: Owed, today: date) -> str:
    case = item.number or f"台账第{item.row}行"
    title = f"《{item.title}》" if item.title else ""
    if item.as_co:
        part = f"（协办，主办单位：{item.host}）"
    else:  # the lead's own stage; 本级协办件 when this office only co-handles the case
        part = "" if item.part == HOST_PART else f"（{item.lead}）"
    return f"{n}. {case}{title}{part}：{item.stage}{situation(item, today)}。"


def _unit_parts(groups: list[tuple[str, list[Owed]]], today: date) -> list[UnitPart]:
    parts = []
    for i, (unit, items) in enumerate(groups, start=1):
        heading = f"（{ordinal(i)}）{unit}（{cases_of(items)}件）"
        parts.append(UnitPart(unit, heading, [_item_text(n, item, today) for n, item in enumerate(items, start=1)]))
    return parts


def _late(owed: Iterable[Owed], names: UnitNames, *, earlier: bool) -> list[tuple[str, list[Owed]]]:
    items = [i for i in owed if i.state in (StageState.OVERDUE, StageState.DONE_LATE) and i.earlier_year == earlier]
    return by_unit(items, names)


def _overdue_part(number: int, groups: list[tuple[str, list[Owed]]], today: date, untracked: str | None) -> Part:
    notes = [f"说明：{untracked}。台账无法记录这些环节的完成日期，不计逾期，不列入本通报。"] if untracked else []
    if not groups:
        return Part(f"{ordinal(number)}、逾期情况", ["本年度已跟踪的办理环节均按期完成，没有逾期或超期完成的单位。"],
                    notes=notes)
    still = sum(1 for _, items in groups if any(i.overdue for i in items))
    intro = (f"本年度有{len(groups)}个单位存在逾期未完成或超期完成的办理环节，其中{still}个单位目前仍有逾期未完成的环节。"
             "各环节列在负责该环节的单位下：协办意见逾期的，列在负责报送的协办单位下。")
    return Part(f"{ordinal(number)}、逾期情况", [intro], _unit_parts(groups, today), notes=notes)


def _earlier_part(number: int, stats: Stats, groups: list[tuple[str, list[Owed]]], today: date) -> Part:
    fig = stats.totals
    planned = PLANNED_CLASS[stats.scheme]
    heading = f"{ordinal(number)}、往年{planned}类件跟踪落实情况"
    paragraphs = []
    if fig.earlier_b:
        paragraphs.append(f"往年列入计划解决的{planned}类建议提案{fig.earlier_b}件，已解决{fig.earlier_b_resolved}件，"
                          f"转化率{fig.rates[B_CONVERSION_RATE].value}。")
        open_units = [(u.unit, u.figures.earlier_b - u.figures.earlier_b_resolved) for u in stats.by_unit
                      if u.figures.earlier_b > u.figures.earlier_b_resolved]
        if open_units:
            paragraphs.append("尚未解决的：" + "、".join(f"{unit}{n}件" for unit, n in open_units) + "。")
    else:
        paragraphs.append(f"台账中没有需要跟踪落实的往年{planned}类件。")
    if groups:
        paragraphs.append(f"往年件中有{len(groups)}个单位的办理环节逾期或超期完成（{cases_of(i for _, g in groups for i in g)}件）：")
    return Part(heading, paragraphs, _unit_parts(groups, today))


def _requirements(number: int, office: str) -> Part:
    return Part(f"{ordinal(number)}、工作要求", requirements=[
        Requirement("（一）抓紧办理逾期环节。",
                    "被通报的单位要逐件查明逾期原因，明确责任人和完成时限，尽快完成逾期环节，"
                    f"并将办理情况书面报送{office}。"),
        Requirement("（二）严格执行办理时限。",
                    "各承办单位要对照交办时明确的各环节时限倒排进度，按期面商、按期答复、按期备案；"
                    "协办单位要按时向主办单位提出协办意见。"),
        Requirement("（三）注重办理实效。",
                    "要坚持办理过程与办理结果并重，加强与代表委员的沟通联系；对列入计划解决的事项，"
                    "要明确解决时限，跟踪落实到位，防止重答复、轻落实。"),
        Requirement("（四）及时准确填报台账。",
                    "各承办单位要及时填报办理进展，所填日期、答复文号、办理结果和代表委员意见应与实际一致，"
                    "确保台账真实、准确、完整。"),
    ])


def table_groups(classes: list[str]) -> list[tuple[str, list[str]]]:
    """The attachment's columns: the 汇总 sheet's main figures, narrow enough for landscape A4."""
    return [
        ("承办件次", ["主办", "协办"]),
        ("办复情况", ["应办复", "已办复", REPLY_RATE, "到期应办复", "按期办复", ON_TIME_RATE, "逾期件数"]),
        (MEETING_RATE, [MEETING_RATE]),
        (Col.RESULT, [f"{c}类" for c in classes]),
        (SATISFACTION_RATE, [SATISFACTION_RATE]),
        ("往年B类", ["件数", "已解决"]),
    ]


def _known(n: int | None) -> str:
    return "未知" if n is None else str(n)


def _values(hosted: int, co: int, f: Figures, classes: list[str]) -> list[str]:
    rates = f.rates
    return [str(hosted), str(co), str(f.due), str(f.replied), rates[REPLY_RATE].value, _known(f.reply_due),
            _known(f.on_time), rates[ON_TIME_RATE].value, _known(f.overdue), rates[MEETING_RATE].value,
            *(str(f.classes.get(c, 0)) for c in classes), rates[SATISFACTION_RATE].value,
            str(f.earlier_b), str(f.earlier_b_resolved)]


TABLE_NOTE = ("注：主办、协办为各单位在“主办单位”“协办单位”中被列出的件数；应办复为除参阅、退回以外的当年件，"
              "办复率＝已办复÷应办复，按期办复率＝按期办复÷到期应办复；单位的办复、见面、办理结果和满意率按其主办件统计；"
              "逾期件数为该单位负有逾期环节的件，合计行为有环节逾期的件数；比率无可计算的件时记为“—”。")


def _table(stats: Stats, year: int) -> Table:
    classes = list(stats.totals.classes)
    rows = [[str(n), u.unit, *_values(u.hosted, u.co, u.figures, classes)] for n, u in enumerate(stats.by_unit, start=1)]
    t = stats.unit_total
    return Table(f"{year}年各承办单位{subject(stats)}办理情况统计表", table_groups(classes), rows,
                 [TOTAL, "", *_values(t.hosted, t.co, t.figures, classes)], TABLE_NOTE)


def _field(value: str | None, placeholder: str) -> Field:
    return Field(value) if value else Field(placeholder, placeholder=True)


def build_bulletin(*, stats: Stats, owed: Iterable[Owed], names: UnitNames, params: Params, today: date,
                   year: int | None, untracked: str | None) -> Bulletin:
    """The 通报 of a ledger as of `today` (`year`: the ledger's year, else today's)."""
    owed = list(owed)
    year = year or today.year
    what = subject(stats)
    office = _field(params.office, OFFICE_PLACEHOLDER)
    this_year = _late(owed, names, earlier=False)
    earlier = _late(owed, names, earlier=True)
    table = _table(stats, year)
    parts = [
        Part("一、总体情况", [paragraph(stats)]),
        _overdue_part(2, this_year, today, untracked),
        _earlier_part(3, stats, earlier, today),
        _requirements(4, params.office or "交办机关"),
    ]
    return Bulletin(
        year=year,
        office=office,
        number=_field(params.doc_number, NUMBER_PLACEHOLDER.format(year=year)),
        recipients=_field(params.recipients, RECIPIENTS_PLACEHOLDER),
        title=f"{params.office or ''}关于{year}年{what}办理情况的通报",
        opening=f"为推动{what}按期高质量办理，现将截至{chinese_date(today)}的办理情况通报如下。",
        parts=parts,
        attachment=table.title,
        date_line=chinese_date(today),
        table=table,
        units_named=[unit for unit, _ in this_year],
    )

