"""The built-in sample ledger: deterministic, the scale of 进展情况2024, clean except the planted mistakes."""

from __future__ import annotations

import ast
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from taizhang.core.columns import COLUMNS, DATE_COLUMNS
from taizhang.core.enums import canonical
from taizhang.core.settings import Settings, Unit, UnitKind
from taizhang.core.values import parse_date, split_units
from taizhang.workbook import sample_data
from taizhang.workbook.sample_data import Planted, SampleLedger, default_year, generate

TODAYS = (date(2026, 7, 1), date(2026, 4, 20), date(2026, 12, 31), date(2027, 2, 10), date(2026, 3, 20))
# (today, year): also a ledger asked for before its cases are assigned; dates are clipped to today
CASES = (*((t, None) for t in TODAYS), (date(2026, 2, 1), 2026), (date(2026, 3, 19), 2026), (date(2026, 9, 1), 2025))
FUTURE_OK = {"延期至", "B类计划解决时限"}
CODES = {
    "missing-value", "invalid-enum", "duplicate-number", "unparsed-value", "date-order", "date-in-future",
    "unknown-unit", "host-in-co-units", "section-as-host", "reply-without-result", "key-case-without-supervisor",
    "disclosure-without-reason", "b-without-plan-deadline", "extension-too-long", "phone-format",
}


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def sample(request: pytest.FixtureRequest) -> tuple[date, SampleLedger]:
    today, year = request.param
    return today, generate(today, year=year)


def settings_of(s: SampleLedger) -> Settings:
    units = [
        Unit(name=str(u["单位名称"]), short=u["简称"] or None,  # type: ignore[arg-type]
             aliases=split_units(u["别名"]), kind=UnitKind(u["类型"]), order=u["排序"],  # type: ignore[arg-type]
             email=u["电子邮箱"])  # type: ignore[arg-type]
        for u in s.units
    ]
    return Settings(units=units)


def rows_of(s: SampleLedger, p: Planted) -> list[int]:
    return [i for i, r in enumerate(s.rows) if r["编号"] == p.number]


def planted_index(s: SampleLedger) -> dict[int, Planted]:
    """Row index -> its planted mistake (for a duplicate, the later of the two rows)."""
    return {rows_of(s, p)[-1]: p for p in s.planted}


def as_date(value: object, year: object) -> date | None:
    return parse_date(value, year if isinstance(year, int) else None)


def test_deterministic() -> None:
    today = date(2026, 7, 1)
    assert generate(today) == generate(today)
    assert generate(today, seed=7) == generate(today, seed=7)
    assert generate(today, seed=7).rows != generate(today).rows


def test_default_year() -> None:
    assert default_year(date(2026, 7, 1)) == 2026
    assert default_year(date(2026, 3, 1)) == 2025
    assert generate(date(2026, 3, 1)).year == 2025
    assert generate(date(2026, 7, 1), year=2025).year == 2025
    with pytest.raises(ValueError):
        generate(date(2026, 7, 1), year=2027)


def test_shape_and_counts(sample: tuple[date, SampleLedger]) -> None:
    _today, s = sample
    assert s.title == f"{s.year}年{s.county}人大代表建议和政协委员提案办理台账"
    names = [c.name for c in COLUMNS]
    assert all(list(r) == names for r in s.rows)
    current = [r for r in s.rows if r["年度"] == s.year]
    by_category = Counter(r["类别"] for r in current)
    assert 120 <= by_category["人大代表建议"] <= 160
    assert 200 <= by_category["政协委员提案"] <= 260
    assert 340 <= len(s.rows) <= 420
    earlier = [r for r in s.rows if r["年度"] == s.year - 1]
    assert earlier and all(r["办理结果"] == "B" for r in earlier)
    assert any(str(r["落实进展"]).startswith("已解决") for r in earlier)
    assert {canonical("级别", str(r["级别"])) for r in s.rows} == {"州(市)", "县(区)"}
    assert {r["级别"] for r in s.rows} >= {"州", "县", "州(市)", "县(区)"}
    roles = Counter(r["本级承办方式"] for r in s.rows)
    assert roles["主办"] > len(s.rows) / 2 and roles["协办"] > 10 and 1 <= roles["参阅"] <= 10
    assert Counter(r["提出时间"] for r in s.rows)["闭会期间"] >= 5
    key = sum(r["重点件"] == "是" for r in s.rows)
    assert 0.05 * len(s.rows) <= key <= 0.11 * len(s.rows)
    assert 22 <= len(s.units) <= 30
    assert sum(u["类型"] == "内设机构" for u in s.units) == 2
    assert all(str(u["电子邮箱"]).endswith("@example.gov.cn") for u in s.units)
    assert len(s.planted) >= 12 and {p.code for p in s.planted} == CODES


