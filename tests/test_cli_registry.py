"""The command line's registry: every command module is named once in COMMANDS, loaded only when
its command runs, listed by `taizhang --help` as the loaded command would list itself, and imports
what it needs at its top."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import click
import pytest

from taizhang.macros.cli import COMMANDS, LazyGroup, cli, docstring

CLI_DIR = Path(__file__).resolve().parents[1] / "macros" / "cli"
SHARED = {"__init__.py", "common.py", "load.py"}  # the group and what commands share


def test_every_command_module_is_registered() -> None:
    registered = {target.partition(":")[0].rsplit(".", 1)[1] + ".py" for target in COMMANDS.values()}
    assert registered == {p.name for p in CLI_DIR.glob("*.py")} - SHARED


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_name_loads_its_command(name: str) -> None:
    command = cli.get_command(click.Context(cli), name)
    assert isinstance(command, click.Command) and command.name == name


@pytest.mark.parametrize("limit", [20, 45, 86, 200])
def test_the_listing_is_what_the_commands_say(limit: int) -> None:
    fresh = LazyGroup(name="taizhang", lazy=COMMANDS)  # nothing loaded: the listing reads the sources
    context = click.Context(fresh)
    listed = {name: fresh.listed_help(context, name, limit) for name in COMMANDS}
    assert fresh.commands == {}
    loaded = {name: cli.get_command(click.Context(cli), name) for name in COMMANDS}
    assert listed == {name: command.get_short_help_str(limit) for name, command in loaded.items() if command}


def test_a_docstring_is_read_without_importing() -> None:
    assert docstring("taizhang.macros.cli.check:check_cmd", ).startswith("校验台账的每一行")
    assert docstring("taizhang.macros.cli.check:no_such_function") is None
    assert "taizhang.macros.cli.nothing_here" not in sys.modules


def test_help_imports_no_command_and_nothing_heavy() -> None:
    code = ("import sys\nfrom taizhang.macros.cli import main\nsys.argv = ['taizhang', '--help']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('taizhang.macros.cli.') and m not in "
            "('taizhang.macros.cli.common',) or m in ('pandas', 'pydantic', 'numpy', 'openpyxl')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "check" in done.stdout and "weekly" in done.stdout


@pytest.mark.parametrize("path", sorted(p.name for p in CLI_DIR.glob("*.py")))
def test_command_modules_import_at_the_top(path: str) -> None:
    tree = ast.parse((CLI_DIR / path).read_text(encoding="utf-8"))
    local = [f"{node.name}:{sub.lineno}" for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
             for sub in ast.walk(node) if isinstance(sub, ast.Import | ast.ImportFrom)]
    assert local == []
