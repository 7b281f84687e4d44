"""Black-box acceptance tests for split → edit → merge and the weekly run (docs/domain.md#exchange-of-workbooks),
through the CLI on ledgers built with openpyxl, outputs read with python-calamine."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.test_acceptance_jobs import blank, build, case, run, sheets  # noqa: F401 (blank is a fixture)


@pytest.fixture
def master(blank: Path, tmp_path: Path) -> Path:  # noqa: F811
    return build(blank, tmp_path / "台账.xlsx", [
        case(1, 交办日期=date(2026, 3, 20), 主办单位="县交通运输局", 协办单位="县财政局", 领衔人="张三",
             联系电话="13911110001"),
        case(2, 交办日期=date(2026, 3, 20), 主办单位="县教育和体育局", 领衔人="李四", 联系电话="13911110002"),
        case(3, 交办日期=date(2026, 3, 20), 主办单位="教体局", 领衔人="王五", 联系电话="13911110003"),  # alias
    ])


def split(master: Path, out: Path) -> dict[str, Path]:
    result = run("split", master, "--out", out, "--today", "2026-05-20")
    assert result.exit_code == 0, result.output
    files = {p.name.split("_")[0]: p for p in out.glob("*.xlsx")}
    return files


def edit(path: Path, dest: Path, changes: dict[tuple[str, str], object]) -> Path:
    """Change cells by (编号, header) in the unit's workbook, as a unit would in a spreadsheet."""
    book = load_workbook(path)
    ws = book["台账"]
    header_row = next(r for r in range(1, 10) if any(c.value == "编号" for c in ws[r]))
    col = {c.value: c.column for c in ws[header_row]}
    rows = {ws.cell(r, col["编号"]).value: r for r in range(header_row + 1, ws.max_row + 1)}
    for (number, header), value in changes.items():
        cell = ws.cell(rows[number], col[header], value)
        if isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
    dest.parent.mkdir(parents=True, exist_ok=True)
    book.save(dest)
    return dest


def test_split_groups_aliases_and_leaks_nothing(master: Path, tmp_path: Path) -> None:
    files = split(master, tmp_path / "分发")
    assert set(files) == {"县交通运输局", "县财政局", "县教育和体育局"}
    assert all("2026" in p.name and "20260520" in p.name for p in files.values())
    education = sheets(files["县教育和体育局"])["台账"]
    numbers = {v for row in education for v in row if isinstance(v, str) and v.startswith("第") and v.endswith("号")}
    assert numbers == {"第2号", "第3号"}       # 教体局 is an alias of 县教育和体育局
    for unit, path in files.items():
        with zipfile.ZipFile(path) as z:
            blob = b"".join(z.read(n) for n in z.namelist())
        # a case's phone goes to its own handling units, 主办 and 协办 (README), and nowhere else
        own = {"县交通运输局": [b"13911110001"], "县财政局": [b"13911110001"],
               "县教育和体育局": [b"13911110002", b"13911110003"]}
        for phone in (b"13911110001", b"13911110002", b"13911110003"):
            assert (phone in blob) == (phone in own[unit]), (unit, phone)


