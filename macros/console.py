"""What every command shares: turning domain errors into a Chinese message and an exit code,
JSON output, and parsing --today."""

from __future__ import annotations

import functools
import json
import sys
import tempfile
import traceback
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from taizhang.core.errors import TaizhangError, os_error

INTERNAL_ERROR = 5  # a bug: the traceback goes to the log, the user gets a sentence
F = TypeVar("F", bound=Callable[..., Any])


def log_path() -> Path:
    return Path(tempfile.gettempdir()) / "taizhang.log"


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

    return wrapper  # type: ignore[return-value]


def _internal() -> NoReturn:
    """Log the traceback of the exception being handled and end with exit 5."""
    # The traceback goes to the log file only: no logging handler may print it to the user.
    with log_path().open("a", encoding="utf-8") as log:
        log.write(traceback.format_exc())
    click.echo(f"程序内部错误，这不是您的操作问题。详细信息已写入日志：{log_path()}，请发给维护人员。", err=True)
    sys.exit(INTERNAL_ERROR)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_default))


def _default(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value))


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


def today_or(value: date | None) -> date:
    """The one place the command line reads the clock: only when --today was not given."""
    return value or date.today()


def check_output_path(out: Path, ledger: Path) -> None:
    """An --out file is written whole: never the ledger itself, nor someone's own workbook.
    An existing file is replaced only when the tool wrote it (its sheets carry the tool's marker)."""
    from taizhang.core.errors import BadInput

    if out.resolve() == ledger.resolve():
        raise BadInput(f"--out 不能是台账本身（“{ledger.name}”）；要写回台账请用 --write")
    if out.exists() and not _written_by_tool(out):
        raise BadInput(f"“{out}”已存在且不是本工具生成的文件；为免覆盖，请换一个文件名或先删除它")


def _written_by_tool(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return b"_taizhang_tool_" in z.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
