"""Hostile and wrong returns: each rejected or neutralised with a Chinese message, the master
byte-identical after a rejection, and one bad file never stopping the others."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from click.testing import CliRunner

from taizhang.macros.cli.split_merge import merge_cmd, split_cmd
from taizhang.macros.jobs.merge import merge
from taizhang.workbook.reader import read_workbook
from taizhang.workbook.writer import LedgerWriter
from tests import test_merge_roundtrip as roundtrip
from tests.test_merge_roundtrip import (
    HOST,
    REPLY,
    SHARED,
    TODAY,
    WHEN,
    edit,
    first_host_case,
    header,
    master_values,
)

Env = tuple[Path, dict[str, Path]]
pristine, env = roundtrip.pristine, roundtrip.env  # the shared fixtures


def rezip(source: Path, out: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name in set(replace) - set(src.namelist()):
            dst.writestr(name, replace[name])
    return out


def rejected_untouched(master: Path, files: list[Path], words: str) -> str:
    before = master.read_bytes()
    report = merge(master, files, TODAY, now=WHEN)
    assert [f.status for f in report.files] == ["rejected"] * len(files), report.text()
    assert report.exit_code == 1
    assert master.read_bytes() == before
    text = report.text()
    assert words in text, text
    return text


def test_text_that_looks_like_a_formula_is_stored_as_text(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    link = '=HYPERLINK("http://x","点我")'
    returned = edit(units[HOST], {number: {"落实进展": link, "答复文号": "@SUM(1)"}}, tmp_path / "r.xlsx")
    assert merge(master, [returned], TODAY, now=WHEN).files[0].status == "merged"
    values = master_values(master, number)
    assert (values["落实进展"], values["答复文号"]) == (link, "@SUM(1)")
    with zipfile.ZipFile(master) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "HYPERLINK" in sheet and "<f>HYPERLINK" not in sheet and "<f>" not in sheet


def test_a_real_formula_cell_brings_no_formula(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    wb = openpyxl.load_workbook(units[HOST])
    ws = wb["台账"]
    cols = header(ws)
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, cols["编号"]).value == number)
    ws.cell(row, cols["落实进展"]).value = '=HYPERLINK("http://x","点我")'  # a formula, no cached value
    wb.save(tmp_path / "f.xlsx")
    before = master.read_bytes()
    report = merge(master, [tmp_path / "f.xlsx"], TODAY, now=WHEN)
    # no result to read: said at its cell, never taken for an empty cell; the master is untouched
    [conflict] = report.files[0].conflicts
    assert report.files[0].status == "rejected"
    assert (conflict.field, conflict.cell) == ("落实进展", f"{ws.cell(row, cols['落实进展']).column_letter}{row}")
    assert "HYPERLINK" in conflict.reason and "没有它的计算结果" in conflict.reason
    assert master.read_bytes() == before
    with zipfile.ZipFile(master) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_zip_bomb_is_refused_before_reading(env: Env, tmp_path: Path) -> None:
    master, units = env
    bomb = b'<?xml version="1.0"?><worksheet>' + b" " * 40_000_000 + b"</worksheet>"
    file = rezip(units[HOST], tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": bomb})
    assert file.stat().st_size < 1_000_000
    rejected_untouched(master, [file], "压缩炸弹")


def test_xml_entity_attack_is_refused(env: Env, tmp_path: Path) -> None:
    master, units = env
    with zipfile.ZipFile(units[HOST]) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    evil = sheet.replace("<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
                         "<worksheet", 1)
    file = rezip(units[HOST], tmp_path / "xxe.xlsx", {"xl/worksheets/sheet1.xml": evil.encode()})
    rejected_untouched(master, [file], "实体声明")


@pytest.mark.parametrize(("part", "prolog"), [
    ("docProps/app.xml", '<!DOCTYPE Properties SYSTEM "file:///etc/passwd">'),  # a part calamine never reads
    ("xl/styles.xml", '<!-- a comment first --><?pi x?><!DOCTYPE s [<!ENTITY x "y">]>'),
    ("xl/workbook.xml", '<!ENTITY x "y">'),
])
def test_a_declaration_in_any_parts_prolog_is_refused(env: Env, tmp_path: Path, part: str, prolog: str) -> None:
    """The prolog scan that replaced parsing every part keeps the guarantee: a DTD or an entity
    declaration, which XML allows only before the root element, is refused in every part."""
    master, units = env
    with zipfile.ZipFile(units[HOST]) as z:
        xml = z.read(part).decode()
    root = xml.index("<", xml.index("?>") + 2) if xml.startswith("<?xml") else 0
    file = rezip(units[HOST], tmp_path / "dtd.xlsx", {part: (xml[:root] + prolog + xml[root:]).encode()})
    rejected_untouched(master, [file], "实体声明")


def test_declaration_like_text_inside_a_cell_is_only_text(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    text = '<!DOCTYPE x [<!ENTITY a "b">]>'
    returned = edit(units[HOST], {number: {**REPLY, "落实进展": text}}, tmp_path / "文字.xlsx")
    assert merge(master, [returned], TODAY, now=WHEN).files[0].status == "merged"
    assert master_values(master, number)["落实进展"] == text


def test_not_a_workbook(env: Env, tmp_path: Path) -> None:
    master, _ = env
    text = tmp_path / "回传.xlsx"
    text.write_text("这不是表格", encoding="utf-8")
    archive = tmp_path / "压缩包.xlsx"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("readme.txt", "hello")
    out = rejected_untouched(master, [text, archive], "不是 Excel 工作簿")
    assert "压缩包" in out


def test_file_not_split_by_the_tool(env: Env, tmp_path: Path) -> None:
    master, _ = env
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["编号", "标题", "主办单位", "交办日期", "答复文号"])
    ws.append(["县人大第10号建议", "x", HOST, date(2026, 3, 1), "伪造"])
    wb.save(tmp_path / "自制.xlsx")
    rejected_untouched(master, [tmp_path / "自制.xlsx"], "找不到分发校验数据")


def test_another_units_cases_are_refused(env: Env, tmp_path: Path) -> None:
    master, units = env
    # 县民政局's file with its unit forged as 县财政局: not the book the master sent 县财政局 (its seal differs)
    wb = openpyxl.load_workbook(units["县民政局"])
    wb["分发校验"]["B2"] = HOST
    ws = wb["台账"]
    cols = header(ws)
    ws.cell(3, cols["落实进展"]).value = "已办"
    wb.save(tmp_path / "冒名.xlsx")
    rejected_untouched(master, [tmp_path / "冒名.xlsx"], "校验码与台账的分发记录不符")


def test_rows_copied_from_another_units_file_are_refused(env: Env, tmp_path: Path) -> None:
    master, units = env
    other = openpyxl.load_workbook(units["县人力资源和社会保障局"])["台账"]
    wb = openpyxl.load_workbook(units[HOST])
    ws = wb["台账"]
    number_col = header(other)["编号"]
    ours = {row[header(ws)["编号"] - 1].value for row in ws.iter_rows(min_row=2)}
    # a case of theirs that is not shared with us: copying it in must be refused
    theirs = next(([c.value for c in row] for row in other.iter_rows(min_row=2)
                   if row[number_col - 1].value and row[number_col - 1].value not in ours), None)
    assert theirs is not None, "the sample must give the two units at least one case they do not share"
    ws.append(theirs)
    wb.save(tmp_path / "夹带.xlsx")
    rejected_untouched(master, [tmp_path / "夹带.xlsx"], "不在分发给本单位的清单中")


def test_edited_locked_field_is_refused(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    returned = edit(units[HOST], {number: {**REPLY, "标题": "改过的标题"}}, tmp_path / "改锁定.xlsx")
    out = rejected_untouched(master, [returned], "锁定的内容被改动了")
    assert "标题" in out


def test_master_changed_since_split_is_a_conflict(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    ledger_row = next(c for c in read_workbook(master).ledger.cases if c.number == number)
    with LedgerWriter(master) as w:  # staff type a value into the master after the split
        w.set_cells("台账", {f"{ledger_row.cells['答复文号']}{ledger_row.row}": "办公室补录1号"})
        w.commit()
    returned = edit(units[HOST], {number: REPLY}, tmp_path / "过期.xlsx")
    out = rejected_untouched(master, [returned], "分发后台账中此项已由")
    assert "办公室补录1号" in out


def test_two_units_changing_the_same_field(env: Env, tmp_path: Path) -> None:
    master, units = env
    first = edit(units["县民政局"], {SHARED: {"协办意见日期": date(2026, 4, 12)}}, tmp_path / "民政.xlsx")
    second = edit(units[HOST], {SHARED: {"协办意见日期": date(2026, 4, 15)}}, tmp_path / "财政.xlsx")
    report = merge(master, [first, second], TODAY, now=WHEN)
    assert [f.status for f in report.files] == ["merged", "rejected"]
    assert "“县民政局”已在本次合并中" in report.files[1].conflicts[0].reason
    assert master_values(master, SHARED)["协办意见日期"] == "2026-04-12"


def test_values_the_validators_reject(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    bad_choice = edit(units[HOST], {number: {**REPLY, "代表意见": "很好"}}, tmp_path / "选项.xlsx")
    bad_date = edit(units[HOST], {number: {**REPLY, "正式答复日期": "下周"}}, tmp_path / "日期.xlsx")
    no_class = edit(units[HOST], {number: {"正式答复日期": date(2026, 5, 18)}}, tmp_path / "缺分类.xlsx")
    out = rejected_untouched(master, [bad_choice, bad_date, no_class], "不是可选的值")
    assert "无法识别" in out and "未通过校验" in out


def test_added_rows_are_reported_not_merged(env: Env, tmp_path: Path) -> None:
    master, units = env
    wb = openpyxl.load_workbook(units[HOST])
    ws = wb["台账"]
    cols = header(ws)
    ws.cell(ws.max_row + 1, cols["编号"]).value = "县人大第999号建议"
    ws.cell(ws.max_row, cols["标题"]).value = "单位自己加的"
    wb.save(tmp_path / "加行.xlsx")
    returned = edit(tmp_path / "加行.xlsx", {first_host_case(units[HOST]): REPLY}, tmp_path / "加行2.xlsx")
    report = merge(master, [returned], TODAY, now=WHEN)
    [f] = report.files
    assert f.status == "merged" and len(f.changes) == 4
    assert [c.number for c in f.conflicts] == ["县人大第999号建议"]
    assert f.conflicts[0].reason.endswith("未合并")
    assert report.exit_code == 1


def test_macro_workbook_values_only(env: Env, tmp_path: Path) -> None:
    master, units = env
    filled = edit(units[HOST], {first_host_case(units[HOST]): REPLY}, tmp_path / "x.xlsx")
    xlsm = rezip(filled, tmp_path / "带宏.xlsm", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not run"})
    assert merge(master, [xlsm], TODAY, now=WHEN).files[0].status == "merged"
    with zipfile.ZipFile(master) as z:
        assert not any("vba" in n.lower() for n in z.namelist())


def test_one_bad_file_does_not_stop_the_others(env: Env, tmp_path: Path) -> None:
    master, units = env
    junk = tmp_path / "坏.xls"
    junk.write_bytes(b"\x00" * 100)
    good = edit(units[HOST], {first_host_case(units[HOST]): REPLY}, tmp_path / "好.xlsx")
    report = merge(master, [junk, good], TODAY, now=WHEN)
    assert [f.status for f in report.files] == ["rejected", "merged"]
    assert "坏.xls" in report.files[0].message


def test_cli_json_and_exit_codes(env: Env, tmp_path: Path) -> None:
    master, units = env
    runner = CliRunner()
    good = edit(units[HOST], {first_host_case(units[HOST]): REPLY}, tmp_path / "好.xlsx")
    junk = tmp_path / "坏.xlsx"
    junk.write_text("x")
    result = runner.invoke(merge_cmd, [str(master), str(good), str(junk), "--json", "--dry-run",
                                       "--today", "2026-05-20"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert [(f["status"], f["unit"]) for f in data["files"]] == [("merged", HOST), ("rejected", None)]
    assert set(data["files"][0]) == {"file", "unit", "status", "changes", "conflicts", "message"}
    assert set(data["files"][0]["changes"][0]) == {"编号", "field", "old", "new"}
    assert runner.invoke(merge_cmd, [str(master), str(good), "--today", "2026-05-20"]).exit_code == 0
    assert runner.invoke(merge_cmd, [str(junk), str(good)]).exit_code == 2
    (master.parent / f"~${master.name}").write_bytes(b"\x05admin" + b" " * 60)
    assert runner.invoke(merge_cmd, [str(master), str(good)]).exit_code == 3


def test_cli_split(env: Env, tmp_path: Path) -> None:
    master, _ = env
    result = CliRunner().invoke(split_cmd, [str(master), "--out", str(tmp_path / "发"), "--today", "2026-05-20",
                                            "--unit", "水利局"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "发").iterdir()) == [
        "县水利局_2026建议提案办理_20260520.txt", "县水利局_2026建议提案办理_20260520.xlsx"]
    book = pc.CalamineWorkbook.from_path(str(tmp_path / "发" / "县水利局_2026建议提案办理_20260520.xlsx"))
    assert book.sheet_names == ["台账", "填报说明", "分发校验"]
