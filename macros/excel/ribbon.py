"""The one Python entry of the 台账助手 ribbon: `run(tag)` finds the calling workbook and its handler.

The installed add-in's VBA (workbook/addin/vba/RibbonTaizhang.bas) runs, for every button,

    import taizhang.macros.ribbon as r; r.run('<tag>')

This import path (ENTRY, the shim macros/ribbon.py that re-exports `run` from here) and `run` are
the one contract with the installed add-in: changing ENTRY means changing the .bas file and
rebuilding the add-in (tests check they agree); this module may move as long as the shim follows.
A handler takes the workbook and today and returns the sentence the user sees; it calls the same
library functions as the command line. The handlers are named, not imported, here: a click
imports only what its own job needs (帮助 loads no pandas), so this module stays light.

Every failure is visible: after the workbook is found, a Chinese message box in Excel; before
(Book.caller() failing: WPS, Protected View, no window), a Windows message box (MessageBoxW),
the same text on stderr and a non-zero exit, so xlwings shows its own error box too. Both write
the log.
"""

from __future__ import annotations

import importlib
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from taizhang import __version__
from taizhang.core.errors import ExitCode, TaizhangError
from taizhang.macros.logs import ribbon_log_path, ribbon_logger

ENTRY = "taizhang.macros.ribbon"  # what the add-in imports; see the module docstring
TITLE = "台账助手"
Handler = Callable[[Any, date], str]
Show = Callable[[str], None]

# tag -> "module:function". Only the clicked one is imported.
HANDLERS: dict[str, str] = {
    "check": "taizhang.macros.excel.jobs:check",
    "due": "taizhang.macros.excel.jobs:due",
    "mark_overdue": "taizhang.macros.excel.jobs:mark_overdue",
    "summary": "taizhang.macros.excel.jobs:summary",
    "split": "taizhang.macros.excel.split_merge:split_button",
    "merge": "taizhang.macros.excel.split_merge:merge_button",
    "update_all": "taizhang.macros.excel.jobs:update_all",
    "settings": "taizhang.macros.excel.jobs:settings",
    "holidays": "taizhang.macros.excel.holidays:holidays_button",
    "help": "taizhang.macros.excel.ribbon:help_text",
}

# What to type instead of each button where the buttons cannot run (WPS, no Excel). The add-in's
# VBA says the same in WPS (vba/RibbonTaizhang.bas, CommandLine; a test keeps them equal).
COMMAND_LINE: dict[str, str] = {
    "check": "taizhang check 台账.xlsx --write",
    "due": "taizhang due 台账.xlsx --write",
    "mark_overdue": "taizhang due 台账.xlsx --write",
    "summary": "taizhang summary 台账.xlsx --write",
    "split": "taizhang split 台账.xlsx --out 分发（加 --send 同时发邮件）",
    "merge": "taizhang collect --config 周检.toml（从邮箱收取回传文件；没有邮箱时跳过），再运行 taizhang merge 台账.xlsx 回收\\*.xlsx",
    "update_all": "taizhang update 台账.xlsx",
    "settings": "taizhang new 新台账.xlsx（含全部设置工作表）",
    "holidays": "taizhang holidays 台账.xlsx --notice 通知.txt --write",
    "help": "taizhang --help",
}
WPS_MARKS = ("wps", "kingsoft", "\\et.exe", "\\et")  # in the --app path xlwings passes: WPS 表格


def handler(tag: str) -> Handler:
    """The function of the button tagged `tag`, imported now (KeyError for an unknown tag)."""
    module, _, name = HANDLERS[tag].partition(":")
    found: Handler = getattr(importlib.import_module(module), name)
    return found


def command_line(tag: str) -> str:
    """What to type instead of the button `tag` where buttons cannot run."""
    return COMMAND_LINE.get(tag, "taizhang --help")


# ---------------------------------------------------------------- message boxes

def _argument(argv: list[str], name: str) -> str | None:
    """The value of `--name=value` among the arguments RunPython passes (as Book.caller() reads them)."""
    prefix = f"--{name}="
    return next((a[len(prefix):].strip().strip('"') for a in argv if a.startswith(prefix)), None)


def message_box(text: str) -> None:
    """A Windows message box owned by Excel's window (MessageBoxW: Unicode, whatever the code page).
    Off Windows (tests, a terminal) the text goes to stderr."""
    if sys.platform != "win32":
        print(text, file=sys.stderr)
        return
    import ctypes

    owner = _argument(sys.argv, "hwnd")
    flags = 0x10 | 0x10000 | 0x40000  # MB_ICONERROR | MB_SETFOREGROUND | MB_TOPMOST
    ctypes.windll.user32.MessageBoxW(int(owner) if owner and owner.isdigit() else None, text, TITLE, flags)


def is_wps(argv: list[str]) -> bool:
    """Whether the button was pressed in WPS 表格: xlwings passes the application's path as --app."""
    app = (_argument(argv, "app") or "").lower()
    return any(mark in app for mark in WPS_MARKS)


def wps_text(tag: str) -> str:
    """The message shown when a button is pressed in WPS 表格."""
    return ("台账助手的按钮只能在 Microsoft Excel 中运行：xlwings 无法操作 WPS 表格。\n"
            "请保存并关闭台账，在“命令提示符”中运行：\n"
            f"{command_line(tag)}\n"
            "结果写回台账文件，WPS 可以直接打开。运行 taizhang --help 可查看全部命令。")


