"""One vocabulary for counts and rates: the 汇总 合计 row, the paragraph, `stats --json` and the
weekly report name every count by what it counts and give the same numbers, worked out here by
hand from the rows written (never by the library under test). Mid-year, 办复率 is below 100% while
cases are unreplied; rates are numeric cells with the 0.00% format.

The ledger is kept as another office keeps it: its own column order, no 协办意见日期, 重新答复日期 or
回头看日期 (so only the reply is tracked), and 2025-06-10 is mid-year."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import python_calamine as pc
from click.testing import CliRunner
from lxml import etree

from taizhang.macros.cli import cli
from taizhang.macros.weekly.run import run_once
from tests.ledger_factory import write_ledger
from tests.weekly_helpers import write_config

TODAY = date(2025, 6, 10)
EARLY = date(2025, 1, 10)  # reply due 2025-04-10: passed
LATE = date(2025, 5, 20)  # reply due 2025-08-20: not yet
HEADERS = ("编号", "标题", "类别", "本级承办方式", "主办单位", "协办单位", "交办日期", "退回日期", "面商日期",
           "正式答复日期", "答复文号", "办理结果", "代表意见", "年度")
S, P = "人大代表建议", "政协委员提案"
# (编号, 类别, 本级承办方式, 主办单位, 协办单位, 交办日期, 退回日期, 面商日期, 正式答复日期, 办理结果, 代表意见)
ROWS: list[tuple[Any, ...]] = [
    (1, S, "主办", "县教育和体育局", "县财政局", EARLY, None, date(2025, 2, 1), date(2025, 3, 20), "A", "满意"),
    (2, S, "主办", "县教体局", "县财政局、县住建局", EARLY, None, date(2025, 2, 1), date(2025, 5, 1), "B", "基本满意"),
    (3, S, "主办", "县财政局", None, EARLY, None, None, None, None, None),
    (4, P, "主办", "县卫健委", "县教育和体育局", LATE, None, None, None, None, None),
    (5, P, "主办", "县住房和城乡建设局", None, LATE, None, None, date(2025, 6, 1), "C", "不满意"),
    (6, P, "协办", "县财政局", None, EARLY, None, None, date(2025, 4, 1), None, None),
    (7, S, "协办", "县教育和体育局", None, LATE, None, None, None, None, None),
    (8, P, "参阅", "县财政局", None, EARLY, None, None, None, None, None),
    (9, S, "主办", "县住建局", None, EARLY, date(2025, 1, 15), None, None, None, None),
    (10, P, "会办", "县卫生健康委员会", "县财政局", EARLY, None, None, date(2025, 4, 8), "A", "满意"),
    (11, S, "主办", "县教育和体育局", None, EARLY, None, date(2025, 2, 1), None, None, None),
    (12, S, "主办", "县财政局", "县教体局", LATE, None, None, None, None, None),
]
REPLY_DUE = {1: date(2025, 4, 10), 2: date(2025, 4, 10), 3: date(2025, 4, 10), 10: date(2025, 4, 10),
             11: date(2025, 4, 10), 4: date(2025, 8, 20), 5: date(2025, 8, 20), 12: date(2025, 8, 20)}


def rows() -> list[dict[str, Any]]:
    names = ("编号", "类别", "本级承办方式", "主办单位", "协办单位", "交办日期", "退回日期", "面商日期", "正式答复日期",
             "办理结果", "代表意见")
    out = []
    for values in ROWS:
        row = dict(zip(names, values, strict=True))
        row.update(编号=f"第{values[0]}号", 标题=f"关于第{values[0]}件事的建议", 年度=2025)
        if row["正式答复日期"]:
            row["答复文号"] = f"复〔2025〕{values[0]}号"
        out.append({k: v for k, v in row.items() if v is not None})
    return out


def pct(num: int, den: int) -> Decimal:
    return (Decimal(num * 100) / den).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def expected() -> dict[str, Any]:
    """Every shared count and rate, by the definitions (core/stats/figures.py), from ROWS."""
    by = {r[0]: r for r in ROWS}
    role, host, co, returned, met, reply = 2, 3, 4, 6, 7, 8
    referral = [n for n, r in by.items() if r[role] == "参阅"]
    back = [n for n, r in by.items() if r[returned] and n not in referral]
    due = [n for n in by if n not in referral and n not in back]
    replied = [n for n in due if by[n][reply]]
    with_deadline = [n for n in due if by[n][role] in ("主办", "会办", "分办")]
    reply_due = [n for n in with_deadline if by[n][reply] or REPLY_DUE[n] < TODAY]
    on_time = [n for n in reply_due if by[n][reply] and by[n][reply] <= REPLY_DUE[n]]
    overdue = [n for n in with_deadline if not by[n][reply] and REPLY_DUE[n] < TODAY]
    hosts = [n for n in due if by[n][role] in ("主办", "分办")]
    co_times = sum(len(by[n][co].split("、")) for n in by if n not in referral and by[n][co])
    return {
        "件数": len(ROWS),
        "本级主办": sum(1 for n in due if by[n][role] == "主办"),
        "本级协办": sum(1 for n in due if by[n][role] == "协办"),
        "本级会办": sum(1 for n in due if by[n][role] == "会办"),
        "参阅": len(referral), "退回": len(back),
        "主办件次": sum(1 for n in by if n not in referral and by[n][host]), "协办件次": co_times,
        "应办复": len(due), "已办复": len(replied), "办复率": pct(len(replied), len(due)),
        "到期应办复": len(reply_due), "按期办复": len(on_time), "按期办复率": pct(len(on_time), len(reply_due)),
        "逾期件数": len(overdue),
        "见面率": pct(sum(1 for n in hosts if by[n][met]), len(hosts)),
    }


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_ledger(tmp_path_factory.mktemp("vocab") / "台账.xlsx", rows(), headers=HEADERS)


@pytest.fixture(scope="module")
def summary(ledger: Path) -> Path:
    out = ledger.with_name("统计表.xlsx")
    result = CliRunner().invoke(cli, ["summary", str(ledger), "--today", TODAY.isoformat(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def grid(path: Path, sheet: str) -> list[list[Any]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    try:
        return [list(r) for r in book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)]
    finally:
        book.close()


def number_formats(path: Path, sheet_index: int) -> dict[str, str]:
    """Each cell's number format code, from the sheet XML and styles.xml (not from a library)."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(path) as z:
        styles = etree.fromstring(z.read("xl/styles.xml"))
        sheet = etree.fromstring(z.read(f"xl/worksheets/sheet{sheet_index}.xml"))
    codes = {"0": "General", "9": "0%", "10": "0.00%"}
    codes |= {nf.get("numFmtId"): nf.get("formatCode") for nf in styles.findall("m:numFmts/m:numFmt", ns)}
    xfs = [xf.get("numFmtId", "0") for xf in styles.findall("m:cellXfs/m:xf", ns)]
    return {c.get("r"): codes.get(xfs[int(c.get("s", "0"))], "?") for c in sheet.iter(f"{{{ns['m']}}}c")}


