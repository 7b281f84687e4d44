"""Every argument problem in Chinese, for every registered command: a missing argument, an unknown
option, a folder given as the ledger, an unknown command, and the --help headings. The English
to look for is read from click's own source (its gettext message ids), so a message click adds
later is caught too."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from taizhang.macros.cli import cli

# Uppercase words our own help text uses; any other is an English placeholder (LEDGER, TEXT …).
OUR_CAPITALS = {"JSON", "TOML", "YYYY", "SIGTERM", "XLSTART", "VBA", "WPS", "PDF", "XML"}


def click_messages() -> list[str]:
    """The literal pieces (between placeholders) of every message click translates."""
    pieces: set[str] = set()
    for source in Path(click.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        pieces.update(p.strip() for p in re.split(r"\{[^}]*\}|%\([^)]*\)s", arg.value))
    # words that are also plain Chinese-free tokens of ours (a command is called "file" nowhere)
    return sorted(p for p in pieces if re.search(r"[A-Za-z]{3,}", p) and p not in {"file", "path"})


ENGLISH = click_messages()
TYPE_NAMES = sorted({t.name for t in vars(click.types).values()
                     if isinstance(t, type) and issubclass(t, click.ParamType) and isinstance(getattr(t, "name", None), str)}
                    - {"file", "path", "filename"})


def commands(group: click.Group = cli, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    context = click.Context(group)
    for name in group.list_commands(context):  # the group loads each command when asked for it
        sub = group.get_command(context, name)
        if isinstance(sub, click.Group):
            yield from commands(sub, (*path, name))
        else:
            yield (*path, name)


ALL = list(commands())


def english_in(text: str) -> list[str]:
    found = [piece for piece in ENGLISH if piece in text]
    found += [w for w in re.findall(r"\b[A-Z][A-Z_]{3,}\b", text) if w not in OUR_CAPITALS]
    found += [w for w in ("[OPTIONS]", "COMMAND [ARGS]", "Usage", "Options", "Commands") if w in text]
    found += [w for w in TYPE_NAMES if re.search(rf"\b{re.escape(w)}\b", text)]
    return found


def test_click_messages_were_found() -> None:
    assert "Missing argument" in ENGLISH and "Show this message and exit." in ENGLISH
    assert len(ENGLISH) > 40


@pytest.mark.parametrize("path", ALL, ids=lambda p: " ".join(p) or "taizhang")
@pytest.mark.parametrize("extra", [["--help"], [], ["--no-such-option"], ["no-such-command"]],
                         ids=["help", "missing", "bad-option", "extra-word"])
def test_no_english_from_click(path: tuple[str, ...], extra: list[str], tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    command = cli
    for name in path:
        command = command.get_command(click.Context(command), name)  # type: ignore[attr-defined]
    if extra == [] and not any(p.required for p in command.params) and not isinstance(command, click.Group):
        pytest.skip("nothing is missing: the command would run")
    monkeypatch.chdir(tmp_path)  # whatever a command writes stays in the test's folder
    result = CliRunner().invoke(cli, [*path, *extra], catch_exceptions=False)
    assert english_in(result.output) == [], result.output
    if extra and extra != ["--help"]:
        assert result.exit_code in (0, 1, 2), result.output


@pytest.mark.parametrize("path", [p for p in ALL if p and p[0] not in ("demo", "weekly", "schedule", "addin", "collect")],
                         ids=" ".join)
def test_a_folder_given_as_the_ledger(path: tuple[str, ...], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, [*path, str(tmp_path), "精河2025", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "文件夹" in result.output
    assert english_in(result.output) == [], result.output


def test_a_bad_value_names_the_option_in_chinese(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "台账.xlsx"), "--today", "明天"])
    assert result.exit_code == 2
    assert "--today" in result.output and "不是日期" in result.output
    assert english_in(result.output) == [], result.output
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "新.xlsx"), "--year", "今年"])
    assert result.exit_code == 2 and "数字" in result.output, result.output
    assert english_in(result.output) == [], result.output
