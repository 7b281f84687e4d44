"""How the code is laid out: every canonical column named through `Col`, and each layer importing
only what it may (docs/architecture.md)."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from taizhang.core.columns import (
    COLUMNS,
    Col,
    DateColumn,
    FlagColumn,
    Kind,
    NumberColumn,
    TextColumn,
    UnitsColumn,
)
from taizhang.core.model import Case

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "workbook", "validators", "macros", "taizhang")
# The constants themselves, and the made-up sample ledger, whose rows are written out as data.
LITERALS_ALLOWED = {Path("core/columns.py"), Path("workbook/sample_data.py")}


def modules(*folders: str) -> list[Path]:
    return sorted(p.relative_to(REPO) for folder in folders for p in (REPO / folder).rglob("*.py"))


def test_no_module_names_a_canonical_column_with_a_bare_string() -> None:
    names = {c.value for c in Col}
    found = []
    for path in modules(*PACKAGES):
        if path in LITERALS_ALLOWED:
            continue
        for node in ast.walk(ast.parse((REPO / path).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in names:
                found.append(f"{path}:{node.lineno} “{node.value}” (use Col.{Col(node.value).name})")
    assert found == []


def test_the_scan_finds_a_bare_column_name() -> None:
    source = 'x = frame["正式答复日期"]\ny = f"编号{n}"\nz = f"{Col.NUMBER}号"\n'
    names = {c.value for c in Col}
    hits = [n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant) and n.value in names]
    assert hits == ["正式答复日期", "编号"]


def test_col_is_the_column_list() -> None:
    assert [spec.name for spec in COLUMNS] == list(Col)
    assert len(Col) == 40


def test_each_column_is_an_attribute_of_a_case() -> None:
    fields = set(Case.model_fields)
    assert {c.field for c in Col} <= fields
    assert all(Case.model_fields[c.field].alias == c.value for c in Col)


@pytest.mark.parametrize(("alias", "kinds"), [
    (DateColumn, {Kind.DATE}),
    (NumberColumn, {Kind.INT, Kind.YEAR}),
    (FlagColumn, {Kind.FLAG}),
    (UnitsColumn, {Kind.UNITS}),
    (TextColumn, {Kind.TEXT, Kind.ENUM}),
])
def test_the_typed_column_groups_follow_the_kinds(alias: object, kinds: set[Kind]) -> None:
    assert set(typing.get_args(alias)) == {spec.name for spec in COLUMNS if spec.kind in kinds}


def test_a_case_is_read_by_its_column() -> None:
    case = Case.model_validate({"row": 3, "sheet": "台账", "编号": "1", "协办单位": ["县财政局"]})
    assert case[Col.NUMBER] == "1" and case[Col.CO_UNITS] == ["县财政局"] and case[Col.REPLY_DATE] is None
    assert case["编号"] == "1"  # a column held as text reads the same
    with pytest.raises(KeyError):
        case["办理情况"]
