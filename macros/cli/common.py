"""What every command shares: the common options, turning domain errors into a Chinese message and
an exit code, JSON output, parsing --today, and click's own messages in Chinese. Light to import
(click and the core's errors only): `taizhang --help` loads this and the group, nothing else.

click writes its messages through gettext (`_()` and `ngettext()` in its modules); importing this
module points those at CLICK_ZH, so every command, present and future, reports a missing argument,
a bad value, an unknown option or command, and prints its --help headings in Chinese. Usage lines
and metavars are made Chinese by ChineseGroup for every command added to the group."""

from __future__ import annotations

import functools
import importlib
import json
import sys
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from taizhang.core.errors import BadInput, ExitCode, TaizhangError, os_error
from taizhang.macros.logs import log_internal_error
from taizhang.workbook.convert import current_ledger, written_by_tool

# click's message ids (click 8.x, gettext) and their Chinese. Templates keep click's field names;
# a !r in click's id becomes plain {field} here, inside Chinese quotes.
CLICK_ZH: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "请运行“{command} {option}”查看用法。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such option {name!r}.": "没有选项“{name}”。",
    "No such command {name!r}.": "没有命令“{name}”。",
    "Did you mean {possibility}?": "您是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是否想用其中之一：{possibilities}？）",
    "Invalid value: {message}": "值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Got unexpected extra argument ({args})": "多了参数（{args}），请检查命令",
    "Got unexpected extra arguments ({args})": "多了参数（{args}），请检查命令",
    "Option {name!r} does not take a value.": "选项“{name}”后面不需要值。",
    "Option {name!r} requires an argument.": "选项“{name}”后面需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项“{name}”后面需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数“{name}”需要 {nargs} 个值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Invalid start character for option ({option})": "选项的开头字符不对（{option}）",
    "Value must be an iterable.": "值应为多个。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} does not exist.": "{name}“{filename}”不存在。",
    "{name} {filename!r} is a file.": "“{filename}”是文件，应为文件夹。",
    "{name} {filename!r} is a directory.": "“{filename}”是文件夹，应为 Excel 工作簿等文件。",
    "{name} {filename!r} is not readable.": "{name}“{filename}”无法读取（没有权限）。",
    "{name} {filename!r} is not writable.": "{name}“{filename}”无法写入（没有权限）。",
    "{name} {filename!r} is not executable.": "{name}“{filename}”不能执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件“{filename}”：{message}",
    "{value!r} is not {choice}.": "“{value}”不是 {choice}。",
    "{value!r} is not one of {choices}.": "“{value}”不是可选值，应为其中之一：{choices}。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "“{value}”不是有效的数字。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "“{value}”不是有效的是/否值，可用：{states}",
    "{value!r} does not match the format {format}.": "“{value}”不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "“{value}”不符合格式 {formats} 中的任何一种。",
    "{value!r} is not a valid UUID.": "“{value}”不是有效的 UUID。",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "(dynamic)": "（动态）",
    "deprecated": "已停用",
    "Aborted!": "已中止。",
    "Do you want to continue?": "是否继续？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Press any key to continue...": "按任意键继续……",
    "unknown error": "未知错误",
}
ARGUMENT_NAMES = {"ledger": "台账", "path": "文件", "name": "预设名", "files": "回传文件"}
TYPE_NAMES = {"text": "文本", "integer": "整数", "float": "数字", "boolean": "是或否", "file": "文件",
              "directory": "文件夹", "path": "路径", "文件": "文件", "文件夹": "文件夹", "路径": "路径"}


def zh(message: str) -> str:
    """click's message in Chinese (CLICK_ZH), or the message itself when it has none."""
    return CLICK_ZH.get(message, message)


def _zh_n(singular: str, plural: str, n: int) -> str:
    return zh(singular if n == 1 else plural)


