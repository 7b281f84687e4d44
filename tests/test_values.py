"""Date parsing and header matching, by example and by property."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.columns import COLUMNS, match_header
from taizhang.core.values import Unparseable, parse_date, parse_flag, parse_int, parse_year, split_units

DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("raw", "year", "expected"),
    [
        ("2025.3.25", None, date(2025, 3, 25)),
        ("2025/3/25", None, date(2025, 3, 25)),
        ("2025-03-25", None, date(2025, 3, 25)),
        ("2025年3月25日", None, date(2025, 3, 25)),
        (" 2025 年 3 月 25 日 ", None, date(2025, 3, 25)),
        ("３月２５日", 2025, date(2025, 3, 25)),
        ("3月25号", 2024, date(2024, 3, 25)),
        ("20250325", None, date(2025, 3, 25)),
        ("2025-03-25 00:00:00", None, date(2025, 3, 25)),
        (45741, None, date(2025, 3, 25)),
        (45741.0, None, date(2025, 3, 25)),
        (datetime(2025, 3, 25, 9, 30), None, date(2025, 3, 25)),
        (None, None, None),
        ("  ", None, None),
    ],
)
def test_parse_date_examples(raw: object, year: int | None, expected: date | None) -> None:
    assert parse_date(raw, year) == expected


@pytest.mark.parametrize("raw", ["下周", "2025.13.45", "2025-02-30", "3月25日", True, -3, "二〇二五年"])
def test_parse_date_refuses_with_a_reason(raw: object) -> None:
    with pytest.raises(Unparseable) as caught:
        parse_date(raw)
    assert caught.value.reason


@given(DAYS, st.sampled_from(["{y}.{m}.{d}", "{y}/{m}/{d}", "{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日", "{y}{m:02d}{d:02d}"]),
       st.booleans())
def test_text_dates_round_trip(day: date, pattern: str, full_width: bool) -> None:
    text = pattern.format(y=day.year, m=day.month, d=day.day)
    if full_width:
        text = text.translate(FULL_WIDTH)
    assert parse_date(text) == day


@given(DAYS)
def test_excel_serials_round_trip(day: date) -> None:
    serial = (day - date(1899, 12, 30)).days
    assert parse_date(serial) == day
    assert parse_date(float(serial)) == day


@given(DAYS)
def test_month_day_takes_the_given_year(day: date) -> None:
    assert parse_date(f"{day.month}月{day.day}日", day.year) == day


@given(st.sampled_from(COLUMNS), st.sampled_from(["", " ", "\n", "\u3000"]), st.sampled_from(["", "*", "＊"]))
def test_every_spelling_matches_with_spaces_breaks_and_markers(spec, gap: str, marker: str) -> None:
    for spelling in (spec.name, *spec.aliases):
        messy = marker + gap.join(spelling) if len(spelling) > 1 else marker + spelling
        assert match_header(messy) == spec.name, messy
        assert match_header(f" {spelling} ") == spec.name


@given(st.text(alphabet="甲乙丙丁戊己庚辛壬癸xyz", min_size=1, max_size=6))
def test_nonsense_headers_match_nothing(text: str) -> None:
    assert match_header(text) is None


@pytest.mark.parametrize(("header", "name"), [
    ("承办单位（主办）", "主办单位"), ("办理结果（A/B/C）", "办理结果"), ("建议\n编号", "编号"), ("领衔代表(委员)", "领衔人"),
    ("【系统】状态", None),
])
def test_header_examples(header: str, name: str | None) -> None:
    assert match_header(header) == name


def test_small_converters() -> None:
    assert parse_int("11人") == 11
    assert parse_year("２０２５年度") == 2025
    assert parse_flag("√") is True
    assert parse_flag("否") is False
    assert split_units("县财政局、县卫健委，县水利局;县财政局\n县民政局") == ["县财政局", "县卫健委", "县水利局", "县民政局"]
