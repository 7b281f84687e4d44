"""One cell's value as SpreadsheetML: text is always an inline string (never a formula)."""

from __future__ import annotations

import math
import operator
import re
from dataclasses import replace
from datetime import date, datetime
from itertools import repeat

from lxml import etree

from taizhang.core.errors import BadInput
from taizhang.core.values import EXCEL_EPOCH

from .model import CellValue, Hyperlink, Style
from .xmlutil import q

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_TEXT = 32767  # Excel's limit for one cell
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def excel_serial(value: date | datetime) -> float:
    if isinstance(value, datetime):
        delta = value.replace(tzinfo=None) - datetime(EXCEL_EPOCH.year, EXCEL_EPOCH.month, EXCEL_EPOCH.day)
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return float((value - EXCEL_EPOCH).days)


def default_style(value: object, style: Style | None) -> Style | None:
    """Dates need a date format to show as dates (and for calamine to read them back as dates)."""
    if isinstance(value, datetime):
        fmt = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        fmt = "yyyy-mm-dd"
    else:
        return style
    if style is None:
        return Style(number_format=fmt)
    return style if style.number_format else replace(style, number_format=fmt)


def shown_text(value: object) -> object:
    """What a reader gets back from the cell."""
    return value.text if isinstance(value, Hyperlink) else value


def clear_cell(c: etree._Element) -> bool:
    """Drop the value; True when the cell held a formula (then calcChain may be stale)."""
    had_formula = c.find(q("f")) is not None
    for sub in list(c):
        c.remove(sub)
    for attr in ("t", "cm", "vm", "ph"):
        c.attrib.pop(attr, None)
    return had_formula


def set_cell_value(c: etree._Element, value: CellValue, where: str) -> bool:
    had_formula = clear_cell(c)
    if isinstance(value, Hyperlink):
        value = value.text
    if value is None:
        return had_formula
    if isinstance(value, bool):
        c.set("t", "b")
        etree.SubElement(c, q("v")).text = "1" if value else "0"
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise BadInput(f"{where}：数值 {value} 无法写入 Excel（应为有限数字）。")
        etree.SubElement(c, q("v")).text = repr(value) if isinstance(value, float) else str(value)
    elif isinstance(value, date):
        etree.SubElement(c, q("v")).text = f"{excel_serial(value):.10g}"
    else:
        text = _ILLEGAL.sub("", str(value))
        if len(text) > MAX_TEXT:
            raise BadInput(f"{where}：文字长 {len(text)} 字，超过 Excel 单元格上限 {MAX_TEXT} 字。")
        c.set("t", "inlineStr")
        t = etree.SubElement(etree.SubElement(c, q("is")), q("t"))
        t.text = text
        if text != text.strip() or "\n" in text:
            t.set(_XML_SPACE, "preserve")
    return had_formula


# -- the same cells as bytes, for rows the writer patches without parsing (sheetxml.py) ----------
# The output is exactly what lxml writes for the element set_cell_value() builds (attributes r, s, t
# in that order), so a row patched as bytes and a row serialized from a tree agree byte for byte.
def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def cell_rest(xf: int, value: CellValue, where: str) -> tuple[bytes, tuple[str, ...]]:
    """The bytes of a cell after `<c r="A1"` and the local names of the elements it holds."""
    s = f' s="{xf}"' if xf else ""
    if isinstance(value, Hyperlink):
        value = value.text
    if value is None:
        return f"{s}/>".encode(), ("c",)
    if isinstance(value, bool):
        return f'{s} t="b"><v>{1 if value else 0}</v></c>'.encode(), ("c", "v")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise BadInput(f"{where}：数值 {value} 无法写入 Excel（应为有限数字）。")
        text = repr(value) if isinstance(value, float) else str(value)
        return f"{s}><v>{text}</v></c>".encode(), ("c", "v")
    if isinstance(value, date):
        return f"{s}><v>{excel_serial(value):.10g}</v></c>".encode(), ("c", "v")
    rest = text_rest(s, str(value))
    if rest is None:
        text = _ILLEGAL.sub("", str(value))
        raise BadInput(f"{where}：文字长 {len(text)} 字，超过 Excel 单元格上限 {MAX_TEXT} 字。")
    return rest, ("c", "is", "t")


def text_rest(s: str, text: str) -> bytes | None:
    """cell_rest's bytes for a text, `s` its format attribute (' s="7"' or ""); None when the
    text is longer than a cell holds (cell_rest says so)."""
    text = _ILLEGAL.sub("", text)
    if len(text) > MAX_TEXT:
        return None
    space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
    return f'{s} t="inlineStr"><is><t{space}>{_esc(text)}</t></is></c>'.encode()


def formula_in(cell: bytes) -> bool:
    """Whether a cell's bytes hold a formula element."""
    return _F_TAG.search(cell) is not None


_F_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s/>]")


# -- many cells at once: a tool sheet's column of distinct values (toolsheet.py) -----------------
# Texts are joined with a character no cell text holds (checked), worked on as one string at C
# speed, and split again: the same bytes as one call per text, without the calls.
SEP = "\ue000"
_SEP_B = SEP.encode()


def joinable(texts: list[str]) -> str | None:
    """The texts joined with SEP, or None when one of them holds SEP itself (or is not a str)."""
    try:
        joined = SEP.join(texts)
    except TypeError:
        return None
    return joined if joined.count(SEP) == len(texts) - 1 else None


def text_rests(s: str, texts: list[str]) -> list[bytes | None]:
    """text_rest(s, text) for each text."""
    joined = joinable(texts) if texts else None
    if joined is None or _ILLEGAL.search(joined) or max(map(len, texts)) > MAX_TEXT:
        return [text_rest(s, text) for text in texts]
    out: list[bytes | None] = _wrapped(f'{s} t="inlineStr"><is><t>', _esc(joined), "</t></is></c>")  # type: ignore[assignment]
    spaced = list(map(operator.ne, texts, map(str.strip, texts)))
    if "\n" in joined:
        spaced = list(map(operator.or_, spaced, map(operator.contains, texts, repeat("\n"))))
    if any(spaced):  # xml:space="preserve": few
        for i, text in enumerate(texts):
            if spaced[i]:
                out[i] = text_rest(s, text)
    return out


def int_rests(s: str, numbers: list[int]) -> list[bytes]:
    """cell_rest's bytes for each int (exactly int), `s` its format attribute."""
    return _wrapped(f"{s}><v>", SEP.join(map(str, numbers)), "</v></c>")


def _wrapped(pre: str, joined: str, post: str) -> list[bytes]:
    """Each of the SEP-joined texts between `pre` and `post`, encoded (as bytes: a bytes
    replace is twice as fast as one on the wider str)."""
    head, tail = pre.encode(), post.encode()
    return (head + joined.encode().replace(_SEP_B, tail + _SEP_B + head) + tail).split(_SEP_B)
