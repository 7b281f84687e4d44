"""The exchange contract in one place (core/exchange.py): what each role may fill, and how a
returned row is verified against what the split recorded."""

from __future__ import annotations

from taizhang.core.columns import Col
from taizhang.core.enums import Role
from taizhang.core.exchange import fillable, locked_columns, record_row, verify_row

COLUMNS = [Col.NUMBER, Col.TITLE, Col.HOST_UNIT, Col.ASSIGNED_DATE, Col.CO_OPINION_DATE, Col.REPLY_DATE,
           Col.EXTENDED_TO]
SENT = {Col.NUMBER: "12", Col.TITLE: "修路", Col.HOST_UNIT: "县交通局", Col.ASSIGNED_DATE: "2026-03-01",
        Col.CO_OPINION_DATE: None, Col.REPLY_DATE: None, Col.EXTENDED_TO: None}


def test_the_host_fills_the_reply_and_the_co_handler_only_its_opinion() -> None:
    assert Col.REPLY_DATE in fillable(Role.HOST) and Col.CO_OPINION_DATE not in fillable(Role.HOST)
    assert fillable(Role.CO) == (Col.CO_OPINION_DATE,)
    assert fillable(Role.REFERENCE) == ()
    # the office's own decisions stay locked for everybody
    for role in (Role.HOST, Role.CO):
        assert {Col.ASSIGNED_DATE, Col.EXTENDED_TO, Col.NUMBER} <= set(locked_columns(COLUMNS, role))


def test_a_row_verifies_when_only_fillable_values_changed() -> None:
    record = record_row(SENT, COLUMNS, Role.HOST)
    assert record.split_values == {Col.REPLY_DATE: None}
    assert verify_row({**SENT, Col.REPLY_DATE: "2026-05-10"}, COLUMNS, record)
    assert not verify_row({**SENT, Col.TITLE: "修桥"}, COLUMNS, record)
    assert not verify_row({**SENT, Col.EXTENDED_TO: "2026-09-01"}, COLUMNS, record)


def test_the_co_handler_may_not_fill_the_reply() -> None:
    record = record_row(SENT, COLUMNS, Role.CO)
    assert verify_row({**SENT, Col.CO_OPINION_DATE: "2026-04-01"}, COLUMNS, record)
    assert not verify_row({**SENT, Col.REPLY_DATE: "2026-05-10"}, COLUMNS, record)
