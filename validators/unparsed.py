"""unparsed-value: every cell the reader kept raw because it could not understand it."""

from __future__ import annotations

from collections.abc import Iterator

from taizhang.core.settings import Severity
from taizhang.validators.context import Context
from taizhang.validators.registry import Hit, rule


@rule("unparsed-value", Severity.ERROR, "单元格的值无法识别（如日期、年度、是否写法不对）",
      "“{field}”的值“{value}”无法识别：{reason}")
def unparsed_value(ctx: Context) -> Iterator[Hit]:
    for bad in ctx.ledger.unparsed:
        yield Hit(bad.row, bad.name, bad.value, {"reason": bad.reason}, bad.column)
