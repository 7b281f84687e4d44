"""The small value types of the writer's public API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Literal

# Exact marker colours of the tool's fills, one family per job. They are a shade off the usual
# Excel palette on purpose, so a fill the user picked is never mistaken for the tool's.
TOOL_FILLS: dict[str, dict[str, str]] = {
    "check": {"error": "FFC7CF", "warning": "FFEB9D", "info": "DDEBF9"},
    "due": {"overdue": "FFC8CE", "soon": "FFEA9C", "done": "C6EFCD"},
}


def tool_colour_kind(rgb: str | None) -> str | None:
    """The family a fill colour belongs to, or None when it is not one of the tool's."""
    if not rgb:
        return None
    rgb = rgb.upper()[-6:]
    for kind, colours in TOOL_FILLS.items():
        if rgb in colours.values():
            return kind
    return None


@dataclass(frozen=True)
class Style:
    """How the writer formats a cell it writes: font, fill (RRGGBB), border, alignment, wrap, number format."""

    bold: bool = False
    italic: bool = False
    font_name: str | None = None
    font_size: float | None = None
    font_color: str | None = None
    fill: str | None = None
    border: bool = False
    h_align: str | None = None
    v_align: str | None = None
    wrap: bool = False
    number_format: str | None = None


@dataclass(frozen=True)
class Hyperlink:
    """A link shown as `text`; `target` is internal ("#'台账'!C3") or an URL."""

    target: str
    text: str


@dataclass
class Chart:
    """A native chart on a tool sheet: its kind, title, the ranges of its categories and values, where it stands."""

    kind: Literal["bar", "pie", "col"]
    title: str
    categories: str
    values: str
    anchor: str = "H2"
    series_name: str | None = None
    width_cols: int = 8
    height_rows: int = 16
    label_size: float = 9.0  # points, of the axis and data labels


@dataclass
class WriteResult:
    """What a commit did: the file written, the backup kept, the parts changed, added or removed, the
    cells whose own fill was left alone, and whether nothing changed at all."""

    path: Path
    backup: Path | None = None
    changed_parts: list[str] = field(default_factory=list)
    added_parts: list[str] = field(default_factory=list)
    removed_parts: list[str] = field(default_factory=list)
    skipped_fills: list[str] = field(default_factory=list)
    unchanged: bool = False


CellValue = str | int | float | bool | date | datetime | Hyperlink | None
