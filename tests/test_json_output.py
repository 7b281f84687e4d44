"""--json output: small documents indented as before; a long list (read --json of a 20k-row ledger)
one compact item per line, written by the C encoder. Either way the same JSON document."""

from __future__ import annotations

import json
from datetime import date

from taizhang.macros.cli.common import COMPACT_ITEMS, json_text


def test_a_small_document_is_indented_as_before() -> None:
    data = {"sheet": "台账", "cases": [{"row": 3, "交办": date(2026, 3, 2)}]}
    assert json_text(data) == json.dumps(data, ensure_ascii=False, indent=2, default=str)


def test_a_long_list_reads_back_as_the_same_document() -> None:
    cases = [{"row": i + 3, "标题": f"关于第{i}号\"建议\"，\n换行", "交办": date(2026, 3, 2), "其他列": {"备注": [1, None]}}
             for i in range(COMPACT_ITEMS + 5)]
    data = {"sheet": "台账", "header_rows": [1, 2], "cases": cases, "unparsed": []}
    text = json_text(data)
    expected = json.loads(json.dumps(data, ensure_ascii=False, default=lambda d: d.isoformat()))
    assert json.loads(text) == expected
    lines = text.splitlines()
    assert len(lines) == len(cases) + 10  # {, sheet, header_rows (4 lines), cases [, the items, ], unparsed, }
    assert lines[0] == "{" and lines[-1] == "}"
