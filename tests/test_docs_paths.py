"""Every file the README and docs/ name exists, and every anchor they link into docs/domain.md is a
section of it: moving a module means fixing the documents that point at it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), *sorted((REPO / "workbook").rglob("*.md"))]
FOLDERS = ("core", "workbook", "validators", "macros", "taizhang", "tests", "benchmarks", "docs", "scripts")
PATH = re.compile(r"(?<![\w./-])((?:" + "|".join(FOLDERS) + r")/[\w./-]*\w)")


def sections(markdown: Path) -> set[str]:
    """The GitHub anchors of a document's headings."""
    heads = re.findall(r"^#+ (.+)$", markdown.read_text(encoding="utf-8"), re.M)
    return {re.sub(r"[^\w\- ]", "", h).strip().lower().replace(" ", "-") for h in heads}


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_named_files_exist(document: Path) -> None:
    text = document.read_text(encoding="utf-8")
    named = {m.group(1).rstrip(".") + ("*" if text[m.end():m.end() + 1] == "*" else "") for m in PATH.finditer(text)}
    missing = sorted(p for p in named if not any(REPO.glob(p)) and not any(document.parent.glob(p)))
    assert missing == []


def test_domain_anchors_exist() -> None:
    anchors = sections(REPO / "docs" / "domain.md")
    cited: set[str] = set()
    for path in [*DOCUMENTS, *REPO.glob("core/**/*.py"), *REPO.glob("validators/*.py"), *REPO.glob("macros/**/*.py"),
                 *REPO.glob("workbook/**/*.py"), *REPO.glob("taizhang/*.py"), *REPO.glob("tests/*.py")]:
        cited |= set(re.findall(r"domain\.md#([a-z0-9-]+)", path.read_text(encoding="utf-8")))
    assert cited and cited - anchors == set()