def caller_text(reason: str) -> str:
    """The message shown when the calling workbook cannot be found (`reason`: what xlwings said)."""
    return ("台账助手没能找到您点按钮时所在的工作簿，没有做任何处理。\n"
            "常见原因：① 台账在“受保护的视图”中打开：请先点黄色提示条上的“启用编辑”；"
            "② 正在编辑某个单元格：按 Esc 后再点；③ 在 WPS 表格中使用：WPS 不支持这些按钮，请用命令行"
            "（taizhang --help）；④ 同时开着多个 Excel 窗口：关掉其他 Excel 后再试。\n"
            f"（{reason}）\n详细记录：{ribbon_log_path()}")


def alert(book: Any, text: str, critical: bool, show: Show) -> None:
    """The message in Excel; when Excel cannot show it, the Windows message box does."""
    try:
        book.app.alert(text, title=TITLE, mode="critical" if critical else "info")
    except Exception:
        ribbon_logger().error("无法在 Excel 中显示消息框：%s\n%s", text, traceback.format_exc())
        show(text)


# ---------------------------------------------------------------- the 帮助 button

def help_text(book: Any, today: date) -> str:
    """The 帮助 button: the version, the interpreter and the files to send when something fails."""
    from taizhang.workbook.addin.config import effective_config, user_config_path

    config = effective_config()
    interpreter = config.get("INTERPRETER_WIN") or "（未设置）"
    return (f"台账助手 {__version__}（xlwings 加载项）。\n"
            f"Python：{sys.executable}\n"
            f"配置文件：{user_config_path()}（INTERPRETER_WIN = {interpreter}）\n"
            f"日志文件：{ribbon_log_path()}\n"
            "按钮没有反应时：① 确认已安装 Python 和台账助手（命令行运行 taizhang --version）；"
            "② 重新运行安装包中的“安装.bat”；③ 在“文件 → 选项 → 信任中心”中启用宏；"
            "④ 把日志文件发给维护人员。详见安装指南。")


# ---------------------------------------------------------------- entry

# xlwings imports pandas, numpy and the like whenever they are installed (about 1 s of a press here),
# whatever the job. Each press is its own Python process, so the buttons whose jobs need none of
# them hide them from xlwings, which then runs without (it imports them inside try/except).
LIGHT_TAGS = frozenset({"help", "settings"})
XLWINGS_OPTIONAL = ("pandas", "numpy", "matplotlib", "polars", "PIL")


@contextmanager
def hidden_from_xlwings(hide: bool) -> Iterator[None]:
    """While xlwings is first imported, its optional imports fail quickly; afterwards they import
    normally again (xlwings keeps what it found at import)."""
    names = [n for n in XLWINGS_OPTIONAL if hide and n not in sys.modules]
    for name in names:
        sys.modules[name] = None  # type: ignore[assignment]  # None in sys.modules: "import fails"
    try:
        yield
    finally:
        for name in names:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]


def _caller() -> Any:
    import xlwings as xw

    return xw.Book.caller()


def run(tag: str, book: Any = None, today: date | None = None, *, show: Show = message_box,
        caller: Callable[[], Any] = _caller, argv: list[str] | None = None) -> str:
    """Run the job of the button tagged `tag` on the calling workbook; return what was shown.
    Exits with status 1 when no workbook could be found (after showing why)."""
    log = ribbon_logger()
    argv = sys.argv if argv is None else argv
    if is_wps(argv):
        message = wps_text(tag)
        log.warning("%s pressed in WPS (%s)", tag, _argument(argv, "app"))
        show(message)
        return message
    if book is None:
        try:
            with hidden_from_xlwings(caller is _caller and tag in LIGHT_TAGS):
                book = caller()
        except Exception as err:
            log.error("%s: Book.caller() failed\n%s", tag, traceback.format_exc())
            message = caller_text(f"{type(err).__name__}: {str(err)[:200]}")
            show(message)
            print(message, file=sys.stderr)  # xlwings shows stderr when the exit status is not 0
            raise SystemExit(ExitCode.FINDINGS) from None  # any status but 0 makes xlwings show stderr
    try:
        if tag not in HANDLERS:
            raise TaizhangError(f"按钮标记“{tag}”没有对应的功能：加载项与已安装的台账助手版本不一致，"
                                "请重新运行安装包中的“安装.bat”")
        log.info("run %s", tag)
        message = handler(tag)(book, today or date.today())
        log.info("done %s", tag)
        alert(book, message, False, show)
        return message
    except TaizhangError as err:
        log.warning("%s: %s", tag, err.message)
        message = f"{err.message}\n\n（详细记录：{ribbon_log_path()}）"
        alert(book, message, True, show)
        return message
    except Exception:
        log.error("%s failed\n%s", tag, traceback.format_exc())
        message = ("程序内部错误，这不是您的操作问题。请保存台账后再试一次；仍然出错时，"
                   f"请把日志文件 {ribbon_log_path()} 发给维护人员。")
        alert(book, message, True, show)
        return message
