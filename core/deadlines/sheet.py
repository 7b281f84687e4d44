"""The 时限规则 sheet: one row per stage, read into `DeadlineRule`s and written back.

Layout (RULE_HEADERS, left to right):
  环节          stage name, e.g. 正式答复; shown as the case's 当前环节
  完成标志列    the ledger's date column whose date marks the stage done, e.g. 正式答复日期
  适用承办方式  主办、协办、会办、分办、参阅, several separated by 、; empty = 主办、会办、分办
  适用类别      建议 or 提案; empty = both
  适用条件      列=值 (代表意见=不满意, 公开属性=主动公开, 办理结果=B, 重点件=是, 级别=州(市))
                or 列=有 / 列=无; several separated by ；, all must hold; empty = always
  时限类型      固定日期 / 自然日 / 工作日 / 个月
  数值          N, for 自然日 / 工作日 / 个月
  固定日期      a month-day such as 3月25日 or 03-25, in the ledger's 年度, never moved
  起算列        the date column the period runs from; empty = 交办日期
  组合          较早 or 较晚: the due date is the earlier/later of the limit above and the one after it
  时限类型2 数值2 固定日期2 起算列2   the second limit, only with 组合
  延期列        a date column (延期至) whose date replaces the due date, capped at 6 months after 交办
  责任单位      主办单位 or 协办单位: whose work the stage is (lists of overdue work name that unit);
                empty = 协办单位 for 协办意见日期 (except on 本级协办 cases), else 主办单位
  启用          是 / 否; empty = 是. A rule switched off is listed as not tracked, never evaluated
  说明          free text: where the rule comes from
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from taizhang.core.columns import BY_NAME, Col, Kind, match_header
from taizhang.core.deadlines.conditions import BadCondition, parse_conditions
from taizhang.core.deadlines.rules import Combine, DeadlineKind, DeadlineRule, Owner, Term
from taizhang.core.enums import Category, Role, canonical
from taizhang.core.errors import BadInput
from taizhang.core.settings import SheetRow, SheetTable
from taizhang.core.values import Unparseable, clean_text, parse_date, parse_flag, parse_int, split_units

RULE_HEADERS: list[str] = [
    "环节", "完成标志列", "适用承办方式", "适用类别", "适用条件",
    "时限类型", "数值", "固定日期", "起算列",
    "组合", "时限类型2", "数值2", "固定日期2", "起算列2",
    "延期列", "责任单位", "启用", "说明",
]
REQUIRED_HEADERS = ("环节", "完成标志列", "时限类型")

_KINDS: dict[str, DeadlineKind] = {
    "固定日期": DeadlineKind.FIXED, "固定": DeadlineKind.FIXED, "日期": DeadlineKind.FIXED,
    "自然日": DeadlineKind.NATURAL_DAYS, "日": DeadlineKind.NATURAL_DAYS, "天": DeadlineKind.NATURAL_DAYS,
    "工作日": DeadlineKind.WORKDAYS, "个工作日": DeadlineKind.WORKDAYS,
    "个月": DeadlineKind.MONTHS, "月": DeadlineKind.MONTHS,
}
_COMBINES: dict[str, Combine] = {
    "较早": Combine.EARLIER, "取较早": Combine.EARLIER, "较早者": Combine.EARLIER, "孰早": Combine.EARLIER,
    "较晚": Combine.LATER, "取较晚": Combine.LATER, "较晚者": Combine.LATER, "孰晚": Combine.LATER,
}
_OWNERS: dict[str, Owner] = {
    Col.HOST_UNIT: Owner.HOST, "主办": Owner.HOST, Col.CO_UNITS: Owner.CO, "协办": Owner.CO,
}
_SHORT_CATEGORY = {Category.SUGGESTION.value: "建议", Category.PROPOSAL.value: "提案"}
_BOTH_CATEGORIES = {"全部", "建议、提案", "提案、建议"}
_MONTH_DAY = re.compile(r"^(\d{1,2})[月.\-/](\d{1,2})[日号]?(?:前|之前|以前)?$")
_DATE_EXPECTED = "台账中的日期列名称，如“交办日期”“正式答复日期”"

T = TypeVar("T")


class _Expected(ValueError):
    """What the cell should have held, in Chinese."""


def _month_day(value: Any) -> tuple[int, int]:
    if isinstance(value, datetime | date):
        return value.month, value.day
    text = (clean_text(value) or "").replace(" ", "")
    if match := _MONTH_DAY.match(text):
        month, day = int(match[1]), int(match[2])
    else:
        try:
            parsed = parse_date(value)
        except Unparseable:
            parsed = None
        if parsed is None:
            raise _Expected("月日，如“3月25日”或“03-25”")
        month, day = parsed.month, parsed.day
    try:
        date(2000, month, day)  # a leap year: 2月29日 is allowed
    except ValueError:
        raise _Expected("存在的月日，如“3月25日”") from None
    return month, day


def _date_column(text: str) -> str:
    column = match_header(text)
    if column is None or BY_NAME[column].kind is not Kind.DATE:
        raise _Expected(_DATE_EXPECTED)
    return column


def _amount(value: Any) -> int:
    try:
        number = parse_int(value)
    except Unparseable:
        number = None
    if number is None or number < 1:
        raise _Expected("正整数，如 3")
    return number


def _roles(text: str) -> tuple[str, ...]:
    roles: list[str] = []
    for piece in split_units(text):
        role = canonical(Col.ROLE, piece)
        if role not in {r.value for r in Role}:
            raise _Expected("“主办”“协办”“会办”“分办”“参阅”中的一个或几个，用“、”分隔；留空表示主办、会办、分办")
        if role not in roles:
            roles.append(role)
    return tuple(roles)


def _owner(value: Any) -> Owner | None:
    text = clean_text(value)
    if not text:
        return None
    found = _OWNERS.get(text)
    if found is None:
        raise _Expected("“主办单位”或“协办单位”；留空则协办意见由协办单位负责，其余环节由主办单位负责")
    return found


def _enabled(value: Any) -> bool:
    try:
        flag = parse_flag(value)
    except Unparseable:
        raise _Expected("“是”或“否”；留空表示启用") from None
    return flag is not False


def _category(text: str) -> str | None:
    if text in _BOTH_CATEGORIES:
        return None
    found = canonical(Col.CATEGORY, text)
    if found not in _SHORT_CATEGORY:
        raise _Expected("“建议”或“提案”；留空表示两类都适用")
    return found


class _RowReader:
    """Reads one sheet row, turning any bad cell into a BadInput that names the sheet and cell."""

    def __init__(self, table: SheetTable, row: SheetRow) -> None:
        self.table, self.row = table, row

    def raw(self, header: str) -> Any:
        return self.row.values.get(header)

    def text(self, header: str) -> str | None:
        return clean_text(self.raw(header))

    def note(self) -> str | None:
        """说明 is kept as written (no full-width folding: it quotes notices)."""
        raw = self.raw("说明")
        text = str(raw).strip() if raw is not None else ""
        return text or None

    def bad(self, header: str, expected: str) -> BadInput:
        return BadInput(
            f"“{self.table.name}”工作表 {self.row.cell(header)} 单元格的值“{self.raw(header) or ''}”有误：应为{expected}"
        )

    def read(self, header: str, convert: Callable[[Any], T]) -> T:
        try:
            return convert(self.raw(header))
        except (_Expected, BadCondition) as problem:
            raise self.bad(header, str(problem)) from None

    def term(self, suffix: str = "") -> Term:
        kind_header = f"时限类型{suffix}"
        kind_text = self.text(kind_header)
        kind = _KINDS.get(kind_text or "")
        if kind is None:
            raise self.bad(kind_header, "“固定日期”“自然日”“工作日”或“个月”")
        if kind is DeadlineKind.FIXED:
            header = f"固定日期{suffix}"
            if self.raw(header) is None:
                raise self.bad(header, "月日，如“3月25日”（时限类型为固定日期）")
            month, day = self.read(header, _month_day)
            return Term(kind=kind, month=month, day=day)
        amount = self.read(f"数值{suffix}", _amount)
        base_text = self.text(f"起算列{suffix}")
        base = self.read(f"起算列{suffix}", lambda _: _date_column(base_text)) if base_text else Col.ASSIGNED_DATE
        return Term(kind=kind, amount=amount, base=base)

    def rule(self) -> DeadlineRule:
        stage = self.text("环节")
        if not stage:
            raise self.bad("环节", "环节名称，如“正式答复”")
        done = self.text("完成标志列")
        if not done:
            raise self.bad("完成标志列", _DATE_EXPECTED)
        done_column = self.read("完成标志列", lambda _: _date_column(done))
        roles = self.read("适用承办方式", lambda v: _roles(clean_text(v) or ""))
        category_text = self.text("适用类别")
        category = self.read("适用类别", lambda _: _category(category_text)) if category_text else None
        conditions = self.read("适用条件", lambda v: parse_conditions(clean_text(v)))
        term = self.term()
        combine_text = self.text("组合")
        second_given = self.text("时限类型2") is not None
        if combine_text is None and second_given:
            raise self.bad("组合", "“较早”或“较晚”（已填写时限类型2）")
        combine = None
        second = None
        if combine_text is not None:
            combine = _COMBINES.get(combine_text)
            if combine is None:
                raise self.bad("组合", "“较早”或“较晚”")
            second = self.term("2")
        extension_text = self.text("延期列")
        extension = self.read("延期列", lambda _: _date_column(extension_text)) if extension_text else None
        return DeadlineRule(
            stage=stage, done_column=done_column, roles=roles, category=category, conditions=conditions,
            term=term, second=second, combine=combine, extension_column=extension,
            owner=self.read("责任单位", _owner), enabled=self.read("启用", _enabled), note=self.note(),
            cells=tuple((h, self.row.cell(h)) for h in self.row.columns),
        )


def rules_from_table(table: SheetTable) -> list[DeadlineRule]:
    """The rules of a 时限规则 sheet, in sheet order. Any bad cell raises BadInput naming it."""
    missing = [h for h in REQUIRED_HEADERS if h not in table.headers]
    if missing:
        raise BadInput(
            f"“{table.name}”工作表第{table.header_row}行缺少表头“{'”“'.join(missing)}”；"
            f"表头应为：{'、'.join(RULE_HEADERS)}"
        )
    rules = []
    for row in table.rows:
        reader = _RowReader(table, row)
        if reader.text("环节") is None and set(row.values) <= {"说明"}:
            continue  # a note on its own line
        rules.append(reader.rule())
    if not rules:
        raise BadInput(
            f"“{table.name}”工作表没有任何规则行；请按预设填写，或删除该工作表以使用默认时限规则"
        )
    return rules


def _term_cells(term: Term | None) -> list[object]:
    if term is None:
        return [None, None, None, None]
    if term.kind is DeadlineKind.FIXED:
        return [term.kind.value, None, f"{term.month}月{term.day}日", None]
    return [term.kind.value, term.amount, None, term.base]


def rules_to_rows(rules: list[DeadlineRule]) -> list[list[object]]:
    """One row per rule, aligned with RULE_HEADERS (the header row itself not included)."""
    rows: list[list[object]] = []
    for rule in rules:
        rows.append([
            rule.stage,
            rule.done_column,
            "、".join(rule.roles) or None,
            _SHORT_CATEGORY[rule.category] if rule.category else None,
            "；".join(str(c) for c in rule.conditions) or None,
            *_term_cells(rule.term),
            rule.combine.value if rule.combine else None,
            *_term_cells(rule.second),
            rule.extension_column,
            rule.responsible.value,
            "是" if rule.enabled else "否",
            rule.note,
        ])
    return rows
