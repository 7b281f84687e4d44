"""`taizhang adopt`: the settings sheets a ledger kept elsewhere lacks, proposed from its own data.

Offices' ledgers often have no settings sheets, or only some. adopt proposes
- 单位名录: every unit name of 主办单位/协办单位 once, short forms grouped and internal sections
  marked (the heuristic is `taizhang.core.unit_guess`), each guess marked 请核对 in 说明;
- 时限规则: the default preset's rules, a rule this ledger cannot track (a column it lacks)
  written as a disabled row (启用 否) whose 说明 says why (`plan_rules`);
- 参数: 年度 and 办理结果分类 read from the data, 办理机关 left empty and tinted for the office to fill.

Without --write it only prints the proposal. With --write it writes through the lossless
writer; the user's sheets are never rewritten:
- a settings sheet the workbook lacks is added whole;
- an existing 单位名录 or 参数 gets only rows appended below its own (units it does not know,
  parameters it lacks), in the columns it has; nothing it holds is changed. Short forms of units
  it already lists are printed for the staff to add to those rows by hand;
- an existing 时限规则 is left as it is; rules in it that need a column the ledger lacks are
  printed with their cells (due and check report them too).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from taizhang.core.columns import Col
from taizhang.core.deadlines import (
    DEFAULT_PRESET,
    RULE_HEADERS,
    DeadlineRule,
    RuleProblem,
    Untracked,
    plan_rules,
    preset_rules,
    rules_for_settings,
    rules_to_rows,
)
from taizhang.core.enums import CLASS_SCHEMES, canonical_class
from taizhang.core.errors import BadInput
from taizhang.core.model import Ledger, column_letter
from taizhang.core.settings import (
    DEADLINES_SHEET,
    OFFICE_LABEL,
    PARAM_ALIASES,
    PARAM_HEADERS,
    PARAM_KEYS,
    PARAMS_SHEET,
    UNIT_HEADERS,
    UNITS_SHEET,
    Settings,
    SheetTable,
    UnitKind,
)
from taizhang.core.unit_guess import ProposedUnit, collect_names, propose_units
from taizhang.macros.jobs import sheet_styles as st
from taizhang.workbook.reader import read_workbook
from taizhang.workbook.writer import CellValue, LedgerWriter, Style, ToolSheet, WriteResult

UNIT_SHEET_HEADERS = (*UNIT_HEADERS, "说明")
NEW, APPEND, KEEP = "新建", "追加", "保留"
TO_FILL = Style(font_name="仿宋_GB2312", font_size=11, border=True, v_align="center", wrap=True, fill="FFF2CC")
DISABLED = Style(font_name="仿宋_GB2312", font_size=11, border=True, v_align="center", font_color="808080")
OFFICE_NOTE = "【请填写】"


@dataclass
class Existing:
    """An existing settings sheet's table, for appending rows in its own columns."""

    table: SheetTable
    next_row: int  # the first empty row below everything in the sheet

    def letter(self, header: str) -> str | None:
        columns = self.table.rows[0].columns if self.table.rows else {}
        if header in columns:
            return columns[header]
        return column_letter(self.table.headers.index(header)) if header in self.table.headers else None


@dataclass
class Proposal:
    """The settings `adopt` proposes for a ledger, and what the workbook already has."""

    path: Path
    ledger: Ledger
    present: list[str]  # the settings sheets the workbook already has
    units: list[ProposedUnit]
    rules: list[DeadlineRule]  # the rows of a new 时限规则 sheet (untracked ones disabled)
    untracked: list[Untracked]
    rule_problems: list[RuleProblem]  # an existing 时限规则 asking for columns the ledger lacks
    params: list[list[Any]]  # [参数, 值, 说明] rows: a new sheet's, or those an existing sheet lacks
    existing: dict[str, Existing] = field(default_factory=dict)

    def mode(self, sheet: str) -> str:
        if sheet not in self.present:
            return NEW
        if sheet == DEADLINES_SHEET:
            return KEEP
        return APPEND if self.rows_for(sheet) else KEEP

    def rows_for(self, sheet: str) -> list[Any]:
        if sheet == UNITS_SHEET:
            return [u for u in self.units if not u.existing]
        if sheet == PARAMS_SHEET:
            return self.params
        return self.rules

    @property
    def to_write(self) -> list[str]:
        return [s for s in (UNITS_SHEET, DEADLINES_SHEET, PARAMS_SHEET) if self.mode(s) in (NEW, APPEND)]


# -- the proposal -------------------------------------------------------------------------------

