"""`taizhang read`: how the tool understood a ledger file."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from taizhang.core.columns import BY_NAME, Kind
from taizhang.core.model import Ledger

OTHER_COLUMNS = "其他列"


def ledger_json(ledger: Ledger, *, encoded: bool = False) -> dict[str, Any]:
    """The ledger as `read --json` prints it: sheet, header, columns, each case's values and the
    cells that could not be read. `encoded`: each case already as its compact JSON text
    (`case_texts`), for a long ledger written one case a line."""
    table = ledger.table
    if encoded:
        cases: list[Any] = case_texts(ledger)
    else:
        names = ["row", *table.letters]
        columns = [table.rows, *(_shown(name, table.column(name)) for name in table.letters)]
        cases = [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
        for entry, extra in zip(cases, table.extras, strict=True):
            if extra:
                entry[OTHER_COLUMNS] = _other(extra)
    return {
        "sheet": ledger.sheet,
        "header_row": ledger.header_row,
        "header_rows": ledger.header_rows,
        "year": ledger.year,
        "columns": ledger.columns,
        "extra_columns": ledger.extra_columns,
        "cases": cases,
        "unparsed": [{"row": u.row, "column": u.column, "name": u.name, "value": u.value, "reason": u.reason}
                     for u in ledger.unparsed],
    }


# One case, compact: what `json.dumps(case, ensure_ascii=False)` writes.
_COMPACT = json.JSONEncoder(ensure_ascii=False)
_ROWS_AT_ONCE = 2000


def case_texts(ledger: Ledger) -> list[str]:
    """Each case as its compact JSON text (the same as encoding `ledger_json`'s case), built a
    column at a time: one C-level encoding per column instead of one encoder call per case, which
    took as long as reading a 20k-row ledger."""
    table = ledger.table
    columns = [("row", table.rows), *((name, _shown(name, table.column(name))) for name in table.letters)]
    key = _COMPACT.encode(OTHER_COLUMNS)
    texts: list[str] = []
    for start in range(0, len(table), _ROWS_AT_ONCE):  # the pieces of a few rows at a time: less memory
        pairs = [_pairs(name, values[start:start + _ROWS_AT_ONCE]) for name, values in columns]
        lines = list(map(", ".join, zip(*pairs, strict=True)))
        for i, extra in enumerate(table.extras[start:start + _ROWS_AT_ONCE]):
            if extra:
                lines[i] += f", {key}: {_COMPACT.encode(_other(extra))}"
        texts += map("{{{}}}".format, lines)
    return texts


def _pairs(name: str, values: Sequence[Any]) -> list[str]:
    """`"name": value` for each value of a column, as JSON. One C-level encoding: the key is the
    separator between items, each item on a line of its own (no JSON value holds a raw newline)."""
    if not values:
        return []
    key = _COMPACT.encode(name) + ": "
    lines = json.JSONEncoder(ensure_ascii=False, separators=("\n" + key, ": ")).encode(list(values))
    return (key + lines[1:-1]).split("\n")


def _other(extra: dict[str, Any]) -> dict[str, Any]:
    """The unknown columns' values of a case, dates ISO."""
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in extra.items()}


def _shown(name: str, values: Sequence[Any]) -> list[Any]:
    """A column's values as `read --json` shows them: dates ISO, 协办单位 joined with 、."""
    kind = BY_NAME[name].kind
    if kind is Kind.DATE:
        iso = {day: day.isoformat() for day in set(values) if day is not None}  # days repeat: each once
        iso[None] = None
        return list(map(iso.__getitem__, values))
    if kind is Kind.UNITS:
        return ["、".join(v) or None for v in values]
    return list(values)


def ledger_text(ledger: Ledger) -> str:
    """The ledger as `read` prints it: where the header is, which columns were recognised, the cases
    and the cells that could not be read."""
    lines = [
        f"台账工作表：“{ledger.sheet}”，表头在第 {'、'.join(map(str, ledger.header_rows))} 行，年度：{ledger.year or '未知'}",
        f"识别出 {len(ledger.columns)} 个标准列：" + "、".join(f"{n}({c})" for n, c in ledger.columns.items()),
    ]
    if ledger.extra_columns:
        lines.append("其他列（原样保留）：" + "、".join(f"{n}({c})" for n, c in ledger.extra_columns.items()))
    lines.append(f"共读到 {len(ledger)} 件")
    if ledger.unparsed:
        lines.append(f"有 {len(ledger.unparsed)} 个单元格无法识别（原值保留）：")
        lines += [f"  {u.column}{u.row}（{u.name}）：{u.reason}" for u in ledger.unparsed[:50]]
        if len(ledger.unparsed) > 50:
            lines.append(f"  …… 另有 {len(ledger.unparsed) - 50} 个")
    return "\n".join(lines)
