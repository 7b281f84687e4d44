"""How much room a cell's text needs, so the tool can write column widths and row heights itself.

Excel, WPS and LibreOffice all print what the file says: LibreOffice does not re-fit the height of
rows another program wrote, so wrapped text in a row of the default height prints over the next
row. Every sheet the tool writes therefore carries explicit widths and heights computed here.

Units and the numbers behind them (measured on LibreOffice's PDF output, the widest renderer of
the three because it substitutes Noto/DejaVu for 仿宋_GB2312 and 宋体 where those are missing):

- A column width is counted in "characters": the width of a digit of the default font (宋体 11),
  which LibreOffice lays out at 5.4 pt. A CJK character (or full-width punctuation) is as wide as
  its font size: 11 pt = 2.04 units, hence "CJK counts double". A Latin letter or digit is at most
  0.65 em (DejaVu digits are 0.64 em): 1.32 units at 11 pt.
- A line of text takes 1.37 × the font size (Noto CJK's line gap; 宋体 in Excel takes 1.3): 15 pt
  at 11 pt. A row adds 4 pt of padding above and below together.
- A cell keeps about one unit for its left and right margins.

The estimates err on the generous side: a row a little too tall prints fine, one too short does not.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import compress
from typing import NamedTuple

PT_PER_UNIT = 5.4  # one column-width unit (a digit of 宋体 11) in points
NARROW_EM = 0.65  # widest Latin glyphs a substitute font prints, as a share of the font size
LINE_EM = 1.47  # line pitch as a share of the font size
ROW_PADDING = 4.0  # points above and below the text of a row, together
CELL_PADDING = 1.2  # units a cell keeps for its margins
BOLD = 1.05  # bold glyphs are a little wider
DEFAULT_SIZE = 11.0
DEFAULT_WIDTH = 8.43  # Excel's width of a column the sheet does not size
DEFAULT_HEIGHT = 15.0  # the height of a row the sheet does not size
MIN_WIDTH, MAX_WIDTH = 4.0, 60.0  # a column sized from its content stays within these
WRAP_WIDTH = 40.0  # a wrapping cell asks for at most this much width; longer text wraps
MAX_HEIGHT = 409.0  # Excel's largest row height
# Breaks inside Latin text: after a space, a hyphen or a slash (ICU line breaking does the same).
_LATIN_TOKEN = re.compile(r"[^\s\-/]*[\s\-/]?")


def is_wide(ch: str) -> bool:
    """Full-width in print: CJK ideographs, kana, hangul, full-width forms and CJK punctuation."""
    return _WIDE[ch]


def _wide_uncached(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") or ch in "“”‘’…—·"


def char_units(ch: str, size: float = DEFAULT_SIZE, bold: bool = False) -> float:
    em = 1.0 if is_wide(ch) else NARROW_EM
    return em * size / PT_PER_UNIT * (BOLD if bold else 1.0)


class _PerChar(dict[str, object]):
    """A character's property, computed the first time the character is seen. A tool sheet of a
    big ledger measures millions of characters from a few thousand distinct ones, so the lookups
    (`map(table.__getitem__, text)`) run at C speed; the sums are the same as adding per character."""

    def __init__(self, compute: Callable[[str], object]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, ch: str) -> object:
        value = self[ch] = self._compute(ch)
        return value


_WIDE: dict[str, bool] = _PerChar(_wide_uncached)  # type: ignore[assignment]
_UNITS: dict[tuple[float, bool], dict[str, float]] = {}


def _units_table(size: float, bold: bool) -> dict[str, float]:
    table = _UNITS.get((size, bold))
    if table is None:
        new: dict[str, float] = _PerChar(lambda ch: char_units(ch, size, bold))  # type: ignore[assignment]
        table = _UNITS[(size, bold)] = new
    return table


def text_units(text: str, size: float = DEFAULT_SIZE, bold: bool = False) -> float:
    """The width of one line of `text` in column-width units."""
    return sum(map(_units_table(size, bold).__getitem__, text))


def longest_line_units(text: str, size: float = DEFAULT_SIZE, bold: bool = False) -> float:
    if "\n" not in text:
        return text_units(text, size, bold)
    return max(text_units(line, size, bold) for line in text.split("\n"))


def _tokens(line: str) -> Iterable[str]:
    """Pieces a line may break between: each wide character alone, Latin runs at spaces and hyphens.
    A closing mark (，。、；：）” …) stays with what precedes it, as line-breaking rules keep it."""
    out: list[str] = []
    latin = ""
    wide = _WIDE.__getitem__
    for ch in line:
        if wide(ch):
            if latin:
                out.extend(t for t in _LATIN_TOKEN.findall(latin) if t)
                latin = ""
            if out and ch in "，。、；：？！）》」』】”’…%" and not out[-1].endswith("\n"):
                out[-1] += ch
            else:
                out.append(ch)
        else:
            latin += ch
    if latin:
        out.extend(t for t in _LATIN_TOKEN.findall(latin) if t)
    return out


# Every digit is as wide as any other and breaks the same way, so texts that differ only in their
# digits (县人大第12号建议, 县人大第57号建议) wrap alike: wrap_lines answers each shape once.
_WRAPPED: dict[tuple[str, float, float, bool], int] = {}


def measured_as(text: str) -> str:
    """A text every measure here (width, lines, wrapping) finds the same as `text`'s: its digits
    made 0. Cells whose texts differ only in their digits are then measured once. (Nine
    replaces, not str.translate: 15 times faster on the long joined texts toolsheet passes.)"""
    return (text.replace("1", "0").replace("2", "0").replace("3", "0").replace("4", "0").replace("5", "0")
            .replace("6", "0").replace("7", "0").replace("8", "0").replace("9", "0"))


_WRAPPED_MAX = 200_000  # entries kept; a long-running process starts over beyond this


def wrap_lines(text: str, width: float, size: float = DEFAULT_SIZE, bold: bool = False) -> int:
    """How many lines `text` takes in a wrapped cell `width` units wide."""
    key = (measured_as(str(text)), width, size, bold)
    lines = _WRAPPED.get(key)
    if lines is None:
        if len(_WRAPPED) >= _WRAPPED_MAX:
            _WRAPPED.clear()
        lines = _WRAPPED[key] = _wrap_lines(key[0], width, size, bold)
    return lines


def _wrap_lines(text: str, width: float, size: float, bold: bool) -> int:
    room = max(width - CELL_PADDING, 1.0)
    units = _units_table(size, bold).__getitem__
    lines = 0
    for paragraph in str(text).split("\n"):
        lines += 1
        if sum(map(units, paragraph)) < room - 1e-9:  # fits whole: no token can break it
            continue
        used = 0.0
        for token in _tokens(paragraph):
            need = sum(map(units, token.rstrip()))
            if used and used + need > room:
                lines += 1
                used = 0.0
            if need > room:  # a token wider than the cell is broken anywhere
                extra = math.ceil(need / room) - 1
                lines += extra
                used = need - extra * room
            else:
                used += sum(map(units, token))
    return max(lines, 1)


def row_points(lines: int, size: float = DEFAULT_SIZE) -> float:
    """The height in points of a row showing `lines` lines of `size`-point text."""
    return round(lines * size * LINE_EM + ROW_PADDING, 1)


def shown(value: object, number_format: str | None = None) -> str:
    """The text a spreadsheet shows for a value, near enough to measure it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        if number_format and "%" in number_format:
            return f"{value * 100:.2f}%"
        return f"{value:.10g}" if not value.is_integer() else str(int(value))
    return str(value)


