"""Reading the State Council's yearly holiday notice (国务院办公厅关于20XX年部分节假日安排的通知).

The notice is taken as staff copy it from a web page or a PDF: full- or half-width punctuation,
星期X or 周X, spaces and line breaks anywhere, the preamble and the closing paragraphs around the
arrangement, traditional characters. Its arrangement is one item per festival:

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月2日（农历除夕）至8日放假调休，共7天。1月30日（星期日）、2月12日（星期六）上班。
    一、元旦：1月1日放假，1月2日（星期一）补休。   四、劳动节：5月1日放假，与周末连休。

Every day of a 放假 range is a rest day (weekends inside it included), a 补休 day is a rest day,
an 上班 day is a make-up working day. Nothing is guessed: a weekday annotation that does not match
its date, a 共N天 that does not match its range, a date that does not exist, a year that does not
agree, a missing festival or a sentence with dates that is not understood raises `NoticeError`
with the item's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise

WEEKDAYS = "一二三四五六日"
REST, WORK = "休", "班"
# Every yearly notice arranges these seven (MIN_REST_DAYS in core/calendar.py relies on it).
FESTIVALS = ("元旦", "春节", "清明", "劳动", "端午", "中秋", "国庆")

# One character in, one character out, so a position in the normalised text is the same position
# in the text as copied (which is what an error quotes).
_WIDE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_TRADITIONAL = str.maketrans("週補與調節國慶勞動農曆臘關於辦廳務連現將發號", "周补与调节国庆劳动农历腊关于办厅务连现将发号")
_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_NUMERALS = {ch: i for i, ch in enumerate("一二三四五六七八九十", start=1)}

_TITLE_YEAR = re.compile(r"关于(\d{4})年(?:度)?部分节假日安排")
_TEXT_YEAR = re.compile(r"现将(\d{4})年")
_HEADING = re.compile(r"([一二三四五六七八九十]{1,3})、([^:、,。;()\d]{2,10}(?:、[^:、,。;()\d]{2,10})*):")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})[日号](?:\(([^()]{0,40})\))?")
_STARTS_WITH_DATE = re.compile(r"(?:\d{4}年)?\d{1,2}月\d{1,2}[日号]")
_ANY_DATE = re.compile(r"\d{1,2}月\d{1,2}[日号]")
_RANGE = re.compile(r"至|~|-|—|–")
_ACTION = re.compile(r"(放假)(?:调休|公休|休息)?(?:(\d{1,2}|[一二三四五六七八九十]{1,2})天)?|(补休)|(上班)")
_COUNT = re.compile(r"共(\d{1,2}|[一二三四五六七八九十]{1,3})天")
_INFO = re.compile(r"不调休|与周[末六日天]连休")
_ADVICE = "鼓励"  # 鼓励…在除夕（2月9日）休息: advice to employers, not a day off
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_SEPARATORS = ",。;、"


class NoticeError(Exception):
    """The notice says something inconsistent or not understood; `line` is the item it is in."""

    def __init__(self, problem: str, line: str | None = None) -> None:
        super().__init__(problem if line is None else f"{problem}：“{line}”")
        self.problem = problem
        self.line = line


@dataclass(frozen=True)
class NoticeDay:
    """One day the notice names: a rest day (休) or a make-up working day (班), and its festival."""

    day: date
    rest: bool  # 休 = True; a make-up working day (班) = False
    festival: str

    @property
    def kind(self) -> str:
        return REST if self.rest else WORK

    @property
    def note(self) -> str:
        """The 说明 the 节假日 sheet shows, as `taizhang new` writes it."""
        return self.festival if self.rest else f"{self.festival}调休上班"


@dataclass
class Arrangement:
    """One item of the notice: 二、春节：… ."""

    festival: str
    line: str  # the item as copied, whitespace removed
    rest: list[date] = field(default_factory=list)
    work: list[date] = field(default_factory=list)


@dataclass
class HolidayNotice:
    """The State Council's notice for one year, parsed: each festival's rest days and make-up working days."""

    year: int
    arrangements: list[Arrangement]

    @property
    def days(self) -> list[NoticeDay]:
        """Every rest and make-up working day, by date (a day two items name is listed once)."""
        found: dict[date, NoticeDay] = {}
        for a in self.arrangements:
            for d in a.rest:
                found.setdefault(d, NoticeDay(d, True, a.festival))
            for d in a.work:
                found.setdefault(d, NoticeDay(d, False, a.festival))
        return [found[d] for d in sorted(found)]

    def to_json(self) -> dict[str, object]:
        return {"year": self.year,
                "days": [{"date": d.day.isoformat(), "kind": d.kind, "note": d.note} for d in self.days]}


# ---------------------------------------------------------------- text

@dataclass(frozen=True)
class _Text:
    copied: str  # as pasted, whitespace removed: what errors quote
    norm: str  # the same characters, half-width and simplified: what the patterns read

    def quote(self, start: int, end: int) -> str:
        return self.copied[start:end].rstrip("。")


def _prepare(text: str) -> _Text:
    copied = _INVISIBLE.sub("", text)
    return _Text(copied, copied.translate(_WIDE).translate(_TRADITIONAL).replace("－", "-"))


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _NUMERALS[text[1]]
    if len(text) == 3 or (len(text) == 2 and text.endswith("十")):
        return _NUMERALS[text[0]] * 10 + (_NUMERALS[text[2]] if len(text) == 3 else 0)
    return _NUMERALS[text]


def _weekday_name(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


def _shown(day: date, year: int) -> str:
    return f"{day.month}月{day.day}日" if day.year == year else f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------- year

def _sentence(t: _Text, start: int, end: int, reach: int = 24) -> str:
    """The words around start:end, up to the sentence's ends but at most `reach` characters out."""
    before = t.norm.rfind("。", max(start - reach, 0), start)
    after = t.norm.find("。", end, end + reach)
    return t.quote(before + 1 if before != -1 else max(start - reach, 0),
                   after if after != -1 else min(end + reach, len(t.norm)))


