"""The public API says what a caller needs: every module, every name a package exports (`__all__`),
and every entry point of the jobs (what the command line, the ribbon and the weekly run call) has
a docstring. Read from the source with ast, so a dataclass's generated __doc__ does not count."""

from __future__ import annotations

import ast
import importlib
import inspect
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
SHELLS = ("macros/cli", "macros/excel", "macros/weekly", "taizhang")  # what calls the jobs
LIBRARY = ("taizhang/analysis.py", "taizhang/writeback.py", "core/exchange.py", "workbook/reader.py",
           "workbook/source.py", "macros/weekly/run.py")


@cache
def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def documented(obj: Any) -> bool:
    """Whether the function or class has a docstring in its own source."""
    start = inspect.getsourcelines(obj)[1]  # its first decorator's line, when it has one
    for node in ast.walk(tree(Path(inspect.getsourcefile(obj) or ""))):
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == obj.__name__ \
                and min([node.lineno, *(d.lineno for d in node.decorator_list)]) == start:
            return ast.get_docstring(node) is not None
    raise LookupError(obj)


def test_the_check_tells_documented_from_not() -> None:
    from taizhang.core.deadlines.presets import fixed
    from taizhang.macros.jobs.merge import Change
    from taizhang.validators.results import reply_without_result

    assert documented(Change) and documented(Path.exists)
    assert not documented(fixed)  # a small helper, without one
    assert not documented(reply_without_result)  # a @rule: its title and template say what it is


def modules() -> list[Path]:
    return sorted(p for folder in ("core", "workbook", "validators", "macros", "taizhang")
                  for p in (REPO / folder).rglob("*.py"))


def test_every_module_says_what_it_is() -> None:
    assert [str(p.relative_to(REPO)) for p in modules() if ast.get_docstring(tree(p)) is None] == []


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_is_documented(package: str) -> None:
    module = importlib.import_module(package)
    exported = [getattr(module, name) for name in getattr(module, "__all__", [])]
    missing = [f"{package}.{o.__name__}" for o in exported if (inspect.isfunction(o) or inspect.isclass(o))
               and not documented(o)]
    assert missing == []


def job_entry_points() -> set[tuple[str, str]]:
    """(module, name) of everything the shells import from taizhang.macros.jobs."""
    found: set[tuple[str, str]] = set()
    for folder in SHELLS:
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(tree(path)):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("taizhang.macros.jobs."):
                    found |= {(node.module or "", alias.name) for alias in node.names}
    return found


def test_every_job_entry_point_is_documented() -> None:
    entries = [getattr(importlib.import_module(module), name) for module, name in sorted(job_entry_points())]
    callables = [o for o in entries if inspect.isfunction(o) or inspect.isclass(o)]
    assert len(callables) > 30
    assert [f"{o.__module__}.{o.__name__}" for o in callables if not documented(o)] == []


def test_every_button_and_the_library_is_documented() -> None:
    from taizhang.macros.excel.ribbon import HANDLERS, handler

    missing = [tag for tag in HANDLERS if not documented(handler(tag))]
    for path in LIBRARY:
        for node in tree(REPO / path).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_") \
                    and ast.get_docstring(node) is None:
                missing.append(f"{path}:{node.name}")
    assert missing == []
