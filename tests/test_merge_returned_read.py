"""How a returned book is read once: its parts decompressed and checked by the guard are the ones
calamine's bounds read (nothing decompressed twice), and nothing the guard did not check slips
through that way; a far stray cell still goes the bounded, trimmed way; formula cells are found
however their tags are written."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from taizhang.macros.jobs import merge as merge_job
from taizhang.macros.jobs.merge import merge
from taizhang.workbook.returned import NO_RESULT, errors_in
from tests import test_merge_roundtrip as roundtrip
from tests.test_merge_hostile import rejected_untouched, rezip
from tests.test_merge_roundtrip import HOST, REPLY, TODAY, WHEN, edit, first_host_case, master_values

Env = tuple[Path, dict[str, Path]]
pristine, env = roundtrip.pristine, roundtrip.env  # the shared fixtures
SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def test_a_far_stray_cell_is_said_and_the_unit_s_answer_merged(env: Env, tmp_path: Path) -> None:
    """A value typed at AZ200000 makes the sheet's grid 10 million cells (beyond what calamine is
    given whole): it is read trimmed, said as typed outside the table, and the answer is merged."""
    master, units = env
    number = first_host_case(units[HOST])
    answered = edit(units[HOST], {number: REPLY}, tmp_path / "answered.xlsx")
    with zipfile.ZipFile(answered) as z:
        xml = z.read(SHEET).decode()
    far = '<row r="200000"><c r="AZ200000" t="inlineStr"><is><t>远处的字</t></is></c></row>'
    returned = rezip(answered, tmp_path / "far.xlsx", {SHEET: xml.replace("</sheetData>", far + "</sheetData>").encode()})
    report = merge(master, [returned], TODAY, now=WHEN)
    assert [f.status for f in report.files] == ["merged"], report.text()
    said = [(c.cell, c.blocking) for c in report.files[0].conflicts]
    assert ("AZ200000", False) in said, report.text()
    assert "远处的字" in report.text()
    assert master_values(master, number)["正式答复日期"] == REPLY["正式答复日期"].isoformat()


def test_a_sheet_part_the_guard_does_not_scan_is_still_checked(env: Env, tmp_path: Path) -> None:
    """The guard scans parts named .xml/.rels/.vml; a ledger sheet stored under another name (the
    workbook's relationships may point anywhere) is read the bounded way, and its DTD refused."""
    master, units = env
    with zipfile.ZipFile(units[HOST]) as z:
        sheet = z.read(SHEET).decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        types = z.read("[Content_Types].xml").decode()
    assert "worksheets/sheet1.xml" in rels
    evil = sheet.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1)
    renamed = "xl/worksheets/sheet1.dat"
    out = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(units[HOST]) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == SHEET:
                dst.writestr(renamed, evil.encode())
            elif info.filename == "xl/_rels/workbook.xml.rels":
                dst.writestr(info.filename, rels.replace("worksheets/sheet1.xml", "worksheets/sheet1.dat").encode())
            elif info.filename == "[Content_Types].xml":
                dst.writestr(info.filename, types.replace("/xl/worksheets/sheet1.xml", "/xl/worksheets/sheet1.dat").encode())
            else:
                dst.writestr(info.filename, src.read(info.filename))
    rejected_untouched(master, [out], "实体声明")


def _sheet(cells: str, prefix: str = "") -> bytes:
    p = f"{prefix}:" if prefix else ""
    ns = f"xmlns:{prefix}" if prefix else "xmlns"
    return (f'<?xml version="1.0"?><{p}worksheet {ns}="{MAIN}"><{p}sheetData><{p}row r="3">{cells}'
            f"</{p}row></{p}sheetData></{p}worksheet>").encode()


def test_a_formula_without_its_result_is_found_with_or_without_a_prefix() -> None:
    plain = _sheet('<c r="B3"><f>TODAY()</f></c>')
    prefixed = _sheet('<x:c r="B3"><x:f>TODAY()</x:f></x:c>', "x")
    for xml in (plain, prefixed):
        found = errors_in(xml)
        assert [(ref, e.error, e.formula) for ref, e in found.items()] == [("B3", NO_RESULT, "TODAY()")]


def test_a_drop_down_formula_is_no_cell_formula() -> None:
    xml = _sheet('<c r="B3" t="inlineStr"><is><t>A</t></is></c>').replace(
        b"</worksheet>", b'<dataValidations count="1"><dataValidation sqref="B3"><formula1>"A,B"</formula1>'
        b"</dataValidation></dataValidations></worksheet>")
    assert re.search(rb"<formula1>", xml)
    assert errors_in(xml) == {}


@pytest.mark.filterwarnings("ignore:Duplicate name")  # zipfile's warning as the test writes the second copy
def test_a_return_holding_a_part_twice_is_rejected(env: Env, tmp_path: Path) -> None:
    """Two entries of one name: the checks would read the first (kept from the guard) and calamine
    the last. The second copy here holds a cell at XFD1048576 (17 billion cells laid out whole)."""
    master, units = env
    answered = edit(units[HOST], {first_host_case(units[HOST]): REPLY}, tmp_path / "answered.xlsx")
    with zipfile.ZipFile(answered) as z:
        xml = z.read(SHEET).decode()
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>远</t></is></c></row>'
    twice = tmp_path / "twice.xlsx"
    with zipfile.ZipFile(answered) as src, zipfile.ZipFile(twice, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(SHEET, xml.replace("</sheetData>", far + "</sheetData>").encode())  # zipfile warns, writes it
    with zipfile.ZipFile(twice) as z:
        assert [i.filename for i in z.infolist()].count(SHEET) == 2
    rejected_untouched(master, [twice], "出现了不止一次")


def test_a_return_that_reads_but_cannot_be_prepared_is_rejected_alone(env: Env, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever fails while a read return is prepared rejects that file only; the others go on."""
    master, units = env
    number = first_host_case(units[HOST])
    broken = edit(units[HOST], {number: REPLY}, tmp_path / "broken.xlsx")
    real = merge_job.shown_columns

    def fails_on_one(ledger: Any) -> Any:
        if Path(ledger.path).name == broken.name:
            raise ValueError("意外")
        return real(ledger)

    monkeypatch.setattr(merge_job, "shown_columns", fails_on_one)
    report = merge(master, [broken, units["县人力资源和社会保障局"]], TODAY, now=WHEN)
    assert [f.status for f in report.files] == ["rejected", "no-change"], report.text()
    assert "意外" in report.files[0].message and "整份文件未合并" in report.files[0].message
