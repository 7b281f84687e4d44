"""A merge fingerprints a returned file's rows column by column (`column_fingerprints` over
`shown_columns`); the split recorded `fingerprint` of each row. Both must give the same digest for
any values a ledger can hold, or every returned row would count as tampered with."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as hs

from taizhang.core.columns import Col
from taizhang.core.enums import Role
from taizhang.core.exchange import (
    column_fingerprints,
    fingerprint,
    locked_columns,
    shown_columns,
    shown_values,
)
from taizhang.core.model import Ledger, Unparsed
from taizhang.core.table import CaseTable
from tests.test_split_fingerprints import NAMES, ROWS


def by_column(shown: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The rows' columns, a column only where some row has it (an absent one reads as empty)."""
    names = dict.fromkeys(name for row in shown for name in row)
    return {name: [row.get(name) for row in shown] for name in names}


@given(ROWS, hs.lists(hs.sampled_from(NAMES), unique=True), hs.sampled_from([Role.HOST, Role.CO, "其他"]))
def test_column_by_column_equals_row_by_row(shown: list[dict[str, Any]], columns: list[str], role: str) -> None:
    locked = locked_columns(columns, role)
    assert column_fingerprints(by_column(shown), locked, len(shown)) == [fingerprint(r, locked) for r in shown]


def test_ints_bools_floats_and_dates_are_written_as_json_writes_them() -> None:
    shown = [{Col.NUMBER: 7, Col.TITLE: True, Col.RESULT: 3.0, Col.PROGRESS: float("nan")},
             {Col.NUMBER: -12, Col.TITLE: False, Col.RESULT: 10**20, Col.PROGRESS: date(2026, 5, 1)}]
    locked = [Col.NUMBER, Col.TITLE, Col.RESULT, Col.PROGRESS, Col.HOST_UNIT]
    assert column_fingerprints(by_column(shown), locked, 2) == [fingerprint(r, locked) for r in shown]


def test_shown_columns_are_the_shown_values_by_column() -> None:
    table = CaseTable("台账", [3, 4, 6], {Col.NUMBER: "A", Col.REPLY_DATE: "B", Col.CO_UNITS: "C"},
                      {Col.NUMBER: ["1", "2", "3"], Col.REPLY_DATE: [date(2026, 5, 1), None, None],
                       Col.CO_UNITS: [["县财政局", "县民政局"], [], None]})
    ledger = Ledger(path="x.xlsx", sheet="台账", header_row=2, header_rows=[2], columns=dict(table.letters),
                    last_column="C", table=table,
                    unparsed=[Unparsed("台账", 4, "B", Col.REPLY_DATE, "五月一日", "不是日期"),
                              Unparsed("台账", 9, "B", Col.REPLY_DATE, "别处", "不是日期")])
    columns = shown_columns(ledger)
    assert columns == {Col.NUMBER: ["1", "2", "3"], Col.REPLY_DATE: ["2026-05-01", "五月一日", None],
                       Col.CO_UNITS: ["县财政局、县民政局", None, None]}
    assert shown_values(ledger) == {row: {name: column[i] for name, column in columns.items()}
                                    for i, row in enumerate([3, 4, 6])}
    assert table.column(Col.REPLY_DATE) == [date(2026, 5, 1), None, None]  # the table's lists left alone