def notice_year(text: str, year: int | None = None) -> int:
    """The year the notice arranges: from its title, else its first sentence, else `year`;
    when two of them are given they must agree."""
    t = _prepare(text)
    found: list[tuple[int, str]] = []
    for pattern in (_TITLE_YEAR, _TEXT_YEAR):
        m = pattern.search(t.norm)
        if m:
            found.append((int(m[1]), _sentence(t, m.start(), m.end())))
    if year is not None:
        for y, line in found:
            if y != year:
                raise NoticeError(f"通知写的是{y}年的安排，而 --year 指定的是{year}年", line)
    if len(found) == 2 and found[0][0] != found[1][0]:
        raise NoticeError(f"通知标题是{found[0][0]}年，正文却是{found[1][0]}年", found[1][1])
    if found:
        return found[0][0]
    if year is None:
        raise NoticeError("通知中找不到年份（标题“国务院办公厅关于20XX年部分节假日安排的通知”）；"
                          "请连标题一起复制，或用 --year 指定年份")
    return year


# ---------------------------------------------------------------- items

@dataclass
class _Item:
    number: int
    festival: str
    start: int  # the heading
    body: int  # after the colon
    end: int  # the next heading, or the end of the arrangement
    last: bool = False


def _items(t: _Text) -> list[_Item]:
    items: list[_Item] = []
    for m in _HEADING.finditer(t.norm):
        if not _STARTS_WITH_DATE.match(t.norm, m.end()):
            continue  # 一、…: in the preamble or closing, not an arrangement
        items.append(_Item(_number(m[1]), m[2], m.start(), m.end(), len(t.norm)))
    for item, following in pairwise(items):
        item.end = following.start
    if items:
        items[-1].end = _arrangement_end(t.norm, items[-1].body)
        items[-1].last = True
    return items


def _arrangement_end(norm: str, body: int) -> int:
    """The last item runs on into the closing paragraphs: it ends before the first sentence that
    does not start with a date (节假日期间…, 鼓励…, 国务院办公厅)."""
    end = norm.find("。", body)
    while end != -1 and _STARTS_WITH_DATE.match(norm, end + 1):
        end = norm.find("。", end + 1)
    return len(norm) if end == -1 else end + 1


def _check_items(items: list[_Item], t: _Text) -> None:
    if not items:
        raise NoticeError("这段文字不是国务院办公厅的节假日安排通知：找不到“一、元旦：1月1日……放假”这样的安排")
    for expected, item in enumerate(items, start=1):
        if item.number != expected:
            raise NoticeError(f"通知各项的编号不连续，此处应是第{expected}项，可能没有复制完整",
                              t.quote(item.start, item.end))
    named = "".join(i.festival for i in items)
    absent = [f for f in FESTIVALS if f not in named]
    if absent:
        raise NoticeError(f"通知中没有{'、'.join(absent)}的安排：请复制通知的全文（从“一、元旦”到最后一项）")


# ---------------------------------------------------------------- one item


