"""The State Council's notice parsed (core/holidays/notice.py): real notices of old and current
style against chinese-calendar 1.11.0, every date of the year; copies as staff paste them; and
every inconsistency refused with the item it is in."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from taizhang.core.calendar import WorkCalendar
from taizhang.core.holidays.notice import NoticeError, parse_notice

NOTICES = Path(__file__).parent / "data" / "holiday_notices"
YEARS = (2011, 2012, 2013, 2017, 2023, 2024, 2025, 2026)


def text(name: str) -> str:
    return (NOTICES / name).read_text(encoding="utf-8")


def days_of(year: int) -> list[date]:
    return [date(year, 1, 1) + timedelta(n) for n in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)]


def overrides(*names: str) -> dict[date, bool]:
    """Rest (True) / make-up working (False) days of the notices, as the 节假日 sheet would hold them."""
    found: dict[date, bool] = {}
    for name in names:
        found.update({d.day: d.rest for d in parse_notice(text(name)).days})
    return found


# The notices together, as chinese-calendar has them: 2012's notice fixes 2011-12-31.
ALL = overrides(*(f"{y}.txt" for y in YEARS))


@pytest.mark.parametrize("year", YEARS)
def test_every_day_of_the_year_is_what_chinese_calendar_says(year: int) -> None:
    calendar = WorkCalendar(ALL, use_library=False)  # the notices alone, no library
    assert calendar.knows(year)
    wrong = [d for d in days_of(year) if calendar.is_workday(d) != chinese_calendar.is_workday(d)]
    assert wrong == []


@pytest.mark.parametrize("year", YEARS)
def test_rest_weekdays_and_working_weekends_are_the_libraries(year: int) -> None:
    rest_weekdays = {d for d in days_of(year) if d.weekday() < 5 and not chinese_calendar.is_workday(d)}
    working_weekends = {d for d in days_of(year) if d.weekday() >= 5 and chinese_calendar.is_workday(d)}
    assert {d for d, rest in ALL.items() if rest and d.year == year and d.weekday() < 5} == rest_weekdays
    assert {d for d, rest in ALL.items() if not rest and d.year == year} == working_weekends


def test_days_outside_the_year_are_kept_with_their_own_year() -> None:
    n2012 = {d.day: d for d in parse_notice(text("2012.txt")).days}
    assert not n2012[date(2011, 12, 31)].rest and n2012[date(2011, 12, 31)].note == "元旦调休上班"
    n2023 = {d.day: d for d in parse_notice(text("2023.txt")).days}
    assert n2023[date(2022, 12, 31)].rest and n2023[date(2022, 12, 31)].festival == "元旦"


def test_advice_to_rest_on_new_years_eve_is_not_a_day_off() -> None:
    # 2024: 鼓励各单位……安排职工在除夕（2月9日）休息 — a Friday that stays a working day
    days = {d.day: d for d in parse_notice(text("2024.txt")).days}
    assert date(2024, 2, 9) not in days
    assert chinese_calendar.is_workday(date(2024, 2, 9))


def test_weekend_days_inside_a_range_are_rest_days_and_notes_name_the_festival() -> None:
    notice = parse_notice(text("2026.txt"))
    spring = {d.day: d for d in notice.days if d.festival == "春节"}
    # 2月15日（周日）至23日（周一）: nine days, the two weekends in it included
    assert [d for d, x in spring.items() if x.rest] == [date(2026, 2, 15) + timedelta(n) for n in range(9)]
    assert [d for d, x in spring.items() if not x.rest] == [date(2026, 2, 14), date(2026, 2, 28)]
    assert {x.note for x in spring.values()} == {"春节", "春节调休上班"}
    assert notice.to_json()["days"][0] == {"date": "2026-01-01", "kind": "休", "note": "元旦"}


def test_combined_festivals_keep_both_names() -> None:
    festivals = [a.festival for a in parse_notice(text("2025.txt")).arrangements]
    assert festivals == ["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"]


# ---------------------------------------------------------------- copies as staff paste them

def full_width(s: str) -> str:
    return s.translate(str.maketrans(":,();0123456789", "：，（）；０１２３４５６７８９"))


def pdf_lines(s: str) -> str:
    """A PDF copy: a line break every 23 characters, wherever it falls, and stray spaces."""
    flat = s.replace("\n", "")
    return "\n".join(" " + flat[i:i + 23] for i in range(0, len(flat), 23))


def heading_alone(s: str) -> str:
    """Forum copies put "一、元旦：" on a line of its own."""
    return re.sub(r"([一二三四五六七]、[^:\n]+:)", r"\1\n\n", s)


@pytest.mark.parametrize("name", ["2012.txt", "2017.txt", "2025.txt", "2026.txt"])
@pytest.mark.parametrize("variant", [full_width, pdf_lines, heading_alone])
def test_copies_with_other_punctuation_and_line_breaks_read_the_same(name: str, variant) -> None:  # type: ignore[no-untyped-def]
    assert parse_notice(variant(text(name))).to_json() == parse_notice(text(name)).to_json()


def test_traditional_characters_read_the_same() -> None:
    assert parse_notice(text("2017_traditional.txt")).to_json() == parse_notice(text("2017.txt")).to_json()


def test_year_from_the_title_or_given_and_they_must_agree() -> None:
    items_only = text("2026.txt").split("通知如下。")[1]
    assert parse_notice(items_only, 2026).year == 2026
    with pytest.raises(NoticeError, match="找不到年份"):
        parse_notice(items_only)
    with pytest.raises(NoticeError, match="2026年的安排，而 --year 指定的是2027年"):
        parse_notice(text("2026.txt"), 2027)


# ---------------------------------------------------------------- refused, quoting the item

def refused(notice: str, year: int | None = None) -> NoticeError:
    with pytest.raises(NoticeError) as caught:
        parse_notice(notice, year)
    return caught.value


def test_a_wrong_weekday_is_refused_with_its_line() -> None:
    err = refused(text("2026.txt").replace("1月4日(周日)上班", "1月4日(周一)上班"))
    assert "1月4日是星期日" in err.problem and "周一" in err.problem
    assert err.line is not None and err.line.startswith("一、元旦:1月1日(周四)") and "1月4日(周一)上班" in err.line


def test_a_real_copy_with_a_wrong_weekday_is_refused() -> None:
    # https://gtjafl.com/big5/zixun_942078 quotes 2013's 国庆 as "9月29日(星期六)"; it was a Sunday.
    wrong = text("2013.txt").replace("9月29日(星期日)、10月12日", "9月29日(星期六)、10月12日")
    assert "9月29日是星期日" in refused(wrong).problem


def test_a_wrong_day_count_is_refused_with_its_line() -> None:
    err = refused(text("2025.txt").replace("放假调休,共8天。1月26日", "放假调休,共7天。1月26日"))
    assert "共7天" in err.problem and "1月28日至2月4日是8天" in err.problem
    assert err.line is not None and err.line.startswith("二、春节:1月28日")
    err = refused(text("2025.txt").replace("放假1天,不调休", "放假2天,不调休"))
    assert "放假2天" in err.problem and err.line is not None and err.line.startswith("一、元旦")


def test_a_date_that_does_not_exist_is_refused_with_its_line() -> None:
    err = refused(text("2026.txt").replace("2月28日(周六)上班", "2月30日(周六)上班"))
    assert err.problem == "2月30日不存在"
    assert err.line is not None and "2月30日(周六)上班" in err.line
    # http://opticsky.cn/read-htm-tid-96073.html lost a digit: "六、中秋节、国庆节:0月1日至8日"
    assert refused(text("2017.txt").replace(":10月1日至8日", ":0月1日至8日")).problem == "0月1日不存在"


def test_a_text_that_is_not_a_holiday_notice_is_refused() -> None:
    seeds = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
    others = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))]  # real notices of another kind
    for other in [*others, "", "关于做好2026年建议提案办理工作的通知：请于3月25日前报送。"]:
        assert "不是国务院办公厅的节假日安排通知" in refused(other, 2026).problem


def test_a_notice_copied_in_part_is_refused() -> None:
    full = text("2026.txt")
    without_third = re.sub(r"三、清明节:[^\n]*\n", "", full)
    assert "应是第3项" in refused(without_third).problem
    first_two = full.split("三、清明节")[0]
    assert "清明、劳动、端午、中秋、国庆" in refused(first_two).problem


@pytest.mark.parametrize(("change", "problem"), [
    (("5月9日(周六)上班", "5月11日(周一)上班"), "5月11日是星期一，本来就上班"),
    (("1月4日(周日)上班", "1月3日(周六)上班"), "1月3日既是放假日又是上班日"),
    (("至23日(农历正月初七、周一)", "至13日(农历正月初七、周五)"), "2月13日早于2月15日"),
    (("5月9日(周六)上班", "其中5月9日(周六)照常上班"), "看不懂"),
])
def test_other_inconsistencies_are_refused(change: tuple[str, str], problem: str) -> None:
    assert problem in refused(text("2026.txt").replace(*change)).problem


def test_old_style_compensation_day_must_be_a_weekday() -> None:
    wrong = text("2017.txt").replace("1月2日(星期一)补休", "1月7日(星期六)补休")
    assert "1月7日是星期六，本来就休息" in refused(wrong).problem
