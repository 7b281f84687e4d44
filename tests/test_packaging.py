"""The installed package: every subpackage listed, a wheel that carries the namespace, the CLI help."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from taizhang.macros.cli import cli

REPO = Path(__file__).resolve().parents[1]
MAPPED = {"core": "taizhang.core", "workbook": "taizhang.workbook", "validators": "taizhang.validators",
          "macros": "taizhang.macros"}


def _declared() -> set[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return set(config["tool"]["setuptools"]["packages"])


def test_every_subpackage_is_listed_in_pyproject() -> None:
    found = {"taizhang"}
    for folder, name in MAPPED.items():
        for init in (REPO / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(REPO / folder).parts
            found.add(".".join((name, *relative)))
    assert found == _declared()


@pytest.mark.slow
def test_wheel_installs_under_one_namespace(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("taizhang-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("taizhang-")}
    assert tops == {"taizhang"}  # no top-level `validators` or `core` to collide with PyPI packages
    assert "taizhang/validators/__init__.py" in names
    assert "taizhang/workbook/reader.py" in names


def test_help_is_chinese_for_every_command() -> None:
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0
    assert "台账助手" in top.output
    context = click.Context(cli)
    for name in cli.list_commands(context):  # the group loads each command when asked for it
        command = cli.get_command(context, name)
        assert command is not None, name
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        assert "例：" in result.output, f"{name} help lacks an example"
        assert command.help and any("\u4e00" <= ch <= "\u9fff" for ch in command.help), name