class CellText(NamedTuple):
    """A cell as the fitting sees it: its shown text and font, whether it wraps, and whether it is
    a number or a date (which cannot wrap: a column too narrow for one shows ###). A tuple: a
    big tool sheet makes hundreds of thousands of them."""

    text: str
    size: float = DEFAULT_SIZE
    bold: bool = False
    wrap: bool = False
    fixed: bool = False
    lines: int = 1  # a wrapping cell (a header) may take this many lines before it widens its column


@dataclass
class SheetLayout:
    """What `fit` decided: every column's width, every row's height (points), and the cells that
    wrap although their style does not say so (their text is wider than the column)."""

    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    wrapped: set[tuple[int, int]] = field(default_factory=set)


Span = tuple[int, int, int, int]  # r1, c1, r2, c2 of a merged range


def merge_spans(merges: Iterable[Span]) -> dict[tuple[int, int], Span]:
    """Each merge by its top left cell."""
    return {(r1, c1): (r1, c1, r2, c2) for r1, c1, r2, c2 in merges}


def covered_cells(spans: Mapping[tuple[int, int], Span]) -> set[tuple[int, int]]:
    """The cells a merge hides (all but its top left one)."""
    return {(r, c) for r1, c1, r2, c2 in spans.values() for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)} - set(spans)


