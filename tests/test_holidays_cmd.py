"""`taizhang holidays`: the notice on the command line, refused with exit 2 when inconsistent, written
into the ledger's 节假日 sheet through the lossless writer (the staff's other rows, columns, notes
and formats kept), after which deadlines in that year are dates equal to chinese-calendar's."""

from __future__ import annotations

import calendar as month_calendar
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from taizhang.core.calendar import WorkCalendar
from taizhang.core.deadlines import evaluate, rules_for_settings
from taizhang.macros.cli import cli
from taizhang.workbook.reader import read_workbook
from tests.ledger_factory import write_ledger

NOTICES = Path(__file__).parent / "data" / "holiday_notices"

# SYNTHETIC — not a real notice. The 2027 notice was not published when this was written; this one
# follows the 2025/2026 pattern (春节 from 除夕, 如逢周三则只在当日放假) on 2027's real weekdays.
SYNTHETIC_2027 = """国务院办公厅关于2027年部分节假日安排的通知（假想，测试用）
经国务院批准，现将2027年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节放假调休日期的具体安排通知如下。
一、元旦：1月1日（周五）至3日（周日）放假，共3天。
二、春节：2月5日（农历除夕、周五）至13日（农历正月初八、周六）放假调休，共9天。1月31日（周日）、2月20日（周六）上班。
三、清明节：4月3日（周六）至5日（周一）放假，共3天。
四、劳动节：5月1日（周六）至5日（周三）放假调休，共5天。4月25日（周日）、5月8日（周六）上班。
五、端午节：6月9日（周三）放假1天，不调休。
六、中秋节：9月15日（周三）放假1天，不调休。
七、国庆节：10月1日（周五）至7日（周四）放假调休，共7天。9月26日（周日）、10月9日（周六）上班。
节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作。
"""


def _span(first: date, last: date) -> set[date]:
    return {first + timedelta(n) for n in range((last - first).days + 1)}


# The synthetic notice's days, written out by hand (not by the parser).
REST_2027 = (_span(date(2027, 1, 1), date(2027, 1, 3)) | _span(date(2027, 2, 5), date(2027, 2, 13))
             | _span(date(2027, 4, 3), date(2027, 4, 5)) | _span(date(2027, 5, 1), date(2027, 5, 5))
             | {date(2027, 6, 9), date(2027, 9, 15)} | _span(date(2027, 10, 1), date(2027, 10, 7)))
WORK_2027 = {date(2027, 1, 31), date(2027, 2, 20), date(2027, 4, 25), date(2027, 5, 8), date(2027, 9, 26),
             date(2027, 10, 9)}


def run(*args: Any, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], input=stdin)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rows_of(path: Path, sheet: str = "节假日") -> list[list[Any]]:
    book = CalamineWorkbook.from_path(str(path))
    return [list(r) for r in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]


# The opening of a county's notice on handling suggestions: dates and 放假-free, not a holiday notice.
OTHER_NOTICE = ("关于做好2025年州、县人大代表建议和政协委员提案办理工作的通知\n"
                "各乡镇人民政府，县直各部门：\n一、3月25日前，各主办单位填写承办情况表。\n"
                "二、5月26日前完成正式答复；不满意的，一个月内重新答复。\n")


