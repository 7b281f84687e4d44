"""duplicate-number and duplicate-title: the same case entered twice.

Only the later rows of a group are reported (naming the earlier ones): the first entry is taken as
the original, so fixing the copies clears the finding.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from taizhang.core.columns import Col
from taizhang.core.settings import Severity
from taizhang.validators.context import Context
from taizhang.validators.registry import Hit, rule


def _later_duplicates(keys: pd.DataFrame) -> Iterator[tuple[int, list[int]]]:
    """(row, the group's other rows) for each row after the first of a group of equal keys."""
    complete = keys.dropna()
    repeated = complete[complete.duplicated(keep=False)]
    if repeated.empty:
        return
    for _, group in repeated.groupby(list(repeated.columns), sort=False):
        rows = sorted(int(r) for r in group.index)
        for row in rows[1:]:
            yield row, [r for r in rows if r != row]


NAMED_ROWS = 5  # a long group names its first rows and the count, not every row


def _named(rows: list[int]) -> str:
    named = "、".join(f"第{r}行" for r in rows[:NAMED_ROWS])
    return named if len(rows) <= NAMED_ROWS else f"{named}等{len(rows)}行"


@rule("duplicate-number", Severity.ERROR, "编号在同一类别、同一年度内不得重复",
      "编号“{value}”与{others}重复，同一类别同一年度内编号应唯一")
def duplicate_number(ctx: Context) -> Iterator[Hit]:
    frame = ctx.frame
    keys = pd.DataFrame({
        "number": frame[Col.NUMBER],
        "category": frame[Col.CATEGORY].fillna(""),  # a missing 类别 is reported by missing-value
        "year": ctx.year.fillna(-1),
    })
    for row, others in _later_duplicates(keys):
        yield Hit(row, Col.NUMBER, frame.at[row, Col.NUMBER], {"others": _named(others)})


@rule("duplicate-title", Severity.WARNING, "同一领衔人的同一标题出现两次，可能重复登记",
      "标题“{value}”与{others}的领衔人、标题相同，请确认是否重复登记")
def duplicate_title(ctx: Context) -> Iterator[Hit]:
    frame = ctx.frame
    keys = pd.DataFrame({"title": frame[Col.TITLE], "lead": frame[Col.LEAD]})
    for row, others in _later_duplicates(keys):
        yield Hit(row, Col.TITLE, frame.at[row, Col.TITLE], {"others": _named(others)})