def fit(cells: Mapping[tuple[int, int], CellText], merges: Iterable[Span],
        widths: Mapping[int, float] | None = None, heights: Mapping[int, float] | None = None,
        wrap_width: float = WRAP_WIDTH) -> SheetLayout:
    """The layout a sheet prints cleanly with. `widths` the builder set are kept (numbers and
    dates only widen them); columns without one are sized from their content within MIN_WIDTH and
    MAX_WIDTH (a wrapping cell asks for at most `wrap_width`). Text wider than its column wraps.
    Every row with text gets the height of its tallest cell; `heights` are minimums; a merge over
    several rows that needs more than its rows give gets it on its last row. (fit_columns does
    the work; this is its form for cells by position.)"""
    spans = merge_spans(merges)
    covered = covered_cells(spans)
    merged = [(rc, cell) for rc, cell in cells.items() if rc in spans and cell.text]
    plain = {rc: cell for rc, cell in cells.items() if rc not in spans and rc not in covered}
    rows = sorted({r for r, _c in plain})
    index = {r: i for i, r in enumerate(rows)}
    columns: dict[int, list[CellText | None]] = {}
    for (r, c), cell in plain.items():
        columns.setdefault(c, [None] * len(rows))[index[r]] = cell
    return fit_columns(rows, columns, merged, spans, widths, heights, wrap_width)


def fit_columns(rows: Sequence[int], columns: Mapping[int, Sequence[CellText | None]],
                merged: list[tuple[tuple[int, int], CellText]], spans: Mapping[tuple[int, int], Span],
                widths: Mapping[int, float] | None = None, heights: Mapping[int, float] | None = None,
                wrap_width: float = WRAP_WIDTH) -> SheetLayout:
    """fit() of cells given by column: `columns[c][i]` is the cell at (rows[i], c), None for
    none (merged cells are not in `columns`: `merged` holds the top left cell of each merge).

    Cells of one column passing the same CellText object measure, wrap and stand the same, so
    the work follows the distinct content of a sheet, not its cells (the 逾期清单 of a 20k-row
    ledger: ~450k cells, most of them repeats): each distinct (CellText, column) is measured
    once, and a row's height is the largest of its columns' heights, taken at C speed."""
    return fit_columns_wrapping(rows, columns, merged, spans, widths, heights, wrap_width)[0]


def fit_columns_wrapping(
    rows: Sequence[int], columns: Mapping[int, Sequence[CellText | None]],
    merged: list[tuple[tuple[int, int], CellText]], spans: Mapping[tuple[int, int], Span],
    widths: Mapping[int, float] | None = None, heights: Mapping[int, float] | None = None,
    wrap_width: float = WRAP_WIDTH, expand: bool = True,
    uniques: Mapping[int, Iterable[CellText | None]] | None = None,
) -> tuple[SheetLayout, dict[int, set[int]]]:
    """fit_columns, and per column the ids of its CellTexts that wrap though their style does
    not say so. With `expand` False the layout's `wrapped` holds only the merged cells that
    wrap: the others are those ids' cells (a renderer that knows each cell's CellText asks no more).
    `uniques`, when the caller knows them: each column's distinct cells (None among them)."""
    if uniques is None:
        by_col = {c: dict(zip(map(id, cells), cells, strict=True)) for c, cells in columns.items()}
    else:
        by_col = {c: {id(cell): cell for cell in uniques[c]} for c in columns}
    distinct: dict[int, CellText] = {}
    groups: list[tuple[int, int]] = []  # (id of a CellText with text, column)
    for c, found in by_col.items():
        for k, cell in found.items():
            if cell is not None and cell.text:
                distinct[k] = cell
                groups.append((k, c))
    longest = {k: longest_line_units(cell.text, cell.size, cell.bold) for k, cell in distinct.items()}
    for _rc, cell in merged:
        longest[id(cell)] = longest_line_units(cell.text, cell.size, cell.bold)
    out = SheetLayout()
    out.widths = _fit_widths(groups, distinct, merged, longest, spans, widths or {}, wrap_width)
    wraps: dict[int, set[int]] = {}  # column -> cells there that wrap though their style does not say
    for k, c in groups:
        cell = distinct[k]
        if not cell.wrap and longest[k] + CELL_PADDING > out.widths.get(c, DEFAULT_WIDTH):
            wraps.setdefault(c, set()).add(k)
    for c, ids in wraps.items() if expand else ():
        out.wrapped.update((r, c) for r, cell in zip(rows, columns[c], strict=True) if id(cell) in ids)
    for rc, cell in merged:
        if not cell.wrap and longest[id(cell)] + CELL_PADDING > _width(out, spans, rc):
            out.wrapped.add(rc)
    # Rows are capped at MAX_HEIGHT, so a text surely taller needs no exact count; not when a merge
    # spans rows (it adds to its last row what the rows' uncapped heights lack).
    capped = not any(spans[rc][2] > spans[rc][0] for rc, _cell in merged)
    tall: list[list[float]] = []  # each column's height per row
    for c, found in by_col.items():
        width = out.widths.get(c, DEFAULT_WIDTH)
        wrapping = wraps.get(c, set())
        points = {k: _row_points(cell, width if cell.wrap or k in wrapping else None, capped)
                  if cell is not None and cell.text else 0.0 for k, cell in found.items()}
        tall.append(list(map(points.__getitem__, map(id, columns[c]))))
    tallest = tall[0] if len(tall) == 1 else list(map(max, *tall)) if tall else []
    got = dict(compress(zip(rows, tallest, strict=True), tallest))  # rows with a height
    out.heights = _fit_heights(got, merged, spans, out, heights or {})
    return out, wraps


