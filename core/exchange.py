"""The exchange of workbooks with the handling units (docs/domain.md #exchange-of-workbooks): the
record of what a merge took (变更记录).
"""

from __future__ import annotations

from typing import Any

from taizhang.core.columns import Col

# The 变更记录 sheet: one row per value a merge took, below this header.
CHANGE_HEADERS = ("时间", "文件", "单位", Col.NUMBER, "字段", "原值", "新值")


def cell_text(value: Any) -> str | None:
    """A value as the 变更记录 holds and compares it: text, a whole number without ".0", None for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
