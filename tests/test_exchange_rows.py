"""The master's shown values as a merge reads them, a row at a time (`ShownRows`), are the ones
`shown_values` gives for the whole ledger: typed values as text where the contract says so (dates
as ISO text, units joined with 、), a cell the reader could not understand as its raw text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from taizhang.core.exchange import ShownRows, shown_values
from taizhang.macros.jobs.demo import write_sample
from taizhang.workbook.reader import read_workbook
from tests.ledger_factory import clean_row, write_ledger


def test_rows_one_at_a_time_are_the_whole_ledgers(tmp_path: Path) -> None:
    sample = read_workbook(write_sample(tmp_path / "样例.xlsx", date(2026, 5, 20))).ledger
    odd = [clean_row(1), clean_row(2, 交办日期="三月上旬", 协办单位="县财政局、县卫生健康委员会"), clean_row(3, 附议人数="若干")]
    foreign = read_workbook(write_ledger(tmp_path / "台账.xlsx", odd)).ledger
    assert foreign.unparsed  # the raw texts are there to be shown
    for ledger in (sample, foreign):
        whole = shown_values(ledger)
        rows = ShownRows(ledger)
        assert {row: rows[row] for row in reversed(list(whole))} == whole
    row = foreign.unparsed[0].row
    assert ShownRows(foreign)[row][foreign.unparsed[0].name] == foreign.unparsed[0].value
