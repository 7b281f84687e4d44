"""The seal (校验码) is the HMAC-SHA256 of the JSON text of [unit, 分发编号, columns, cases], each
case [编号, role, fingerprint, values sent as sorted JSON]; a merge gets the columns and cases as one
text from its worker (`sealed_text`) and must check exactly that message."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from taizhang.core.exchange import RowRecord, seal, sealed, sealed_as, sealed_cases, sealed_text

SECRET = "ab" * 32
texts = st.text(min_size=0, max_size=12)
values = st.dictionaries(texts, st.none() | texts | st.dates(date(2020, 1, 1), date(2030, 12, 31)), max_size=4)
records = st.dictionaries(texts, st.builds(RowRecord, st.sampled_from(["主办", "协办", "x\"y"]), texts, values),
                          max_size=6)


def by_the_contract(unit: str, split_id: str, columns: list[str], entries: dict[str, RowRecord]) -> str:
    """The seal as the contract states it, written out independently of core/exchange.py."""
    cases = sorted([number, r.role, r.fingerprint,
                    json.dumps(r.split_values, ensure_ascii=False, sort_keys=True,
                               default=lambda v: v.isoformat())] for number, r in entries.items())
    data = json.dumps([unit, split_id, columns, cases], ensure_ascii=False)
    return hmac.new(SECRET.encode("ascii"), data.encode("utf-8"), hashlib.sha256).hexdigest()


@given(texts, texts, st.lists(texts, max_size=5), records)
def test_the_seal_and_its_check_from_the_text_agree_with_the_contract(
        unit: str, split_id: str, columns: list[str], entries: dict[str, RowRecord]) -> None:
    mac = by_the_contract(unit, split_id, columns, entries)
    assert seal(SECRET, unit, split_id, columns, entries) == mac
    assert sealed(SECRET, unit, split_id, columns, entries, mac.upper() + " ")
    text = sealed_text(columns, sealed_cases(entries))
    assert sealed_as(SECRET, unit, split_id, text, mac)
    assert not sealed_as(SECRET, unit + "乙", split_id, text, mac)
    assert not sealed_as(SECRET, unit, split_id, text.replace("]", "] ", 1), mac)
