"""The ribbon's live-Excel layer against an in-memory xlwings stand-in: same results as the file
path, a bounded number of calls into Excel whatever the size, a message box instead of a traceback."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from benchmarks.ledger_gen import generate
from taizhang.core.model import column_index, column_letter
from taizhang.macros.excel import ribbon
from taizhang.macros.excel.jobs import SETTINGS_ORDER
from taizhang.macros.jobs.check import PROBLEMS_COLUMN, apply_check
from taizhang.macros.jobs.due import DUE_COLUMN, LEFT_COLUMN, STAGE_COLUMN, STATUS_COLUMN, apply_due
from taizhang.macros.logs import ribbon_log_path
from taizhang.workbook.reader import read_workbook
from taizhang.writeback import run_and_write
from tests.fake_xlwings import FakeBook

TODAY = date(2026, 5, 20)
MAX_CALLS = 30


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    folder = tmp_path_factory.mktemp("ledgers")
    return {n: generate(folder / f"ledger{n}.xlsx", n) for n in (100, 20_000)}


def _same(value: Any) -> Any:
    """One spelling for both paths: Excel hands back datetimes and floats, calamine dates and floats."""
    if value in ("", None):
        return None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _file_columns(path: Path, headers: list[str]) -> dict[str, list[Any]]:
    """What the command line's --write leaves in the file, read back the way the reader reads."""
    import python_calamine as pc

    loaded = read_workbook(path)
    grid = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(loaded.ledger.sheet).to_python(
        skip_empty_area=False)
    head = loaded.ledger.header_row
    out = {}
    for h in headers:
        col = column_index(loaded.ledger.tool_columns[h])
        out[h] = [_same(row[col] if col < len(row) else None) for row in grid[head:]]
    return out


def _live_columns(book: FakeBook, sheet: str, header_row: int, headers: list[str], rows: int) -> dict[str, list[Any]]:
    ws = book.sheet(sheet)
    found = {ws.cell(header_row, c): c for c in range(1, 200) if ws.cell(header_row, c)}
    return {h: [_same(ws.cell(r, found[h])) for r in range(header_row + 1, header_row + 1 + rows)] for h in headers}


@pytest.mark.parametrize(("tag", "apply", "headers"), [
    ("check", apply_check, [PROBLEMS_COLUMN]),
    ("due", apply_due, [STAGE_COLUMN, DUE_COLUMN, LEFT_COLUMN, STATUS_COLUMN]),
])
def test_live_results_equal_the_file_path(tag: str, apply: Any, headers: list[str], ledgers: dict[int, Path],
                                          tmp_path: Path) -> None:
    source = ledgers[100]
    book = FakeBook.from_file(source)  # unsaved in Excel: no path needed
    ribbon.run(tag, book, TODAY)
    copy = shutil.copyfile(source, tmp_path / "copy.xlsx")
    run_and_write(copy, TODAY, [apply])
    expected = _file_columns(copy, headers)
    loaded = read_workbook(copy)
    live = _live_columns(book, loaded.ledger.sheet, loaded.ledger.header_row, headers, len(expected[headers[0]]))
    assert live == expected
    assert any(v is not None for v in live[headers[0]])


@pytest.mark.slow
@pytest.mark.parametrize("rows", [100, 20_000])
@pytest.mark.parametrize("tag", ["check", "due", "mark_overdue", "summary", "update_all", "settings"])
def test_calls_into_excel_stay_bounded(tag: str, rows: int, ledgers: dict[int, Path]) -> None:
    """Unsaved ledgers without settings sheets (设置 creates all five)."""
    book = FakeBook.from_file(ledgers[rows])
    message = ribbon.run(tag, book, TODAY)
    assert "内部错误" not in message
    assert len(book.calls) <= MAX_CALLS, book.calls
    reads = [c for c in book.calls if c[:2] == ("range", "value get")]
    assert len(reads) == 1  # the used range of the ledger, once


