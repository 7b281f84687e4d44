"""`taizhang new`: a blank official ledger with its settings sheets prefilled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from taizhang.core.calendar import holiday_rows_for_years
from taizhang.core.columns import Col
from taizhang.core.deadlines import DEFAULT_PRESET, PRESETS, RULE_HEADERS, rules_to_rows
from taizhang.core.errors import BadInput
from taizhang.validators import rule_rows
from taizhang.workbook.template import LedgerContent, build_ledger_workbook


def ledger_title(year: int, place: str = "") -> str:
    """The title row of a new ledger: 2026年人大代表建议和政协委员提案办理台账 (`place` after the year)."""
    return f"{year}年{place}人大代表建议和政协委员提案办理台账"


def holiday_rows(years: list[int]) -> list[tuple[Any, str, str]]:
    """(日期, 休/班, 说明) of every rest and make-up day the built-in calendar knows in `years`."""
    return [(h.day, "休" if h.rest else "班", h.note or "") for h in holiday_rows_for_years(years)]


def check_preset(preset: str) -> str:
    """`preset` when it is a known preset's name; else BadInput listing the presets."""
    if preset not in PRESETS:
        raise BadInput(f"没有名为“{preset}”的时限预设；可选：{'、'.join(PRESETS)}")
    return preset


def base_content(year: int, preset: str = DEFAULT_PRESET, title: str | None = None) -> LedgerContent:
    """The settings every new ledger starts with: holidays the calendar knows, a deadline preset,
    the validation rules, and the year."""
    check_preset(preset)
    return LedgerContent(
        year=year,
        title=title or ledger_title(year),
        holidays=holiday_rows([year - 1, year, year + 1]),
        deadline_headers=RULE_HEADERS,
        deadline_rows=rules_to_rows(PRESETS[preset]),
        rule_rows=rule_rows(),  # every check, switched on, as the 校验规则 sheet lists them
        params={Col.YEAR: year, "办理结果分类": "A/B/C", "临期提醒工作日": 5, "备份保留份数": 10, "时限预设": preset},
    )


def new_ledger(path: Path, year: int, preset: str = DEFAULT_PRESET, overwrite: bool = False) -> Path:
    """Write a blank standard ledger of `year` with its settings sheets (deadline rules of `preset`)
    to `path` and return it. BadInput when `path` is not an .xlsx, or exists (unless `overwrite`),
    or the preset is unknown."""
    if path.suffix.lower() not in (".xlsx",):
        raise BadInput(f"新台账应保存为 .xlsx 文件，而不是“{path.name}”")
    if path.exists() and not overwrite:
        raise BadInput(f"文件“{path}”已存在；为免覆盖已有台账，请换一个文件名")
    return build_ledger_workbook(path, base_content(year, preset))