@dataclass
class _Cursor:
    t: _Text
    item: _Item
    year: int
    pos: int

    @property
    def line(self) -> str:
        return self.t.quote(self.item.start, self.item.end)

    def fail(self, problem: str) -> NoticeError:
        return NoticeError(problem, self.line)

    def at(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        return pattern.match(self.t.norm, self.pos, self.item.end)


def _date(c: _Cursor, previous: date | None) -> date | None:
    """The date at the cursor (month and year from `previous` when it writes only the day), its
    weekday annotation checked."""
    m = c.at(_DATE)
    if m is None:
        return None
    y, mo, d, note = m.groups()
    if mo is not None:
        year, month = (int(y) if y else c.year), int(mo)
    elif previous is not None:  # 至3日
        year, month = previous.year, previous.month
    else:
        return None
    shown = f"{y + '年' if y and mo else ''}{month}月{d}日"
    try:
        day = date(year, month, int(d))
    except ValueError:
        raise c.fail(f"{shown}不存在") from None
    if note:
        w = _WEEKDAY.search(note)
        if w and WEEKDAYS.index(w[1].replace("天", "日")) != day.weekday():
            raise c.fail(f"{shown}是{_weekday_name(day)}，通知却注明“{w[0]}”")
    c.pos = m.end()
    return day


def _group(c: _Cursor) -> list[date] | None:
    """Dates and ranges joined by 、: 1月26日（周日）、2月8日（周六） or 4月30日至5月2日."""
    days: list[date] = []
    previous: date | None = None
    while True:
        first = _date(c, previous)
        if first is None:
            return days or None
        last = first
        sep = c.at(_RANGE)
        if sep:
            c.pos = sep.end()
            end = _date(c, first)
            if end is None:
                raise c.fail(f"“{sep[0]}”后面应是日期")
            if end < first:
                raise c.fail(f"{_shown(end, c.year)}早于{_shown(first, c.year)}，放假日期前后颠倒")
            last = end
        days += [first + timedelta(n) for n in range((last - first).days + 1)]
        previous = last
        if c.t.norm.startswith("、", c.pos) and _DATE.match(c.t.norm, c.pos + 1, c.item.end):
            c.pos += 1
            continue
        return days


def _check_count(c: _Cursor, days: list[date], count: int, said: str) -> None:
    if count != len(days):
        span = _shown(days[0], c.year) + (f"至{_shown(days[-1], c.year)}" if len(days) > 1 else "")
        raise c.fail(f"“{said}”与日期不符：{span}是{len(days)}天")


def _read_item(t: _Text, item: _Item, year: int) -> Arrangement:
    c = _Cursor(t, item, year, item.body)
    found = Arrangement(item.festival, c.line)
    last_rest: list[date] | None = None
    norm = t.norm
    while c.pos < item.end:
        if norm[c.pos] in _SEPARATORS:
            c.pos += 1
            continue
        if norm.startswith(_ADVICE, c.pos):
            stop = norm.find("。", c.pos, item.end)
            c.pos = item.end if stop == -1 else stop + 1
            continue
        days = _group(c)
        if days is not None:
            action = c.at(_ACTION)
            if action is None:
                raise c.fail("日期后面应是“放假”“补休”或“上班”")
            c.pos = action.end()
            if action[4]:
                _check_work(c, days)
                found.work += days
                last_rest = None
            else:
                if action[3]:
                    _check_compensation(c, days)
                if action[2]:
                    _check_count(c, days, _number(action[2]), action[0])
                found.rest += days
                last_rest = days
            continue
        count = c.at(_COUNT)
        if count is not None:
            if last_rest is None:
                raise c.fail(f"“{count[0]}”前面没有放假日期")
            _check_count(c, last_rest, _number(count[1]), count[0])
            c.pos = count.end()
            continue
        info = c.at(_INFO)
        if info is not None:
            c.pos = info.end()
            continue
        _stop(c)
        break
    if not found.rest:
        raise c.fail("这一项没有放假日期")
    return found


def _stop(c: _Cursor) -> None:
    """Text the arrangement grammar does not know ends the item, unless it names a date: then it
    may be an arrangement said in other words, and is not skipped silently."""
    sentence_end = c.t.norm.find("。", c.pos, c.item.end)
    rest = c.t.norm[c.pos: c.item.end if sentence_end == -1 else sentence_end]
    if _ANY_DATE.search(rest) or (not c.item.last and _ANY_DATE.search(c.t.norm, c.pos, c.item.end)):
        raise c.fail(f"看不懂“{c.t.quote(c.pos, c.pos + len(rest))}”")


def _check_work(c: _Cursor, days: list[date]) -> None:
    for day in days:
        if day.weekday() < 5:
            raise c.fail(f"{_shown(day, c.year)}是{_weekday_name(day)}，本来就上班，通知却把它列为调休上班日")


def _check_compensation(c: _Cursor, days: list[date]) -> None:
    for day in days:
        if day.weekday() >= 5:
            raise c.fail(f"{_shown(day, c.year)}是{_weekday_name(day)}，本来就休息，不能作补休日")


# ---------------------------------------------------------------- the whole notice

def _check_days(arrangements: list[Arrangement], year: int) -> None:
    kinds: dict[date, tuple[bool, Arrangement]] = {}
    for a in arrangements:
        for rest, days in ((True, a.rest), (False, a.work)):
            for day in days:
                near = (day.year == year - 1 and day.month == 12) or (day.year == year + 1 and day.month == 1)
                if day.year != year and not near:
                    raise NoticeError(f"{day.year}年{day.month}月{day.day}日不在{year}年的安排之内", a.line)
                seen = kinds.get(day)
                if seen is not None and seen[0] != rest:
                    raise NoticeError(f"{_shown(day, year)}既是放假日又是上班日", a.line)
                kinds.setdefault(day, (rest, a))


def parse_notice(text: str, year: int | None = None) -> HolidayNotice:
    """The notice's rest days and make-up working days; `year` (e.g. --year) must agree with the
    notice's own year when it states one."""
    t = _prepare(text)
    items = _items(t)
    _check_items(items, t)
    found_year = notice_year(text, year)
    arrangements = [_read_item(t, item, found_year) for item in items]
    _check_days(arrangements, found_year)
    return HolidayNotice(found_year, arrangements)
