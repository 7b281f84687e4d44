"""File names for attachments from outside: whatever a mail says its attachment is called, the name
it is saved under stays in its folder, is valid on Windows and Linux, and never replaces another file.

- only the last part of a path survives ("../../x.xlsx", "C:\\\\x.xlsx" -> "x.xlsx");
- control and format characters (newlines, NUL, right-to-left overrides) and the characters Windows
  forbids (<>:"/\\\\|?*) become "_"; leading and trailing dots and spaces go;
- a reserved device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9, with any extension) gets a "_" in front;
- the stem is cut to MAX_STEM_BYTES of UTF-8 (Chinese is 3 bytes a character; the limit of a name is
  255 bytes on Linux and 255 UTF-16 units on Windows), leaving room for a " (2)" and the suffix;
- an existing name gets " (2)", " (3)" … (compared case-insensitively, as Windows does).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_STEM_BYTES = 150
FALLBACK = "附件"
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
FORBIDDEN = re.compile(r'[<>:"/\\|?*]')


def _clean(text: str) -> str:
    chars = ["_" if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") else ch for ch in text]
    return FORBIDDEN.sub("_", "".join(chars))


def _cut(stem: str, limit: int) -> str:
    data = stem.encode("utf-8")
    if len(data) <= limit:
        return stem
    return data[:limit].decode("utf-8", errors="ignore")


def safe_name(raw: str | None, suffix: str) -> str:
    """A safe file name for an attachment called `raw`, ending in `suffix` (".xlsx" or ".xls",
    chosen by the caller from the checked name)."""
    name = re.split(r"[/\\]", unicodedata.normalize("NFC", raw or ""))[-1]
    stem = name[: -len(suffix)] if suffix and name.lower().endswith(suffix) else name
    stem = _clean(stem).strip(" .")
    if stem.split(".")[0].strip().upper() in RESERVED:
        stem = "_" + stem
    stem = _cut(stem, MAX_STEM_BYTES).strip(" .") or FALLBACK
    return stem + suffix


def unique_path(folder: Path, name: str, taken: set[str] | None = None) -> Path:
    """`folder / name`, or with " (2)", " (3)" … before the suffix when that name is taken on disk
    or in `taken` (names already chosen in this run, lower case)."""
    taken = taken if taken is not None else set()
    existing = {p.name.lower() for p in folder.iterdir()} if folder.is_dir() else set()
    stem, dot, suffix = name.rpartition(".")
    candidate, n = name, 1
    while candidate.lower() in existing or candidate.lower() in taken:
        n += 1
        candidate = f"{stem} ({n}){dot}{suffix}"
    taken.add(candidate.lower())
    return folder / candidate
