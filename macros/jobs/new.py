"""`taizhang new`: a blank official ledger with its settings sheets prefilled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from taizhang.core.columns import Col
from taizhang.core.deadlines import DEFAULT_PRESET, PRESETS, RULE_HEADERS, rules_to_rows
from taizhang.core.errors import BadInput
from taizhang.workbook.template import LedgerContent, build_ledger_workbook


def ledger_title(year: int, place: str = "") -> str:
    return f"{year}年{place}人大代表建议和政协委员提案办理台账"


def holiday_rows(years: list[int]) -> list[tuple[Any, str, str]]:
    from taizhang.core.calendar import holiday_rows_for_years

    return [(h.day, "休" if h.rest else "班", h.note or "") for h in holiday_rows_for_years(years)]


def rule_rows() -> list[list[Any]]:
    from taizhang.validators import rule_rows as rows

    return rows()


def check_preset(preset: str) -> str:
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
        rule_rows=rule_rows(),
        params={Col.YEAR: year, "办理结果分类": "A/B/C", "临期提醒工作日": 5, "备份保留份数": 10, "时限预设": preset},
    )


def new_ledger(path: Path, year: int, preset: str = DEFAULT_PRESET, overwrite: bool = False) -> Path:
    if path.suffix.lower() not in (".xlsx",):
        raise BadInput(f"新台账应保存为 .xlsx 文件，而不是“{path.name}”")
    if path.exists() and not overwrite:
        raise BadInput(f"文件“{path}”已存在；为免覆盖已有台账，请换一个文件名")
    return build_ledger_workbook(path, base_content(year, preset))
