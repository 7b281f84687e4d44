"""Small real ledgers for tests: a title row, a header row of canonical names, the given rows, and
optional 单位名录 / 参数 / 校验规则 sheets, written with openpyxl; or the same ledger built in memory.

Rows are dicts {canonical header: value}; missing keys are empty cells. Row i of `rows` lands on
Excel row FIRST_ROW + i.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from taizhang.core.columns import BY_NAME, COLUMNS
from taizhang.core.model import Case, Ledger, column_letter
from taizhang.core.settings import CHECK_RULE_HEADERS, UNIT_HEADERS, Settings, Unit, UnitKind

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
YEAR = 2025
SHEET = "台账"

# Every canonical column but 序号, in the canonical order: rules can reach any column.
HEADERS: tuple[str, ...] = tuple(c.name for c in COLUMNS if c.name != "序号")

# (单位名称, 简称, 别名, 类型)
UNITS: tuple[tuple[str, str, str, str], ...] = (
    ("县教育和体育局", "县教体局", "教体局、教育局", "承办单位"),
    ("县财政局", "", "", "承办单位"),
    ("县卫生健康委员会", "县卫健委", "", "承办单位"),
    ("县住房和城乡建设局", "县住建局", "", "承办单位"),
    ("县教育和体育局办公室", "", "", "内设机构"),
)


def clean_row(n: int, **changes: Any) -> dict[str, Any]:
    """A case with nothing wrong in it (for TODAY = 2025-09-01); `changes` by canonical name."""
    row: dict[str, Any] = {
        "编号": f"第{n}号", "类别": "人大代表建议", "级别": "县(区)", "年度": YEAR, "届次会次": "十六届人大五次会议",
        "提出时间": "大会期间", "标题": f"关于改善第{n}小学办学条件的建议", "领衔人": f"代表{n}", "附议人数": 3,
        "代表团": "城关镇代表团", "联系电话": "13912345678", "本级承办方式": "主办", "主办单位": "县教育和体育局",
        "协办单位": "县财政局、县住建局", "交办日期": date(2025, 3, 20), "签收日期": date(2025, 3, 24),
        "重点件": "否", "面商日期": date(2025, 3, 28), "协办意见日期": date(2025, 4, 5),
        "办理方案日期": date(2025, 4, 10), "答复样稿日期": date(2025, 4, 15), "正式答复日期": date(2025, 5, 20),
        "答复文号": f"县教体函〔2025〕{n}号", "办理结果": "A", "代表意见": "满意", "备案日期": date(2025, 6, 5),
        "公开属性": "主动公开",
    }
    row.update(changes)
    return {k: v for k, v in row.items() if v is not None}


def letter(name: str, headers: Sequence[str] = HEADERS) -> str:
    """The column letter a canonical header gets in a factory workbook."""
    return column_letter(list(headers).index(name))


def write_ledger(
    path: Path,
    rows: Iterable[dict[str, Any]],
    *,
    headers: Sequence[str] = HEADERS,
    title: str | None = f"{YEAR}年人大代表建议和政协委员提案办理台账",
    units: Sequence[tuple[str, str, str, str]] | None = UNITS,
    params: dict[str, Any] | None = None,
    rules: Sequence[tuple[str, str, str]] | None = None,
) -> Path:
    """Write the workbook to `path` (a file name, or a folder to put 台账.xlsx in) and return its path."""
    if path.is_dir():
        path = path / "台账.xlsx"
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET
    ws.cell(TITLE_ROW, 1, title)
    for c, name in enumerate(headers, start=1):
        ws.cell(HEADER_ROW, c, name)
    for r, row in enumerate(rows, start=FIRST_ROW):
        for c, name in enumerate(headers, start=1):
            if row.get(name) is not None:
                ws.cell(r, c, row[name])
    if units is not None:
        _table(book, "单位名录", UNIT_HEADERS[:4], units)
    if params:
        _table(book, "参数", ("参数", "值", "说明"), [(k, v, "") for k, v in params.items()])
    if rules is not None:
        _table(book, "校验规则", CHECK_RULE_HEADERS, [(code, "", enabled, severity) for code, enabled, severity in rules])
    book.save(path)
    return path


def _table(book: Workbook, name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    ws = book.create_sheet(name)
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))


def make_settings(units: Sequence[tuple[str, str, str, str]] | None = UNITS) -> Settings:
    """The settings a factory workbook's 单位名录 gives, without a workbook."""
    return Settings(units=[
        Unit(name=name, short=short or None, aliases=[a for a in aliases.split("、") if a], kind=UnitKind(kind),
             order=i)
        for i, (name, short, aliases, kind) in enumerate(units or ())
    ])


def make_ledger(rows: Iterable[dict[str, Any]], *, headers: Sequence[str] = HEADERS, year: int | None = YEAR
                ) -> Ledger:
    """The ledger the reader would build from `write_ledger(rows)`, straight in memory (fast: for
    property tests and timing). Values must already be what the reader produces."""
    letters = {name: letter(name, headers) for name in headers}
    cases = []
    for r, row in enumerate(rows, start=FIRST_ROW):
        values = {BY_NAME[k].field: v for k, v in row.items() if k in letters and v is not None}
        if "co_units" in values and isinstance(values["co_units"], str):
            values["co_units"] = values["co_units"].split("、")
        if "key_case" in values and isinstance(values["key_case"], str):
            values["key_case"] = values["key_case"] == "是"
        cases.append(Case(row=r, sheet=SHEET, cells=letters, **values))
    return Ledger(path="memory.xlsx", sheet=SHEET, header_row=HEADER_ROW, header_rows=[HEADER_ROW],
                  columns=letters, last_column=column_letter(len(headers) - 1), year=year, cases=cases)


__all__ = ["FIRST_ROW", "HEADERS", "HEADER_ROW", "UNITS", "YEAR", "clean_row", "letter",
           "make_ledger", "make_settings", "write_ledger"]
