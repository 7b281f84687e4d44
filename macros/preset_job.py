"""`taizhang preset`: switch a ledger's deadline rules to a preset, rewriting its 时限规则 sheet
(and the 参数 sheet's 时限预设 entry) through the lossless writer."""

from __future__ import annotations

from pathlib import Path

from taizhang.core.deadlines import PRESETS, RULE_HEADERS, rules_to_rows
from taizhang.core.deadlines.presets import preset_rules
from taizhang.core.model import column_letter
from taizhang.core.settings import DEADLINES_SHEET, PARAMS_SHEET
from taizhang.macros import sheet_styles as st
from taizhang.workbook.bounded import open_book
from taizhang.workbook.writer import CellValue, LedgerWriter, ToolSheet, WriteResult

PRESET_LABEL = "时限预设"


def rules_sheet(name: str) -> ToolSheet:
    sheet = ToolSheet(DEADLINES_SHEET)
    sheet.write_row(1, list(RULE_HEADERS), st.HEADER)
    for r, values in enumerate(rules_to_rows(preset_rules(name)), start=2):
        row: list[CellValue] = [v if isinstance(v, str | int | float) or v is None else str(v) for v in values]
        sheet.write_row(r, row, st.BODY)
    for c, header in enumerate(RULE_HEADERS):
        sheet.column_width(column_letter(c), 36 if header == "说明" else 12)
    sheet.freeze("A2")
    return sheet


def _preset_cell(path: Path) -> str | None:
    """The 值 cell of the 参数 sheet's 时限预设 row, if the sheet has one."""
    with open_book(path) as book:
        if PARAMS_SHEET not in book.sheet_names:
            return None
        grid = book.grid(PARAMS_SHEET)
    header = next((i for i, row in enumerate(grid[:10]) if "参数" in row and "值" in row), None)
    if header is None:
        return None
    label_col, value_col = grid[header].index("参数"), grid[header].index("值")
    for r in range(header + 1, len(grid)):
        if grid[r][label_col] == PRESET_LABEL:
            return f"{column_letter(value_col)}{r + 1}"
    return None


def switch_preset(path: Path, name: str, out: Path | None = None) -> WriteResult:
    preset_rules(name)  # an unknown name is refused before anything is opened
    with LedgerWriter(path, out=out) as writer:
        writer.replace_sheet(rules_sheet(name), take_over=True)
        cell = _preset_cell(path)
        if cell:
            writer.set_cells(PARAMS_SHEET, {cell: name})
        return writer.commit()


__all__ = ["PRESETS", "switch_preset"]
