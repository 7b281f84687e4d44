"""Black-box acceptance tests: the CLI on ledgers built here, expected values worked out by hand from
docs/domain.md, never by calling the library that produced them.

Ledgers start from `taizhang new --preset 代表法三个月` (what an office would do) and are filled in
with openpyxl as staff would type them; outputs are read with python-calamine.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from taizhang.macros.cli import cli

UNITS: tuple[tuple[str, str, str, str], ...] = (
    ("县交通运输局", "县交通局", "", "承办单位"),
    ("县财政局", "", "", "承办单位"),
    ("县教育和体育局", "县教体局", "教体局", "承办单位"),
)
BASE: dict[str, Any] = {
    "类别": "人大代表建议", "级别": "县(区)", "年度": 2026, "领衔人": "张三", "本级承办方式": "主办",
    "主办单位": "县交通运输局", "公开属性": "主动公开",
}


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


@pytest.fixture(scope="session")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("blank") / "空白台账.xlsx"
    result = run("new", path, "--year", "2026", "--preset", "代表法三个月")
    assert result.exit_code == 0, result.output
    return path


def build(blank: Path, dest: Path, rows: list[dict[str, Any]],
          units: tuple[tuple[str, ...], ...] = UNITS) -> Path:
    """Fill the blank ledger's 台账 sheet from row 3 (header on row 2) and its 单位名录: each unit is
    (name, short name, alias, kind), optionally followed by its e-mail."""
    book = load_workbook(blank)
    ws = book["台账"]
    col = {cell.value: cell.column for cell in ws[2]}
    for r, row in enumerate(rows, start=3):
        for name, value in row.items():
            cell = ws.cell(r, col[name], value)
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
    names = book["单位名录"]
    for i, unit in enumerate(units, start=1):
        names.append([*unit[:4], i, unit[4] if len(unit) > 4 else ""])
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def case(n: int, **fields: Any) -> dict[str, Any]:
    return {**BASE, "编号": f"第{n}号", "标题": f"关于第{n}件事的建议", **fields}


def due_json(path: Path, today: str) -> dict[str, dict[str, Any]]:
    result = run("due", path, "--json", "--today", today)
    assert result.exit_code == 0, result.output
    return {c["编号"]: c for c in json.loads(result.output)["cases"]}


def sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


# ---------------------------------------------------------------- deadlines (docs/domain.md#deadline-rules)

def test_domain_worked_examples_three_months_after_assignment(blank: Path, tmp_path: Path) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, 交办日期=date(2026, 3, 20)),   # +3 months = Sat 2026-06-20 in 端午 → Mon 2026-06-22
        case(2, 交办日期=date(2026, 7, 10)),   # +3 months = Sat 2026-10-10, a make-up working day: stays
        case(3, 交办日期=date(2026, 3, 31)),   # no 31 June: that month's last day, Tue 2026-06-30
    ])
    cases = due_json(ledger, "2026-05-20")
    assert cases["第1号"]["due"] == "2026-06-22"
    assert cases["第2号"]["due"] == "2026-10-10"
    assert cases["第3号"]["due"] == "2026-06-30"
    for c in cases.values():
        assert c["stage"] == "正式答复"
        assert c["status"] == "正常"
        reply = [s for s in c["stages"] if s["stage"] == "正式答复"]
        assert reply == [{"stage": "正式答复", "due": c["due"], "state": "未到期"}]
    # Working days after 05-20 up to and including 06-22: 5-21,22 | 5-25..29 | 6-1..5 | 6-8..12 |
    # 6-15..18 (6-19 端午) | 6-22  = 2 + 5 + 5 + 5 + 4 + 1
    assert cases["第1号"]["working_days_left"] == 22


@pytest.mark.parametrize(("today", "status", "state", "left"), [
    ("2026-06-11", "正常", "未到期", 6),    # 6-12, 15, 16, 17, 18, 22
    ("2026-06-12", "临期", "临期", 5),      # threshold 临期提醒工作日 = 5 in the new ledger's 参数
    ("2026-06-22", "临期", "临期", 0),
    ("2026-06-23", "逾期", "逾期", -1),
    ("2026-07-01", "逾期", "逾期", -7),     # 6-23..26, 6-29, 6-30, 7-01
])
def test_reply_status_around_the_holiday_deadline(blank: Path, tmp_path: Path, today: str, status: str,
                                                  state: str, left: int) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [case(1, 交办日期=date(2026, 3, 20))])
    c = due_json(ledger, today)["第1号"]
    assert (c["stage"], c["due"], c["status"], c["working_days_left"]) == ("正式答复", "2026-06-22", status, left)
    assert c["stages"][0] == {"stage": "正式答复", "due": "2026-06-22", "state": state}


def test_dissatisfied_case_owes_a_new_reply_one_month_after_the_reply(blank: Path, tmp_path: Path) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, 交办日期=date(2026, 3, 20), 正式答复日期=date(2026, 4, 15), 答复文号="县交函〔2026〕1号",
             办理结果="A", 代表意见="不满意"),
    ])
    c = due_json(ledger, "2026-05-20")["第1号"]
    by_stage = {s["stage"]: s for s in c["stages"]}
    assert by_stage["正式答复"]["state"].startswith("已完成")
    assert "按期" in by_stage["正式答复"]["state"]
    # 2026-04-15 + 1 month = Fri 2026-05-15, a working day; 05-20 is past it.
    assert by_stage["重新答复"]["due"] == "2026-05-15"
    assert by_stage["重新答复"]["state"] == "逾期"
    assert c["status"] == "逾期"
    assert c["stage"] == "重新答复"
    # 05-18, 05-19, 05-20 are the working days overdue
    assert c["working_days_left"] == -3
    # 不满意 without a 重新答复 once its deadline passed is a finding at the 重新答复日期 cell
    result = run("check", ledger, "--json", "--today", "2026-05-20")
    findings = json.loads(result.output)["findings"]
    assert ("dissatisfied-without-rereply", 3) in {(f["code"], f["row"]) for f in findings}
    # Before the new reply's deadline it is not a finding yet.
    early = json.loads(run("check", ledger, "--json", "--today", "2026-05-14").output)["findings"]
    assert "dissatisfied-without-rereply" not in {f["code"] for f in early}


def test_extension_replaces_the_reply_deadline_and_is_capped_at_six_months(blank: Path, tmp_path: Path) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, 交办日期=date(2026, 3, 20), 延期至=date(2026, 8, 14), 延期理由="涉及面广"),
        # cap: 2026-03-20 + 6 months = Sun 2026-09-20, a 国庆 make-up working day, so it stays
        case(2, 交办日期=date(2026, 3, 20), 延期至=date(2026, 12, 31), 延期理由="处理难度大"),
    ])
    cases = due_json(ledger, "2026-05-20")
    assert cases["第1号"]["due"] == "2026-08-14"
    assert cases["第2号"]["due"] == "2026-09-20"
    # and the too-long extension is flagged at its cell
    findings = json.loads(run("check", ledger, "--json", "--today", "2026-05-20").output)["findings"]
    assert ("extension-too-long", 4) in {(f["code"], f["row"]) for f in findings}


def test_deadline_in_a_year_nobody_knows_is_unknown(blank: Path, tmp_path: Path) -> None:
    # 2026-11-30 + 3 months = 2027-02-28: neither chinese-calendar nor the 节假日 sheet knows 2027.
    ledger = build(blank, tmp_path / "台账.xlsx", [case(1, 交办日期=date(2026, 11, 30))])
    c = due_json(ledger, "2026-12-01")["第1号"]
    assert c["due"] is None
    assert c["status"] == "未知"
    assert c["working_days_left"] is None
    assert {"stage": "正式答复", "due": None, "state": "未知"} in c["stages"]


# ---------------------------------------------------------------- statistics (docs/domain.md#statistics)

def test_seed_004_four_suggestions_shares_over_classified_cases(blank: Path, tmp_path: Path) -> None:
    co = {"本级承办方式": "协办", "交办日期": date(2026, 3, 20), "协办意见日期": date(2026, 4, 1),
          "正式答复日期": date(2026, 4, 20), "答复文号": "县交函〔2026〕9号"}
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, **co, 办理结果="A"),
        case(2, **co, 办理结果="A"),
        case(3, **co, 办理结果="B", B类计划解决时限=date(2026, 12, 31)),
        case(4, 本级承办方式="参阅", 交办日期=date(2026, 3, 20)),
    ])
    result = run("stats", ledger, "--json", "--today", "2026-05-20")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["classes"]["A"] == {"count": 2, "share": "66.67%"}
    assert out["classes"]["B"] == {"count": 1, "share": "33.33%"}
    assert out["classes"]["C"] == {"count": 0, "share": "0.00%"}
    assert out["totals"]["件数"] == 4
    assert out["totals"]["本级协办"] == 3
    assert out["totals"]["参阅"] == 1
    assert out["rates"]["办复率"] == {"num": 3, "den": 3, "value": "100.00%"}
    assert out["rates"]["解决率"] == {"num": 3, "den": 3, "value": "100.00%"}
    assert isinstance(out["paragraph"], str)
    for words in ("人大代表建议4件", "协办3件", "参阅1件", "A类2件", "66.67%", "B类1件", "33.33%"):
        assert words in out["paragraph"]
    assert isinstance(out["by_unit"], list) and all(isinstance(u["unit"], str) for u in out["by_unit"])


def test_seed_000_opening_counts_by_level_category_and_role(blank: Path, tmp_path: Path) -> None:
    """精河2025通知 (docs/domain.md#sources): 州人大代表建议36件,其中主办13件,协办23件。州政协委员提案45件,其中主办11件,协办34件。"""
    rows: list[dict[str, Any]] = []
    n = 0
    for category, hosted, co in (("人大代表建议", 13, 23), ("政协委员提案", 11, 34)):
        for role, count in (("主办", hosted), ("协办", co)):
            for _ in range(count):
                n += 1
                rows.append(case(n, 类别=category, 级别="州(市)", 本级承办方式=role, 交办日期=date(2026, 3, 20)))
    # and a few county cases that must not leak into the 州 counts
    for _ in range(5):
        n += 1
        rows.append(case(n, 级别="县(区)", 交办日期=date(2026, 3, 20)))
    ledger = build(blank, tmp_path / "台账.xlsx", rows)
    out = json.loads(run("stats", ledger, "--json", "--today", "2026-04-01").output)
    zhou = out["by_level_category"]["州(市)"]
    assert (zhou["人大代表建议"]["件数"], zhou["人大代表建议"]["本级主办"], zhou["人大代表建议"]["本级协办"]) == (36, 13, 23)
    assert (zhou["政协委员提案"]["件数"], zhou["政协委员提案"]["本级主办"], zhou["政协委员提案"]["本级协办"]) == (45, 11, 34)
    assert out["by_level"]["州(市)"]["件数"] == 81
    assert out["by_level"]["县(区)"]["件数"] == 5
    assert out["totals"]["件数"] == 86


def test_rates_on_a_hand_checked_ledger(blank: Path, tmp_path: Path) -> None:
    """Four 主办 cases, today 2026-07-01 (every reply was due by 2026-06-22):
    1: met, replied on time, A, 满意;  2: met, replied late (6-25), B, 基本满意;
    3: not met, replied on time, C, 不满意;  4: met, not replied (overdue).
    (1 has its 回头看 done, 2 and 3 are within their month, so only 4 is overdue.)
    办复率 3/4 = 75.00%; 见面率 3/4 = 75.00%; 按期办复率 2/4 = 50.00%; 满意率 2/3 = 66.67%;
    满意 alone 1/3 = 33.33%; A/B/C 1/1/1 each 33.33%; 解决率 (A+B)/3 = 66.67%."""
    common = {"交办日期": date(2026, 3, 20)}
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, **common, 面商日期=date(2026, 3, 25), 正式答复日期=date(2026, 5, 20), 答复文号="县交函〔2026〕1号",
             办理结果="A", 代表意见="满意", 回头看日期=date(2026, 6, 10)),
        case(2, **common, 面商日期=date(2026, 3, 25), 正式答复日期=date(2026, 6, 25), 答复文号="县交函〔2026〕2号",
             办理结果="B", B类计划解决时限=date(2026, 12, 31), 代表意见="基本满意"),
        case(3, **common, 正式答复日期=date(2026, 6, 1), 答复文号="县交函〔2026〕3号", 办理结果="C",
             代表意见="不满意"),
        case(4, **common, 面商日期=date(2026, 3, 25)),
    ])
    out = json.loads(run("stats", ledger, "--json", "--today", "2026-07-01").output)
    rates = out["rates"]
    assert rates["办复率"] == {"num": 3, "den": 4, "value": "75.00%"}
    assert rates["见面率"] == {"num": 3, "den": 4, "value": "75.00%"}
    assert rates["按期办复率"] == {"num": 2, "den": 4, "value": "50.00%"}
    assert rates["满意率"] == {"num": 2, "den": 3, "value": "66.67%"}
    assert rates["解决率"] == {"num": 2, "den": 3, "value": "66.67%"}
    assert out["classes"] == {"A": {"count": 1, "share": "33.33%"}, "B": {"count": 1, "share": "33.33%"},
                              "C": {"count": 1, "share": "33.33%"}}
    # 满意 alone is published too ("满意率 (满意+基本满意) and 满意 alone")
    alone = [v for k, v in rates.items() if k != "满意率" and k.startswith("满意")]
    assert alone == [{"num": 1, "den": 3, "value": "33.33%"}]
    unit = next(u for u in out["by_unit"] if u["unit"] == "县交通运输局")
    assert unit["逾期件数"] == 1


