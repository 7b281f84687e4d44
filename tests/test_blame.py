"""Issue 12: a list that names units names the unit that owes the stage. A co-handler's late opinion
is listed under the co-handler in 逾期清单, 通报, its split cover note and its weekly mail — never
under the lead; dates that cannot be true are 日期有误, not completions; earlier years' cases stand
apart (往年件); overdue is at least one working day when a count is shown.

Ledgers start from `taizhang new` and are filled with openpyxl as staff type them; results are read
back with python-calamine. Due dates are worked out in the comments, by hand.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from taizhang.macros.weekly.run import run_once
from taizhang.macros.weekly.summary import unit_summaries
from tests.test_acceptance_jobs import run
from tests.weekly_helpers import write_config

TODAY = date(2026, 5, 20)  # a Wednesday
UNITS = (  # 单位名称, 简称, 别名, 类型, 排序, 电子邮箱
    ("县交通运输局", "县交通局", "", "承办单位", 1, "jiaotong@example.gov.cn"),
    ("县财政局", "", "", "承办单位", 2, "caizheng@example.gov.cn"),
    ("县教育和体育局", "县教体局", "教体局", "承办单位", 3, "jiaoti@example.gov.cn"),
)
BASE: dict[str, Any] = {"类别": "人大代表建议", "级别": "县(区)", "年度": 2026, "领衔人": "张三", "本级承办方式": "主办",
                        "公开属性": "主动公开"}
REPLIED = {"答复文号": "县政函〔2026〕1号", "办理结果": "A", "代表意见": "满意"}

CASES: list[dict[str, Any]] = [
    # co-opinion due 3-02 + 1 month = Thu 4-02, missing → owed by 县财政局; the reply is due 6-02
    {"编号": "第1号", "主办单位": "县交通运输局", "协办单位": "县财政局", "交办日期": date(2026, 3, 2)},
    # reply due 1-05 + 3 months = Sun 4-05 in 清明 (4-04..06) → Tue 4-07, missing → owed by the lead
    {"编号": "第2号", "主办单位": "县交通运输局", "交办日期": date(2026, 1, 5)},
    # the co-handler spelled by its alias: listed under its full name
    {"编号": "第3号", "主办单位": "县财政局", "协办单位": "教体局", "交办日期": date(2026, 3, 2)},
    # this office only co-handles a 州 case: the local unit in 主办单位 owes the opinion
    {"编号": "第4号", "级别": "州(市)", "本级承办方式": "协办", "主办单位": "县教育和体育局",
     "交办日期": date(2026, 3, 2)},
    # an earlier year's case: reply due 2025-12-19 + 3 months = Thu 3-19, missing → 往年件
    {"编号": "第5号", "年度": 2025, "主办单位": "县交通运输局", "交办日期": date(2025, 12, 19)},
    # a reply "made" after today: 日期有误, neither done nor overdue (due 4-10)
    {"编号": "第6号", "主办单位": "县财政局", "交办日期": date(2026, 1, 10), "正式答复日期": date(2026, 6, 1), **REPLIED},
    # a co-opinion "sent" before the case was assigned: 日期有误; the reply came on time
    {"编号": "第7号", "主办单位": "县教育和体育局", "协办单位": "县财政局", "交办日期": date(2026, 2, 10),
     "协办意见日期": date(2026, 2, 1), "正式答复日期": date(2026, 5, 8), **REPLIED},
]
# 编号 → (unit owing it, 承办, stage), this year's; the lead of 第1号 (县交通运输局) owes nothing late
THIS_YEAR = {
    "第1号": ("县财政局", "协办", "协办意见"),
    "第2号": ("县交通运输局", "主办", "正式答复"),
    "第3号": ("县教育和体育局", "协办", "协办意见"),
    "第4号": ("县教育和体育局", "协办", "协办意见"),
}
EARLIER = {"第5号": ("县交通运输局", "主办", "正式答复")}


def fill(blank: Path, dest: Path, cases: list[dict[str, Any]], units: tuple[tuple[Any, ...], ...] = UNITS) -> Path:
    book = load_workbook(blank)
    ws = book["台账"]
    col = {cell.value: cell.column for cell in ws[2]}
    for r, case in enumerate(cases, start=3):
        values = {**BASE, "标题": f"关于{case['编号']}事项的建议", **case}
        for name, value in values.items():
            cell = ws.cell(r, col[name], value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    for unit in units:
        book["单位名录"].append(list(unit))
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def new_blank(folder: Path, year: int) -> Path:
    path = folder / f"空白{year}.xlsx"
    result = run("new", path, "--year", year, "--preset", "代表法三个月")
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("blame")
    return fill(new_blank(folder, 2026), folder / "台账.xlsx", CASES)


def grid(path: Path, name: str) -> list[list[Any]]:
    return [list(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()]


def sections(rows: list[list[Any]]) -> tuple[list[list[Any]], list[list[Any]]]:
    """The numbered rows of a list, split at its 往年件 band: (this year's, earlier years')."""
    band = next((i for i, r in enumerate(rows) if str(r[0]).startswith("二、往年件")), len(rows))
    numbered = [(i, r) for i, r in enumerate(rows) if isinstance(r[0], float)]
    return [r for i, r in numbered if i < band], [r for i, r in numbered if i > band]


@pytest.fixture(scope="module")
def written(master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("written") / "结果.xlsx"
    result = run("update", master, "--today", TODAY.isoformat(), "--out", out)
    assert result.exit_code == 1, result.output  # the two impossible dates are check errors
    return out


# ---------------------------------------------------------------- 逾期清单 and 通报

def test_overdue_list_names_the_unit_that_owes_each_stage(written: Path) -> None:
    this_year, earlier = sections(grid(written, "逾期清单"))
    # 序号, 责任单位, 承办, 主办单位, 编号, 标题, 逾期环节, 截止日期, 逾期工作日, 位置
    assert {r[4]: (r[1], r[2], r[6]) for r in this_year} == THIS_YEAR
    assert len(this_year) == len(THIS_YEAR)  # 第1号 once, under the co-handler only
    assert {r[4]: (r[1], r[2], r[6]) for r in earlier} == EARLIER
    by_number = {r[4]: r for r in this_year}
    assert by_number["第1号"][3] == "县交通运输局"  # whom the opinion is owed to
    assert by_number["第4号"][3] == "本级协办件"
    # 第1号: 4-02 → 5-20: 4-03, 4-07..10, 4-13..17, 4-20..24, 4-27..30, 5-06..08 (5-09 Sat worked),
    # 5-11..15, 5-18..20  = 1 + 4 + 5 + 5 + 4 + 4 + 5 + 3
    assert by_number["第1号"][8] == 31


def test_bulletin_lists_the_co_handlers_late_opinion_under_it_and_earlier_years_apart(written: Path) -> None:
    rows = grid(written, "通报")
    this_year, earlier = sections(rows)
    # 序号, 承办单位, 承办, 主办单位, 编号, 标题, 环节, 情况
    late = {r[4]: (r[1], r[2], r[6]) for r in this_year}
    assert late == THIS_YEAR  # 第7号's reply was on time; its wrong co-opinion date is no completion
    assert {r[4]: (r[1], r[2], r[6]) for r in earlier} == EARLIER
    assert all(r[1] != "县交通运输局" for r in this_year if r[4] == "第1号")
    text = "\n".join(str(r[7]) for r in this_year + earlier)
    assert "0个工作日" not in text
    assert "第6号" not in {r[4] for r in this_year + earlier}  # a reply dated after today is not 超期完成
    for done in re.findall(r"；(\d+)月(\d+)日完成", text):
        assert date(2026, int(done[0]), int(done[1])) <= TODAY


def test_impossible_completion_dates_are_date_errors_for_due_and_findings_for_check(master: Path) -> None:
    result = run("due", master, "--json", "--today", TODAY.isoformat())
    cases = {c["编号"]: c for c in json.loads(result.output)["cases"]}
    assert (cases["第6号"]["status"], cases["第6号"]["stage"]) == ("日期有误", "正式答复")
    assert cases["第6号"]["working_days_left"] is None
    opinion = next(s for s in cases["第7号"]["stages"] if s["stage"] == "协办意见")
    assert opinion["state"] == "日期有误"
    assert cases["第7号"]["status"] == "日期有误"  # nothing else of it is overdue
    check = json.loads(run("check", master, "--json", "--today", TODAY.isoformat()).output)
    found = {(f["code"], f["row"], f["column"]) for f in check["findings"]}
    header = {c.value: c.column_letter for c in load_workbook(master)["台账"][2]}
    assert ("date-in-future", 8, header["正式答复日期"]) in found  # 第6号 is on row 8
    assert ("date-order", 9, header["协办意见日期"]) in found  # 第7号 on row 9


# ---------------------------------------------------------------- the split cover notes

def test_cover_notes_tell_each_unit_only_its_own_late_stages(master: Path, tmp_path: Path) -> None:
    result = run("split", master, "--out", tmp_path, "--today", TODAY.isoformat())
    assert result.exit_code == 0, result.output
    notes = {p.name.split("_")[0]: p.read_text(encoding="utf-8") for p in tmp_path.glob("*.txt")}
    finance = notes["县财政局"]
    assert "逾期 1 件" in finance  # 第1号's opinion; 第6号 has a wrong date, not a late one
    assert any("第1号" in line and "协办意见" in line and "逾期" in line for line in finance.splitlines())
    lead = notes["县交通运输局"]
    assert "逾期 2 件" in lead  # 第2号 and the earlier year's 第5号, its own replies
    about_1 = [line for line in lead.splitlines() if "第1号" in line]
    assert about_1 and all("逾期" not in line for line in about_1)  # its own reply is not due yet
    assert any("待县财政局报送协办意见" in line for line in about_1)  # the opinion it awaits, said neutrally
    education = notes["县教育和体育局"]
    assert "逾期 2 件" in education  # 第3号 (as 协办) and 第4号 (本级协办)


# ---------------------------------------------------------------- the weekly per-unit mail

def test_weekly_unit_mail_goes_to_the_unit_that_owes_the_stage(master: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "台账.xlsx"
    ledger.write_bytes(master.read_bytes())
    config = write_config(tmp_path, '[run]\nledgers = ["台账.xlsx"]\n')
    run_result = run_once(config, TODAY, send=False)
    assert not run_result.ledgers[0].problem
    mails = {address: summary.text for address, summary in unit_summaries(run_result).items()}
    finance = mails["caizheng@example.gov.cn"]
    assert re.search(r"第1号.*协办意见", finance)
    lead = mails["jiaotong@example.gov.cn"]
    assert "第2号" in lead and "第1号" not in lead
    assert re.search(r"第3号.*协办意见", mails["jiaoti@example.gov.cn"])
    units = {u.unit: u for u in run_result.ledgers[0].units}
    assert (units["县财政局"].overdue, units["县交通运输局"].overdue, units["县教育和体育局"].overdue) == (1, 2, 2)


# ---------------------------------------------------------------- overdue is at least one working day

@pytest.mark.parametrize(("today", "cell", "situation"), [
    # 交办 2025-03-13 + 3 months = Friday 2025-06-13: on Sunday no working day has passed yet
    ("2025-06-15", "不足1个", "逾期未完成（截止6月13日，周五）"),
    ("2025-06-16", 1.0, "逾期1个工作日未完成（截止6月13日，周五）"),
])
def test_a_friday_deadline_seen_on_sunday_is_overdue_without_a_zero(tmp_path: Path, today: str, cell: object,
                                                                     situation: str) -> None:
    ledger = fill(new_blank(tmp_path, 2025), tmp_path / "台账.xlsx",
                  [{"编号": "第1号", "年度": 2025, "主办单位": "县交通运输局", "交办日期": date(2025, 3, 13)}])
    out = tmp_path / "结果.xlsx"
    result = run("update", ledger, "--today", today, "--out", out)
    assert result.exit_code == 0, result.output
    assert "0个工作日" not in result.output
    listed = [r for r in grid(out, "逾期清单") if isinstance(r[0], float)]
    assert [(r[4], r[8]) for r in listed] == [("第1号", cell)]
    bulletin = [r for r in grid(out, "通报") if isinstance(r[0], float)]
    assert [(r[4], r[7]) for r in bulletin] == [("第1号", situation)]