def _install_chinese_click() -> None:
    """Point the gettext functions click's modules call at the Chinese table."""
    for name in ("core", "exceptions", "formatting", "parser", "types", "decorators", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = zh  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _zh_n  # type: ignore[attr-defined]


_install_chinese_click()


def chinese_usage(command: click.Command) -> None:
    """Chinese placeholders in the usage line of a command and of every command under it."""
    command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            chinese_usage(sub)
    for param in command.params:
        if param.metavar is not None or getattr(param, "is_flag", False) or isinstance(param.type, click.Choice):
            continue
        if isinstance(param, click.Argument):
            name = ARGUMENT_NAMES.get(param.name or "", (param.name or "").upper())
            param.metavar = name + ("..." if param.nargs == -1 else "")
        else:
            param.metavar = TYPE_NAMES.get(param.type.name, param.type.name.upper())


class ChineseGroup(click.Group):
    """A group whose usage lines are Chinese for itself and every command added to it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_usage(self)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        chinese_usage(cmd)
        super().add_command(cmd, name)
F = TypeVar("F", bound=Callable[..., Any])


def friendly_errors(func: F) -> F:
    """Domain errors become a Chinese message and their exit code; anything else is logged."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except TaizhangError as err:
            click.echo(f"错误：{err.message}", err=True)
            sys.exit(int(err.exit_code))
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except OSError as err:
            mapped = os_error(err)
            if mapped is None:
                _internal()
            click.echo(f"错误：{mapped.message}", err=True)
            sys.exit(int(mapped.exit_code))
        except Exception:
            _internal()
        except BaseException as err:  # a Rust panic in a library (pyo3's PanicException) is a bug too
            if type(err).__name__ == "PanicException":
                _internal()
            raise

    return wrapper  # type: ignore[return-value]


def _internal() -> NoReturn:
    """Log the traceback of the exception being handled and end with exit 5."""
    path = log_internal_error(traceback.format_exc())
    click.echo(f"程序内部错误，这不是您的操作问题。详细信息已写入日志：{path}，请发给维护人员。", err=True)
    sys.exit(ExitCode.INTERNAL)


# Above this many items a list is written one compact item per line: the indenting encoder is
# pure Python and took most of `read --json` on a 20k-row ledger; the C encoder only runs unindented.
COMPACT_ITEMS = 200


def echo_json(data: Any, encoded: tuple[str, ...] = ()) -> None:
    click.echo(json_text(data, encoded))


def json_text(data: Any, encoded: tuple[str, ...] = ()) -> str:
    """`data` as JSON: indented by 2, except that a long list under a top-level key has each item
    compact on its own line (the same JSON document, written by the C encoder). The long lists
    under the keys `encoded` hold each item already as its compact JSON text."""
    if not isinstance(data, dict) or not any(_long(v) for v in data.values()):
        return json.dumps(data, ensure_ascii=False, indent=2, default=_default)
    parts = [f"  {_compact(key)}: {_list_text(value, key in encoded) if _long(value) else _indented(value)}"
             for key, value in data.items()]
    return "{\n" + ",\n".join(parts) + "\n}"


def _long(value: Any) -> bool:
    return isinstance(value, list) and len(value) > COMPACT_ITEMS


def _compact(value: Any) -> str:
    return _COMPACT.encode(value)


def _indented(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=_default).replace("\n", "\n  ")


def _list_text(items: list[Any], encoded: bool = False) -> str:
    return "[\n    " + ",\n    ".join(items if encoded else map(_COMPACT.encode, items)) + "\n  ]"


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


# One encoder for every compact item: json.dumps with options builds a new one per call.
_COMPACT = json.JSONEncoder(ensure_ascii=False, default=_default)


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"“{value}”不是日期，应写作 YYYY-MM-DD，如 2026-05-20", param, ctx)


DATE = DateType()

# The options and arguments several commands share.
CONTEXT: dict[str, Any] = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
LEDGER = click.Path(dir_okay=False, path_type=Path)
WRITE = click.option("--write", is_flag=True, help="把结果写回台账（无损写入，写前自动备份）")
OUT = click.option("--out", type=LEDGER, help="把结果写到这个新文件，原台账不动（需与 --write 合用，或单独使用）")
TODAY = click.option("--today", type=DATE, help="按哪一天计算（默认今天），如 2026-05-20")
SHEET = click.option("--sheet", help="台账所在工作表（默认自动识别）")


def today_or(value: date | None) -> date:
    """The one place the command line reads the clock: only when --today was not given."""
    return value or date.today()


def current(ledger: Path, writing: bool = False) -> Path:
    """The file that holds the ledger now (a .xls converted before: its .xlsx), said when it differs."""
    found, note = current_ledger(ledger, writing=writing)
    if note:
        click.echo(note, err=True)
    return found


def check_output_path(out: Path, ledger: Path) -> None:
    """An --out file is written whole: never the ledger itself, nor someone's own workbook.
    An existing file is replaced only when the tool wrote it (its sheets carry the tool's marker)."""
    if out.resolve() == ledger.resolve():
        raise BadInput(f"--out 不能是台账本身（“{ledger.name}”）；要写回台账请用 --write")
    if out.exists() and not written_by_tool(out):
        raise BadInput(f"“{out}”已存在且不是本工具生成的文件；为免覆盖，请换一个文件名或先删除它")
