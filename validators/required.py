"""missing-value: the columns every case must fill."""

from __future__ import annotations

from collections.abc import Iterator

from taizhang.core.columns import Col
from taizhang.core.enums import Role
from taizhang.core.settings import Severity
from taizhang.validators.context import Context, missing
from taizhang.validators.registry import Hit, rule

REQUIRED = (Col.NUMBER, Col.CATEGORY, Col.TITLE, Col.LEAD, Col.ASSIGNED_DATE, Col.HOST_UNIT)


@rule("missing-value", Severity.ERROR, "必填项（编号、类别、标题、领衔人、交办日期、主办单位）不得为空",
      "“{field}”为空，应填写{field}{unless}")
def missing_value(ctx: Context) -> Iterator[Hit]:
    # A 参阅 case is read for reference only: nobody hosts it.
    reference = Role.REFERENCE.value
    roles = ctx.col(Col.ROLE)
    for name in REQUIRED:
        unless = "（参阅件除外）" if name == Col.HOST_UNIT else ""
        if None not in ctx.col(name):
            continue  # every case filled it in
        if name == Col.HOST_UNIT:
            mask = [v is None and role != reference for v, role in zip(ctx.col(name), roles, strict=True)]
        else:
            mask = missing(ctx.col(name))
        if not ctx.has(name):
            # A whole column missing is one finding at the header, not one per row.
            if any(mask):
                yield Hit(ctx.ledger.header_row, name, None, {"unless": unless + "（台账中没有这一列）"}, "")
            continue
        yield from ctx.emit(mask, name, unless=unless)