# ---------------------------------------------------------------- check (docs/domain.md#checks-on-a-case)

def test_check_findings_are_row_column_code_triples_and_exit_1(blank: Path, tmp_path: Path) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, 交办日期=date(2026, 3, 20), 联系电话="13912345678"),                      # row 3: clean
        {**case(2, 交办日期=date(2026, 3, 20)), "标题": None},                              # row 4: 标题 (H) missing
        case(3, 交办日期=date(2026, 3, 20), 正式答复日期=date(2026, 3, 10), 答复文号="县交函〔2026〕3号",
             办理结果="A"),                                                                 # row 5: reply before 交办 (X)
        case(4, 交办日期=date(2026, 3, 20), 主办单位="县交通厅"),                           # row 6: unknown unit (N)
        case(5, 交办日期=date(2026, 3, 20), 正式答复日期=date(2026, 4, 10), 答复文号="县交函〔2026〕5号",
             办理结果="D"),                                                                 # row 7: D not in A/B/C (Z)
        case(6, 交办日期=date(2026, 3, 20), 重点件="是"),                                  # row 8: no 督办领导 (S)
        case(7, 交办日期=date(2026, 3, 20), 本级承办方式="参阅", 主办单位=None),            # row 9: 参阅 needs no 主办
    ])
    result = run("check", ledger, "--json", "--today", "2026-05-20")
    assert result.exit_code == 1
    out = json.loads(result.output)
    assert out["sheet"] == "台账" and out["rows"] == 7
    triples = {(f["row"], f["column"], f["code"]) for f in out["findings"] if f["severity"] == "错误"}
    assert triples == {
        (4, "H", "missing-value"),
        (5, "X", "date-order"),
        (6, "N", "unknown-unit"),
        (7, "Z", "invalid-enum"),
        (8, "S", "key-case-without-supervisor"),
    }
    for f in out["findings"]:
        assert set(f) == {"code", "severity", "sheet", "row", "column", "cell", "value", "message"}
        assert f["cell"] == f"{f['column']}{f['row']}"
        assert f["sheet"] == "台账"
    unknown = next(f for f in out["findings"] if f["code"] == "unknown-unit")
    assert "县交通运输局" in unknown["message"]          # suggests the closest known unit
    invalid = next(f for f in out["findings"] if f["code"] == "invalid-enum")
    assert all(x in invalid["message"] for x in "ABC")    # names the allowed list
    assert out["counts"] == {code: sum(1 for f in out["findings"] if f["code"] == code)
                             for code in {f["code"] for f in out["findings"]}}


