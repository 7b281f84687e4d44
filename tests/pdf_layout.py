"""What a PDF printed: every page's size, its text lines with their boxes, and its text blocks, read
with poppler's `pdftotext -bbox-layout` (poppler-utils), for tests that check printed sheets and
documents as a reader sees them: no two lines drawn over each other, no text off the page, each
cell's text whole, each page one page wide."""

from __future__ import annotations

import bisect
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

_NS = "{http://www.w3.org/1999/xhtml}"
SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    def overlaps(self, other: Line, slack: float = 1.0) -> bool:
        """Drawn over each other: the boxes share more than `slack` points both ways."""
        dx = min(self.x1, other.x1) - max(self.x0, other.x0)
        dy = min(self.y1, other.y1) - max(self.y0, other.y0)
        return dx > slack and dy > slack


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str  # no whitespace


@dataclass(frozen=True)
class Found:
    """Where a text was printed: its page and the box around its words."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    def level_with(self, other: Found) -> bool:
        """On the same page and side by side: their heights overlap, or miss by less than a line
        (one cell centred, the other at the bottom of a tall row): parts of one printed row."""
        line = min(self.y1 - self.y0, other.y1 - other.y0)
        return self.page == other.page and min(self.y1, other.y1) > max(self.y0, other.y0) - line


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)  # each block's text, its lines joined, no spaces
    words: list[Word] = field(default_factory=list)
    by_text: dict[str, list[Word]] = field(default_factory=dict)  # whole words, for a quick lookup

    def index(self) -> None:
        for w in self.words:
            if w.text:
                self.by_text.setdefault(w.text, []).append(w)

    def starting(self, text: str) -> list[Word]:
        """The words `text` starts with, shortest first."""
        return [w for k in range(1, len(text) + 1) for w in self.by_text.get(text[:k], ())]

    def sheet_name(self, names: set[str]) -> str | None:
        """The sheet a page of a workbook printed from: the name in its footer (&A)."""
        bottom = [w.text for w in self.words if w.y0 > self.height * 0.8]
        return next((t for t in bottom if t in names), None)

    @property
    def text(self) -> str:
        return "".join(self.blocks)

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def overlapping(self) -> list[tuple[Line, Line]]:
        found = []
        lines = sorted(self.lines, key=lambda ln: ln.y0)
        for i, a in enumerate(lines):  # a sweep down the page: only lines starting above a's end
            for b in lines[i + 1:]:
                if b.y0 >= a.y1:
                    break
                if a.overlaps(b):
                    found.append((a, b))
        return found

    def off_page(self) -> list[Line]:
        return [ln for ln in self.lines if ln.x0 < -0.5 or ln.y0 < -0.5 or ln.x1 > self.width + 0.5
                or ln.y1 > self.height + 0.5]


def squeeze(text: object) -> str:
    """Text as compared with what the PDF holds: without any whitespace."""
    return SPACE.sub("", str(text))


def read_pdf(pdf: Path) -> list[Page]:
    binary = shutil.which("pdftotext")
    if binary is None:
        raise RuntimeError("pdftotext (poppler-utils) not found")
    out = subprocess.run([binary, "-bbox-layout", str(pdf), "-"], capture_output=True, check=True, timeout=120)
    root = etree.fromstring(out.stdout, etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for n, page in enumerate(root.iter(f"{_NS}page"), start=1):
        p = Page(n, float(page.get("width", "0")), float(page.get("height", "0")))
        for block in page.iter(f"{_NS}block"):
            texts = []
            for line in block.iter(f"{_NS}line"):
                words = [w.text or "" for w in line.iter(f"{_NS}word")]
                p.words += [Word(n, *(float(w.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")),
                                 squeeze(w.text or "")) for w in line.iter(f"{_NS}word")]
                p.lines.append(Line(*(float(line.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax")),
                                    " ".join(words)))
                texts.append("".join(words))
            p.blocks.append("".join(texts))
        p.index()
        pages.append(p)
    return pages


def page_text(pdf: Path) -> str:
    """The PDF's text in reading order (pdftotext's plain output)."""
    binary = shutil.which("pdftotext")
    assert binary is not None
    return subprocess.run([binary, str(pdf), "-"], capture_output=True, check=True, timeout=120,
                          text=True).stdout


def find(text: object, pages: list[Page], *, thorough: bool = False) -> list[Found]:
    """Places `text` was printed whole: its words in order, each either right of the one before on
    the same line or on a following line of the same column (a wrapped cell). Text clipped, cut at
    the page's edge or spread over pages is not found. Printed as one word somewhere, the other
    places it was printed over several words are looked for only when `thorough`."""
    target = squeeze(text)
    if not target:
        return []
    found = [Found(w.page, w.x0, w.y0, w.x1, w.y1) for page in pages for w in page.by_text.get(target, [])]
    if found and not thorough:
        return found
    for page in pages:  # wrapped over several lines, or split into words
        for w in page.starting(target[:-1]):
            found += _chain(page, [w], target[len(w.text):])
    return found


def side_by_side(first: list[Found], last: list[Found]) -> bool:
    """Whether some place of `first` and some place of `last` are level on one page."""
    by_page: dict[int, list[Found]] = {}
    for g in last:
        by_page.setdefault(g.page, []).append(g)
    for boxes in by_page.values():
        boxes.sort(key=lambda b: b.y0)
    for f in first:
        boxes = by_page.get(f.page, [])
        lo = bisect.bisect_left([b.y0 for b in boxes], f.y0 - 3 * (f.y1 - f.y0) - 50)
        for g in boxes[lo:]:
            if g.y0 > f.y1 + 50:
                break
            if f.level_with(g):
                return True
    return False


def _box(chain: list[Word]) -> Found:
    return Found(chain[0].page, min(w.x0 for w in chain), min(w.y0 for w in chain),
                 max(w.x1 for w in chain), max(w.y1 for w in chain))


def _chain(page: Page, chain: list[Word], rest: str) -> list[Found]:
    if not rest:
        return [_box(chain)]
    last = chain[-1]
    left, right = min(w.x0 for w in chain), max(w.x1 for w in chain)
    height = last.y1 - last.y0
    out: list[Found] = []
    for w in page.starting(rest):
        if w in chain:
            continue
        same_line = abs(w.y0 - last.y0) < height * 0.5 and 0 <= w.x0 - last.x1 < height * 2
        next_line = (height * 0.5 <= w.y0 - last.y0 < height * 2.2 and w.x0 < right + 1
                     and w.x1 > left - 1)
        if same_line or next_line:
            out += _chain(page, [*chain, w], rest[len(w.text):])
            if out:
                return out
    return out