def notice_file(tmp_path: Path, text: str, name: str = "通知.txt", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "台账.xlsx"
    assert run("new", path, "--year", "2026").exit_code == 0
    return path


def copy_of(path: Path, folder: Path) -> Path:
    target = folder / "台账.xlsx"
    target.write_bytes(path.read_bytes())
    return target


# ---------------------------------------------------------------- reading the notice

def test_plain_output_shows_each_festival_and_every_day(blank: Path) -> None:
    before = digest(blank)
    result = run("holidays", blank, "--notice", NOTICES / "2026.txt")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  春节：2月15日至2月23日放假，共9天；2月14日、2月28日上班" in lines
    assert "  国庆节：10月1日至10月7日放假，共7天；9月20日、10月10日上班" in lines
    table = [line.split() for line in lines if line[:5] == "2026-"]
    # 共3+9+3+5+3+3+7 = 33 rest days and 1+2+1+2 = 6 make-up working days, each a line
    assert sum(1 for t in table if t[1] == "休") == 33 and sum(1 for t in table if t[1] == "班") == 6
    assert ["2026-02-28", "班", "春节调休上班"] in table
    assert digest(blank) == before  # no --write, nothing written


def test_json_lists_the_days_chinese_calendar_knows(blank: Path) -> None:
    result = run("holidays", blank, "--notice", NOTICES / "2025.txt", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["year"] == 2025 and set(data) == {"year", "days"}
    assert all(set(d) == {"date", "kind", "note"} for d in data["days"])
    days = {date.fromisoformat(d["date"]): d["kind"] for d in data["days"]}
    for day, kind in days.items():
        assert chinese_calendar.is_workday(day) == (kind == "班"), day
    year = [date(2025, 1, 1) + timedelta(n) for n in range(365)]
    assert {d for d in year if d.weekday() < 5 and not chinese_calendar.is_workday(d)} <= set(days)
    assert {d for d in year if d.weekday() >= 5 and chinese_calendar.is_workday(d)} == {
        d for d, k in days.items() if k == "班"}


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_notice_files_saved_by_notepad_read_the_same(blank: Path, tmp_path: Path, encoding: str) -> None:
    text = (NOTICES / "2024.txt").read_text(encoding="utf-8")
    expected = run("holidays", blank, "--notice", NOTICES / "2024.txt", "--json").stdout
    assert run("holidays", blank, "--notice", notice_file(tmp_path, text, encoding=encoding), "--json").stdout \
        == expected
    assert run("holidays", blank, "--notice", "-", "--json", stdin=text).stdout == expected


# ---------------------------------------------------------------- refused: exit 2, quoting the line

BAD = {
    "weekday": (("1月4日(周日)上班", "1月4日(周一)上班"), "1月4日是星期日", "一、元旦:1月1日(周四)至3日(周六)"),
    "count": (("放假调休,共9天", "放假调休,共10天"), "“共10天”与日期不符", "二、春节:2月15日"),
    "no such date": (("6月19日(周五)至21日", "6月31日(周五)至21日"), "6月31日不存在", "五、端午节:6月31日"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_an_inconsistent_notice_is_exit_2_quoting_its_line_and_nothing_is_written(
        blank: Path, tmp_path: Path, case: str) -> None:
    (old, new), problem, line = BAD[case]
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    assert old in text
    ledger = copy_of(blank, tmp_path)
    before = digest(ledger)
    result = run("holidays", ledger, "--notice", notice_file(tmp_path, text.replace(old, new)), "--write")
    assert result.exit_code == 2
    assert problem in result.stderr and line in result.stderr and new in result.stderr
    assert "未写入" in result.stderr and result.stdout == ""
    assert digest(ledger) == before and not (tmp_path / "备份").exists()


def test_a_text_that_is_not_a_holiday_notice_is_exit_2(blank: Path, tmp_path: Path) -> None:
    # another office's notice: one of the public notices in ../shared/seeds when it is beside the
    # checkout (CI), else the opening of one such notice as text
    seeds = sorted((Path(__file__).resolve().parents[1].parent / "shared" / "seeds").glob("*.txt"))
    notice = seeds[0] if seeds else notice_file(tmp_path, OTHER_NOTICE, "办理通知.txt")
    for path in (notice, notice_file(tmp_path, "明天开会，请准时参加。")):
        result = run("holidays", blank, "--notice", path, "--year", "2026")
        assert result.exit_code == 2
        assert "不是国务院办公厅的节假日安排通知" in result.stderr


def test_a_year_that_does_not_agree_is_exit_2(blank: Path) -> None:
    result = run("holidays", blank, "--notice", NOTICES / "2026.txt", "--year", "2027")
    assert result.exit_code == 2 and "--year 指定的是2027年" in result.stderr


def test_a_notice_that_is_not_text_is_exit_2(blank: Path, tmp_path: Path) -> None:
    result = run("holidays", blank, "--notice", blank)  # an .xlsx is a zip
    assert result.exit_code == 2 and "不是文本文件" in result.stderr


# ---------------------------------------------------------------- writing the 节假日 sheet

def test_write_adds_the_year_and_keeps_the_other_years(blank: Path, tmp_path: Path) -> None:
    ledger = copy_of(blank, tmp_path)
    before = rows_of(ledger)
    result = run("holidays", ledger, "--notice", notice_file(tmp_path, SYNTHETIC_2027), "--write")
    assert result.exit_code == 0, result.output
    assert "备份" in result.output
    after = rows_of(ledger)
    assert after[: len(before)] == before  # 2025 and 2026, as `taizhang new` wrote them
    added = {(r[0], r[1]) for r in after[len(before):]}
    assert added == {(d, "休") for d in REST_2027} | {(d, "班") for d in WORK_2027}
    book = load_workbook(ledger)  # reading only: the dropdown and the look of the rows are still there
    ws = book["节假日"]
    assert [str(v.sqref) for v in ws.data_validations.dataValidation] == ["B2:B1000"]
    last = len(after)
    assert ws.cell(last, 1).number_format == "yyyy-mm-dd"
    assert ws.cell(last, 2).border.left.style == ws.cell(2, 2).border.left.style == "thin"


def test_write_again_changes_nothing(blank: Path, tmp_path: Path) -> None:
    ledger = copy_of(blank, tmp_path)
    notice = notice_file(tmp_path, SYNTHETIC_2027)
    assert run("holidays", ledger, "--notice", notice, "--write").exit_code == 0
    written = digest(ledger)
    again = run("holidays", ledger, "--notice", notice, "--write")
    assert again.exit_code == 0 and "未作改动" in again.output
    assert digest(ledger) == written


def test_write_creates_the_sheet_a_ledger_lacks(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path, [])
    assert "节假日" not in CalamineWorkbook.from_path(str(ledger)).sheet_names
    result = run("holidays", ledger, "--notice", NOTICES / "2026.txt", "--write")
    assert result.exit_code == 0, result.output
    rows = rows_of(ledger)
    assert rows[0] == ["日期", "休/班", "说明"]
    assert len(rows) == 1 + 33 + 6
    assert rows[1] == [date(2026, 1, 1), "休", "元旦"]
    holidays = read_workbook(ledger).settings.holidays
    assert WorkCalendar.from_settings(holidays, use_library=False).knows(2026)
    header = load_workbook(ledger)["节假日"]["A1"]  # reading only: the look `taizhang new` gives it
    assert header.font.bold and str(header.fill.fgColor.rgb).endswith("E2EFDA")


def staff_sheet(ledger: Path) -> None:
    """A 节假日 sheet an office made itself: a title row, a 备注 column, its own colour and comment,
    three guessed 2027 rows and a note below the table."""
    book = load_workbook(ledger)
    ws = book.create_sheet("节假日")
    ws.append(["本单位节假日及调休表（办公室维护）"])
    ws.append(["日期", "休/班", "说明", "备注"])
    ws.append([date(2025, 10, 8), "休", "国庆节", "按国办通知"])
    ws.append([date(2025, 10, 11), "班", "国庆节调休上班", None])
    ws.append([date(2027, 1, 1), "休", "元旦（估计）", "待通知"])
    ws.append([date(2027, 2, 6), "休", "春节（估计）", "待通知"])
    ws.append([date(2027, 2, 7), "休", "春节（估计）", None])
    ws.append([None, None, None, "注：2027年待国务院通知发布后补全"])
    for r in range(3, 8):
        ws.cell(r, 1).number_format = "yyyy-mm-dd"
    ws["C3"].fill = PatternFill("solid", fgColor="FFFF00")
    ws["D3"].comment = Comment("以国务院办公厅通知为准", "张三")
    rest = DataValidation(type="list", formula1='"休,班"', allow_blank=True)
    rest.add("B3:B500")
    ws.add_data_validation(rest)
    book.save(ledger)


def test_write_into_the_staff_own_sheet_replaces_only_that_year(tmp_path: Path) -> None:
    ledger = write_ledger(tmp_path, [])
    staff_sheet(ledger)
    result = run("holidays", ledger, "--notice", notice_file(tmp_path, SYNTHETIC_2027), "--write")
    assert result.exit_code == 0, result.output
    rows = rows_of(ledger)
    assert rows[0][0] == "本单位节假日及调休表（办公室维护）"
    assert rows[1] == ["日期", "休/班", "说明", "备注"]
    assert rows[2] == [date(2025, 10, 8), "休", "国庆节", "按国办通知"]
    assert rows[3] == [date(2025, 10, 11), "班", "国庆节调休上班", ""]
    assert rows[7] == ["", "", "", "注：2027年待国务院通知发布后补全"]
    # the three guessed rows now hold the year's first three days, in date order; their 备注 stays
    assert rows[4] == [date(2027, 1, 1), "休", "元旦", "待通知"]
    assert rows[5][:3] == [date(2027, 1, 2), "休", "元旦"] and rows[6][:3] == [date(2027, 1, 3), "休", "元旦"]
    found = {(r[0], r[1]) for r in rows[4:] if isinstance(r[0], date)}
    assert found == {(d, "休") for d in REST_2027} | {(d, "班") for d in WORK_2027}
    assert all(isinstance(r[0], date) for r in rows[8:])  # the rest below the note
    book = load_workbook(ledger)  # reading only
    ws = book["节假日"]
    assert str(ws["C3"].fill.fgColor.rgb).endswith("FFFF00")
    assert ws["D3"].comment is not None and "国务院办公厅" in ws["D3"].comment.text
    assert [str(v.sqref) for v in ws.data_validations.dataValidation] == ["B3:B500"]
    settings = read_workbook(ledger).settings
    assert WorkCalendar.from_settings(settings.holidays, use_library=False).knows(2027)


# ---------------------------------------------------------------- deadlines after the write

def cases_across(year: int, role: str, months: range) -> list[dict[str, Any]]:
    """A case assigned every Tuesday and Friday of `months`, each with nothing done yet."""
    rows = []
    day = date(year, months.start, 1)
    while day.month in months and day.year == year:
        if day.weekday() in (1, 4):
            rows.append({"编号": f"第{len(rows) + 1}号", "类别": "人大代表建议", "级别": "县(区)", "年度": year,
                         "标题": "关于修路的建议", "本级承办方式": role, "主办单位": "县教育和体育局",
                         "协办单位": "县财政局", "交办日期": day})
        day += timedelta(1)
    return rows


@pytest.mark.parametrize(("preset", "role"), [("彭水2023", "协办"), ("代表法三个月", "主办")])
def test_2026_deadlines_from_the_sheet_alone_equal_chinese_calendars(tmp_path: Path, preset: str, role: str) -> None:
    ledger = write_ledger(tmp_path, cases_across(2026, role, range(1, 9)))
    assert run("preset", ledger, preset).exit_code == 0
    assert run("holidays", ledger, "--notice", NOTICES / "2026.txt", "--write").exit_code == 0
    loaded = read_workbook(ledger)
    rules = rules_for_settings(loaded.settings)
    today = date(2026, 1, 2)

    def dues(calendar: WorkCalendar) -> list[tuple[int, str, str, date | None]]:
        found = evaluate(loaded.ledger.cases, rules, calendar, today, ledger_year=2026, due_soon_days=5)
        return [(d.row, s.stage, s.state.value, s.due) for d in found for s in d.stages]

    sheet_only = dues(WorkCalendar.from_settings(loaded.settings.holidays, use_library=False))
    library_only = dues(WorkCalendar())
    assert sheet_only == library_only
    dated = [due for *_, due in sheet_only if due is not None]  # 回头看 waits for a reply: no date yet
    assert len(dated) > 60 and all(due.year == 2026 for due in dated)
    assert "未知" not in {state for _, _, state, _ in sheet_only}


def next_workday(day: date) -> date:
    """Reference: chinese-calendar for 2026, the synthetic notice written out by hand for 2027."""
    def working(d: date) -> bool:
        if d.year == 2027:
            return d in WORK_2027 or (d.weekday() < 5 and d not in REST_2027)
        return bool(chinese_calendar.is_workday(d))

    while not working(day):
        day += timedelta(1)
    return day


def three_months_after(day: date) -> date:
    """民法典 第二百零一条至第二百零三条: the corresponding day, else the month's last; then a working day."""
    month = day.month + 3
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    last = month_calendar.monthrange(year, month)[1]
    return next_workday(date(year, month, min(day.day, last)))


def test_a_2027_notice_turns_unknown_deadlines_into_dates(tmp_path: Path) -> None:
    assigned = [date(2026, 11, 5), date(2026, 11, 30), date(2026, 12, 3), date(2026, 12, 31)]
    ledger = write_ledger(tmp_path, [
        {"编号": f"第{i}号", "类别": "人大代表建议", "级别": "县(区)", "年度": 2026, "标题": "关于修路的建议",
         "本级承办方式": "主办", "主办单位": "县教育和体育局", "交办日期": d} for i, d in enumerate(assigned, 1)])

    def replies() -> dict[str, Any]:
        result = run("due", ledger, "--json", "--today", "2026-12-31")
        assert result.exit_code == 0, result.output
        return {c["编号"]: c for c in json.loads(result.stdout)["cases"]}

    assert {c["status"] for c in replies().values()} == {"未知"}
    assert run("holidays", ledger, "--notice", notice_file(tmp_path, SYNTHETIC_2027), "--write").exit_code == 0
    after = replies()
    expected = [three_months_after(d) for d in assigned]
    # 2027-02-05 is 除夕 in the synthetic notice, 02-28 a plain Sunday, 03-03 a plain Wednesday
    assert expected == [date(2027, 2, 15), date(2027, 3, 1), date(2027, 3, 3), date(2027, 3, 31)]
    assert [after[f"第{i}号"]["due"] for i in range(1, 5)] == [d.isoformat() for d in expected]
    assert {c["status"] for c in after.values()} == {"正常"}