def test_check_without_write_writes_nothing(blank: Path, tmp_path: Path) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [case(1, 交办日期=date(2026, 3, 20), 重点件="是")])
    before = ledger.read_bytes()
    listing = sorted(p.name for p in tmp_path.iterdir())
    for command in ("check", "due", "stats"):
        run(command, ledger, "--json", "--today", "2026-05-20")
    assert ledger.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_new_blank_ledger_is_clean(blank: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "新台账.xlsx"
    assert run("new", ledger, "--year", "2026").exit_code == 0
    result = run("check", ledger, "--json", "--today", "2026-05-20")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["rows"] == 0 and out["findings"] == [] and out["counts"] == {}
    assert json.loads(run("due", ledger, "--json", "--today", "2026-05-20").output) == {"untracked": [], "cases": []}
    stats = run("stats", ledger, "--json", "--today", "2026-05-20")
    assert stats.exit_code == 0
    assert json.loads(stats.output)["totals"]["件数"] == 0


# ---------------------------------------------------------------- read

def test_read_json_shape_and_values(blank: Path, tmp_path: Path) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, 交办日期="2026年3月20日", 面商日期="2026.3.25", 答复样稿日期="４月２日", 备注="  "),
        case(2, 交办日期=date(2026, 3, 20), 面商日期="下周一"),
    ])
    result = run("read", ledger, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert {"sheet", "header_row", "columns", "cases", "unparsed"} <= set(out)
    assert out["sheet"] == "台账" and out["header_row"] == 2
    assert isinstance(out["columns"], dict)
    assert out["columns"]["编号"] == "B" and out["columns"]["交办日期"] == "P" and out["columns"]["面商日期"] == "T"
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in out["columns"].items())
    assert [c["row"] for c in out["cases"]] == [3, 4]
    first = out["cases"][0]
    assert isinstance(first["row"], int)
    assert first["编号"] == "第1号"
    assert first["交办日期"] == "2026-03-20"
    assert first["面商日期"] == "2026-03-25"
    assert first["答复样稿日期"] == "2026-04-02"   # full-width digits, year from 年度
    assert [(u["row"], u["column"], u["value"]) for u in out["unparsed"]] == [(4, "T", "下周一")]
    for u in out["unparsed"]:
        assert isinstance(u["row"], int) and isinstance(u["column"], str) and isinstance(u["value"], str)
    # never dropped silently: the raw text is kept, and check reports it at its cell
    findings = json.loads(run("check", ledger, "--json", "--today", "2026-05-20").output)["findings"]
    assert ("unparsed-value", 4, "T") in {(f["code"], f["row"], f["column"]) for f in findings}


