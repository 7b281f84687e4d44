"""The case model: the reader's fast construction equals pydantic validation of the same data."""

from __future__ import annotations

from pathlib import Path

from taizhang.core.model import Case, column_index, column_letter
from taizhang.workbook.reader import read_workbook
from tests.messy import messy_ledger


def test_cases_read_equal_validated_models(tmp_path: Path) -> None:
    ledger = read_workbook(messy_ledger(tmp_path / "messy.xlsx")).ledger
    for case in ledger.cases:
        validated = Case.model_validate(case.model_dump())
        assert validated == case
        assert validated.model_dump() == case.model_dump()
    case = ledger.cases[0]
    case.remark = "改过"  # assignment works and is recorded as set on this case only
    assert "remark" in case.model_fields_set
    assert "remark" not in ledger.cases[1].model_fields_set


def test_each_value_remembers_its_cell(tmp_path: Path) -> None:
    ledger = read_workbook(messy_ledger(tmp_path / "messy.xlsx")).ledger
    ref = ledger.cases[1].ref("主办单位")
    assert ref is not None
    assert (ref.sheet, ref.row, ref.column, ref.a1) == ("2025年台账", 7, "G", "G7")
    assert ledger.cases[1].ref("督办领导") is None


def test_column_letters_round_trip() -> None:
    for index in (0, 25, 26, 51, 52, 701, 702, 16383):
        assert column_index(column_letter(index)) == index
    assert [column_letter(i) for i in (0, 25, 26, 701)] == ["A", "Z", "AA", "ZZ"]