def test_excel_state_is_restored_and_columns_written_as_blocks(ledgers: dict[int, Path]) -> None:
    book = FakeBook.from_file(ledgers[100])
    ribbon.run("mark_overdue", book, TODAY)
    history = book.app.history
    assert history[:3] == [("screen_updating", False), ("calculation", "manual"),
                           ("status_bar", "台账助手：正在标注逾期件……")]
    assert history[-3:] == [("status_bar", False), ("calculation", "automatic"), ("screen_updating", True)]
    writes = [c for c in book.calls if c[:2] == ("range", "value set")]
    assert writes[0][2] == "AO2:AR102"  # four adjacent tool columns, header row to last row, one write
    rules = book.sheet("台账").conditions
    assert [r["formula"] for r in rules] == ['=$AR3="逾期"', '=$AR3="临期"', '=$AR3="已办结"']
    assert {r["address"] for r in rules} == {"AP3:AP1048576,AR3:AR1048576"}  # 截止日期 and 状态
    assert book.app.alerts and book.app.alerts[-1][2] == "info"


def test_a_failure_restores_excel_and_ends_in_a_message_box(ledgers: dict[int, Path],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    book = FakeBook.from_file(ledgers[100])

    def broken(*_: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("taizhang.macros.excel.jobs._analysis", broken)
    message = ribbon.run("due", book, TODAY)
    assert "内部错误" in message and "Traceback" not in message and "boom" not in message
    assert book.app.history[-2:] == [("calculation", "automatic"), ("screen_updating", True)]
    assert book.app.alerts[-1][2] == "critical"
    assert "boom" in ribbon_log_path().read_text(encoding="utf-8")


def test_a_workbook_without_a_ledger_gets_a_chinese_explanation() -> None:
    book = FakeBook({"Sheet1": [["随便", "写点"], [1, 2]]})
    message = ribbon.run("check", book, TODAY)
    assert "找不到台账" in message
    assert book.app.alerts[-1][2] == "critical"


def test_unknown_tag_says_to_reinstall() -> None:
    book = FakeBook({"Sheet1": [[1]]})
    assert "安装.bat" in ribbon.run("nope", book, TODAY)


def test_settings_creates_the_missing_sheets(ledgers: dict[int, Path]) -> None:
    book = FakeBook.from_file(ledgers[100])
    ribbon.run("settings", book, TODAY)
    names = [s.name for s in book.sheet_objects]
    assert names[1:] == ["单位名录", "时限规则", "节假日", "参数", "校验规则"]
    params = book.sheet("参数")
    assert params.cell(1, 1) == "参数" and params.cell(2, 1) == "年度" and params.cell(2, 2) == 2026
    ribbon.run("settings", book, TODAY)  # second press: shows them
    assert book.sheet("参数").active


def test_every_handler_returns_text_for_the_user(ledgers: dict[int, Path]) -> None:
    for tag in ribbon.HANDLERS:
        message = ribbon.run(tag, FakeBook.from_file(ledgers[100]), TODAY)
        assert message and "内部错误" not in message, (tag, message)


# ---------------------------------------------------------------- ledgers with the settings sheets

SAMPLE_ROWS = 381


def _with_settings(sample: Path, path: Path, rows: int) -> Path:
    """The sample's settings sheets under `rows` ledger rows: the sample's own rows repeated, each
    copy's 编号 made unique (so split and merge still find every case)."""
    import python_calamine as pc
    import xlsxwriter

    book = pc.CalamineWorkbook.from_path(str(sample))
    grids = {n: book.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in book.sheet_names}
    head, body = grids["台账"][:2], grids["台账"][2:]
    number = head[1].index("编号")
    out = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    dates = out.add_format({"num_format": "yyyy-mm-dd"})
    for name, grid in grids.items():
        ws = out.add_worksheet(name)
        lines = head + [[f"{r[number]}-{i // len(body)}" if c == number and i >= len(body) else v
                         for c, v in enumerate(r)] for i, r in enumerate(body[i % len(body)] for i in range(rows))] \
            if name == "台账" else grid
        for r, line in enumerate(lines):
            for c, v in enumerate(line):
                if isinstance(v, date):
                    ws.write_datetime(r, c, datetime(v.year, v.month, v.day), dates)
                elif v not in ("", None):
                    ws.write(r, c, v)
    out.close()
    return path


@pytest.fixture(scope="module")
def with_settings(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """The demo sample (381 rows, five settings sheets) and a 20,000-row ledger with the same settings."""
    from taizhang.macros.jobs.demo import write_sample

    folder = tmp_path_factory.mktemp("with_settings")
    (folder / "sample").mkdir()
    (folder / "big").mkdir()
    sample = write_sample(folder / "sample" / "台账.xlsx", TODAY)
    return {SAMPLE_ROWS: sample, 20_000: _with_settings(sample, folder / "big" / "台账.xlsx", 20_000)}


def _returned(master: Path, tmp: Path) -> Path:
    """A 回收 folder beside `master` holding one unit's filled return (as test_merge_roundtrip makes it)."""
    from taizhang.macros.jobs.split import split
    from tests.test_merge_roundtrip import HOST, REPLY, edit, first_host_case

    [unit_file] = split(master, tmp / "分发", TODAY, units=[HOST]).files
    folder = master.parent / "回收"
    folder.mkdir(exist_ok=True)
    edit(unit_file.path, {first_host_case(unit_file.path): REPLY}, folder / "财政局回传.xlsx")
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("rows", [SAMPLE_ROWS, 20_000])
@pytest.mark.parametrize("tag", ["check", "due", "mark_overdue", "summary", "update_all", "split", "merge",
                                 "settings", "help"])
def test_every_button_stays_in_budget_with_settings_sheets(tag: str, rows: int, with_settings: dict[int, Path],
                                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    master = shutil.copyfile(with_settings[rows], tmp_path / "台账.xlsx")
    if tag == "split" and rows > SAMPLE_ROWS:  # 80 s of writing unit workbooks, none of it calls Excel
        from taizhang.macros.jobs import split as split_job

        real = split_job.split_saved
        monkeypatch.setattr(split_job, "split_saved",
                            lambda path, out, today, **kw: real(path, out, today, units=["县财政局"], **kw))
    if tag == "merge":
        _returned(master, tmp_path)
    book = FakeBook.from_file(master, saved=True)
    message = ribbon.run(tag, book, TODAY)
    assert "内部错误" not in message and "请先" not in message, message
    assert len(book.calls) <= MAX_CALLS, (len(book.calls), book.calls)
    settings_reads = [c for c in book.calls if c[:2] == ("book", "sheets[]") and c[2] in SETTINGS_ORDER]
    assert settings_reads == [] or tag == "settings"  # from the saved file, no call into Excel
    if tag in ("check", "due", "mark_overdue", "update_all"):  # and once the file has the colour rules:
        again = FakeBook.from_file(_with_rules(master, book, tmp_path / "again.xlsx"), saved=True)
        ribbon.run(tag, again, TODAY)
        assert len(again.calls) <= MAX_CALLS, (len(again.calls), again.calls)
        assert not [c for c in again.calls if c[:2] in (("api", "FormatConditions.Add"), ("app", "macro"))]


def test_a_changed_workbook_reads_its_settings_live(with_settings: dict[int, Path]) -> None:
    book = FakeBook.from_file(with_settings[SAMPLE_ROWS], saved=True, dirty=True)
    ribbon.run("due", book, TODAY)
    reads = [c for c in book.calls if c[:2] == ("range", "value get")]
    assert len(reads) == 6  # the ledger and each of the five settings sheets, once
    assert [c for c in book.calls if c[:2] == ("range", "address")] == [("range", "address")]  # the ledger's only
    saved = FakeBook.from_file(with_settings[SAMPLE_ROWS], saved=True)
    ribbon.run("due", saved, TODAY)
    assert _live_columns(book, "台账", 2, [STATUS_COLUMN], SAMPLE_ROWS) == \
        _live_columns(saved, "台账", 2, [STATUS_COLUMN], SAMPLE_ROWS)


@pytest.mark.parametrize(("tag", "apply", "headers"), [
    ("check", apply_check, [PROBLEMS_COLUMN]),
    ("due", apply_due, [STAGE_COLUMN, DUE_COLUMN, LEFT_COLUMN, STATUS_COLUMN]),
])
def test_live_columns_equal_the_file_path_with_settings(tag: str, apply: Any, headers: list[str],
                                                        with_settings: dict[int, Path], tmp_path: Path) -> None:
    master = shutil.copyfile(with_settings[SAMPLE_ROWS], tmp_path / "台账.xlsx")
    book = FakeBook.from_file(master, saved=True)
    ribbon.run(tag, book, TODAY)
    copy = shutil.copyfile(master, tmp_path / "copy.xlsx")
    run_and_write(copy, TODAY, [apply])
    expected = _file_columns(copy, headers)
    assert _live_columns(book, "台账", 2, headers, len(expected[headers[0]])) == expected


def _file_sheet(path: Path, name: str) -> dict[tuple[int, int], Any]:
    import python_calamine as pc

    grid = pc.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python(skip_empty_area=False)
    return {(r, c): _same(v) for r, row in enumerate(grid, 1) for c, v in enumerate(row, 1) if _same(v) is not None}


def _fake_sheet(book: FakeBook, name: str) -> dict[tuple[int, int], Any]:
    return {rc: _same(v) for rc, v in book.sheet(name).cells.items() if _same(v) is not None}


@pytest.mark.parametrize(("tag", "names"), [
    ("check", ["校验结果"]), ("mark_overdue", ["逾期清单"]), ("summary", ["汇总", "通报", "图表"])])
def test_tool_sheets_equal_the_file_path(tag: str, names: list[str], with_settings: dict[int, Path],
                                         tmp_path: Path) -> None:
    from taizhang.macros.excel.sheets import CHART_NOTE
    from taizhang.macros.jobs.due import apply_due
    from taizhang.macros.jobs.summary import apply_summary

    master = shutil.copyfile(with_settings[SAMPLE_ROWS], tmp_path / "台账.xlsx")
    book = FakeBook.from_file(master, saved=True)
    ribbon.run(tag, book, TODAY)
    copy = shutil.copyfile(master, tmp_path / "copy.xlsx")
    run_and_write(copy, TODAY, [{"check": apply_check, "mark_overdue": apply_due, "summary": apply_summary}[tag]])
    for name in names:
        live = _fake_sheet(book, name)
        notes = [rc for rc, v in live.items() if v == CHART_NOTE]
        assert len(notes) == (name == "图表")  # where the CLI draws its first chart
        assert {rc: v for rc, v in live.items() if rc not in notes} == _file_sheet(copy, name), name


def test_tool_sheets_keep_text_as_text_and_get_formatting_within_budget(tmp_path: Path) -> None:
    from taizhang.macros.excel import live
    from taizhang.macros.excel import sheets as excel_sheets
    from taizhang.workbook.writer import Style, ToolSheet

    sheet = ToolSheet("汇总")
    sheet.write(1, 1, "标题", Style(bold=True))
    sheet.merge("A1:C1")
    sheet.write_row(2, ["007", "2026-05-01", "=1+1"], Style(bold=True))
    sheet.write(3, 2, 5)
    sheet.column_width("A", 6)
    sheet.column_width("B", 20)
    sheet.column_width("C", 6)
    book = FakeBook({"台账": [["编号", "标题", "主办单位", "交办日期"], ["1", "a", "b", date(2026, 3, 1)]]})
    read = live.read_book(book, live.Budget(limit=1000))
    excel_sheets.write_values(read, [sheet])
    assert excel_sheets.format_written(read) == 0
    ws = book.sheet("汇总")
    assert [ws.cell(2, c) for c in (1, 2, 3)] == ["007", "2026-05-01", "=1+1"] and ws.cell(3, 2) == 5
    assert ws.merges == ["A1:C1"] and {(1, 1), (2, 1), (2, 2), (2, 3)} <= ws.bold
    assert ws.widths == {"A": 6, "B": 20, "C": 6}
    narrow = FakeBook({"台账": [["编号", "标题", "主办单位", "交办日期"], ["1", "a", "b", date(2026, 3, 1)]]})
    read = live.read_book(narrow, live.Budget(limit=live.EXIT_CALLS + 10))
    excel_sheets.write_values(read, [sheet])
    assert excel_sheets.format_written(read) > 0  # formatting is what gives way, never the values
    assert narrow.sheet("汇总").cell(2, 1) == "007"


def test_split_writes_the_same_files_as_the_command_line(with_settings: dict[int, Path], tmp_path: Path) -> None:
    from taizhang.macros.excel.split_merge import split_folder
    from taizhang.macros.jobs.split import split

    master = shutil.copyfile(with_settings[SAMPLE_ROWS], tmp_path / "台账.xlsx")
    message = ribbon.run("split", FakeBook.from_file(master, saved=True), TODAY)
    folder = split_folder(master, TODAY)
    assert str(folder) in message and "分发完成" in message
    expected = split(master, tmp_path / "cli", TODAY)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        n for f in expected.files for n in (f.path.name, f.note.name))
    for f in expected.files:
        assert (folder / f.note.name).read_text(encoding="utf-8") == f.note.read_text(encoding="utf-8")
        for name in ("台账", "填报说明"):
            assert _file_sheet(folder / f.path.name, name) == _file_sheet(f.path, name)


def test_split_writes_the_record_into_the_open_workbook(with_settings: dict[int, Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from taizhang.macros.excel.split_merge import split_folder

    monkeypatch.setenv("USERPROFILE", str(tmp_path / "user"))  # no office mail settings: nothing asked
    master = shutil.copyfile(with_settings[SAMPLE_ROWS], tmp_path / "台账.xlsx")
    before = master.read_bytes()
    book = FakeBook.from_file(master, saved=True)
    message = ribbon.run("split", book, TODAY)
    assert "请保存台账" in message and master.read_bytes() == before  # Excel holds the file: written live
    assert not any("邮件" in a[0] for a in book.app.alerts[:-1])
    log = book.sheet("分发记录")
    header = [log.cell(3, c) for c in range(1, 12)]
    assert header[:3] == ["分发编号", "分发时间", "单位"]
    units = {log.cell(r, 3) for r in range(4, 4 + 40) if log.cell(r, 3)}
    assert units == {p.name.split("_")[0] for p in split_folder(master, TODAY).glob("*.xlsx")}
    assert getattr(book.sheet("分发明细"), "visible", True) is False
    assert book.sheet("分发明细").cell(2, 1) == "密钥"


def test_split_asks_and_mails_with_the_office_settings(with_settings: dict[int, Path], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch, smtp: tuple[Any, int]) -> None:
    from taizhang.macros.jobs import split as split_job
    from taizhang.workbook.addin.config import office_config_path

    real = split_job.split_saved
    monkeypatch.setattr(split_job, "split_saved",
                        lambda path, out, today, **kw: real(path, out, today, units=["县财政局", "县水利局"], **kw))
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "user"))
    inbox, port = smtp
    config = office_config_path()
    config.parent.mkdir(parents=True)
    config.write_text(f'[run]\nledgers = ["x.xlsx"]\n[email]\nhost = "127.0.0.1"\nport = {port}\n'
                      'sender = "duban@example.gov.cn"\n', encoding="utf-8")
    ledger_folder = tmp_path / "台账"
    ledger_folder.mkdir()
    (ledger_folder / "周检.toml").write_text('[run]\nledgers = ["x.xlsx"]\n[email]\nhost = "10.255.255.1"\n'
                                            'sender = "evil@example.com"\n', encoding="utf-8")  # never read
    master = shutil.copyfile(with_settings[SAMPLE_ROWS], ledger_folder / "台账.xlsx")
    for answer, mailed in (("no", 0), ("yes", 2)):
        book = FakeBook.from_file(master, saved=True)
        asked: list[tuple[str, str]] = []

        def alert(prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
                  _asked: list[tuple[str, str]] = asked, _answer: str = answer) -> str:
            _asked.append((prompt, buttons))
            return _answer if buttons == "yes_no" else "ok"

        book.app.alert = alert  # type: ignore[method-assign]
        message = ribbon.run("split", book, TODAY)
        assert asked[0][1] == "yes_no" and str(config) in asked[0][0]
        assert len(inbox.messages) == mailed, message
    assert sorted(r for rcpts, _ in inbox.messages for r in rcpts) == ["czj@example.gov.cn", "slj@example.gov.cn"]
    assert "已发送" in message
    log = book.sheet("分发记录")
    assert {log.cell(r, 8) for r in range(4, 6)} == {"已发送"}


def test_split_and_merge_ask_to_save_first(with_settings: dict[int, Path]) -> None:
    for tag in ("split", "merge"):
        dirty = ribbon.run(tag, FakeBook.from_file(with_settings[SAMPLE_ROWS], saved=True, dirty=True), TODAY)
        assert "请先保存" in dirty
        assert "另存为" in ribbon.run(tag, FakeBook.from_file(with_settings[SAMPLE_ROWS]), TODAY)


def test_merge_without_a_return_folder_says_where_to_put_files(with_settings: dict[int, Path],
                                                               tmp_path: Path) -> None:
    master = shutil.copyfile(with_settings[SAMPLE_ROWS], tmp_path / "台账.xlsx")
    message = ribbon.run("merge", FakeBook.from_file(master, saved=True), TODAY)
    assert "回收" in message and str(tmp_path / "回收") in message


@pytest.mark.parametrize("formula", [False, True])
def test_merge_applies_the_same_values_as_the_command_line(formula: bool, with_settings: dict[int, Path],
                                                           tmp_path: Path) -> None:
    from taizhang.macros.excel.split_merge import merge_button, returned_files
    from taizhang.macros.jobs.merge import merge

    when = datetime(2026, 5, 21, 9, 30)
    master = shutil.copyfile(with_settings[SAMPLE_ROWS], tmp_path / "台账.xlsx")
    _returned(master, tmp_path)
    book = FakeBook.from_file(master, saved=True)
    if formula:  # a formula somewhere in the block: only the changed cells are written
        book.sheet("台账").formulas.update({(r, c): "=1" for r in range(3, 3 + SAMPLE_ROWS) for c in range(1, 41)})
    message = merge_button(book, TODAY, now=when)
    assert "回收合并完成" in message and "保存" in message
    cli = tmp_path / "cli" / "台账.xlsx"
    cli.parent.mkdir()
    shutil.copyfile(master, cli)
    report = merge(cli, returned_files(master)[1], TODAY, now=when)
    assert sum(len(f.changes) for f in report.files) == 4
    assert _fake_sheet(book, "台账") == _file_sheet(cli, "台账")  # the changes, and nothing else moved
    assert _fake_sheet(book, "变更记录") == _file_sheet(cli, "变更记录")
    writes = [c for c in book.calls if c[:2] == ("range", "value set") and "台账" not in c[2]]
    assert len(writes) == (4 if formula else 1) + 1  # the ledger's block(s), then the log rows
    assert "请先保存" in ribbon.run("merge", book, TODAY)  # changed in Excel now: a second press waits


# ---------------------------------------------------------------- colours: the same picture as --write

_MARK = re.compile(r'=ISNUMBER\(FIND\("\|"&COLUMN\(\)&"(\w)\|",\$([A-Z]+)(\d+)\)\)')
_STATUS = re.compile(r'=\$([A-Z]+)(\d+)="([^"]+)"')


def _hex(bgr: int) -> str:
    return f"{bgr & 0xFF:02X}{bgr >> 8 & 0xFF:02X}{bgr >> 16 & 0xFF:02X}"


def _painted(book: FakeBook, sheet: str) -> dict[str, str]:
    """The cells Excel would colour by the conditional formats the live layer added, evaluated the
    way Excel evaluates these two kinds of rule (relative row, absolute column)."""
    ws = book.sheet(sheet)
    last = max(r for r, _ in ws.cells)
    out: dict[str, str] = {}
    for rule in ws.conditions:
        areas = [a.split(":") for a in rule["address"].split(",")]
        mark, status = _MARK.fullmatch(rule["formula"]), _STATUS.fullmatch(rule["formula"])
        assert mark or status, rule["formula"]
        for first, _ in areas:
            top = int("".join(ch for ch in first if ch.isdigit()))
            for row in range(top, last + 1):
                if mark:
                    code, letter, _ = mark.groups()
                    marks = str(ws.cell(row, column_index(letter) + 1) or "")
                    cols = [int(m[:-1]) for m in marks.strip("|").split("|") if m.endswith(code)]
                    out.update({f"{column_letter(c - 1)}{row}": _hex(rule["color"]) for c in cols})
                elif status:
                    letter, _, text = status.groups()
                    if ws.cell(row, column_index(letter) + 1) == text:
                        out[f"{''.join(ch for ch in first if ch.isalpha())}{row}"] = _hex(rule["color"])
    return out


def _filled(path: Path, sheet: str) -> dict[str, str]:
    """The tool's fills the command line wrote, read back with openpyxl."""
    import openpyxl

    from taizhang.workbook.writer import TOOL_FILLS

    tool = {c for kind in ("check", "due") for c in TOOL_FILLS[kind].values()}
    ws = openpyxl.load_workbook(path, read_only=False)[sheet]
    out = {}
    for row in ws.iter_rows():
        for c in row:
            rgb = c.fill.fgColor.rgb if c.fill and c.fill.fill_type == "solid" else None
            if isinstance(rgb, str) and rgb[-6:].upper() in tool:
                out[c.coordinate] = rgb[-6:].upper()
    return out


@pytest.mark.parametrize(("tag", "apply"), [("check", apply_check), ("due", apply_due)])
def test_live_colours_are_the_file_paths_fills(tag: str, apply: Any, with_settings: dict[int, Path],
                                               tmp_path: Path) -> None:
    master = shutil.copyfile(with_settings[SAMPLE_ROWS], tmp_path / "台账.xlsx")
    book = FakeBook.from_file(master, saved=True)
    ribbon.run(tag, book, TODAY)
    copy = shutil.copyfile(master, tmp_path / "copy.xlsx")
    run_and_write(copy, TODAY, [apply])
    live, file = _painted(book, "台账"), _filled(copy, "台账")
    assert live == file
    assert len(live) >= 10  # the demo sample has problems and overdue cases to colour


def test_every_problem_cell_is_coloured_on_a_big_ledger(with_settings: dict[int, Path], tmp_path: Path) -> None:
    """20,000 rows: thousands of problem cells, all coloured, within the budget."""
    from taizhang.analysis import Analysis
    from taizhang.macros.jobs.check import cell_fills

    master = shutil.copyfile(with_settings[20_000], tmp_path / "台账.xlsx")
    book = FakeBook.from_file(master, saved=True)
    ribbon.run("check", book, TODAY)
    assert len(book.calls) <= MAX_CALLS
    loaded = read_workbook(master)
    expected = cell_fills(Analysis(loaded.ledger, loaded.settings, TODAY).report)
    assert len(expected) > 1000
    painted = _painted(book, "台账")
    assert set(painted) == set(expected)


def _with_rules(master: Path, book: FakeBook, path: Path) -> Path:
    """`master` as Excel would save it after the press: the live layer's rules and tool columns in
    the file (written here with openpyxl, standing in for Excel's save)."""
    import openpyxl
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    wb = openpyxl.load_workbook(master)
    ws = wb["台账"]
    fake = book.sheet("台账")
    for (r, c), value in fake.cells.items():
        if c > 40 or r <= 2:  # the tool columns the press wrote
            ws.cell(r, c).value = value
    for rule in fake.conditions:
        fill = PatternFill("solid", fgColor=_hex(rule["color"]))
        ws.conditional_formatting.add(rule["address"].replace(",", " "),
                                      FormulaRule(formula=[rule["formula"].lstrip("=")], fill=fill))
    wb.save(path)
    return path


def test_a_second_press_adds_no_rules_once_they_are_saved(with_settings: dict[int, Path], tmp_path: Path) -> None:
    master = shutil.copyfile(with_settings[SAMPLE_ROWS], tmp_path / "台账.xlsx")
    first = FakeBook.from_file(master, saved=True)
    ribbon.run("check", first, TODAY)
    assert len(first.sheet("台账").conditions) == 3
    again = FakeBook.from_file(_with_rules(master, first, tmp_path / "saved.xlsx"), saved=True)
    ribbon.run("check", again, TODAY)
    assert again.sheet("台账").conditions == []  # Excel keeps the saved ones; none added twice
    dirty = FakeBook.from_file(tmp_path / "saved.xlsx", saved=True, dirty=True)
    ribbon.run("check", dirty, TODAY)  # unsaved changes: the marks column exists, so do the rules
    assert dirty.sheet("台账").conditions == []


# ---------------------------------------------------------------- colour rules in one call

def test_colour_rules_go_through_the_addin_in_one_call_and_fall_back_to_com(ledgers: dict[int, Path]) -> None:
    """一键更新 on a workbook without rules: the add-in's TaizhangAddRules adds all six in one call;
    without the add-in the same rules are added over COM (three calls each), the same in the end."""
    through_vba = FakeBook.from_file(ledgers[100])
    ribbon.run("update_all", through_vba, TODAY)
    by_com = FakeBook.from_file(ledgers[100])
    by_com.app.addin_loaded = False
    ribbon.run("update_all", by_com, TODAY)
    macro_calls = [c for c in through_vba.calls if c[:2] == ("app", "macro")]
    assert len(macro_calls) == 1 and not [c for c in through_vba.calls if c[0] == "api"]
    assert len([c for c in by_com.calls if c[:2] == ("api", "FormatConditions.Add")]) == 6
    vba_rules = through_vba.sheet("台账").conditions
    com_rules = by_com.sheet("台账").conditions
    assert len(vba_rules) == 6
    assert [(r["address"], r["formula"], r["color"]) for r in vba_rules] == \
        [(r["address"], r["formula"], r["color"]) for r in com_rules]
    # the check's colours on the ledger's columns, the status colours on 截止日期 and 状态
    assert {r["address"] for r in vba_rules} == {"A3:AN1048576", "AR3:AR1048576,AT3:AT1048576"}


def test_a_second_press_replaces_the_status_rules_through_the_addin(ledgers: dict[int, Path]) -> None:
    book = FakeBook.from_file(ledgers[100])
    ribbon.run("due", book, TODAY)
    ribbon.run("due", book, TODAY)  # unsaved: the tool's own columns get their rules again, not twice
    assert [r["formula"] for r in book.sheet("台账").conditions] == ['=$AR3="逾期"', '=$AR3="临期"', '=$AR3="已办结"']


def test_the_vba_reads_the_rules_as_python_writes_them() -> None:
    """TaizhangAddRules (VBA, not run here) splits lines on vbLf and fields on vbTab, takes four
    fields in rules_spec's order, clears on "1" and converts the colour with CLng."""
    from taizhang.macros.excel.live import RULES_MACRO, Rule, rules_spec

    source = (Path(__file__).parent.parent / "workbook" / "addin" / "vba" / "RibbonTaizhang.bas").read_text()
    function = source[source.index("Public Function TaizhangAddRules"):source.index("End Function", source.index(
        "Public Function TaizhangAddRules"))]
    assert "Split(spec, vbLf)" in function and "Split(lines(i), vbTab)" in function
    assert "If UBound(fields) = 3 Then" in function
    assert 'If fields(1) = "1" Then target.Range(fields(0)).FormatConditions.Delete' in function
    assert "Formula1:=fields(2)).Interior.Color = CLng(fields(3))" in function
    assert RULES_MACRO.endswith("!RibbonTaizhang.TaizhangAddRules")
    spec = rules_spec([Rule("A3:B9,D3:D9", '$D3="逾期"', "FFC7CE", delete=True), Rule("A3:B9,D3:D9", "1=1", "00FF00")])
    assert spec == 'A3:B9,D3:D9\t1\t=$D3="逾期"\t13551615\nA3:B9,D3:D9\t0\t=1=1\t65280'
