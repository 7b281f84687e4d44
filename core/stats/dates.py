"""Dates in the words of the office's reports."""

from __future__ import annotations

from datetime import date


def chinese_date(day: date) -> str:
    """A date as offices write it: 2026年5月20日."""
    return f"{day.year}年{day.month}月{day.day}日"
