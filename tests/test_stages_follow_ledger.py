"""Issue 12: stages follow the ledger. Ledgers kept the way offices keep them — 25 plain columns, no
协办意见日期, 回头看日期 or 签收日期, no settings sheets; the same ledger re-saved by LibreOffice; one
with a title and a two-row header — get `due`, `summary`, `stats` and the weekly run to report only
what the ledger can record: the overdue cases are exactly the ones the reply rule alone makes overdue
(worked out here from 民法典 第二百零一至二百零三条 and chinese-calendar, not by the engine), and the
stages the ledger cannot track are named once.
"""

from __future__ import annotations

import calendar
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar
import pytest
import xlsxwriter
from click.testing import CliRunner, Result
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from taizhang.macros.cli import cli
from taizhang.macros.weekly.run import run_once
from taizhang.macros.weekly.summary import summarize
from tests.libreoffice import convert
from tests.weekly_helpers import write_config

TODAY = date(2025, 7, 15)  # a Tuesday
NOTE = "未跟踪：协办意见（台账没有“协办意见日期”列）；回头看（台账没有“回头看日期”列）"

# The 25 columns of an office's own ledger: no 协办意见日期, 回头看日期 or 签收日期.
PLAIN = ("序号", "编号", "类别", "年度", "标题", "领衔人", "代表团", "联系电话", "本级承办方式", "主办单位",
         "协办单位", "交办日期", "面商日期", "正式答复日期", "答复文号", "办理结果", "代表意见",
         "重新答复日期", "延期至", "延期理由", "退回日期", "退回理由", "备案日期", "公开属性", "备注")

# (交办日期, 正式答复日期, 协办单位): every case has co-handlers and most are replied long ago, so
# an untracked 协办意见 or 回头看 would make nearly all of them overdue.
CASES: list[tuple[date, date | None, str | None]] = [
    (date(2025, 3, 20), date(2025, 6, 10), "县财政局"),
    (date(2025, 3, 20), None, "县财政局、县住建局"),
    (date(2025, 4, 5), None, "县卫健委"),
    (date(2025, 4, 30), None, "县财政局"),
    (date(2025, 3, 31), None, None),
    (date(2025, 2, 28), date(2025, 6, 3), "县住建局"),
    (date(2025, 1, 31), None, "县卫健委"),
    (date(2025, 3, 2), date(2025, 5, 30), "县财政局"),
    (date(2025, 4, 14), None, "县住建局"),
    (date(2025, 4, 15), None, "县财政局"),
    (date(2025, 3, 10), date(2025, 4, 2), "县住建局"),
    (date(2025, 2, 10), date(2025, 5, 12), "县卫健委"),
]
HOSTS = ("县教育和体育局", "县交通运输局", "县水利局")


def number(i: int) -> str:
    return f"县人大第{i}号建议"


def rows() -> list[dict[str, Any]]:
    out = []
    for i, (assigned, reply, co) in enumerate(CASES, start=1):
        row: dict[str, Any] = {
            "序号": i, "编号": number(i), "类别": "人大代表建议", "年度": 2025, "标题": f"关于第{i}件民生实事的建议",
            "领衔人": f"代表{i}", "代表团": "城关镇代表团", "联系电话": "13912345678", "本级承办方式": "主办",
            "主办单位": HOSTS[i % 3], "协办单位": co, "交办日期": assigned, "面商日期": assigned + timedelta(days=7),
            "公开属性": "主动公开",
        }
        if reply:
            row.update({"正式答复日期": reply, "答复文号": f"县政函〔2025〕{i}号", "办理结果": "A", "代表意见": "满意"})
        out.append(row)
    return out


# ---------------------------------------------------------------- the expected answer, worked by hand

def months_later(day: date, months: int) -> date:
    """民法典 第二百零二条: the corresponding day of the last month, or that month's last day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reply_due(assigned: date) -> date:
    """代表法 第五十一条: three months after 交办; 民法典 第二百零三条: a last day that is a rest day
    moves to the next working day (State Council calendar, by chinese-calendar)."""
    due = months_later(assigned, 3)
    while not chinese_calendar.is_workday(due):
        due += timedelta(days=1)
    return due


def expected_overdue() -> set[str]:
    return {number(i) for i, (assigned, reply, _) in enumerate(CASES, start=1)
            if reply is None and reply_due(assigned) < TODAY}


def test_the_hand_worked_answer_is_not_trivial() -> None:
    # 4-05 + 3 months is Saturday 7-05 → Monday 7-07; 3-31 → 6-30 (no 31 June); 7-15 is not yet past 7-15.
    assert reply_due(date(2025, 4, 5)) == date(2025, 7, 7)
    assert reply_due(date(2025, 3, 31)) == date(2025, 6, 30)
    assert expected_overdue() == {number(i) for i in (2, 3, 5, 7, 9)}


# ---------------------------------------------------------------- ledgers as offices make them

def plain_ledger(path: Path) -> Path:
    """A title row, one header row of the 25 columns, dates as date cells; no settings sheets."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "2025年台账"
    ws.append(["2025年人大代表建议办理台账"])
    ws.append(list(PLAIN))
    for row in rows():
        ws.append([row.get(h) for h in PLAIN])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy/m/d"
    book.save(path)
    return path


GROUPS = {"主办单位": ("承办单位", "主办"), "协办单位": ("承办单位", "协办"),
          "正式答复日期": ("答复情况", "答复时间"), "答复文号": ("答复情况", "文号"),
          "办理结果": ("答复情况", "办理结果"), "代表意见": ("答复情况", "代表意见")}


