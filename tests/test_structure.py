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


# -- imports --------------------------------------------------------------------------------------

def imported(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, as an absolute name."""
    return imported_names((REPO / path).read_text(encoding="utf-8"))


def imported_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def importers(folders: tuple[str, ...], *forbidden: str, only: list[Path] | None = None) -> list[str]:
    """`module imports name` for every module under `folders` (or in `only`) importing one of
    `forbidden` (or a module below it)."""
    return [f"{path} imports {name}" for path in (only or modules(*folders)) for name in sorted(imported(path))
            if any(name == f or name.startswith(f + ".") for f in forbidden)]


LIBRARY = ("taizhang.analysis", "taizhang.writeback")
WORKBOOK_LIBRARIES = ("python_calamine", "openpyxl", "lxml", "xlwings", "xlsxwriter")
# openpyxl builds new workbooks only (never loads and saves a user's): the template of `taizhang new`
# and its print layout (sheet_print). The unit workbooks of `taizhang split` are written as bytes
# (unit_pack). Everything else writes through the lossless writer.
OPENPYXL_USERS = {"workbook/template.py", "workbook/sheet_print.py"}
# xlwings: the live layer (imported lazily, only when Excel calls) and the add-in build, which
# takes its template and VBA from the installed xlwings package.
XLWINGS_USERS = {"macros/excel/ribbon.py", "workbook/addin/build.py", "workbook/addin/vendor.py"}


def test_core_imports_no_other_layer_and_no_workbook_library() -> None:
    assert importers(("core",), "taizhang.validators", "taizhang.workbook", "taizhang.macros", *LIBRARY,
                     *WORKBOOK_LIBRARIES) == []


def test_validators_and_workbook_import_only_the_core() -> None:
    assert importers(("validators",), "taizhang.workbook", "taizhang.macros", *LIBRARY, *WORKBOOK_LIBRARIES) == []
    assert importers(("workbook",), "taizhang.validators", "taizhang.macros", *LIBRARY) == []


def test_the_library_layer_imports_no_application_module() -> None:
    library = [Path("taizhang/__init__.py"), Path("taizhang/analysis.py"), Path("taizhang/writeback.py")]
    assert importers((), "taizhang.macros", *WORKBOOK_LIBRARIES, only=library) == []
    # `import taizhang` stays instant: the package does not load its library (pandas, pydantic) up front
    assert imported(Path("taizhang/__init__.py")) == set()


def test_only_the_workbook_package_opens_workbook_files() -> None:
    outside = importers(("core", "validators", "macros", "taizhang"), "python_calamine", "openpyxl", "lxml")
    assert outside == []
    assert importers(("macros",), "python_calamine") == []


def test_openpyxl_and_xlwings_only_where_listed() -> None:
    openpyxl = {line.split(" imports ")[0] for line in importers(PACKAGES, "openpyxl")}
    xlwings = {line.split(" imports ")[0] for line in importers(PACKAGES, "xlwings")}
    assert openpyxl == OPENPYXL_USERS
    assert xlwings == XLWINGS_USERS


def test_the_import_scan_sees_function_local_and_type_checking_imports() -> None:
    source = ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from taizhang.analysis import Analysis\n"
              "def f():\n    import python_calamine as pc\n    from lxml import etree\n")
    assert imported_names(source) == {"typing", "typing.TYPE_CHECKING", "taizhang.analysis",
                                      "taizhang.analysis.Analysis", "python_calamine", "lxml", "lxml.etree"}


def test_logging_is_set_up_in_one_module() -> None:
    # handlers, files and logger names live in macros/logs.py; the others ask it for their logger
    found = [f"{path}:{node.lineno}" for path in modules(*PACKAGES) if path != Path("macros/logs.py")
             for node in ast.walk(ast.parse((REPO / path).read_text(encoding="utf-8")))
             if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "logging"]
    assert found == []
    assert importers(PACKAGES, "logging.handlers") == ["macros/logs.py imports logging.handlers"]