def test_progress_spread_mid_year() -> None:
    today = date(2026, 7, 1)
    s = generate(today)
    hosted = [r for r in s.rows if r["年度"] == s.year and r["本级承办方式"] == "主办"]
    replied = [r for r in hosted if r["正式答复日期"]]
    assert 0.6 * len(hosted) <= len(replied) < len(hosted)
    results = Counter(r["办理结果"] for r in s.rows if r["办理结果"])
    total = sum(results.values())
    assert 0.5 <= results["A"] / total <= 0.7 and 0.2 <= results["B"] / total <= 0.4 and results["C"] > 0
    opinions = Counter(r["代表意见"] for r in s.rows)
    assert opinions["满意"] > opinions["基本满意"] > opinions["不满意"] > 0
    overdue = [r for r in hosted if not r["正式答复日期"] and isinstance(r["交办日期"], date)
               and (today - r["交办日期"]).days > 92 and not r["延期至"] and not r["退回日期"]]
    assert overdue
    due_soon = [r for r in hosted if not r["正式答复日期"] and isinstance(r["交办日期"], date)
                and 80 <= (today - r["交办日期"]).days <= 91]
    assert due_soon
    assert sum(1 for r in s.rows if r["延期至"]) >= 2 and any(r["退回日期"] for r in s.rows)
    disclosure = Counter(r["公开属性"] for r in s.rows if r["公开属性"])
    assert disclosure["主动公开"] > disclosure["依申请公开"] > 0 and disclosure["不公开"] > 0
    numbers = [str(r["编号"]) for r in s.rows]
    assert any(n != unicodedata.normalize("NFKC", n) for n in numbers)  # full-width digits
    assert sum(isinstance(r["交办日期"], str) for r in s.rows) >= 3  # dates typed as text


def test_planted_rows_hold_their_defect(sample: tuple[date, SampleLedger]) -> None:
    today, s = sample
    units = settings_of(s)
    for p in s.planted:
        found = rows_of(s, p)
        assert len(found) == (2 if p.code == "duplicate-number" else 1), p
        row = s.rows[found[-1]]
        value = row[p.column] if p.column else None
        if p.code == "missing-value":
            assert value is None
        elif p.code == "invalid-enum":
            assert value not in ("满意", "基本满意", "不满意") and value is not None
        elif p.code == "duplicate-number":
            first = s.rows[found[0]]
            assert (first["类别"], first["年度"]) == (row["类别"], row["年度"])
            assert (first["标题"], first["领衔人"]) != (row["标题"], row["领衔人"])
        elif p.code == "unparsed-value":
            with pytest.raises(ValueError):
                parse_date(value)
        elif p.code == "date-order":
            assert isinstance(value, date) and isinstance(row["交办日期"], date) and value < row["交办日期"]
        elif p.code == "date-in-future":
            assert isinstance(value, date) and value > today
        elif p.code == "unknown-unit":
            assert units.resolve_unit(str(value)) is None
        elif p.code == "host-in-co-units":
            host = units.resolve_unit(str(row["主办单位"]))
            assert host is not None and host in [units.resolve_unit(u) for u in split_units(value)]
        elif p.code == "section-as-host":
            unit = units.resolve_unit(str(value))
            assert unit is not None and unit.kind is UnitKind.SECTION
        elif p.code == "reply-without-result":
            assert row["正式答复日期"] and value is None
        elif p.code == "key-case-without-supervisor":
            assert row["重点件"] == "是" and value is None
        elif p.code == "disclosure-without-reason":
            assert row["公开属性"] in ("依申请公开", "不公开") and value is None
        elif p.code == "b-without-plan-deadline":
            assert row["办理结果"] == "B" and value is None
        elif p.code == "extension-too-long":
            assigned = row["交办日期"]
            assert isinstance(value, date) and isinstance(assigned, date)
            assert (value.year - assigned.year) * 12 + value.month - assigned.month > 6
            assert row["延期理由"]
        elif p.code == "phone-format":
            assert len(str(value)) != 11 and "-" not in str(value)
        else:  # pragma: no cover
            pytest.fail(f"unknown code {p.code}")


def test_dates_not_after_today(sample: tuple[date, SampleLedger]) -> None:
    today, s = sample
    planted = planted_index(s)
    for i, row in enumerate(s.rows):
        for column in DATE_COLUMNS:
            if i in planted and planted[i].column == column:
                continue
            value = as_date(row[column], row["年度"])
            if value is None:
                continue
            if column not in FUTURE_OK:
                assert value <= today, (row["编号"], column, value)
            assert abs(value.year - int(row["年度"])) <= 1, (row["编号"], column, value)  # type: ignore[call-overload]


