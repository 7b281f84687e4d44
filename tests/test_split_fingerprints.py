"""The split fingerprints every case column by column (`exchange.fingerprints`); a merge verifies a
returned row with `exchange.fingerprint`, one row at a time. Both must give the same digest for
any values a ledger can hold, or every returned row would count as tampered with."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as hs

from taizhang.core import exchange
from taizhang.core.columns import Col
from taizhang.core.enums import Role
from taizhang.core.exchange import fingerprint, fingerprints, locked_columns

NAMES = [Col.NUMBER, Col.TITLE, Col.HOST_UNIT, Col.RECEIVED_DATE, Col.RESULT, Col.CO_OPINION_DATE, Col.PROGRESS]
VALUES = hs.one_of(
    hs.none(), hs.booleans(), hs.integers(), hs.floats(allow_nan=True, allow_infinity=True), hs.dates(),
    hs.text(hs.characters(blacklist_categories=("Cs",))),  # lone surrogates cannot be UTF-8 in either
    hs.sampled_from(["", "县\"水利\"局", "a\\b", "第一行\n第二行", "\t\x00\x1f", "——“”", "2026-05-20", "𠀀𪚥"]),
)
ROWS = hs.lists(hs.fixed_dictionaries({}, optional={name: VALUES for name in NAMES}), min_size=1, max_size=6)


def row_by_row(shown: list[dict[str, Any]], locked: dict[str, list[str]]) -> dict[str, list[str]]:
    return {role: [fingerprint(values, columns) for values in shown] for role, columns in locked.items()}


@given(ROWS, hs.lists(hs.sampled_from(NAMES), unique=True))
def test_column_by_column_equals_row_by_row(shown: list[dict[str, Any]], columns: list[str]) -> None:
    locked = {Role.HOST: locked_columns(columns, Role.HOST), Role.CO: locked_columns(columns, Role.CO), "其他": []}
    assert fingerprints(shown, locked) == row_by_row(shown, locked)


def test_a_ledger_of_dates_numbers_and_texts() -> None:
    shown = [{Col.NUMBER: "ZX-001", Col.TITLE: "关于“乡村振兴”的建议", Col.RECEIVED_DATE: "2026-03-02",
              Col.RESULT: None, Col.PROGRESS: 3.0, Col.CO_OPINION_DATE: 46000},
             {Col.NUMBER: "ZX-002", Col.TITLE: True}]
    locked = {Role.HOST: locked_columns(NAMES, Role.HOST), Role.CO: locked_columns(NAMES, Role.CO)}
    assert fingerprints(shown, locked) == row_by_row(shown, locked)
    assert fingerprints(shown, locked)[Role.HOST] != fingerprints(shown, locked)[Role.CO]


def test_rows_fingerprinted_a_few_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchange, "FINGERPRINT_ROWS", 2)
    shown = [{Col.NUMBER: f"ZX-{i:03d}", Col.TITLE: "标题" * i, Col.RESULT: i % 2 or None} for i in range(7)]
    locked = {Role.HOST: locked_columns(NAMES, Role.HOST), Role.CO: locked_columns(NAMES, Role.CO), "其他": []}
    assert fingerprints(shown, locked) == row_by_row(shown, locked)
