"""reply-number-format and phone-format: text that should follow a known pattern (warnings)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from taizhang.core.columns import Col
from taizhang.core.settings import Severity
from taizhang.validators.context import Column, Context
from taizhang.validators.registry import Hit, rule

# “X〔2025〕12号”: an optional issuer, the year in any bracket style, the number, 号.
# (The reader folds full-width （）［］ to ASCII; 〔〕【】 stay as typed.)
REPLY_NUMBER = r".*[〔\[(（【]\s*(?:19|20)\d{2}\s*[〕\])）】]\s*第?\s*\d+\s*号"
MOBILE = r"1[3-9]\d{9}"
LANDLINE = r"(?:0\d{2,3}-?|\(0\d{2,3}\)|（0\d{2,3}）)?\d{7,8}(?:-\d{1,5})?"
PHONE_SEPARATORS = r"[、，,;；/／]+"
_REPLY_NUMBER = re.compile(REPLY_NUMBER)
_MOBILE = re.compile(MOBILE)
_LANDLINE = re.compile(LANDLINE)
# A whole cell of good numbers: mobiles (spaces or hyphens inside allowed) or landlines, separated.
_ONE_PHONE = rf"(?:1[3-9](?:[\s-]*\d){{9}}|{LANDLINE})"
_PHONES = re.compile(rf"\s*{_ONE_PHONE}\s*(?:{PHONE_SEPARATORS}\s*{_ONE_PHONE}\s*)*(?:{PHONE_SEPARATORS})?\s*")


@rule("reply-number-format", Severity.WARNING, "答复文号应含年份和序号，如“X〔2025〕12号”",
      "答复文号“{value}”格式不规范，应写作“X〔2025〕12号”这样含年份和序号的文号")
def reply_number_format(ctx: Context) -> Iterator[Hit]:
    yield from ctx.emit(_fails(ctx.col(Col.REPLY_NUMBER), _REPLY_NUMBER), Col.REPLY_NUMBER)


@rule("phone-format", Severity.WARNING, "联系电话应为11位手机号或带区号的固定电话",
      "联系电话中的“{piece}”格式不规范，应为11位手机号（如13912345678）或固定电话（如0994-1234567）")
def phone_format(ctx: Context) -> Iterator[Hit]:
    phones = ctx.col(Col.PHONE)
    # The whole-cell pattern passes the common case fast; a cell it rejects is taken apart and
    # judged number by number (which also tolerates spaces inside a landline).
    for row, phone, failing in zip(ctx.rows, phones, _fails(phones, _PHONES), strict=True):
        if not failing:
            continue
        cell = str(phone)
        bad = bad_phones(cell)
        if bad:
            yield Hit(row, Col.PHONE, cell, {"piece": "、".join(bad)})


def bad_phones(cell: str) -> list[str]:
    """The numbers in a 联系电话 cell that are neither a mobile nor a landline."""
    pieces = (_compact(p) for p in re.split(PHONE_SEPARATORS, cell))
    return [p for p in pieces if p and not _phone_ok(p)]


def _compact(piece: str) -> str:
    return re.sub(r"\s+", "", piece)


def _phone_ok(piece: str) -> bool:
    return bool(_MOBILE.fullmatch(piece.replace("-", "")) or _LANDLINE.fullmatch(piece))


def _fails(column: Column, pattern: re.Pattern[str]) -> list[bool]:
    """True where a non-empty cell does not match `pattern`."""
    match = pattern.fullmatch
    return [value is not None and match(str(value)) is None for value in column]
