"""invalid-enum: a value outside its column's allowed list (the class scheme comes from 参数)."""

from __future__ import annotations

from collections.abc import Iterator

from taizhang.core.columns import ENUM_COLUMNS
from taizhang.core.enums import allowed_values
from taizhang.core.settings import Severity
from taizhang.validators.context import Context
from taizhang.validators.registry import Hit, rule


@rule("invalid-enum", Severity.ERROR, "类别、级别、提出时间、承办方式、办理结果、代表意见、公开属性须为规定的值",
      "“{field}”的值“{value}”不在可选范围内，应为：{allowed}")
def invalid_enum(ctx: Context) -> Iterator[Hit]:
    scheme = ctx.settings.params.class_scheme
    for name in ENUM_COLUMNS:
        allowed = allowed_values(name, scheme)
        accepted = {*allowed, None}
        # The reader already mapped known spellings (建议, A类, 比较满意 …) to canonical values.
        column = ctx.col(name)
        if set(column) <= accepted:
            continue
        yield from ctx.emit([v not in accepted for v in column], name, allowed="、".join(allowed))
