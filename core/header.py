"""Finding the header of a ledger sheet in a grid of cell values: title rows above it,
two-row headers whose top cells are merged, spellings with spaces, brackets and line breaks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from taizhang.core.columns import TOOL_PREFIX, Col, match_header
from taizhang.core.values import clean_text

SCAN_ROWS = 30  # headers sit near the top; titles take a row or two
MIN_COLUMNS = 4  # fewer recognised headers than this is not a ledger
KEY_COLUMNS = (Col.NUMBER, Col.TITLE, Col.HOST_UNIT, Col.LEAD)  # a ledger names at least one of these


@dataclass
class HeaderMatch:
    rows: list[int]  # 0-based grid rows that form the header
    columns: dict[str, int] = field(default_factory=dict)  # canonical -> 0-based column
    extra: dict[str, int] = field(default_factory=dict)  # other header text -> column
    tool: dict[str, int] = field(default_factory=dict)  # 【系统】 header -> column

    @property
    def score(self) -> int:
        return len(self.columns)

    @property
    def last_row(self) -> int:
        return self.rows[-1]

    @property
    def is_ledger(self) -> bool:
        return self.score >= MIN_COLUMNS and any(k in self.columns for k in KEY_COLUMNS)


def _text(value: Any) -> str:
    return (clean_text(value) or "").replace("\n", "")


def _filled_top(top: list[Any], merged: list[tuple[int, int, int, int]], row: int, width: int) -> list[str]:
    """The top header row with each merged cell's text carried across the columns it spans."""
    out = [_text(v) for v in top] + [""] * (width - len(top))
    for r1, c1, r2, c2 in merged:
        if r1 <= row <= r2 and c2 > c1:
            text = out[c1] if c1 < len(out) else ""
            for c in range(c1 + 1, min(c2, width - 1) + 1):
                if not out[c]:
                    out[c] = text
    return out


def _match_row(texts: list[str]) -> HeaderMatch:
    match = HeaderMatch(rows=[])
    for col, text in enumerate(texts):
        if not text:
            continue
        if text.startswith(TOOL_PREFIX):
            match.tool[text] = col
            continue
        name = match_header(text)
        if name and name not in match.columns:
            match.columns[name] = col
        else:
            match.extra[text] = col
    return match


def _match_two_rows(top: list[str], sub: list[Any], width: int) -> HeaderMatch:
    """A two-row header: the sub-header names the column, or top+sub does (承办单位/主办)."""
    match = HeaderMatch(rows=[])
    for col in range(width):
        upper = top[col] if col < len(top) else ""
        lower = _text(sub[col]) if col < len(sub) else ""
        shown = lower or upper
        if not shown:
            continue
        if shown.startswith(TOOL_PREFIX):
            match.tool[shown] = col
            continue
        name = None
        for candidate in (upper + lower, lower, upper) if lower else (upper,):
            found = match_header(candidate)
            if found and found not in match.columns:
                name = found
                break
        if name:
            match.columns[name] = col
        else:
            match.extra[(upper + lower) if upper and lower and upper != lower else shown] = col
    return match


def find_header(grid: list[list[Any]], merged: list[tuple[int, int, int, int]] | None = None) -> HeaderMatch | None:
    """The best header in the first rows of `grid`, or None when no row looks like a ledger's header.

    `merged` holds merged ranges as 0-based (first_row, first_col, last_row, last_col).
    """
    merged = merged or []
    width = max((len(r) for r in grid[:SCAN_ROWS + 1]), default=0)
    singles: dict[int, HeaderMatch] = {}

    def single(r: int) -> HeaderMatch:
        if r not in singles:
            singles[r] = _match_row([_text(v) for v in grid[r]])
            singles[r].rows = [r]
        return singles[r]

    best: HeaderMatch | None = None
    for r in range(min(SCAN_ROWS, len(grid))):
        if sum(1 for v in grid[r] if _text(v)) < 2:
            continue  # a title row, or nothing
        candidates = [single(r)]
        if r + 1 < len(grid):
            top = _filled_top(grid[r], merged, r, width)
            double = _match_two_rows(top, grid[r + 1], width)
            double.rows = [r, r + 1]
            # A second header row must add columns that neither row names alone.
            if double.score > max(single(r).score, single(r + 1).score):
                candidates.append(double)
        for cand in candidates:
            if best is None or cand.score > best.score:
                best = cand
    return best if best is not None and best.is_ledger else None

