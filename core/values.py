"""Pure converters from what a cell holds to what a case needs, with one policy for bad input:
a value that does not convert raises `Unparseable` with the reason, and the caller keeps it raw.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from taizhang.core.columns import Col

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's phantom 1900-02-29
MAX_SERIAL = 2958465  # 9999-12-31
# The dates a 台账 can hold: anything outside is a typo (9999, 2205) and is kept raw, so no job
# does arithmetic on it (a deadline three months after 9999-12-01 does not exist).
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


class Unparseable(ValueError):
    """The value is kept raw and listed; `reason` says what was expected, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_SPACES = re.compile(r"[ \t]+")
# Full-width digits, letters and space fold to ASCII; Chinese punctuation (，：（）) is left as
# staff typed it, so titles and reasons read back unchanged.
FULLWIDTH: dict[int, int | None] = {0xFF10 + i: 0x30 + i for i in range(10)}
FULLWIDTH.update({0xFF21 + i: 0x41 + i for i in range(26)})
FULLWIDTH.update({0xFF41 + i: 0x61 + i for i in range(26)})
FULLWIDTH.update({0x3000: 0x20, 0x200B: None, 0xA0: 0x20})
# Whether a text holds anything FULLWIDTH folds: searched in C, so the (slow, per-character)
# translate runs only on the few texts that need it.
TO_FOLD = re.compile("[" + "".join(re.escape(chr(c)) for c in FULLWIDTH) + "]")


def clean_text(value: object) -> str | None:
    """Text as staff meant it: full-width letters and digits folded, stray spaces dropped."""
    if value is None:
        return None
    if type(value) is str:
        text = value
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    else:
        text = str(value)
    text = text.translate(FULLWIDTH).strip()
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text or None


_FULL = re.compile(
    r"^(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"(?:[\sT]*\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_MONTH_DAY = re.compile(r"^(?P<m>\d{1,2})\s*[月.\-/]\s*(?P<d>\d{1,2})\s*[日号]?$")


def _build(year: int, month: int, day: int, shown: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Unparseable(f"“{shown}”不是存在的日期") from None


def serial_to_date(serial: float) -> date:
    if not 1 <= serial <= MAX_SERIAL:
        raise Unparseable(f"数字 {serial:g} 不是日期")
    days = int(serial)
    if days == 60:
        raise Unparseable("1900-02-29 不是存在的日期")
    return EXCEL_EPOCH + timedelta(days=days + (1 if days < 60 else 0))  # before Excel's phantom day


def parse_date(value: object, year: int | None = None) -> date | None:
    """A date from a cell: date cells, Excel serials, and text such as 2025.3.25, 2025/3/25,
    2025-03-25, 2025年3月25日, 20250325 and 3月25日 (the year comes from `year`).
    Empty cells give None; anything else, and any date outside 1900–2100, raises `Unparseable`."""
    found = _parse_date(value, year)
    if found is not None and not FIRST_DAY <= found <= LAST_DAY:
        raise Unparseable(f"“{found.isoformat()}”的年份 {found.year} 不在 1900—2100 年之间，应是笔误")
    return found


def _parse_date(value: object, year: int | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise Unparseable(f"“{value}”不是日期")
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer() and value < 1:
            raise Unparseable(f"数字 {value:g} 不是日期")
        as_text = str(int(value))
        if len(as_text) == 8 and (m := _COMPACT.match(as_text)):
            return _build(int(m["y"]), int(m["m"]), int(m["d"]), as_text)
        return serial_to_date(float(value))
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if not text:
        return None
    if m := _FULL.match(text) or _COMPACT.match(text):
        return _build(int(m["y"]), int(m["m"]), int(m["d"]), text)
    if m := _MONTH_DAY.match(text):
        if year is None:
            raise Unparseable(f"“{text}”缺少年份，且无法从年度列或参数表得知年份")
        return _build(year, int(m["m"]), int(m["d"]), text)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return _parse_date(float(text), year)
    raise Unparseable(f"“{text}”不是可识别的日期，应写作 2025-03-25、2025年3月25日 或日期格式单元格")


def parse_int(value: object) -> int | None:
    """A count such as 附议人数: 11, '11', '11人', '１１'."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise Unparseable(f"“{value}”不是整数")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise Unparseable(f"“{value:g}”不是整数")
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return None
    if m := re.fullmatch(r"(\d+)\s*[人名个]?", text):
        return int(m[1])
    raise Unparseable(f"“{text}”不是整数")


def parse_year(value: object) -> int | None:
    """年度: 2025, '2025', '2025年', '２０２５年度'."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.year
    text = unicodedata.normalize("NFKC", str(int(value) if isinstance(value, float) else value)).strip()
    if not text:
        return None
    if m := re.fullmatch(r"(\d{4})\s*(年度|年)?", text):
        year = int(m[1])
        if 1949 <= year <= 2200:
            return year
    raise Unparseable(f"“{text}”不是年度，应写作 2025")


_YES = {"是", "重点", Col.KEY_CASE, "√", "✓", "y", "yes", "1", "true"}  # 重点件: the column's name as its value
_NO = {"否", "非", "不是", "×", "n", "no", "0", "false", "-"}


def parse_flag(value: object) -> bool | None:
    """重点件: 是/否, √, 1/0."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = (clean_text(value) or "").lower()
    if not text:
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise Unparseable(f"“{text}”应为“是”或“否”")


_UNIT_SEPARATORS = re.compile(r"[、，,;；\n\r/／\s]+")


def split_units(value: object) -> list[str]:
    """协办单位 lists, separated by 、，,; or line breaks; empty pieces dropped, order kept."""
    text = clean_text(value)
    if not text:
        return []
    seen: list[str] = []
    for piece in _UNIT_SEPARATORS.split(text):
        if piece and piece not in seen:
            seen.append(piece)
    return seen


def year_from_text(text: str) -> int | None:
    """The year a title such as '2025年建议提案办理台账' names."""
    m = re.search(r"(20\d{2})\s*年", unicodedata.normalize("NFKC", text))
    return int(m[1]) if m else None
