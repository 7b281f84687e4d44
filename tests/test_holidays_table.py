"""Which cells of an existing 节假日 sheet a notice changes (core/holidays/table.py), on grids as the
reader hands them over."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from taizhang.core.errors import BadInput
from taizhang.core.holidays.notice import parse_notice
from taizhang.core.holidays.table import plan_update

NOTICE = parse_notice((Path(__file__).parent / "data" / "holiday_notices" / "2026.txt").read_text(encoding="utf-8"))


def test_rows_the_notice_no_longer_has_are_emptied_and_others_kept() -> None:
    # 45 guessed 2026 rows (every day from 1 January) between a 2025 row and a 2027 row
    guessed = [[date(2026, 1, 1) + timedelta(n), "休", "估计"] for n in range(45)]
    grid = [["日期", "休/班", "说明"], [date(2025, 12, 31), "班", "自定"], *guessed, [date(2027, 1, 1), "休", "元旦"]]
    plan = plan_update(grid, 1, NOTICE)
    assert (plan.replaced + plan.same, plan.added, plan.cleared, plan.kept) == (39, 0, 6, 2)
    touched_rows = {int(ref[1:]) for ref in plan.cells}
    assert 2 not in touched_rows and len(grid) not in touched_rows  # 2025 and 2027 left alone
    for r in range(2 + 39 + 1, 2 + 45 + 1):  # the six left over
        assert plan.cells[f"A{r}"] is None and plan.cells[f"B{r}"] is None and plan.cells[f"C{r}"] is None
    assert "A3" not in plan.cells and plan.cells["C3"] == "元旦"  # 1月1日 already there: only its note
    assert "A6" not in plan.cells and plan.cells["B6"] == "班"  # 1月4日 上班
    assert plan.cells["A7"] == date(2026, 2, 14)  # the next day of the notice goes into the next row


def test_a_sheet_without_a_note_column_gets_one() -> None:
    plan = plan_update([["日期", "休/班"], [date(2025, 5, 1), "休"]], 1, NOTICE)
    assert plan.cells["C1"] == "说明" and plan.like["C1"] == "B1"
    assert plan.cells["A3"] == date(2026, 1, 1) and plan.cells["C3"] == "元旦"
    assert plan.like["A3"] == "A2" and plan.like["B3"] == "B2"  # new rows look like the table's last


def test_a_sheet_without_the_kind_column_is_refused() -> None:
    with pytest.raises(BadInput, match="缺少“休/班”列"):
        plan_update([["日期", "说明"]], 1, NOTICE)


def test_the_same_rows_again_change_nothing() -> None:
    grid = [["日期", "休/班", "说明"], *[[d.day, d.kind, d.note] for d in NOTICE.days]]
    assert plan_update(grid, 1, NOTICE).unchanged
