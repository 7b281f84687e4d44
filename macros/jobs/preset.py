"""`taizhang preset`: switch a ledger's deadline rules to a preset, rewriting its 时限规则 sheet
(and the 参数 sheet's 时限预设 entry) through the lossless writer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from taizhang.core.deadlines import PRESETS, RULE_HEADERS, DeadlineRule, Untracked, plan_rules, rules_to_rows
from taizhang.core.deadlines.presets import preset_rules
from taizhang.core.deadlines.tracking import missing_reason
from taizhang.core.model import column_letter
from taizhang.core.settings import DEADLINES_SHEET, PARAM_HEADERS, PARAMS_SHEET, SheetTable
from taizhang.macros.jobs import sheet_styles as st
from taizhang.workbook.reader import read_workbook
from taizhang.workbook.writer import CellValue, LedgerWriter, ToolSheet, WriteResult

PRESET_LABEL = "时限预设"
PARAM_LABEL, PARAM_VALUE = PARAM_HEADERS[0], PARAM_HEADERS[1]  # 参数, 值


@dataclass
class PresetResult:
    """What `switch_preset` wrote, and the stages it wrote switched off because a column is missing."""

    written: WriteResult
    disabled: list[Untracked] = field(default_factory=list)  # stages written switched off, and why


def fitted_rules(name: str, columns: Iterable[str]) -> list[DeadlineRule]:
    """The preset's rules for a ledger with `columns`: a rule needing a column the ledger lacks is
    written switched off (启用 = 否) with the reason in its 说明, so it is neither overdue forever
    nor a settings problem, and one word turns it on once the column is added."""
    have = set(columns)
    fitted: list[DeadlineRule] = []
    for rule in preset_rules(name):
        missing = [c for c in rule.needed_columns() if c not in have]
        if missing:
            why = f"已停用：{missing_reason(missing)}；加上该列后把“启用”改为“是”。"
            rule = rule.model_copy(update={"enabled": False, "note": why + (rule.note or "")})
        fitted.append(rule)
    return fitted


def rules_sheet(rules: list[DeadlineRule]) -> ToolSheet:
    sheet = ToolSheet(DEADLINES_SHEET)
    sheet.write_row(1, list(RULE_HEADERS), st.HEADER)
    for r, values in enumerate(rules_to_rows(rules), start=2):
        row: list[CellValue] = [v if isinstance(v, str | int | float) or v is None else str(v) for v in values]
        sheet.write_row(r, row, st.BODY)
    for c, header in enumerate(RULE_HEADERS):
        sheet.column_width(column_letter(c), 36 if header == "说明" else 12)
    sheet.freeze("A2")
    return sheet


def _preset_cell(params: SheetTable | None) -> str | None:
    """The 值 cell of the 参数 sheet's 时限预设 row, if the sheet has one."""
    if params is None or PARAM_VALUE not in params.headers:
        return None
    row = next((r for r in params.rows if r.values.get(PARAM_LABEL) == PRESET_LABEL), None)
    return row.cell(PARAM_VALUE) if row else None


def switch_preset(path: Path, name: str, out: Path | None = None, sheet: str | None = None) -> PresetResult:
    """Replace the ledger's 时限规则 sheet with the preset `name` (fitted to the ledger's columns) and
    set the 参数 sheet's 时限预设, through the lossless writer (into `out` when given). BadInput for an
    unknown preset or an unreadable ledger; FileInUse when it is open."""
    preset_rules(name)  # an unknown name is refused before anything is opened
    with LedgerWriter(path, out=out) as writer:
        loaded = read_workbook(path, sheet)
        columns = loaded.ledger.columns
        rules = fitted_rules(name, columns)
        writer.replace_sheet(rules_sheet(rules), take_over=True)
        cell = _preset_cell(loaded.settings_tables.get(PARAMS_SHEET))
        if cell:
            writer.set_cells(PARAMS_SHEET, {cell: name})
        disabled = plan_rules(preset_rules(name), columns, from_sheet=False).untracked
        return PresetResult(writer.commit(), disabled)


__all__ = ["PRESETS", "PresetResult", "fitted_rules", "switch_preset"]