# ---------------------------------------------------------------- bad input

def _two_ledgers(path: Path) -> None:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name in ("建议台账", "提案台账"):
        ws = book.create_sheet(name)
        ws.append(["编号", "类别", "标题", "领衔人", "本级承办方式", "主办单位", "交办日期"])
        ws.append(["第1号", "人大代表建议", "关于修路的建议", "张三", "主办", "县交通运输局", date(2026, 3, 20)])
    book.save(path)


def _header_on(row: int) -> Any:
    def make(path: Path) -> None:
        book = Workbook()
        ws = book.active
        assert ws is not None
        ws.title = "台账"
        for r in range(1, row):
            ws.cell(r, 1, f"说明第{r}行")
        ws.append(["编号", "类别", "标题", "领衔人", "本级承办方式", "主办单位", "交办日期"])
        ws.append(["第1号", "人大代表建议", "关于修路的建议", "张三", "主办", "县交通运输局", date(2026, 3, 20)])
        book.save(path)
    return make


BAD_INPUTS: dict[str, Any] = {
    "改名的表格.xlsx": lambda p: p.write_text("编号,类别,标题\n第1号,建议,修路\n", encoding="utf-8"),
    "空文件.xlsx": lambda p: p.write_bytes(b""),
    "表头在35行.xlsx": _header_on(35),
    "两个台账.xlsx": _two_ledgers,
    "不是表格.xlsx": lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 200),
}


