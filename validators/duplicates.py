"""duplicate-number and duplicate-title: the same case entered twice.

Only the later rows of a group are reported (naming the earlier ones): the first entry is taken as
the original, so fixing the copies clears the finding.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator

from taizhang.core.columns import Col
from taizhang.core.settings import Severity
from taizhang.validators.context import Context
from taizhang.validators.registry import Hit, rule


def _repeated(column: Iterable[Hashable]) -> set[Hashable]:
    """The values given more than once: only their cases can be duplicates (counted at C speed)."""
    return {value for value, count in Counter(column).items() if count > 1 and value is not None}


def _later_duplicates(rows: list[int], keys: Iterable[tuple[Hashable, ...] | None]) -> Iterator[tuple[int, list[int]]]:
    """(row, the group's other rows) for each row after the first of a group of equal keys (a None
    key takes no part), groups in the order they first appear."""
    groups: dict[tuple[Hashable, ...], list[int]] = {}
    for row, key in zip(rows, keys, strict=True):
        if key is not None:
            groups.setdefault(key, []).append(row)
    for members in groups.values():
        if len(members) < 2:
            continue
        ordered = sorted(members)
        for row in ordered[1:]:
            yield row, [r for r in ordered if r != row]


NAMED_ROWS = 5  # a long group names its first rows and the count, not every row


def _named(rows: list[int]) -> str:
    named = "、".join(f"第{r}行" for r in rows[:NAMED_ROWS])
    return named if len(rows) <= NAMED_ROWS else f"{named}等{len(rows)}行"


@rule("duplicate-number", Severity.ERROR, "编号在同一类别、同一年度内不得重复",
      "编号“{value}”与{others}重复，同一类别同一年度内编号应唯一")
def duplicate_number(ctx: Context) -> Iterator[Hit]:
    numbers = ctx.col(Col.NUMBER)
    repeated = _repeated(numbers)
    if not repeated:
        return
    # A missing 类别 is reported by missing-value; a missing year is a year of its own.
    keys = ((number, category or "", -1 if year is None else year) if number in repeated else None
            for number, category, year in zip(numbers, ctx.col(Col.CATEGORY), ctx.year, strict=True))
    at = dict(zip(ctx.rows, numbers, strict=True))
    for row, others in _later_duplicates(ctx.rows, keys):
        yield Hit(row, Col.NUMBER, at[row], {"others": _named(others)})


@rule("duplicate-title", Severity.WARNING, "同一领衔人的同一标题出现两次，可能重复登记",
      "标题“{value}”与{others}的领衔人、标题相同，请确认是否重复登记")
def duplicate_title(ctx: Context) -> Iterator[Hit]:
    titles = ctx.col(Col.TITLE)
    repeated = _repeated(titles)
    if not repeated:
        return
    keys = ((title, lead) if title in repeated and lead is not None else None
            for title, lead in zip(titles, ctx.col(Col.LEAD), strict=True))
    at = dict(zip(ctx.rows, titles, strict=True))
    for row, others in _later_duplicates(ctx.rows, keys):
        yield Hit(row, Col.TITLE, at[row], {"others": _named(others)})
