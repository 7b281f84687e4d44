"""The `taizhang` command line: the group, and where each command lives (one module per command or
per pair of commands in this package, a few lines each over the jobs in taizhang.macros.jobs).

Start-up. A command's module imports what its job needs at the top (pandas, pydantic, the
validators, the writer), which takes a second or more; `taizhang --help` and a command that needs
little must not pay for the others. So the group loads a command's module only when that command
is run or asked for its help: COMMANDS maps each name to "module:attribute", and `taizhang --help`
lists each command's summary from the docstring in its source, without importing it
(tests/test_cli_registry.py checks the listing equals what the loaded commands say). This is the
one place the command line loads code lazily. A new command: a module here, and one line in COMMANDS.
"""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.util
from pathlib import Path
from typing import Any

import click

from taizhang import __version__
from taizhang.macros.cli.common import CONTEXT, ChineseGroup, chinese_usage, zh

# name -> "module:attribute" of the command
COMMANDS: dict[str, str] = {
    "addin": "taizhang.macros.cli.addin:addin",
    "adopt": "taizhang.macros.cli.adopt:adopt_cmd",
    "check": "taizhang.macros.cli.check:check_cmd",
    "collect": "taizhang.macros.cli.collect:collect_cmd",
    "demo": "taizhang.macros.cli.demo:demo_cmd",
    "due": "taizhang.macros.cli.due:due_cmd",
    "holidays": "taizhang.macros.cli.holidays:holidays_cmd",
    "merge": "taizhang.macros.cli.split_merge:merge_cmd",
    "new": "taizhang.macros.cli.new:new_cmd",
    "preset": "taizhang.macros.cli.preset:preset_cmd",
    "read": "taizhang.macros.cli.read:read_cmd",
    "report": "taizhang.macros.cli.report:report_cmd",
    "schedule": "taizhang.macros.cli.weekly:schedule_cmd",
    "split": "taizhang.macros.cli.split_merge:split_cmd",
    "stats": "taizhang.macros.cli.stats:stats_cmd",
    "summary": "taizhang.macros.cli.summary:summary_cmd",
    "update": "taizhang.macros.cli.update:update_cmd",
    "weekly": "taizhang.macros.cli.weekly:weekly_cmd",
}


def docstring(target: str) -> str | None:
    """The docstring of the function at "module:attribute", read from its source without importing
    the module (click takes a command's help from it)."""
    module, _, attribute = target.partition(":")
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        return None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found = next((node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == attribute), None)
    return ast.get_docstring(found) if found is not None else None


class LazyGroup(ChineseGroup):
    """A group whose commands are named in a table and imported when first used."""

    def __init__(self, *args: Any, lazy: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy:
            module, _, attribute = self.lazy[cmd_name].partition(":")
            command: click.Command = getattr(importlib.import_module(module), attribute)
            chinese_usage(command)
            self.commands[cmd_name] = command
        return self.commands.get(cmd_name)

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and name not in self.commands and name not in self.lazy and not name.startswith("-") \
                and not ctx.resilient_parsing:
            # an unknown command: offer the close names among all of them, loaded or not
            raise click.exceptions.NoSuchCommand(name, possibilities=self.list_commands(ctx), ctx=ctx)
        return super().resolve_command(ctx, args)

    def listed_help(self, ctx: click.Context, name: str, limit: int) -> str:
        """What `taizhang --help` lists for `name`, cut to `limit` as click cuts a command's help:
        from the source of a command not loaded yet, else from the command."""
        if name not in self.commands and (doc := docstring(self.lazy[name])) is not None:
            return click.Command(name, help=doc).get_short_help_str(limit)
        command = self.get_command(ctx, name)
        return command.get_short_help_str(limit) if command else ""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        with formatter.section(zh("Commands")):
            formatter.write_dl([(name, self.listed_help(ctx, name, limit)) for name in names])


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="台账助手 %(version)s")
def cli() -> None:
    """台账助手：人大代表建议和政协委员提案办理台账的校验、时限、统计、分发与合并。

    \b
    先试一试：  taizhang demo                 生成示例台账并运行全部功能
    新建台账：  taizhang new 2026年台账.xlsx --year 2026
    查看识别：  taizhang read 台账.xlsx

    退出码：0 完成；1 完成但有问题（如校验有错误）；2 输入有误；3 文件正被他人打开或已被改动；
    4 写入前的完整性检查未通过、原文件未动；5 程序内部错误（详见日志）。
    """


def main() -> None:
    """The `taizhang` console script."""
    # A command is one short process whose objects mostly live until it ends (the ledger's rows, the
    # sheets being written): at the collector's default pace its passes rescan them again and again
    # and free little (~10% of `update`'s CPU at 20k rows). Collect less often; memory stayed the same.
    gc.set_threshold(20_000, 50, 100)
    cli(prog_name="taizhang")
