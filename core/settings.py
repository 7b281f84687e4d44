"""Settings that live in the workbook so staff change them in Excel.

Sheets: 单位名录, 时限规则, 节假日, 参数, 校验规则. The edge reads each sheet into a `SheetTable`;
this module turns tables into settings and names the cell of any bad value.
A missing sheet means the built-in defaults.

The settings are plain dataclasses: the loaders below check every value and name its cell, so a
validating library would add nothing but its import (a fifth of a county ledger's `check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from taizhang.core.columns import Col
from taizhang.core.enums import CLASS_SCHEMES, fold
from taizhang.core.errors import BadInput
from taizhang.core.model import column_letter
from taizhang.core.values import (
    Unparseable,
    clean_text,
    parse_date,
    parse_flag,
    parse_int,
    parse_year,
    split_units,
)

UNITS_SHEET = "单位名录"
DEADLINES_SHEET = "时限规则"
HOLIDAYS_SHEET = "节假日"
PARAMS_SHEET = "参数"
RULES_SHEET = "校验规则"
SETTINGS_SHEETS = (UNITS_SHEET, DEADLINES_SHEET, HOLIDAYS_SHEET, PARAMS_SHEET, RULES_SHEET)


@dataclass
class SheetRow:
    row: int  # Excel row number
    values: dict[str, Any]  # header -> raw value
    columns: dict[str, str]  # header -> column letter

    def cell(self, header: str) -> str:
        return f"{self.columns.get(header, '?')}{self.row}"


@dataclass
class SheetTable:
    """A settings sheet: its header row (found by the edge) and the rows below it."""

    name: str
    header_row: int
    headers: list[str]
    rows: list[SheetRow] = field(default_factory=list)
    height: int = 0  # the sheet's last row holding anything (rows appended go below it)

    @classmethod
    def from_grid(cls, name: str, grid: list[list[Any]], header_row: int = 1) -> SheetTable:
        """`grid` holds the sheet from A1; the header is on `header_row`."""
        header_values = grid[header_row - 1] if len(grid) >= header_row else []
        headers: dict[int, str] = {}
        for i, h in enumerate(header_values):
            text = clean_text(h)
            if text:
                headers[i] = text.replace(" ", "")
        rows: list[SheetRow] = []
        for r, values in enumerate(grid[header_row:], start=header_row + 1):
            picked = {headers[i]: values[i] for i in headers if i < len(values) and values[i] not in (None, "")}
            if picked:
                rows.append(SheetRow(r, picked, {h: column_letter(i) for i, h in headers.items()}))
        return cls(name, header_row, list(headers.values()), rows, len(grid))


class UnitKind(StrEnum):
    UNIT = "承办单位"
    SECTION = "内设机构"


@dataclass
class Unit:
    """A row of the 单位名录: a unit, its other spellings and whether it may reply on its own."""

    name: str
    short: str | None = None
    aliases: list[str] = field(default_factory=list)
    kind: UnitKind = UnitKind.UNIT
    order: int = 0
    email: str | None = None

    def __post_init__(self) -> None:
        self.kind = UnitKind(self.kind)
        self.aliases = list(self.aliases)

    def spellings(self) -> list[str]:
        return [self.name, *([self.short] if self.short else []), *self.aliases]


@dataclass
class Holiday:
    """A row of the 节假日 sheet: a rest day, or a make-up working day."""

    day: date
    rest: bool  # 休 = True, 班 (make-up working day) = False
    note: str | None = None


class Severity(StrEnum):
    ERROR = "错误"
    WARNING = "警告"
    INFO = "提示"


@dataclass
class RuleSetting:
    """A row of the 校验规则 sheet: a check switched on or off, and its severity."""

    code: str
    enabled: bool = True
    severity: Severity | None = None

    def __post_init__(self) -> None:
        if self.severity is not None:
            self.severity = Severity(self.severity)


@dataclass
class Params:
    """The 参数 sheet."""

    year: int | None = None
    class_scheme: str = "A/B/C"
    due_soon_days: int = 5
    backup_keep: int = 10
    split_password: str | None = None
    ledger_sheet: str | None = None
    preset: str | None = None
    office: str | None = None  # 办理机关: the office that keeps the ledger (县人民政府办公室, 县人大常委会选工委 …)
    doc_number: str | None = None  # 文号 of the 通报 (发文字号, 清政办发〔2026〕12号)
    recipients: str | None = None  # 主送 of the 通报 (各乡（镇）人民政府，县政府各部门)

    def office_or(self, fallback: str) -> str:
        """The 办理机关 as the 参数 sheet names it; `fallback` (a neutral wording such as 本办, or a
        visible placeholder) when it is not filled in. Never a guessed office."""
        return self.office or fallback


OFFICE_LABEL = "办理机关"
# Shown where a text must name the office and the 参数 sheet does not: visible, never a guess.
OFFICE_PLACEHOLDER = "（办理机关：请在台账“参数”工作表填写）"
DOC_NUMBER_LABEL, RECIPIENTS_LABEL = "文号", "主送"


PARAM_KEYS: dict[str, tuple[str, str]] = {
    # label in the 参数 sheet -> (Params field, explanation shown beside it)
    Col.YEAR: ("year", "台账所属年度，如 2025；“3月25日”这类没写年份的日期按此年度计"),
    "办理结果分类": ("class_scheme", "A/B/C、A/B/C/D 或 甲/乙/丙"),
    "临期提醒工作日": ("due_soon_days", "距截止日期不超过这么多个工作日即为“临期”"),
    "备份保留份数": ("backup_keep", "每次写回台账前在“备份”文件夹留一份，保留最近这么多份"),
    "分发表保护密码": ("split_password", "分发给各单位的工作簿的工作表保护密码，可留空"),
    "台账工作表": ("ledger_sheet", "台账所在工作表名称，留空则自动识别"),
    "时限预设": ("preset", "时限规则所用的预设名称，仅作记录"),
    OFFICE_LABEL: ("office", "管理本台账的机关，如 县人民政府办公室、县人大常委会选工委、县政协提案委；"
                             "用于报告标题、填报说明、分发邮件落款和合并提示"),
    DOC_NUMBER_LABEL: ("doc_number", "通报（taizhang report）的发文字号，如 清政办发〔2026〕12号；留空则在通报中留待填写"),
    RECIPIENTS_LABEL: ("recipients", "通报的主送机关，如 各乡（镇）人民政府，县政府各部门；留空则在通报中留待填写"),
}
# Labels earlier versions wrote, still read: label -> the label it now is.
PARAM_ALIASES: dict[str, str] = {"办理单位名称": OFFICE_LABEL}
UNIT_HEADERS = ("单位名称", "简称", "别名", "类型", "排序", "电子邮箱")
HOLIDAY_HEADERS = ("日期", "休/班", "说明")
PARAM_HEADERS = ("参数", "值", "说明")
# The checks' 级别 (错误/警告/提示) is spelled like the case column 级别, so it is named through it.
SEVERITY_HEADER: str = Col.LEVEL
CHECK_RULE_HEADERS = ("规则代码", "说明", "启用", SEVERITY_HEADER)


@dataclass
class Settings:
    """Everything the settings sheets say (each missing sheet: its defaults)."""

    units: list[Unit] = field(default_factory=list)
    holidays: list[Holiday] = field(default_factory=list)
    params: Params = field(default_factory=Params)
    rules: list[RuleSetting] = field(default_factory=list)
    deadline_table: Any = None  # the 时限规则 SheetTable; the deadlines module gives it meaning
    present: list[str] = field(default_factory=list)  # which settings sheets the workbook has

    # The index of `unit_index`, and the list and length it was built from: rebuilt when `units`
    # is reassigned or grows or shrinks in place (holding the list keeps its id from being reused).
    _unit_index: dict[str, Unit] | None = field(default=None, init=False, repr=False, compare=False)
    _indexed: tuple[list[Unit], int] | None = field(default=None, init=False, repr=False, compare=False)

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Settings:
        """A copy with some fields replaced (as pydantic's `model_copy`, which earlier versions used)."""
        return replace(self, **(update or {}))

    def unit_index(self) -> dict[str, Unit]:
        """Every spelling of every unit, folded, to the unit. Built once and shared: do not modify it."""
        indexed = self._indexed
        if self._unit_index is None or indexed is None or indexed[0] is not self.units \
                or indexed[1] != len(self.units):
            index: dict[str, Unit] = {}
            for unit in self.units:
                for spelling in unit.spellings():
                    index.setdefault(fold(spelling), unit)
            self._unit_index, self._indexed = index, (self.units, len(self.units))
            return index
        return self._unit_index

    def resolve_unit(self, name: str) -> Unit | None:
        return self.unit_index().get(fold(name))

    def rule_setting(self, code: str) -> RuleSetting | None:
        for rule in self.rules:
            if rule.code == code:
                return rule
        return None


def _bad(table: SheetTable, row: SheetRow, header: str, expected: str) -> BadInput:
    value = row.values.get(header)
    return BadInput(f"“{table.name}”工作表 {row.cell(header)} 单元格的值“{value}”有误：应为{expected}")


def _text(row: SheetRow, header: str) -> str | None:
    return clean_text(row.values.get(header))


def load_units(table: SheetTable) -> list[Unit]:
    units: list[Unit] = []
    for i, row in enumerate(table.rows, start=1):
        name = _text(row, "单位名称")
        if not name:
            continue
        kind_text = _text(row, "类型") or UnitKind.UNIT.value
        if kind_text not in {k.value for k in UnitKind}:
            raise _bad(table, row, "类型", "“承办单位”或“内设机构”")
        try:
            order = parse_int(row.values.get("排序")) or i
        except Unparseable:
            raise _bad(table, row, "排序", "整数") from None
        aliases = [a for a in (clean_text(x) for x in split_units(row.values.get("别名"))) if a]
        units.append(Unit(name=name, short=_text(row, "简称"), aliases=aliases, kind=UnitKind(kind_text),
                          order=order, email=_text(row, "电子邮箱")))
    units.sort(key=lambda u: u.order)
    return units


def load_holidays(table: SheetTable) -> list[Holiday]:
    holidays: list[Holiday] = []
    for row in table.rows:
        try:
            day = parse_date(row.values.get("日期"))
        except Unparseable:
            raise _bad(table, row, "日期", "日期，如 2027-01-01") from None
        if day is None:
            continue
        kind = _text(row, "休/班")
        if kind not in ("休", "班"):
            raise _bad(table, row, "休/班", "“休”（放假）或“班”（调休上班）")
        holidays.append(Holiday(day=day, rest=kind == "休", note=_text(row, "说明")))
    return holidays


def load_params(table: SheetTable) -> Params:
    values: dict[str, Any] = {}
    for row in table.rows:
        label = _text(row, "参数")
        label = PARAM_ALIASES.get(label or "", label)
        if label not in PARAM_KEYS:
            continue
        name, _ = PARAM_KEYS[label]
        raw = row.values.get("值")
        try:
            if name == "year":
                values[name] = parse_year(raw)
            elif name in ("due_soon_days", "backup_keep"):
                number = parse_int(raw)
                if number is not None and number < 0:
                    raise Unparseable("负数")
                values[name] = number
            elif name == "class_scheme":
                scheme = (clean_text(raw) or "A/B/C").replace("／", "/").upper().replace("甲/乙/丙".upper(), "甲/乙/丙")
                if scheme not in CLASS_SCHEMES:
                    raise Unparseable("分类")
                values[name] = scheme
            else:
                values[name] = clean_text(raw)
        except Unparseable:
            expected = {"year": "年度，如 2025", "class_scheme": "“A/B/C”“A/B/C/D”或“甲/乙/丙”"}.get(name, "非负整数")
            raise BadInput(f"“{table.name}”工作表 {row.cell('值')} 单元格（参数“{label}”）的值“{raw}”有误：应为{expected}") from None
    return Params(**{k: v for k, v in values.items() if v is not None})


def load_rule_settings(table: SheetTable) -> list[RuleSetting]:
    rules: list[RuleSetting] = []
    for row in table.rows:
        code = _text(row, "规则代码")
        if not code:
            continue
        try:
            enabled = parse_flag(row.values.get("启用"))
        except Unparseable:
            raise _bad(table, row, "启用", "“是”或“否”") from None
        severity_text = _text(row, SEVERITY_HEADER)
        if severity_text and severity_text not in {s.value for s in Severity}:
            raise _bad(table, row, SEVERITY_HEADER, "“错误”“警告”或“提示”")
        rules.append(RuleSetting(code=code, enabled=enabled is not False,
                                 severity=Severity(severity_text) if severity_text else None))
    return rules


def load_settings(tables: dict[str, SheetTable]) -> Settings:
    """Settings from the workbook's settings sheets; a missing sheet keeps the defaults."""
    settings = Settings(present=[name for name in SETTINGS_SHEETS if name in tables])
    if UNITS_SHEET in tables:
        settings.units = load_units(tables[UNITS_SHEET])
    if HOLIDAYS_SHEET in tables:
        settings.holidays = load_holidays(tables[HOLIDAYS_SHEET])
    if PARAMS_SHEET in tables:
        settings.params = load_params(tables[PARAMS_SHEET])
    if RULES_SHEET in tables:
        settings.rules = load_rule_settings(tables[RULES_SHEET])
    settings.deadline_table = tables.get(DEADLINES_SHEET)
    return settings
