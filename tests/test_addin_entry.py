"""The ribbon's Python entry: no ledger can change the add-in's configuration, a failure before the
workbook is found is shown to the user (and exits non-zero), WPS gets the command line instead,
and importing the entry loads nothing heavy."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter

from taizhang.macros.excel import ribbon
from taizhang.macros.logs import ribbon_log_path
from taizhang.workbook.addin.config import effective_config, user_config_text
from tests.fake_xlwings import FakeBook

TODAY = date(2026, 5, 20)
EVIL = {"PYTHONPATH": r"\\evil\share\py", "INTERPRETER_WIN": r"\\evil\share\python.exe",
        "ADD_WORKBOOK_TO_PYTHONPATH": "True", "CONDA PATH": r"\\evil\conda", "CONDA ENV": "base"}


def _hostile_ledger(folder: Path) -> Path:
    """A macro-free ledger with a taizhang.conf sheet (hidden, as an attacker would) and a
    taizhang.conf file beside it, both pointing the add-in at a share."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "台账.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_row(0, 0, ["编号", "标题", "主办单位", "交办日期"])
    sheet.write_row(1, 0, ["1", "修路", "县交通局", "2026-03-01"])
    conf = book.add_worksheet("taizhang.conf")
    for row, (key, value) in enumerate(EVIL.items()):
        conf.write_row(row, 0, [key, value])
    conf.hide()
    book.close()
    (folder / "taizhang.conf").write_text("".join(f'"{k}","{v}"\r\n' for k, v in EVIL.items()), encoding="utf-8")
    return path


def test_a_ledger_carrying_config_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    (home / ".taizhang").mkdir(parents=True)
    (home / ".taizhang" / "taizhang.conf").write_text(user_config_text(r"C:\taizhang\venv\Scripts\python.exe"),
                                                      encoding="utf-8")
    monkeypatch.setenv("USERPROFILE", str(home))
    before = effective_config()
    assert before == {"INTERPRETER_WIN": r"C:\taizhang\venv\Scripts\python.exe", "ADD_WORKBOOK_TO_PYTHONPATH": "False"}
    ledger = _hostile_ledger(tmp_path / "mail")
    monkeypatch.chdir(ledger.parent)  # even run from the ledger's folder
    assert effective_config() == before
    # and what the 帮助 button shows, pressed in that ledger
    book = FakeBook.from_file(ledger, saved=True)
    message = ribbon.run("help", book, TODAY, show=lambda text: None)
    assert r"C:\taizhang\venv\Scripts\python.exe" in message and "evil" not in message
    assert effective_config() == before


def test_user_config_is_read_as_the_vba_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "taizhang.conf"
    path.write_text('"INTERPRETER_WIN","C:\\a\\python.exe"\r\n"interpreter_win","C:\\b"\r\n"SHOW CONSOLE","True"\r\n')
    config = effective_config(path)
    assert config["INTERPRETER_WIN"] == "C:\\a\\python.exe"  # the first line of a key wins
    assert config["SHOW CONSOLE"] == "True"
    path.write_text('"ADD_WORKBOOK_TO_PYTHONPATH","True"\r\n')
    assert effective_config(path)["ADD_WORKBOOK_TO_PYTHONPATH"] == "False"  # the add-in's own sheet wins


def test_book_caller_failing_is_shown_in_chinese_and_exits_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    shown: list[str] = []
    # the real xlwings: without Excel, Book.caller() fails as it does in WPS or Protected View
    with pytest.raises(SystemExit) as ended:
        ribbon.run("help", show=shown.append, argv=["-c", "--wb=台账.xlsx", "--from_xl=1", "--hwnd=1"])
    assert ended.value.code == 1
    assert len(shown) == 1 and "没能找到您点按钮时所在的工作簿" in shown[0] and "受保护的视图" in shown[0]
    assert shown[0] in capsys.readouterr().err  # xlwings shows stderr when the exit status is not 0
    assert "Book.caller() failed" in ribbon_log_path().read_text(encoding="utf-8")


def test_an_alert_excel_cannot_show_goes_to_the_message_box() -> None:
    class NoAlert(FakeBook):
        pass

    book = NoAlert({"台账": [["编号", "标题", "主办单位", "交办日期"], ["1", "a", "b", date(2026, 3, 1)]]})

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("Excel is busy")

    book.app.alert = broken  # type: ignore[method-assign]
    shown: list[str] = []
    message = ribbon.run("help", book, TODAY, show=shown.append)
    assert shown == [message] and "台账助手" in message


def test_wps_gets_the_command_line_instead() -> None:
    shown: list[str] = []
    called: list[bool] = []
    message = ribbon.run("check", show=shown.append, caller=lambda: called.append(True),
                         argv=["-c", r'--app=C:\Users\x\AppData\Local\Kingsoft\WPS Office\12.1.0\office6\et',
                               "--wb=台账.xlsx"])
    assert shown == [message] and not called
    assert "WPS" in message and ribbon.COMMAND_LINE["check"] in message
    excel = r"--app=C:\Program Files\Microsoft Office\root\Office16\Microsoft Excel"
    assert not ribbon.is_wps([excel]) and ribbon.is_wps([excel.replace("Microsoft Office", "WPS Office")])


def test_every_button_has_a_command_line_and_an_importable_handler() -> None:
    assert set(ribbon.COMMAND_LINE) == set(ribbon.HANDLERS)
    for tag in ribbon.HANDLERS:
        assert callable(ribbon.handler(tag))


def test_importing_the_entry_loads_no_pandas_and_no_xlwings() -> None:
    code = ("import sys, taizhang.macros.ribbon as r; "
            "print(sorted(m for m in ('pandas', 'numpy', 'xlwings', 'openpyxl', 'pydantic', "
            "'taizhang.validators', 'taizhang.workbook.writer') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_help_loads_no_pandas(tmp_path: Path) -> None:
    code = ("import sys, datetime, taizhang.macros.ribbon as r\n"
            "class App:\n    def alert(self, *a, **k): pass\n"
            "class Book:\n    app = App()\n"
            "r.run('help', Book(), datetime.date(2026, 5, 20))\n"
            "print('pandas' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"LOCALAPPDATA": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "False"



@pytest.mark.parametrize(("tag", "hidden"), [("help", True), ("settings", True), ("check", False)])
def test_light_buttons_hide_pandas_from_xlwings(tag: str, hidden: bool, tmp_path: Path) -> None:
    """The real xlwings, imported the way a press imports it (Book.caller() then fails: no Excel
    here): for 帮助 and 设置 it comes up without pandas and numpy; for 校验 they stay importable."""
    code = ("import sys, datetime, taizhang.macros.ribbon as r\n"
            "try:\n"
            f"    r.run({tag!r}, None, datetime.date(2026, 5, 20), show=lambda text: None)\n"
            "except SystemExit:\n    pass\n"
            "import xlwings\n"
            "print(sys.modules.get('pandas') is None, sys.modules.get('numpy') is None)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"LOCALAPPDATA": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert done.stdout.split() == (["True", "True"] if hidden else ["False", "False"]), done.stderr
