"""Turning the data rows under a found header into cases, keeping what does not parse."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, datetime
from itertools import compress
from typing import Any

from taizhang.core.columns import BY_NAME, Col, Kind
from taizhang.core.enums import canonical, canonical_class
from taizhang.core.gc_pause import paused_gc
from taizhang.core.header import HeaderMatch
from taizhang.core.model import Ledger, Unparsed, column_letter
from taizhang.core.table import CaseTable
from taizhang.core.values import (
    TO_FOLD,
    Unparseable,
    clean_text,
    parse_date,
    parse_flag,
    parse_int,
    parse_year,
    split_units,
    year_from_text,
)

TOTALS = frozenset(("合计", "总计", "小计", "共计"))


_TOTALS_COLUMNS = 4  # a totals row says so in one of its first columns
_TEXT_CELLS = {str, type(None)}
_EMPTY_CELLS = {None, ""}


def _is_totals(row: list[Any], first_cols: int = _TOTALS_COLUMNS) -> bool:
    return any(value.__class__ is str and value.lstrip()[:2] in TOTALS for value in row[:first_cols])


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
    if name == Col.RESULT:
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
    col = match.columns.get(Col.YEAR)
    if col is not None:
        # Each distinct cell read once, weighted by how often it occurs.
        cells = Counter(row[col] if col < len(row) else None for row in grid[match.last_row + 1:])
        years: Counter[int] = Counter()
        for raw, count in cells.items():
            try:
                y = parse_year(raw)
            except Unparseable:
                y = None
            if y:
                years[y] += count
        if years:
            return years.most_common(1)[0][0]
    return None


def _totals_marks(column: tuple[Any, ...]) -> set[str]:
    """The values of a column that mark a totals row (合计, 总计 …), usually none: a column of text
    without any of those words is settled by one search over it joined."""
    kinds = set(map(type, column))
    if str not in kinds:
        return set()
    if kinds <= _TEXT_CELLS:
        joined = "\x00".join(filter(None, column))
        if not any(word in joined for word in TOTALS):
            return set()
    return {v for v in set(column) if v.__class__ is str and v.lstrip()[:2] in TOTALS}


def _data_columns(data: list[list[Any]], first_data: int, needed: int) -> tuple[list[int], list[tuple[Any, ...]]]:
    """The data rows that hold a case (0-based grid rows: not blank, not a totals row) and their
    first `needed` columns, transposed. A sheet read whole has rows of one length: then the rows
    are transposed at C speed and the blank and totals rows dropped from each column."""
    width = min(max(map(len, data), default=0), needed)
    if len(set(map(len, data))) != 1:
        kept = [first_data + i for i, row in enumerate(data) if any(row) and not _is_totals(row)]
        padded = [row if len(row) == width else (row + [None] * (width - len(row)))[:width]
                  for row in (data[r - first_data] for r in kept)]
        return kept, (list(zip(*padded, strict=True)) if padded else [])
    columns = list(zip(*data, strict=True))
    keep = list(map(any, data))
    for column in columns[:_TOTALS_COLUMNS]:
        marked = _totals_marks(column)
        if marked:
            keep = [k and v not in marked for k, v in zip(keep, column, strict=True)]
    kept = [first_data + i for i in compress(range(len(data)), keep)]
    if len(kept) == len(data):
        return kept, columns[:width]
    return kept, [tuple(compress(column, keep)) for column in columns[:width]]


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


def _convert_column(name: str, raws: tuple[Any, ...], years: list[int | None] | None
                    ) -> tuple[list[Any], list[tuple[int, str]]]:
    """Convert one column; return the values and the (index, reason) of those that failed.

    Values repeat a lot (units, classes, dates), so each distinct value is converted once and
    the column is mapped in C. Month-day dates depend on the row's year, so when rows differ in
    年度 and the column holds text the key is (value, year)."""
    given = set(raws)
    if given <= _EMPTY_CELLS:
        return [None] * len(raws), []  # a column nobody filled in
    text = BY_NAME[name].kind is Kind.TEXT
    if text and len(given) > len(raws) // 4 and (plain := _plain_texts(raws)) is not None:
        return plain, []  # mostly distinct (titles, numbers, phones): as they are, when clean
    convert = _converter(name)
    keys: Any = raws
    # Only text (3月25日) reads the year; date cells and serials do not.
    if years is not None and len(set(years)) > 1 and any(r.__class__ is str for r in given):
        keys = list(zip(raws, years, strict=True))
        split = True
    else:
        split = False
        year = years[0] if years else None
    mapping: dict[Any, Any] = {None: None, "": None}
    bad: dict[Any, str] = {}
    distinct = set(keys) if split else given
    if text:
        _settle_plain_text(distinct, mapping)
    for key in distinct:
        if key in mapping:
            continue
        raw, key_year = key if split else (key, year)
        if raw is None or raw == "":
            mapping[key] = None
            continue
        try:
            mapping[key] = convert(raw, key_year)
        except Unparseable as err:
            mapping[key] = None
            bad[key] = err.reason
    out = list(map(mapping.__getitem__, keys))
    failed = [(i, bad[k]) for i, k in enumerate(keys) if k in bad] if bad else []
    return out, failed


_CHUNK = 256


def _plain_texts(raws: tuple[Any, ...]) -> list[str | None] | None:
    """A text column whose every cell is already clean text (or empty) as it is, else None.

    The common case of a title, number or phone column: decided by C-level passes over the whole
    column, with no per-value conversion."""
    if not set(map(type, raws)) <= _TEXT_CELLS:
        return None
    given = list(filter(None, raws))
    if _needs_cleaning("\x00".join(given)) or list(map(str.strip, given)) != given:
        return None
    return [raw or None for raw in raws] if "" in raws else list(raws)


def _needs_cleaning(joined: str) -> bool:
    """Whether some text of `joined` has something to fold (full-width forms), a double space or
    a tab: what makes clean_text change a text beyond stripping it."""
    return TO_FOLD.search(joined) is not None or "  " in joined or "\t" in joined


def _settle_plain_text(distinct: set[Any], mapping: dict[Any, Any]) -> None:
    """Map the plain texts and whole numbers among `distinct` to their clean text, in bulk.

    Titles, numbers and phones are mostly distinct, so converting them one by one was most of
    reading a big ledger. A chunk of texts with nothing to fold and no double space or tab is
    decided by C-level searches over the chunk joined: each text is itself stripped (a text of
    spaces only is empty). The texts of any other chunk, and everything else (dates, other
    numbers), are left to the full converter."""
    texts = [key for key in distinct if key.__class__ is str and key not in mapping]
    stripped = list(map(str.strip, texts))
    for start in range(0, len(texts), _CHUNK):
        chunk = texts[start:start + _CHUNK]
        if _needs_cleaning("\x00".join(chunk)):
            continue
        clean = stripped[start:start + _CHUNK]
        mapping.update(zip(chunk, clean, strict=True))
        if "" in clean:
            mapping.update((key, None) for key, text in zip(chunk, clean, strict=True) if not text)
    integers = [key for key in distinct if key.__class__ is int]
    mapping.update(zip(integers, map(str, integers), strict=True))
    floats = [key for key in distinct if key.__class__ is float]
    if floats and all(map(float.is_integer, floats)):
        mapping.update(zip(floats, map(str, map(int, floats)), strict=True))


def _row_years(raws: tuple[Any, ...] | None, count: int, year: int | None) -> list[int | None]:
    if raws is None:
        return [year] * count
    mapping: dict[Any, int | None] = {}
    for raw in set(raws):
        try:
            mapping[raw] = parse_year(raw) or year
        except Unparseable:
            mapping[raw] = year
    return list(map(mapping.__getitem__, raws))


def build_ledger(path: str, sheet: str, grid: list[list[Any]], match: HeaderMatch,
                 merged: list[tuple[int, int, int, int]] | None = None, year_hint: int | None = None) -> Ledger:
    """Cases from the rows under the header. Blank and totals rows are skipped; a value that does
    not parse is kept raw in `unparsed` and its field left empty. Works column by column."""
    with paused_gc():
        return _build_ledger(path, sheet, grid, match, merged, year_hint)


def _build_ledger(path: str, sheet: str, grid: list[list[Any]], match: HeaderMatch,
                  merged: list[tuple[int, int, int, int]] | None, year_hint: int | None) -> Ledger:
    first_data = match.last_row + 1
    _fill_merged_down(grid, merged or [], first_data)
    year = _guess_year(grid, match, year_hint)
    # Columns right of the last header are never read: a stray value far right (a sparse sheet)
    # must not widen every row.
    needed = max([*match.columns.values(), *match.extra.values()], default=-1) + 1
    kept, by_column = _data_columns(grid[first_data:], first_data, needed)

    def raw_column(col: int) -> tuple[Any, ...]:
        return by_column[col] if col < len(by_column) else (None,) * len(kept)

    columns = sorted(match.columns.items(), key=lambda kv: kv[1])
    letters = {name: column_letter(col) for name, col in columns}
    year_col = match.columns.get(Col.YEAR)
    years = _row_years(raw_column(year_col) if year_col is not None else None, len(kept), year)
    by_name: dict[str, list[Any]] = {}
    unparsed: list[Unparsed] = []
    for name, col in columns:
        raws = raw_column(col)
        values, failed = _convert_column(name, raws, years if BY_NAME[name].kind is Kind.DATE else None)
        unparsed += [Unparsed(sheet=sheet, row=kept[i] + 1, column=letters[name], name=name,
                              value=_shown(raws[i]), reason=reason) for i, reason in failed]
        if BY_NAME[name].kind is Kind.UNITS:
            values = [v if v is not None else [] for v in values]
        by_name[name] = values
    unparsed.sort(key=lambda u: (u.row, len(u.column), u.column))
    table = _table(sheet, kept, by_name, letters, [(h, raw_column(c)) for h, c in match.extra.items()])
    last_user = max([*match.columns.values(), *match.extra.values()], default=0)
    return Ledger(
        path=path, sheet=sheet, header_row=match.last_row + 1, header_rows=[r + 1 for r in match.rows],
        columns=letters, extra_columns={h: column_letter(c) for h, c in match.extra.items()},
        tool_columns={h: column_letter(c) for h, c in match.tool.items()},
        last_column=column_letter(last_user), year=year, table=table, unparsed=unparsed,
    )


def _table(sheet: str, kept: list[int], by_name: dict[str, list[Any]], letters: dict[str, str],
           extra: list[tuple[str, tuple[Any, ...]]]) -> CaseTable:
    """The converted columns as the ledger's table. Rows with nothing but unknown columns or
    unparsed values are not cases."""
    count = len(kept)
    keep = list(map(any, zip(*by_name.values(), strict=True))) if by_name else [False] * count
    if not all(keep):
        picked = [i for i, wanted in enumerate(keep) if wanted]
        by_name = {name: [values[i] for i in picked] for name, values in by_name.items()}
        kept = [kept[i] for i in picked]
        extra = [(h, tuple(raws[i] for i in picked)) for h, raws in extra]
    extras: list[dict[str, Any]] = (
        [{h: _plain(raws[i]) for h, raws in extra if raws[i] not in (None, "")} for i in range(len(kept))]
        if extra else [{} for _ in kept])
    return CaseTable(sheet, [r + 1 for r in kept], letters, by_name, extras)


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