def total_row(summary: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The 合计 row by sub-header, and each of its cells' A1 address."""
    g = grid(summary, "汇总")
    heads = g[3]
    r = next(i for i, row in enumerate(g) if row[0] == "合计")
    letters = {h: f"{chr(65 + c) if c < 26 else 'A' + chr(65 + c - 26)}{r + 1}" for c, h in enumerate(heads) if h}
    return {h: g[r][c] for c, h in enumerate(heads) if h}, letters


def from_paragraph(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    patterns = {
        "本级主办": r"本级主办(\d+)件", "本级协办": r"本级协办(\d+)件", "本级会办": r"本级会办(\d+)件",
        "参阅": r"参阅(\d+)件", "退回": r"退回(\d+)件", "主办件次": r"各承办单位主办(\d+)件次",
        "协办件次": r"、协办(\d+)件次", "应办复": r"；应办复(\d+)件", "已办复": r"已办复(\d+)件",
        "办复率": r"，办复率([\d.]+)%", "到期应办复": r"到期应办复(\d+)件", "按期办复": r"按期办复(\d+)件",
        "按期办复率": r"按期办复率([\d.]+)%", "逾期件数": r"(\d+)件有环节逾期", "见面率": r"见面率([\d.]+)%",
    }
    for name, pattern in patterns.items():
        m = re.search(pattern, text)
        assert m, (name, text)
        found[name] = Decimal(m.group(1)) if "." in m.group(1) else int(m.group(1))
    return found


def test_total_row_paragraph_and_json_agree_with_the_rows(ledger: Path, summary: Path) -> None:
    want = expected()
    assert want["本级主办"] + want["本级协办"] + want["本级会办"] + want["参阅"] + want["退回"] == want["件数"]
    total, _cells = total_row(summary)
    g = grid(summary, "汇总")
    text = next(row[0] for row in g if isinstance(row[0], str) and row[0].startswith("截至"))
    said = from_paragraph(text)
    out = json.loads(CliRunner().invoke(cli, ["stats", str(ledger), "--today", TODAY.isoformat(), "--json"]).output)
    assert out["paragraph"] == text
    units_total = out["by_unit"][-1]
    assert units_total["unit"] == "合计"
    for name, value in want.items():
        if name == "件数":
            assert out["totals"]["件数"] == value
            continue
        if isinstance(value, Decimal):  # a rate: the sheet holds the fraction, the others the percent
            assert Decimal(str(total[name])) * 100 == value.quantize(Decimal("0.01")), name
            assert said[name] == value, name
            assert out["rates"][name]["value"] == f"{value}%", name
            continue
        if name in said:
            assert said[name] == value, name
        if name in total:
            assert total[name] == value, name
        key = name if name in out["totals"] else None
        if key:
            assert out["totals"][key] == value, name
        if name in ("主办件次", "协办件次"):
            assert units_total[name] == value, name
    # every count the 合计 row and the paragraph share is the same number
    for name in set(total) & set(said):
        shown = Decimal(str(total[name])) * 100 if isinstance(said[name], Decimal) else total[name]
        assert said[name] == shown, name
    assert set(said) - {"本级主办", "本级协办", "本级会办", "参阅", "退回"} <= set(total)


def test_mid_year_reply_rate_is_below_100_percent(ledger: Path, summary: Path) -> None:
    total, _ = total_row(summary)
    assert 0 < total["办复率"] < 1  # 5 of 10 replied: not the misleading 100% of "due so far"
    assert total["到期应办复"] < total["应办复"]


def test_rates_are_numbers_with_a_percent_format(summary: Path) -> None:
    total, cells = total_row(summary)
    formats = number_formats(summary, 1)
    rate_heads = [h for h in total if h.endswith("率") or h.endswith("占比")]
    assert len(rate_heads) >= 8
    for head in rate_heads:
        value = total[head]
        if value == "—":  # nothing to measure: text, never 0% or 100%
            continue
        assert isinstance(value, float), head
        assert formats[cells[head]] == "0.00%", head
    for head in ("主办件次", "应办复", "已办复"):
        assert isinstance(total[head], float) and total[head].is_integer()  # calamine reads numbers as float
        assert formats[cells[head]] == "General"


def test_a_units_row_counts_its_assignments(summary: Path) -> None:
    g = grid(summary, "汇总")
    heads = g[3]
    row = next(r for r in g if r[1] == "县财政局")
    got = {h: row[c] for c, h in enumerate(heads) if h}
    # hosts 3, 6 and 12 (参阅 8 is nobody's); co-handles 1, 2 and 10
    assert (got["主办件次"], got["协办件次"], got["应办复"], got["已办复"]) == (3, 3, 3, 1)
    assert "参阅" not in [r[1] for r in g]


def test_weekly_report_uses_the_same_names_and_numbers(ledger: Path, tmp_path: Path) -> None:
    config = write_config(ledger.parent, f'[run]\nledgers = ["{ledger.name}"]\nreport_dir = "{tmp_path}"\n')
    one = run_once(config, TODAY, send=False).ledgers[0]
    assert one.report is not None
    units = grid(one.report, "各单位")
    heads = units[2]
    assert heads[:6] == ["承办单位", "主办件次", "协办件次", "应办复", "已办复", "办复率"]
    total = dict(zip(heads, next(r for r in units if r[0] == "合计"), strict=False))
    want = expected()
    assert (total["主办件次"], total["协办件次"], total["应办复"], total["已办复"]) == (
        want["主办件次"], want["协办件次"], want["应办复"], want["已办复"])
    assert Decimal(str(total["办复率"])) * 100 == want["办复率"]
    overview = {r[0]: r[1] for r in grid(one.report, "概况")[4:] if r[0]}
    assert (overview["应办复（件）"], overview["已办复（件）"]) == (want["应办复"], want["已办复"])
    assert isinstance(overview["办复率"], float)