def test_clean_rows_follow_the_rules(sample: tuple[date, SampleLedger]) -> None:
    """The rules of the validators, restated for every row that has no planted mistake."""
    today, s = sample
    planted = planted_index(s)
    chain = ("交办日期", "面商日期", "答复样稿日期", "正式答复日期", "重新答复日期")
    for i, row in enumerate(s.rows):
        if i in planted:
            continue
        where = row["编号"]
        for column in ("编号", "类别", "标题", "领衔人", "交办日期"):
            assert row[column], (where, column)
        role = row["本级承办方式"]
        assert role in ("主办", "协办", "参阅")
        assert role == "参阅" or row["主办单位"], where
        dates = {c: as_date(row[c], row["年度"]) for c in DATE_COLUMNS}
        present = [dates[c] for c in chain if dates[c]]
        assert present == sorted(present), where  # type: ignore[type-var]
        if dates["协办意见日期"] and dates["正式答复日期"]:
            assert dates["协办意见日期"] <= dates["正式答复日期"], where
        if role == "参阅":
            assert row["办理结果"] is None
        elif row["正式答复日期"]:
            assert row["办理结果"] in ("A", "B", "C"), where
        if row["办理结果"] or row["代表意见"]:
            assert row["正式答复日期"], where
        if row["代表意见"] == "不满意" and not row["重新答复日期"]:
            reply = dates["正式答复日期"]
            assert reply is not None and (today - reply).days < 28, where
        assert row["代表意见"] in (None, "满意", "基本满意", "不满意")
        assert row["重点件"] != "是" or row["督办领导"], where
        assert row["公开属性"] not in ("依申请公开", "不公开") or row["不公开理由"], where
        assert row["办理结果"] != "B" or row["B类计划解决时限"], where
        if row["延期至"]:
            assigned, extended = dates["交办日期"], dates["延期至"]
            assert row["延期理由"] and assigned and extended
            assert (extended.year - assigned.year) * 12 + extended.month - assigned.month <= 5, where
        assert not row["退回日期"] or row["退回理由"], where
        if row["答复文号"]:
            assert str(row["答复文号"]).endswith("号") and "〔" in str(row["答复文号"])
        phone = str(row["联系电话"])
        assert (len(phone) == 11 and phone[:2] in ("13", "15", "18")) or phone.startswith("0994-"), where


def test_numbers_unique_except_the_planted_duplicate(sample: tuple[date, SampleLedger]) -> None:
    _today, s = sample
    keys = Counter((unicodedata.normalize("NFKC", str(r["编号"])), r["类别"], r["年度"]) for r in s.rows)
    repeated = {k: n for k, n in keys.items() if n > 1}
    duplicate = next(p for p in s.planted if p.code == "duplicate-number")
    assert [k[0] for k in repeated] == [duplicate.number] and set(repeated.values()) == {2}
    other_numbers = Counter(p.number for p in s.planted)
    assert max(other_numbers.values()) == 1
    pairs = Counter((r["标题"], r["领衔人"]) for r in s.rows if r["领衔人"])
    assert max(pairs.values()) == 1


def test_units_resolve(sample: tuple[date, SampleLedger]) -> None:
    _today, s = sample
    units = settings_of(s)
    planted = planted_index(s)
    assert units.resolve_unit("县教体局") == units.resolve_unit("县教育和体育局") is not None
    spellings: Counter[str] = Counter()
    for i, row in enumerate(s.rows):
        p = planted.get(i)
        host = row["主办单位"]
        if host and not (p and p.column == "主办单位"):
            unit = units.resolve_unit(str(host))
            assert unit is not None and unit.kind is UnitKind.UNIT, host
            spellings[str(host)] += 1
            if not (p and p.column == "协办单位"):
                co = [units.resolve_unit(u) for u in split_units(row["协办单位"])]
                assert unit not in co, row["编号"]
        for name in split_units(row["协办单位"]):
            unit = units.resolve_unit(name)
            assert unit is not None and unit.kind is UnitKind.UNIT, name
    # aliases used inconsistently: the same unit under several spellings
    assert units.resolve_unit("县教体局") is not None
    assert {"县教育和体育局", "县教体局"} <= set(spellings) or {"县住房和城乡建设局", "县住建局"} <= set(spellings)


def test_validators_agree() -> None:
    """Read the sample as the reader would and validate it: each planted row gives exactly its
    one finding, every other row none."""
    engine = pytest.importorskip("taizhang.validators.engine")
    from taizhang.core.header import find_header
    from taizhang.core.rows import build_ledger

    for today, year in CASES:
        s = generate(today, year=year)
        names = [c.name for c in COLUMNS]
        grid: list[list[object]] = [[s.title], names, *([r[n] for n in names] for r in s.rows)]
        match = find_header(grid)
        assert match is not None
        ledger = build_ledger("sample.xlsx", "台账", grid, match, year_hint=s.year)
        report = engine.validate(ledger, settings_of(s), today)
        found: dict[int, list[str]] = {}
        for f in report.findings:
            found.setdefault(f.row, []).append(f.code)
        first_data = 3  # title row, header row, then the cases
        expected = {i + first_data: [p.code] for i, p in planted_index(s).items()}
        assert found == expected, today


def test_no_workbook_library() -> None:
    tree = ast.parse(Path(sample_data.__file__).read_text(encoding="utf-8"))
    imported = {n.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for n in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert not imported & {"openpyxl", "xlsxwriter", "python_calamine", "xlwings", "pandas"}
