"""`taizhang adopt` on ledgers other offices keep: no settings sheets (or some), title rows, a
two-row header, their own column order, a notes sheet. The proposal names each unit once, groups
short forms and marks internal sections (请核对); --write adds the missing settings sheets and
touches nothing else; split and merge refuse a ledger without a 单位名录 and say to run adopt."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import python_calamine as pc
import xlsxwriter
from click.testing import CliRunner, Result
from openpyxl import Workbook

from taizhang.core.settings import UnitKind
from taizhang.core.unit_guess import FoundName, is_short_form, propose_units, section_parent
from taizhang.macros.cli import cli
from taizhang.macros.jobs.adopt import propose

TODAY = date(2025, 6, 3)

# (编号, 标题, 主办单位, 协办单位, 交办时间, 答复日期, 办理结果)
CASES: list[tuple[Any, ...]] = [
    ("县人大第1号建议", "关于改善农村小学办学条件的建议", "县教育和体育局", "县财政局", "2025.3.20", "2025年5月10日", "A"),
    ("县人大第2号建议", "关于规范校外培训机构的建议", "县教体局", "县教体局基础教育股", "2025.3.20", None, None),
    ("县政协第3号提案", "关于加强校园周边交通安全的提案", "教体局", "县公安局、县住建局", "2025.3.25", "2025年5月20日", "B"),
    ("县人大第4号建议", "关于老旧小区改造的建议", "县住房和城乡建设局", "县财政局", "2025.3.25", None, None),
    ("县人大第5号建议", "关于城关镇农贸市场改造的建议", "城关镇人民政府", "县市场监督管理局", "2025.3.25", "2025年5月8日", "A"),
    ("县政协第6号提案", "关于城关镇背街小巷亮化的提案", "城关镇", None, "2025.3.28", None, None),
    ("县人大第7号建议", "关于规范农贸市场秤具的建议", "县市场监管局", None, "2025.3.28", "2025年5月30日", "C"),
    ("县人大第8号建议", "关于加强农村道路养护的建议", "县交通运输局", "县财政局", "2025.3.28", None, None),
]
# What a careful clerk expects: (单位名称, 简称, 别名, 类型), in order of first appearance.
EXPECTED_UNITS = [
    ("县教育和体育局", "县教体局", ["教体局"], "承办单位"),
    ("县财政局", None, [], "承办单位"),
    ("县教体局基础教育股", None, [], "内设机构"),
    ("县公安局", None, [], "承办单位"),
    ("县住房和城乡建设局", "县住建局", [], "承办单位"),
    ("城关镇人民政府", "城关镇", [], "承办单位"),
    ("县市场监督管理局", "县市场监管局", [], "承办单位"),
    ("县交通运输局", None, [], "承办单位"),
]


def foreign_ledger(path: Path) -> Path:
    """Two title rows, a two-row header (承办单位 over 主办/协办), the office's own column order,
    dates as text, a notes sheet; no settings sheet. Written with xlsxwriter, as another program."""
    wb = xlsxwriter.Workbook(str(path))
    notes = wb.add_worksheet("说明")
    notes.write("A1", "本表由督查室维护，每周五更新")
    ws = wb.add_worksheet("办理台账")
    bold = wb.add_format({"bold": True, "align": "center"})
    ws.merge_range("A1:H1", "2025年建议提案办理台账", bold)
    ws.write("A2", "截至：2025年6月1日")
    for col, text in enumerate(("编号", "案由")):
        ws.merge_range(2, col, 3, col, text, bold)
    ws.merge_range("C3:D3", "承办单位", bold)
    ws.write("C4", "主办", bold)
    ws.write("D4", "协办", bold)
    for col, text in ((4, "交办时间"), (5, "答复日期"), (6, "办理结果"), (7, "经办人")):
        ws.merge_range(2, col, 3, col, text, bold)
    for r, case in enumerate(CASES, start=4):
        for c, value in enumerate(case):
            if value is not None:
                ws.write(r, c, value)
        ws.write(r, 7, "小刘")
    wb.close()
    return path


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def grids(path: Path) -> dict[str, list[list[Any]]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    try:
        return {name: [list(r) for r in book.get_sheet_by_name(name).to_python(skip_empty_area=False)]
                for name in book.sheet_names}
    finally:
        book.close()


def table(grid: list[list[Any]]) -> list[dict[str, Any]]:
    head = grid[0]
    return [dict(zip(head, row, strict=False)) for row in grid[1:] if any(v not in (None, "") for v in row)]


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    return foreign_ledger(tmp_path / "台账.xlsx")


# -- the heuristic ------------------------------------------------------------------------------

@pytest.mark.parametrize(("short", "full"), [
    ("县教体局", "县教育和体育局"), ("教体局", "县教育和体育局"), ("县教育体育局", "县教育和体育局"),
    ("县住建局", "县住房和城乡建设局"), ("县人社局", "县人力资源和社会保障局"), ("县发改委", "县发展和改革委员会"),
    ("县卫健委", "县卫生健康委员会"), ("县市场监管局", "县市场监督管理局"), ("县林草局", "县林业和草原局"),
    ("城关镇", "城关镇人民政府"), ("县医保局", "县医疗保障局"),
])
def test_short_forms_offices_write(short: str, full: str) -> None:
    assert is_short_form(short, full)
    assert not is_short_form(full, short)


@pytest.mark.parametrize(("a", "b"), [
    ("县水务局", "县水利局"),  # a different unit, not a selection of its characters
    ("县体育局", "县文化体育广播电视和旅游局"),  # does not start like it: left alone
    ("县民政局", "县人民政府"),  # another kind of unit
    ("区教体局", "县教育和体育局"),  # another place
    ("县教局", "县教育局"),  # one character is too little to go on
    ("县财政局国库股", "县财政局"),  # a section, not a short form
])
def test_names_that_are_not_short_forms(a: str, b: str) -> None:
    assert not is_short_form(a, b)


def test_sections_belong_to_their_unit() -> None:
    units = ["县教育和体育局", "县自然资源局", "县人民政府", "县教体局"]
    assert section_parent("县教体局基础教育股", units) == "县教体局"
    assert section_parent("县教育和体育局办公室", units) == "县教育和体育局"
    assert section_parent("县自然资源局不动产登记中心", units) == "县自然资源局"
    assert section_parent("县人民政府办公室", units) is None  # the government's office is a unit
    assert section_parent("县疾病预防控制中心", units) is None


def test_a_name_two_units_could_own_is_left_alone() -> None:
    found = [FoundName(n, i, 1) for i, n in enumerate(["县农业农村局", "县农业机械局", "县农业局"])]
    proposed = {u.name: u for u in propose_units(found)}
    assert set(proposed) == {"县农业农村局", "县农业机械局", "县农业局"}
    assert "请核对" in proposed["县农业局"].note and "县农业机械局" in proposed["县农业局"].note


# -- the command --------------------------------------------------------------------------------

def test_adopt_proposes_each_unit_once_with_aliases_and_sections(ledger: Path) -> None:
    before = ledger.read_bytes()
    result = run("adopt", ledger)
    assert result.exit_code == 0, result.output
    assert ledger.read_bytes() == before  # only a proposal
    proposal = propose(ledger)
    got = [(u.name, u.short, u.aliases, u.kind.value) for u in proposal.units]
    assert got == EXPECTED_UNITS
    checked = {u.name for u in proposal.units if u.to_check}
    assert checked == {"县教育和体育局", "县教体局基础教育股", "县住房和城乡建设局", "城关镇人民政府", "县市场监督管理局"}
    section = next(u for u in proposal.units if u.kind is UnitKind.SECTION)
    assert section.parent == "县教育和体育局"
    # the printed proposal: every unit once, the guesses marked
    for name, *_ in EXPECTED_UNITS:
        assert sum(line.split()[0] == name for line in result.output.splitlines() if line.strip()) == 1
    assert result.output.count("请核对") >= len(checked)
    assert "加 --write" in result.output


def test_adopt_rules_track_only_what_the_ledger_can_record(ledger: Path) -> None:
    proposal = propose(ledger)
    enabled = {(r.stage, r.enabled) for r in proposal.rules}
    # the ledger has 正式答复 (答复日期) but no 协办意见日期, 重新答复日期 or 回头看日期
    assert ("正式答复", True) in enabled
    assert {stage for stage, on in enabled if not on} == {"协办意见", "重新答复", "回头看"}
    assert all("台账没有" in (r.note or "") for r in proposal.rules if not r.enabled)
    assert {u.stage for u in proposal.untracked} == {"协办意见", "重新答复", "回头看"}


def test_split_without_a_directory_exits_2_and_says_to_adopt(ledger: Path, tmp_path: Path) -> None:
    result = run("split", ledger, "--out", tmp_path / "分发", "--today", TODAY)
    assert result.exit_code == 2
    assert "taizhang adopt" in result.output and "单位名录" in result.output
    assert not (tmp_path / "分发").exists()
    merged = run("merge", ledger, ledger, "--dry-run", "--today", TODAY)
    assert merged.exit_code == 2 and "taizhang adopt" in merged.output


def test_adopt_write_adds_the_sheets_and_leaves_the_rest(ledger: Path, tmp_path: Path) -> None:
    before = grids(ledger)
    result = run("adopt", ledger, "--write")
    assert result.exit_code == 0, result.output
    after = grids(ledger)
    assert list(after)[: len(before)] == list(before)  # the user's sheets, in their order
    for name, grid in before.items():
        assert after[name] == grid, name
    assert set(after) - set(before) == {"单位名录", "时限规则", "参数"}
    units = table(after["单位名录"])
    assert [(u["单位名称"], u["简称"] or None, u["类型"]) for u in units] == [
        (name, short, kind) for name, short, _aliases, kind in EXPECTED_UNITS]
    assert next(u for u in units if u["单位名称"] == "县教育和体育局")["别名"] == "教体局"
    rules = table(after["时限规则"])
    assert {r["环节"] for r in rules if r["启用"] == "否"} == {"协办意见", "重新答复", "回头看"}
    params = {p["参数"]: p["值"] for p in table(after["参数"])}
    assert params["年度"] == 2025
    assert params["办理机关"] in (None, "")  # left to fill, never guessed

    # now every case reaches its 主办 unit; only the internal section's co-handling is held back
    out = tmp_path / "分发"
    split = run("split", ledger, "--out", out, "--today", TODAY)
    assert split.exit_code == 0, split.output
    sent: dict[str, set[str]] = {}
    for book in out.glob("*.xlsx"):
        rows = grids(book)["台账"]
        numbers = {r[rows[1].index("编号")] for r in rows[2:]}
        sent[book.name.split("_")[0]] = numbers
    assert set().union(*sent.values()) == {c[0] for c in CASES}
    hosts = {"县教育和体育局": {"县人大第1号建议", "县人大第2号建议", "县政协第3号提案"},
             "城关镇人民政府": {"县人大第5号建议", "县政协第6号提案"},
             "县市场监督管理局": {"县人大第5号建议", "县人大第7号建议"}}
    for unit, numbers in hosts.items():
        assert numbers <= sent[unit], unit
    skipped = [line for line in split.output.splitlines() if "未分发" in line]
    assert len(skipped) == 1 and "县教体局基础教育股" in skipped[0] and "内设机构" in skipped[0]
    assert run("due", ledger, "--today", TODAY).exit_code == 0  # the rules it wrote are sound


def partial_ledger(path: Path) -> Path:
    """The factory-style ledger (one header row) with a 单位名录 knowing one unit and a 参数 sheet
    without 办理机关, as an office that started on its own settings would have."""
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["序号", "编号", "标题", "主办单位", "协办单位", "交办日期", "正式答复日期", "回头看日期"])
    ws.append([1, "第1号", "甲", "县财政局", "县教体局", date(2025, 3, 20), None, None])
    ws.append([2, "第2号", "乙", "县教育和体育局", None, date(2025, 3, 20), None, None])
    ws.append([3, "第3号", "丙", "县水利局", "县财政局", date(2025, 3, 20), None, None])
    names = wb.create_sheet("单位名录")
    names.append(["单位名称", "简称", "别名", "类型"])
    names.append(["县教育和体育局", "", "", "承办单位"])
    names.append(["县财政局", "", "", "承办单位"])
    params = wb.create_sheet("参数")
    params.append(["参数", "值", "说明"])
    params.append(["年度", 2025, "本年"])
    wb.save(path)
    return path


def test_existing_settings_sheets_only_get_rows_appended(tmp_path: Path) -> None:
    ledger = partial_ledger(tmp_path / "台账.xlsx")
    before = grids(ledger)
    result = run("adopt", ledger, "--write")
    assert result.exit_code == 0, result.output
    after = grids(ledger)
    for name, grid in before.items():  # every cell the user had is still there, unchanged
        for r, row in enumerate(grid):
            assert after[name][r][: len(row)] == row, (name, r)
    assert [r[0] for r in after["单位名录"][len(before["单位名录"]):]] == ["县水利局"]
    # 县教体局 is a short form of a unit already listed: said, not written
    assert "“县教体局”疑为单位名录中“县教育和体育局”的简称" in result.output
    added = {r[0]: r[1] for r in after["参数"][len(before["参数"]):]}
    assert "办理机关" in added and "年度" not in added and added["办理机关"] in (None, "")
    assert "时限规则" in after  # the sheet it lacked is new; the ledger has 回头看日期, so that rule is on
    rules = table(after["时限规则"])
    assert {r["环节"]: r["启用"] for r in rules}["回头看"] == "是"