def test_round_trip_host_and_co_unit_then_second_merge_changes_nothing(master: Path, tmp_path: Path) -> None:
    files = split(master, tmp_path / "分发")
    back = tmp_path / "回收"
    back.mkdir()
    host = edit(files["县交通运输局"], back / "交通局回传.xlsx", {("第1号", "面商日期"): date(2026, 4, 1)})
    co = edit(files["县财政局"], back / "财政局回传.xlsx", {("第1号", "协办意见日期"): date(2026, 4, 8)})
    before = sheets(master)

    result = run("merge", master, host, co, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    by_file = {f["file"]: f for f in out["files"]}
    assert set(by_file) == {"交通局回传.xlsx", "财政局回传.xlsx"}
    assert by_file["交通局回传.xlsx"]["unit"] == "县交通运输局"
    assert by_file["交通局回传.xlsx"]["status"] == "merged"
    assert by_file["交通局回传.xlsx"]["changes"] == [
        {"编号": "第1号", "field": "面商日期", "old": None, "new": "2026-04-01"}]
    assert by_file["财政局回传.xlsx"]["unit"] == "县财政局"
    assert by_file["财政局回传.xlsx"]["changes"] == [
        {"编号": "第1号", "field": "协办意见日期", "old": None, "new": "2026-04-08"}]
    assert all(f["conflicts"] == [] for f in out["files"])

    after = sheets(master)
    ledger = after["台账"]
    header = ledger[1]
    row3 = ledger[2]
    assert str(row3[header.index("面商日期")])[:10] == "2026-04-01"
    assert str(row3[header.index("协办意见日期")])[:10] == "2026-04-08"
    # nothing else changed in the user's sheets
    for name, grid in before.items():
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if name == "台账" and r == 2 and header[c] in ("面商日期", "协办意见日期"):
                    continue
                assert after[name][r][c] == value, (name, r + 1, c + 1)
    log = after["变更记录"]
    head = [str(v) for v in log[0]]
    assert head == ["时间", "文件", "单位", "编号", "字段", "原值", "新值"]
    entries = sorted(tuple(row[1:]) for row in log[1:] if any(v != "" for v in row))
    assert entries == sorted([
        ("交通局回传.xlsx", "县交通运输局", "第1号", "面商日期", "", "2026-04-01"),
        ("财政局回传.xlsx", "县财政局", "第1号", "协办意见日期", "", "2026-04-08"),
    ])
    assert list((master.parent / "备份").glob("*.xlsx"))

    snapshot = master.read_bytes()
    again = run("merge", master, host, "--json")
    assert again.exit_code == 0, again.output
    second = json.loads(again.output)["files"]
    assert [(f["status"], f["changes"]) for f in second] == [("no-change", [])]
    assert master.read_bytes() == snapshot


def test_rejected_file_leaves_master_byte_identical(master: Path, tmp_path: Path) -> None:
    files = split(master, tmp_path / "分发")
    # a legitimate edit plus an edited locked field (标题): the whole file is refused
    bad = edit(files["县交通运输局"], tmp_path / "改了标题.xlsx",
               {("第1号", "面商日期"): date(2026, 4, 1), ("第1号", "标题"): "关于改别的事的建议"})
    junk = tmp_path / "不是表格.xlsx"
    junk.write_text("这不是工作簿", encoding="utf-8")
    snapshot = master.read_bytes()
    result = run("merge", master, bad, junk, "--json")
    assert result.exit_code == 1, result.output
    out = {f["file"]: f for f in json.loads(result.output)["files"]}
    assert out["改了标题.xlsx"]["status"] == "rejected"
    assert ("第1号", "标题") in {(c["编号"], c["field"]) for c in out["改了标题.xlsx"]["conflicts"]}
    assert out["不是表格.xlsx"]["status"] == "rejected"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in out["不是表格.xlsx"]["message"])
    assert master.read_bytes() == snapshot
    assert "Traceback" not in result.output


def test_merge_into_an_unreadable_master_exits_2(tmp_path: Path) -> None:
    master = tmp_path / "坏台账.xlsx"
    master.write_bytes(b"")
    other = tmp_path / "回传.xlsx"
    other.write_bytes(b"")
    result = run("merge", master, other, "--json")
    assert result.exit_code == 2
    assert "坏台账.xlsx" in result.output and "Traceback" not in result.output


# ---------------------------------------------------------------- weekly

CONFIG = """
[run]
ledgers = ["台账.xlsx"]
weekday = "monday"
time = "08:30"
report_dir = "报告"
keep_reports = 12
update_master = false
"""


def test_weekly_without_email_writes_the_dated_report(blank: Path, tmp_path: Path) -> None:  # noqa: F811
    ledger = build(blank, tmp_path / "台账.xlsx", [
        case(1, 交办日期=date(2026, 3, 20)),
        case(2, 交办日期=date(2026, 3, 20), 重点件="是"),                  # error: no 督办领导 (S4)
        case(3, 交办日期=date(2026, 2, 2)),                                # reply due 2026-05-02 → overdue
    ])
    config = tmp_path / "周检.toml"
    config.write_text(CONFIG, encoding="utf-8")
    snapshot = ledger.read_bytes()

    result = run("weekly", "--config", config, "--today", "2026-05-18")
    assert result.exit_code == 1, result.output      # errors and overdue cases
    report = tmp_path / "报告" / "台账" / "校验报告_2026-05-18.xlsx"
    assert report.is_file(), sorted(str(p) for p in tmp_path.rglob("*"))
    got = sheets(report)
    assert list(got) == ["概况", "校验问题", "逾期清单", "各单位", "变化"]
    problems = [row for row in got["校验问题"] if "S4" in row]
    assert problems and "key-case-without-supervisor" in problems[0]
    overdue = [row for row in got["逾期清单"] if "第3号" in row]
    assert len(overdue) == 1
    assert ledger.read_bytes() == snapshot                # update_master = false
    assert not (tmp_path / "备份").exists()

    # a week later, the error fixed: the 变化 sheet says so
    book = load_workbook(ledger)
    ws = book["台账"]
    col = {c.value: c.column for c in ws[2]}
    ws.cell(4, col["督办领导"], "王副县长")
    book.save(ledger)
    second = run("weekly", "--config", config, "--today", "2026-05-25")
    assert second.exit_code == 1, second.output          # 第3号 still overdue
    changes = sheets(tmp_path / "报告" / "台账" / "校验报告_2026-05-25.xlsx")["变化"]
    text = "\n".join(" ".join(str(v) for v in row) for row in changes)
    assert "第2号" in text or "S4" in text
    assert "key-case-without-supervisor" in text or "督办领导" in text
