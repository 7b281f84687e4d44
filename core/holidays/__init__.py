"""The State Council's yearly holiday notice: parsed into 节假日 rows, merged into the sheet, and a
reminder when next year is not known yet. Pure: no workbook library here."""

from taizhang.core.holidays.notice import HolidayNotice, NoticeDay, NoticeError, parse_notice

__all__ = ["HolidayNotice", "NoticeDay", "NoticeError", "parse_notice"]