def _rule_rows(ledger: Ledger) -> tuple[list[DeadlineRule], list[Untracked]]:
    """The default preset, each rule the ledger cannot track switched off with the reason."""
    rows: list[DeadlineRule] = []
    for rule in preset_rules(DEFAULT_PRESET):
        plan = plan_rules([rule], ledger.columns, from_sheet=False)
        if plan.tracked:
            rows.append(rule)
        else:
            why = "；".join(u.reason for u in plan.untracked)
            rows.append(rule.model_copy(update={
                "enabled": False, "note": f"未跟踪：{why}。台账加上该列后可改为“是”。原说明：{rule.note or ''}"}))
    untracked = plan_rules(preset_rules(DEFAULT_PRESET), ledger.columns, from_sheet=False).untracked
    return rows, untracked


def _year(ledger: Ledger) -> int | None:
    if ledger.year:
        return ledger.year
    years = Counter(c[Col.YEAR] or (assigned.year if (assigned := c[Col.ASSIGNED_DATE]) else None)
                    for c in ledger.cases)
    years.pop(None, None)
    return years.most_common(1)[0][0] if years else None


def _class_scheme(ledger: Ledger) -> str:
    """The scheme the ledger's 办理结果 are written in: 甲/乙/丙, a D class, else A/B/C."""
    seen = {canonical_class(c[Col.RESULT]) for c in ledger.cases if c[Col.RESULT]}
    for scheme in ("甲/乙/丙", "A/B/C/D"):
        if seen & set(CLASS_SCHEMES[scheme]) - set(CLASS_SCHEMES["A/B/C"]):
            return scheme
    return "A/B/C"


def _param_rows(ledger: Ledger) -> list[list[Any]]:
    year = _year(ledger)
    values: dict[str, Any] = {Col.YEAR: year, "办理结果分类": _class_scheme(ledger), "临期提醒工作日": 5,
                              "备份保留份数": 10, "时限预设": DEFAULT_PRESET}
    rows = []
    for label, (_, explain) in PARAM_KEYS.items():
        if label == OFFICE_LABEL or (label == Col.YEAR and year is None):
            explain = OFFICE_NOTE + explain
        elif label == Col.YEAR:
            explain = f"按台账数据推断为 {year}，{explain}"
        rows.append([label, values.get(label), explain])
    return rows


def propose(path: Path) -> Proposal:
    """The proposal for the saved ledger at `path` (nothing is written). BadInput when it cannot be read."""
    loaded = read_workbook(path)
    ledger, settings = loaded.ledger, loaded.settings
    present = list(settings.present)
    units = propose_units(collect_names(ledger.cases), settings.units)
    rules, untracked = _rule_rows(ledger)
    problems: list[RuleProblem] = []
    if DEADLINES_SHEET in present:
        plan = plan_rules(rules_for_settings(settings), ledger.columns, from_sheet=True)
        problems, untracked = plan.problems, plan.untracked
    params = _param_rows(ledger)
    existing = {name: Existing(table, table.height + 1) for name, table in loaded.settings_tables.items()
                if name in (UNITS_SHEET, PARAMS_SHEET)}
    if PARAMS_SHEET in existing:
        have = {PARAM_ALIASES.get(str(r.values.get("参数")), str(r.values.get("参数")))
                for r in existing[PARAMS_SHEET].table.rows}
        params = [row for row in params if row[0] not in have]
    return Proposal(path, ledger, present, units, rules, untracked, problems, params, existing)


# -- printing -----------------------------------------------------------------------------------