def two_row_header_ledger(path: Path) -> Path:
    """Two title rows, then a two-row header with merged cells (承办单位 over 主办/协办, 答复情况 over
    its four columns), dates typed as text, as another program writes it."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    bold = wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True})
    ws.merge_range(0, 0, 0, len(PLAIN) - 1, "XX县2025年人大代表建议办理情况台账", bold)
    ws.write(1, 0, "填报单位：县人大选工委")
    col = 0
    while col < len(PLAIN):
        name = PLAIN[col]
        if name in GROUPS:
            group = GROUPS[name][0]
            span = [c for c in range(col, len(PLAIN)) if PLAIN[c] in GROUPS and GROUPS[PLAIN[c]][0] == group]
            last = span[0]
            while last + 1 < len(PLAIN) and last + 1 in span:
                last += 1
            ws.merge_range(2, col, 2, last, group, bold)
            for c in range(col, last + 1):
                ws.write(3, c, GROUPS[PLAIN[c]][1], bold)
            col = last + 1
        else:
            ws.merge_range(2, col, 3, col, name, bold)
            col += 1
    for r, row in enumerate(rows(), start=4):
        for c, name in enumerate(PLAIN):
            value = row.get(name)
            if isinstance(value, date):
                ws.write_string(r, c, f"{value.year}.{value.month}.{value.day}")
            elif value is not None:
                ws.write(r, c, value)
    wb.close()
    return path


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def sheet(path: Path, name: str) -> list[list[Any]]:
    book = CalamineWorkbook.from_path(str(path))
    return [list(r) for r in book.get_sheet_by_name(name).to_python()]


def text_of(grid: list[list[Any]]) -> str:
    return "\n".join("\t".join(str(v) for v in row) for row in grid)


@pytest.fixture(params=["plain", "libreoffice", "two-row-header"])
def ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "plain":
        return plain_ledger(tmp_path / "台账.xlsx")
    if request.param == "two-row-header":
        return two_row_header_ledger(tmp_path / "台账.xlsx")
    request.getfixturevalue("soffice")
    original = tmp_path / "原件"
    original.mkdir()
    return convert(plain_ledger(original / "台账.xlsx"), "xlsx", tmp_path / "另存")


# ---------------------------------------------------------------- the jobs

def test_due_reports_only_the_reply_rule_overdue_and_names_untracked_stages_once(ledger: Path) -> None:
    result = run("due", ledger, "--json", "--today", TODAY)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [u["stage"] for u in data["untracked"]] == ["协办意见", "回头看"]
    overdue = {c["编号"] for c in data["cases"] if c["status"] == "逾期"}
    assert overdue == expected_overdue()
    for c in data["cases"]:
        assert {s["stage"] for s in c["stages"]} <= {"正式答复", "重新答复"}
        if c["编号"] in overdue:
            assert c["stage"] == "正式答复"

    text = run("due", ledger, "--today", TODAY).output
    assert text.count("未跟踪") == 1 and NOTE in text
    assert "协办意见）" not in text.replace(NOTE, "")  # no unit is listed for an untracked stage


def test_due_write_colours_and_lists_only_tracked_overdue(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    result = run("due", ledger, "--today", TODAY, "--out", out)
    assert result.exit_code == 0, result.output
    listed = sheet(out, "逾期清单")
    items = [r for r in listed if isinstance(r[0], float)]
    assert {r[4] for r in items} == expected_overdue()
    assert {r[6] for r in items} == {"正式答复"}
    assert text_of(listed).count("未跟踪") == 1
    # the 状态 column says 逾期 exactly for the expected cases
    grid = sheet(out, sheet_name(out))
    head = next(i for i, r in enumerate(grid) if "【系统】状态" in r)
    status = grid[head].index("【系统】状态")
    num = next(i for r in grid[:head + 1] for i, v in enumerate(r) if v == "编号")  # a merged header above
    marked = {r[num] for r in grid[head + 1:] if r[status] == "逾期"}
    assert marked == expected_overdue()


def sheet_name(path: Path) -> str:
    return CalamineWorkbook.from_path(str(path)).sheet_names[0]


def test_summary_and_stats_name_untracked_stages_once_and_list_only_replies(ledger: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    result = run("summary", ledger, "--today", TODAY, "--out", out)
    assert result.exit_code == 0, result.output
    assert result.output.count("未跟踪") == 1
    bulletin = sheet(out, "通报")
    items = [r for r in bulletin if isinstance(r[0], float)]
    assert {r[6] for r in items} <= {"正式答复"}  # 环节: nothing untracked is late
    overdue = {r[4] for r in items if "未完成" in str(r[7])}
    assert overdue == expected_overdue()
    assert text_of(bulletin).count("未跟踪") == 1

    stats = run("stats", ledger, "--today", TODAY, "--json")
    assert stats.exit_code == 0, stats.output
    assert [u["stage"] for u in json.loads(stats.output)["untracked"]] == ["协办意见", "回头看"]
    assert run("stats", ledger, "--today", TODAY).output.count("未跟踪") == 1


def test_weekly_run_reports_only_tracked_overdue(ledger: Path, tmp_path: Path) -> None:
    folder = ledger.parent
    config = write_config(folder, f'[run]\nledgers = ["{ledger.name}"]\nreport_dir = "报告"\n')
    result = run_once(config, TODAY, send=False)
    one = result.ledgers[0]
    assert not one.problem, one.problem
    assert one.report is not None
    listed = [r for r in sheet(one.report, "逾期清单") if isinstance(r[0], float)]
    assert {r[4] for r in listed} == expected_overdue()
    assert {r[6] for r in listed} == {"正式答复"}
    overview = text_of(sheet(one.report, "概况"))
    assert overview.count("未跟踪") == 1
    mail = summarize(result).text
    assert mail.count("未跟踪") == 1
    assert sum(u.overdue for u in one.units) == len(expected_overdue())  # each case is owed by its lead alone