def _width(out: SheetLayout, spans: Mapping[tuple[int, int], Span], rc: tuple[int, int]) -> float:
    _r1, c1, _r2, c2 = spans.get(rc, (*rc, *rc))
    return sum(out.widths.get(k, DEFAULT_WIDTH) for k in range(c1, c2 + 1))


def _fit_widths(groups: Iterable[tuple[int, int]], distinct: Mapping[int, CellText],
                merged: list[tuple[tuple[int, int], CellText]], longest: Mapping[int, float],
                spans: Mapping[tuple[int, int], Span], given: Mapping[int, float],
                wrap_width: float) -> dict[int, float]:
    want: dict[int, float] = {}
    fixed: dict[int, float] = {}
    sizing = [(c, distinct[k]) for k, c in groups]
    # a cell merged across columns does not size any one of them
    sizing += [(rc[1], cell) for rc, cell in merged if spans[rc][3] == rc[1]]
    for c, cell in sizing:
        need = longest[id(cell)] + CELL_PADDING
        if cell.fixed:
            fixed[c] = max(fixed.get(c, 0.0), need)
        if cell.wrap:
            need = min(need, wrap_width, _balanced(cell))
        want[c] = max(want.get(c, 0.0), need)
    widths = {c: _tenths(min(max(w, MIN_WIDTH), MAX_WIDTH)) for c, w in want.items()}
    widths.update(given)
    for c, need in fixed.items():
        widths[c] = max(widths[c], _tenths(need))
    return widths


def _tenths(width: float) -> float:
    """Rounded up to a tenth: never narrower than measured."""
    return math.ceil(round(width * 10, 6)) / 10


def _balanced(cell: CellText) -> float:
    """The narrowest width at which a wrapping cell takes at most `cell.lines` lines."""
    need = longest_line_units(cell.text, cell.size, cell.bold) + CELL_PADDING
    if cell.lines <= 1:
        return need
    width = need / cell.lines + CELL_PADDING
    while wrap_lines(cell.text, width, cell.size, cell.bold) > cell.lines and width < need:
        width += 0.5
    return width


def _points(cell: CellText, width: float | None) -> float:
    """The height a cell's text needs: wrapped in `width`, else its lines as written."""
    lines = cell.text.count("\n") + 1 if width is None else wrap_lines(cell.text, width, cell.size, cell.bold)
    return row_points(lines, cell.size)


LONG_TEXT = 200  # characters; shorter texts are counted exactly (quick anyway)


def _row_points(cell: CellText, width: float | None, capped: bool) -> float:
    """_points, or MAX_HEIGHT when `capped` and the text is surely taller: a line holds at most its
    room of text other than spaces (a token wider is broken), so fewer lines than that are impossible."""
    if capped and width is not None and len(cell.text) > LONG_TEXT:
        solid = text_units("".join(cell.text.split()), cell.size, cell.bold)
        if row_points(math.floor(solid / max(width - CELL_PADDING, 1.0)), cell.size) >= MAX_HEIGHT:
            return MAX_HEIGHT
    return _points(cell, width)


def _fit_heights(heights: dict[int, float], merged: list[tuple[tuple[int, int], CellText]],
                 spans: Mapping[tuple[int, int], Span], out: SheetLayout,
                 given: Mapping[int, float]) -> dict[int, float]:
    """The rows' heights (`heights`: from the cells outside merges) with the merges' and the
    builder's minimums; a merge over several rows gets what it lacks on its last row."""
    tall: list[tuple[int, int, float]] = []  # merges over several rows: (first, last, points)
    wrapped = out.wrapped
    for rc, cell in merged:
        points = _points(cell, _width(out, spans, rc) if cell.wrap or rc in wrapped else None)
        r1, _c1, r2, _c2 = spans[rc]
        if r2 > r1:
            tall.append((r1, r2, points))
        else:
            heights[r1] = max(heights.get(r1, 0.0), points)
    for r, h in given.items():
        heights[r] = max(heights.get(r, 0.0), h)
    for r1, r2, points in tall:  # every row of the merge gets its height: empty rows have none
        for r in range(r1, r2 + 1):
            heights.setdefault(r, DEFAULT_HEIGHT)
        have = sum(heights[r] for r in range(r1, r2 + 1))
        if have < points:
            heights[r2] += points - have
    final = {h: min(round(h, 1), MAX_HEIGHT) for h in set(heights.values())}  # a few distinct heights
    return dict(zip(heights, map(final.__getitem__, heights.values()), strict=True))