def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(headers: list[str], rows: list[list[Any]]) -> list[str]:
    """A plain text table whose columns line up in a terminal with Chinese text."""
    cells = [[("" if v is None else str(v)) for v in row] for row in [headers, *rows]]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(headers))]
    return ["  " + "  ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in cells]


def _unit_row(u: ProposedUnit) -> list[Any]:
    return [u.name, u.short, "、".join(u.aliases) or None, u.kind.value, u.hosts, u.cos, u.note]


def _units_text(p: Proposal) -> list[str]:
    mode = p.mode(UNITS_SHEET)
    new = [u for u in p.units if not u.existing]
    lines = [f"一、单位名录（{_mode_words(mode, len(new), '个单位')}）"]
    if new:
        lines += table(["单位名称", "简称", "别名", "类型", "主办件次", "协办件次", "说明"], [_unit_row(u) for u in new])
    for u in p.units:
        if u.existing:
            lines.append(f"  ！{u.note}")
    sections = [u for u in p.units if u.kind is UnitKind.SECTION and u.host_rows]
    for u in sections:
        rows = "、".join(str(r) for r in u.host_rows[:10]) + ("等" if len(u.host_rows) > 10 else "")
        lines.append(f"  ！第 {rows} 行的主办单位“{u.name}”疑为内设机构：内设机构不能单独承办，这些件不会分发，"
                     f"请核对后改为其所属单位（如“{u.parent}”）")
    checks = sum(1 for u in new if u.to_check)
    if checks:
        lines.append(f"  共 {checks} 处标有“请核对”：写入后请在“单位名录”工作表中逐行核对，不对的直接改。")
    return lines


def _rules_text(p: Proposal) -> list[str]:
    if DEADLINES_SHEET in p.present:
        lines = ["二、时限规则（台账已有，未改动）"]
        lines += [f"  ！{problem.message}" for problem in p.rule_problems]
    else:
        tracked = sum(1 for r in p.rules if r.enabled)
        lines = [f"二、时限规则（新建：按默认预设“{DEFAULT_PRESET}”，{tracked} 条启用，"
                 f"{len(p.rules) - tracked} 条因台账缺列而停用）"]
        lines += table(["环节", "完成标志列", "适用承办方式", "启用", "说明"],
                       [[r.stage, r.done_column, "、".join(r.roles) or "—", "是" if r.enabled else "否",
                         (r.note or "").split("。原说明")[0] if not r.enabled else r.note] for r in p.rules])
    if p.untracked:
        lines.append("  未跟踪：" + "；".join(str(u) for u in p.untracked))
    return lines


def _params_text(p: Proposal) -> list[str]:
    mode = p.mode(PARAMS_SHEET)
    lines = [f"三、参数（{_mode_words(mode, len(p.params), '项')}）"]
    if p.params:
        lines += table(list(PARAM_HEADERS), [[k, "（请填写）" if v is None and OFFICE_NOTE in e else v, e]
                                             for k, v, e in p.params])
    return lines


def _mode_words(mode: str, count: int, what: str) -> str:
    if mode == NEW:
        return f"新建，{count} {what}"
    if mode == APPEND:
        return f"台账已有，将在表末追加 {count} {what}，原有内容不动"
    return "台账已有，无需追加"


def proposal_text(p: Proposal) -> str:
    """The proposal as `adopt` prints it: one section per settings sheet."""
    present = "、".join(p.present) or "无"
    head = [f"台账：{p.path.name}（工作表“{p.ledger.sheet}”，{len(p.ledger.cases)} 件）；已有设置表：{present}", ""]
    body = [*_units_text(p), "", *_rules_text(p), "", *_params_text(p), ""]
    return "\n".join(head + body).rstrip()


# -- writing ------------------------------------------------------------------------------------

def _fit_height(sheet: ToolSheet, row: int, text: str | None, width: float) -> None:
    """Wrapped text needs a taller row: Excel and LibreOffice do not grow one written by the tool."""
    lines = -(-_width(text or "") // int(width)) if text else 1
    if lines > 1:
        sheet.row_height(row, 15 * lines)


def units_sheet(units: list[ProposedUnit]) -> ToolSheet:
    sheet = ToolSheet(UNITS_SHEET)
    sheet.write_row(1, list(UNIT_SHEET_HEADERS), st.HEADER)
    for r, u in enumerate(units, start=2):
        values: list[CellValue] = [u.name, u.short, "、".join(u.aliases) or None, u.kind.value, r - 1, None, u.note or None]
        sheet.write_row(r, values, [TO_FILL if u.to_check else st.BODY_WRAP] * len(values))
        _fit_height(sheet, r, u.note, 70)
    for col, width in zip("ABCDEFG", (26, 14, 26, 10, 6, 24, 70), strict=True):
        sheet.column_width(col, width)
    sheet.freeze("A2")
    sheet.print_setup(landscape=True, paper="A4", fit_width=1, fit_height=0, repeat_rows=(1, 1))
    return sheet


def rules_sheet(rules: list[DeadlineRule]) -> ToolSheet:
    sheet = ToolSheet(DEADLINES_SHEET)
    sheet.write_row(1, list(RULE_HEADERS), st.HEADER)
    for r, (rule, values) in enumerate(zip(rules, rules_to_rows(rules), strict=True), start=2):
        row: list[CellValue] = [v if isinstance(v, str | int | float) or v is None else str(v) for v in values]
        style = st.BODY if rule.enabled else DISABLED
        sheet.write_row(r, row, [*[style] * (len(row) - 1), replace(style, wrap=True)])
        _fit_height(sheet, r, rule.note, 48)
    for c, header in enumerate(RULE_HEADERS):
        sheet.column_width(column_letter(c), 48 if header == "说明" else 12)
    sheet.freeze("A2")
    sheet.print_setup(landscape=True, paper="A4", fit_width=1, fit_height=0, repeat_rows=(1, 1))
    return sheet


def params_sheet(rows: list[list[Any]]) -> ToolSheet:
    sheet = ToolSheet(PARAMS_SHEET)
    sheet.write_row(1, list(PARAM_HEADERS), st.HEADER)
    for r, (label, value, explain) in enumerate(rows, start=2):
        fill = TO_FILL if value is None and explain.startswith(OFFICE_NOTE) else st.BODY
        sheet.write_row(r, [label, value, explain], [st.BODY, fill, st.BODY_WRAP])
        _fit_height(sheet, r, explain, 70)
    for col, width in zip("ABC", (16, 24, 70), strict=True):
        sheet.column_width(col, width)
    sheet.freeze("A2")
    sheet.print_setup(landscape=True, paper="A4", fit_width=1, fit_height=0, repeat_rows=(1, 1))
    return sheet


def _append(writer: LedgerWriter, sheet: str, existing: Existing, rows: list[dict[str, Any]]) -> None:
    """Rows below everything in the user's sheet, in the columns it has; nothing it holds changes."""
    cells: dict[str, CellValue] = {}
    for i, values in enumerate(rows):
        for header, value in values.items():
            letter = existing.letter(header)
            if letter and value is not None:
                cells[f"{letter}{existing.next_row + i}"] = value
    if cells:
        writer.set_cells(sheet, cells)


def _unit_values(u: ProposedUnit, order: int) -> dict[str, Any]:
    return {"单位名称": u.name, "简称": u.short, "别名": "、".join(u.aliases) or None, "类型": u.kind.value,
            "排序": order, "说明": u.note or None}


def write_proposal(p: Proposal, out: Path | None = None) -> WriteResult:
    """Write the proposal through the lossless writer (into `out` when given): missing sheets added,
    existing 单位名录 and 参数 only appended to. Returns the writer's result."""
    with LedgerWriter(p.path, out=out) as writer:
        new_units = [u for u in p.units if not u.existing]
        if p.mode(UNITS_SHEET) == NEW:
            writer.replace_sheet(units_sheet(new_units))
        elif p.mode(UNITS_SHEET) == APPEND:
            start = len(p.existing[UNITS_SHEET].table.rows) + 1
            _append(writer, UNITS_SHEET, p.existing[UNITS_SHEET],
                    [_unit_values(u, start + i) for i, u in enumerate(new_units)])
        if p.mode(DEADLINES_SHEET) == NEW:
            writer.replace_sheet(rules_sheet(p.rules))
        if p.mode(PARAMS_SHEET) == NEW:
            writer.replace_sheet(params_sheet(p.params))
        elif p.mode(PARAMS_SHEET) == APPEND:
            _append(writer, PARAMS_SHEET, p.existing[PARAMS_SHEET],
                    [dict(zip(PARAM_HEADERS, row, strict=True)) for row in p.params])
        return writer.commit()


def adopt(path: Path, *, write: bool, out: Path | None = None) -> str:
    """The proposal as text; with `write`, the sheets written, and what was written where."""
    proposal = propose(path)
    text = proposal_text(proposal)
    if not write:
        hint = ("加 --write 把以上设置写入台账（只新建缺少的工作表、在已有的表末追加行，其余工作表不动）。"
                if proposal.to_write else "设置表已齐全，无需写入。")
        return f"{text}\n\n{hint}"
    if not proposal.to_write:
        return f"{text}\n\n设置表已齐全，台账未改动。"
    result = write_proposal(proposal, out)
    done = "、".join(f"“{s}”（{proposal.mode(s)}）" for s in proposal.to_write)
    backup = f"，原文件备份在“{result.backup}”" if result.backup else ""
    return (f"{text}\n\n已写入 {done}：{result.path}{backup}。请核对标有“请核对”的行，并在“参数”工作表填写办理机关。")


def require_unit_directory(settings: Settings, path: Path, job: str) -> None:
    """split and merge name units through the 单位名录; without one they would only skip every case."""
    if UNITS_SHEET in settings.present and settings.units:
        return
    what = "没有“单位名录”工作表" if UNITS_SHEET not in settings.present else "的“单位名录”工作表是空的"
    raise BadInput(f"台账“{path.name}”{what}，无法{job}：分发和合并都要按单位名录认定承办单位。"
                   f"请先运行 taizhang adopt \"{path}\" 查看按台账中的单位名称生成的单位名录，"
                   "加 --write 写入台账，核对后再" + job)