@pytest.mark.parametrize("command", ["read", "check", "due", "stats"])
@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_bad_input_exits_2_naming_the_file(tmp_path: Path, name: str, command: str) -> None:
    path = tmp_path / name
    BAD_INPUTS[name](path)
    args = [command, path] + ([] if command == "read" else ["--today", "2026-05-20"])
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == 2, result.output
    text = result.output
    assert "Traceback" not in text
    assert name in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text.replace(name, ""))


def test_header_found_on_row_25(tmp_path: Path) -> None:
    path = tmp_path / "表头在25行.xlsx"
    _header_on(25)(path)
    result = run("read", path, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["header_row"] == 25
    assert [c["row"] for c in out["cases"]] == [26]
    assert out["cases"][0]["交办日期"] == "2026-03-20"


def test_two_ledger_sheets_resolved_by_sheet_option(tmp_path: Path) -> None:
    path = tmp_path / "两个台账.xlsx"
    _two_ledgers(path)
    result = run("read", path, "--json", "--sheet", "提案台账")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["sheet"] == "提案台账"


# ---------------------------------------------------------------- --write keeps everything

def test_write_commands_back_up_and_keep_every_original_value(blank: Path, tmp_path: Path) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, 交办日期=date(2026, 3, 20)),
        case(2, 交办日期=date(2026, 3, 20), 重点件="是"),
        case(3, 交办日期=date(2026, 2, 1), 主办单位="县教体局"),
    ])
    original_bytes = ledger.read_bytes()
    original = sheets(ledger)
    pristine = tmp_path / "pristine.xlsx"
    shutil.copyfile(ledger, pristine)
    codes = []
    for command in ("check", "due", "summary"):
        result = run(command, ledger, "--write", "--today", "2026-05-20")
        codes.append(result.exit_code)
        assert "Traceback" not in result.output
    assert codes[0] == 1          # check found errors; the writes still happened
    backups = sorted((tmp_path / "备份").glob("*.xlsx"))
    assert len(backups) == 3
    assert original_bytes in {b.read_bytes() for b in backups}
    after = sheets(ledger)
    for name, grid in original.items():
        assert name in after, name
        width = max(len(r) for r in grid)
        new = after[name]
        assert len(new) >= len(grid)
        for r, row in enumerate(grid):
            padded = list(row) + [""] * (width - len(row))
            assert list(new[r][:width]) + [""] * (width - len(new[r][:width])) == padded, (name, r + 1)
        if name != "台账":
            assert all(len(r) <= width or all(v == "" for v in r[width:]) for r in new), name
    # the ledger only gained 【系统】 columns to the right of the user's last column
    width = max(len(r) for r in original["台账"])
    added = [v for v in after["台账"][1][width:] if v != ""]
    assert added and all(str(v).startswith("【系统】") for v in added)
    assert {"校验结果", "逾期清单", "汇总", "通报", "图表"} <= set(after)
    # a rerun replaces the tool's things instead of duplicating them
    run("check", ledger, "--write", "--today", "2026-05-20")
    again = sheets(ledger)
    assert list(again) == list(after)
    assert len(again["台账"][1]) == len(after["台账"][1])


