"""Turning the data rows under a found header into cases, keeping what does not parse."""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from taizhang.core.columns import BY_NAME, Kind
from taizhang.core.enums import canonical, canonical_class
from taizhang.core.header import HeaderMatch
from taizhang.core.model import Case, Ledger, Unparsed, column_letter
from taizhang.core.values import (
    Unparseable,
    clean_text,
    parse_date,
    parse_flag,
    parse_int,
    parse_year,
    split_units,
    year_from_text,
)

TOTALS = ("合计", "总计", "小计", "共计")


def _is_totals(row: list[Any], first_cols: int = 4) -> bool:
    for value in row[:first_cols]:
        if isinstance(value, str) and value.strip().replace(" ", "").startswith(TOTALS):
            return True
    return False


def _converter(name: str) -> Callable[[Any, int | None], Any]:
    kind = BY_NAME[name].kind
    if kind is Kind.DATE:
        return parse_date
    if kind is Kind.INT:
        return lambda v, _y: parse_int(v)
    if kind is Kind.YEAR:
        return lambda v, _y: parse_year(v)
    if kind is Kind.FLAG:
        return lambda v, _y: parse_flag(v)
    if kind is Kind.UNITS:
        return lambda v, _y: split_units(v)
    if name == "办理结果":
        return lambda v, _y: canonical_class(clean_text(v))
    if kind is Kind.ENUM:
        return lambda v, _y: canonical(name, clean_text(v))
    return lambda v, _y: clean_text(v)


def _guess_year(grid: list[list[Any]], match: HeaderMatch, year_hint: int | None) -> int | None:
    """The ledger's year: the 参数 setting, else a title above the header, else the commonest 年度."""
    if year_hint:
        return year_hint
    for r in range(match.rows[0]):
        for value in grid[r]:
            if isinstance(value, str) and (found := year_from_text(value)):
                return found
    col = match.columns.get("年度")
    if col is not None:
        years: Counter[int] = Counter()
        for row in grid[match.last_row + 1:]:
            try:
                y = parse_year(row[col]) if col < len(row) else None
            except Unparseable:
                y = None
            if y:
                years[y] += 1
        if years:
            return years.most_common(1)[0][0]
    return None


def _fill_merged_down(grid: list[list[Any]], merged: list[tuple[int, int, int, int]], first_data: int) -> None:
    """Cells merged down several rows (one unit for a block of cases) belong to every row."""
    for r1, c1, r2, c2 in merged:
        if r1 < first_data or r2 == r1:
            continue
        value = grid[r1][c1] if c1 < len(grid[r1]) else None
        for r in range(r1 + 1, min(r2, len(grid) - 1) + 1):
            for c in range(c1, c2 + 1):
                if c < len(grid[r]) and grid[r][c] in (None, ""):
                    grid[r][c] = value


def build_ledger(path: str, sheet: str, grid: list[list[Any]], match: HeaderMatch,
                 merged: list[tuple[int, int, int, int]] | None = None, year_hint: int | None = None) -> Ledger:
    """Cases from the rows under the header. Blank and totals rows are skipped; a value that does
    not parse is kept raw in `unparsed` and its field left empty."""
    first_data = match.last_row + 1
    _fill_merged_down(grid, merged or [], first_data)
    year = _guess_year(grid, match, year_hint)
    columns = sorted(match.columns.items(), key=lambda kv: kv[1])
    converters = [(name, BY_NAME[name].field, col, _converter(name)) for name, col in columns]
    letters = {name: column_letter(col) for name, col in columns}
    year_col = match.columns.get("年度")
    extra = list(match.extra.items())
    cases: list[Case] = []
    unparsed: list[Unparsed] = []
    for r in range(first_data, len(grid)):
        row = grid[r]
        if not any(v not in (None, "") for v in row) or _is_totals(row):
            continue
        excel_row = r + 1
        row_year = year
        if year_col is not None and year_col < len(row) and row[year_col] not in (None, ""):
            with contextlib.suppress(Unparseable):
                row_year = parse_year(row[year_col]) or year
        values: dict[str, Any] = {}
        for name, field, col, convert in converters:
            raw = row[col] if col < len(row) else None
            if raw is None or raw == "":
                continue
            try:
                value = convert(raw, row_year)
            except Unparseable as bad:
                unparsed.append(Unparsed(sheet=sheet, row=excel_row, column=letters[name], name=name,
                                         value=_shown(raw), reason=bad.reason))
                continue
            if value is not None and value != []:
                values[field] = value
        if not values:
            continue
        extras = {h: _plain(row[c]) for h, c in extra if c < len(row) and row[c] not in (None, "")}
        cases.append(Case.model_construct(row=excel_row, sheet=sheet, cells=letters, extra=extras,
                                          **_defaults(values)))
    last_user = max([*match.columns.values(), *match.extra.values()], default=0)
    return Ledger(
        path=path, sheet=sheet, header_row=match.last_row + 1, header_rows=[r + 1 for r in match.rows],
        columns=letters, extra_columns={h: column_letter(c) for h, c in match.extra.items()},
        tool_columns={h: column_letter(c) for h, c in match.tool.items()},
        last_column=column_letter(last_user), year=year, cases=cases, unparsed=unparsed,
    )


_FIELD_DEFAULTS: dict[str, Any] | None = None


def _defaults(values: dict[str, Any]) -> dict[str, Any]:
    """model_construct skips defaults' factories for missing fields only on some versions: fill them."""
    global _FIELD_DEFAULTS
    if _FIELD_DEFAULTS is None:
        _FIELD_DEFAULTS = {
            name: ([] if info.default_factory is list else info.default)
            for name, info in Case.model_fields.items()
            if name not in ("row", "sheet", "cells", "extra")
        }
    return {**_FIELD_DEFAULTS, **values}


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value