# ---------------------------------------------------------------- more hand-checked edges

@pytest.mark.parametrize(("make_up", "expected"), [
    (False, "2027-03-01"),   # 2027-02-28 is a Sunday: the next working day
    (True, "2027-02-28"),    # the staff marked it 班 in the 节假日 sheet: it stays
])
def test_holiday_sheet_makes_an_unknown_year_known(blank: Path, tmp_path: Path, make_up: bool, expected: str) -> None:
    ledger = build(blank, tmp_path / "台账.xlsx", [case(1, 交办日期=date(2026, 11, 30))])
    book = load_workbook(ledger)
    ws = book["节假日"]
    for day in [date(2027, 1, 1)] + [date(2027, 2, d) for d in range(6, 13)]:   # 8 假想 休 days
        ws.append([day, "休", "2027年（假想）"])
    if make_up:
        ws.append([date(2027, 2, 28), "班", "假想调休"])
    book.save(ledger)
    c = due_json(ledger, "2026-12-01")["第1号"]
    assert c["due"] == expected
    assert c["status"] == "正常"
    # 2026-12-02..31: 22 | 2027-01 (1-01 休): 20 | 2027-02 (2-08..12 休): 15 | the due day: 1
    assert c["working_days_left"] == 58


def test_shares_round_half_up_as_offices_print_them(blank: Path, tmp_path: Path) -> None:
    # 1/160 = 0.625% → "0.63%" (half up; round-half-even or binary float would give 0.62%)
    # 159/160 = 99.375% → "99.38%"
    rows = [case(i, 交办日期=date(2026, 3, 20), 正式答复日期=date(2026, 4, 20), 答复文号=f"县交函〔2026〕{i}号",
                 办理结果="A" if i == 1 else "C") for i in range(1, 161)]
    ledger = build(blank, tmp_path / "台账.xlsx", rows)
    out = json.loads(run("stats", ledger, "--json", "--today", "2026-05-20").output)
    assert out["classes"] == {"A": {"count": 1, "share": "0.63%"}, "B": {"count": 0, "share": "0.00%"},
                              "C": {"count": 159, "share": "99.38%"}}


def test_check_exit_codes_warning_only_is_0_and_future_date_is_1(blank: Path, tmp_path: Path) -> None:
    warned = build(blank, tmp_path / "警告.xlsx", [case(1, 交办日期=date(2026, 3, 20), 联系电话="123")])
    result = run("check", warned, "--json", "--today", "2026-05-20")
    assert result.exit_code == 0
    assert [(f["code"], f["severity"], f["cell"]) for f in json.loads(result.output)["findings"]] == [
        ("phone-format", "警告", "L3")]
    future = build(blank, tmp_path / "未来.xlsx", [case(1, 交办日期=date(2026, 3, 20), 面商日期=date(2026, 6, 1))])
    result = run("check", future, "--json", "--today", "2026-05-20")
    assert result.exit_code == 1
    assert [(f["code"], f["cell"]) for f in json.loads(result.output)["findings"]] == [("date-in-future", "T3")]
    # the same ledger a month later: the date is no longer in the future
    later = run("check", future, "--json", "--today", "2026-06-02")
    assert later.exit_code == 0 and json.loads(later.output)["findings"] == []
