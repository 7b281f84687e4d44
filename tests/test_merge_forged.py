"""Returns are checked against what the office sent (issue 16.1), not against what the file claims.

The forged files are made as a unit that holds only its own workbook and the project's public code
would make them: openpyxl to rewrite the workbook, taizhang.core.exchange to recompute every
unkeyed value (fingerprints, values sent). Each is rejected whole, with a Chinese reason, the
master byte-identical and a non-zero exit code. The 分发记录 is read back with calamine."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine as pc
from click.testing import CliRunner

from taizhang.core.exchange import record_row, seal, shown_values
from taizhang.macros.cli.split_merge import merge_cmd
from taizhang.macros.jobs.merge import merge
from taizhang.macros.jobs.split import split
from taizhang.workbook.returned import read_returned
from tests import test_merge_roundtrip as roundtrip
from tests.test_merge_roundtrip import HOST, REPLY, SHARED, TODAY, WHEN, edit, first_host_case, header

Env = tuple[Path, dict[str, Path]]
pristine, env = roundtrip.pristine, roundtrip.env  # the shared fixtures
ATTACKER = "县民政局"  # co-handles SHARED, hosts cases of its own, and holds only its own workbook
META = "分发校验"
RECORD_FIRST = 11  # the unit book's first per-case record row (below its header in row 10)


def grid(path: Path, sheet: str) -> list[list[Any]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    try:
        return [list(r) for r in book.get_sheet_by_name(sheet).to_python()]
    finally:
        book.close()


def meta_row(ws: Any, key: str) -> int:
    return next(r for r in range(2, 10) if ws.cell(r, 1).value == key)


def rejected(master: Path, files: list[Path], words: str) -> str:
    before = master.read_bytes()
    result = CliRunner().invoke(merge_cmd, [str(master), *map(str, files), "--today", TODAY.isoformat()])
    assert result.exit_code == 1, result.output
    assert master.read_bytes() == before
    report = merge(master, files, TODAY, now=WHEN, dry_run=True)
    assert [f.status for f in report.files] == ["rejected"] * len(files), report.text()
    assert words in result.output, result.output
    return result.output


def victim_row(units: dict[str, Path], number: str) -> list[Any]:
    """The victim's case as its own workbook shows it (the attacker learns the case's contents)."""
    ws = openpyxl.load_workbook(units[HOST])["台账"]
    cols = header(ws)
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, cols["编号"]).value == number)
    return [ws.cell(row, c).value for c in range(1, ws.max_column + 1)]


def forge(units: dict[str, Path], out: Path, claim: str, number: str, mac: str | None) -> Path:
    """The attacker's own workbook rewritten to claim `number` (the victim's case) as `claim`'s 主办
    case: the row replaced, the 分发校验 rewritten with a fingerprint and values sent recomputed
    by the project's own code, then the reply typed in. `mac` None keeps the attacker's own."""
    wb = openpyxl.load_workbook(units[ATTACKER])
    ws, meta = wb["台账"], wb[META]
    for c, value in enumerate(victim_row(units, number), start=1):
        ws.cell(3, c).value = value
    ws.delete_rows(4, ws.max_row)
    meta.cell(meta_row(meta, "单位"), 2).value = claim
    meta.delete_rows(RECORD_FIRST + 1, meta.max_row)
    wb.save(out)
    book = read_returned(out)  # the project's own reader gives the values the fingerprint covers
    record = record_row(shown_values(book.ledger)[3], book.columns, "主办")
    meta.cell(RECORD_FIRST, 1).value = number
    meta.cell(RECORD_FIRST, 2).value = "主办"
    meta.cell(RECORD_FIRST, 3).value = record.fingerprint
    meta.cell(RECORD_FIRST, 4).value = json.dumps(record.split_values, ensure_ascii=False)
    if mac is not None:
        meta.cell(meta_row(meta, "校验码"), 2).value = mac
    cols = header(ws)
    ws.cell(3, cols["正式答复日期"]).value = date(2026, 5, 18)
    ws.cell(3, cols["代表意见"]).value = "满意"
    ws.cell(3, cols["办理结果"]).value = "A类"
    wb.save(out)
    return out


@pytest.mark.parametrize("mac", ["own", "guessed key", "empty key"])
def test_a_forged_return_claiming_another_units_case_is_rejected(env: Env, tmp_path: Path, mac: str) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    book = read_returned(units[ATTACKER])
    macs: dict[str, str | None] = {
        "own": None,
        "guessed key": seal("0" * 64, HOST, book.split_id, book.columns, {}),
        "empty key": seal("", HOST, book.split_id, book.columns, {}),
    }
    forged = forge(units, tmp_path / "冒名回传.xlsx", HOST, number, macs[mac])
    assert read_returned(forged).unit == HOST  # the file says it is the victim's
    out = rejected(master, [forged], "校验码与台账的分发记录不符")
    assert "整份文件未合并" in out


def test_claiming_another_units_case_under_ones_own_name_is_rejected(env: Env, tmp_path: Path) -> None:
    master, units = env
    forged = forge(units, tmp_path / "夹带.xlsx", ATTACKER, first_host_case(units[HOST]), None)
    rejected(master, [forged], "校验码与台账的分发记录不符")


def test_a_co_handler_promoting_itself_to_host_is_rejected(env: Env, tmp_path: Path) -> None:
    """The attacker co-handles SHARED: it rewrites its own record to 主办 (recomputed fingerprint and
    values sent) to write the lead's reply. The master recorded 协办: only 协办意见日期 is its."""
    master, units = env
    wb = openpyxl.load_workbook(units[ATTACKER])
    meta = wb[META]
    row = next(r for r in range(RECORD_FIRST, meta.max_row + 1) if meta.cell(r, 1).value == SHARED)
    out = tmp_path / "升格.xlsx"
    wb.save(out)
    book = read_returned(out)
    case_row = next(c.row for c in book.ledger.cases if c.number == SHARED)
    record = record_row(shown_values(book.ledger)[case_row], book.columns, "主办")
    meta.cell(row, 2).value, meta.cell(row, 3).value = "主办", record.fingerprint
    meta.cell(row, 4).value = json.dumps(record.split_values, ensure_ascii=False)
    ws = wb["台账"]
    cols = header(ws)
    ws.cell(case_row, cols["本单位承办方式"]).value = "主办"
    ws.cell(case_row, cols["答复文号"]).value = "民复〔2026〕1号"
    wb.save(out)
    rejected(master, [out], "校验码与台账的分发记录不符")  # the master recorded 协办


def test_a_tampered_mac_is_rejected(env: Env, tmp_path: Path) -> None:
    master, units = env
    returned = edit(units[HOST], {first_host_case(units[HOST]): REPLY}, tmp_path / "回传.xlsx")
    wb = openpyxl.load_workbook(returned)
    meta = wb[META]
    cell = meta.cell(meta_row(meta, "校验码"), 2)
    cell.value = ("0" if cell.value[0] != "0" else "1") + cell.value[1:]
    wb.save(tmp_path / "改校验码.xlsx")
    rejected(master, [tmp_path / "改校验码.xlsx"], "校验码与台账的分发记录不符")
    assert merge(master, [returned], TODAY, now=WHEN).exit_code == 0  # the genuine file still merges


def test_a_replayed_return_from_an_older_split_is_rejected(env: Env, tmp_path: Path) -> None:
    master, units = env
    number = first_host_case(units[HOST])
    old = edit(units[HOST], {number: REPLY}, tmp_path / "旧回传.xlsx")
    [again] = split(master, tmp_path / "再次分发", TODAY, units=[HOST]).files  # the unit gets a new book
    out = rejected(master, [old], "较早一次分发")
    assert read_returned(again.path).split_id in out
    newer = edit(again.path, {number: REPLY}, tmp_path / "新回传.xlsx")
    assert merge(master, [newer], TODAY, now=WHEN).exit_code == 0


def test_a_return_the_master_has_no_record_of_asks_to_split_again(env: Env, tmp_path: Path) -> None:
    master, units = env
    returned = edit(units[HOST], {first_host_case(units[HOST]): REPLY}, tmp_path / "回传.xlsx")
    other = tmp_path / "另一份" / "台账.xlsx"  # a master that never made this split (same ledger, split anew)
    other.parent.mkdir()
    shutil.copyfile(roundtrip.write_sample(tmp_path / "新台账.xlsx", TODAY), other)
    rejected(other, [returned], "请重新分发")
    wb = openpyxl.load_workbook(returned)  # a book of the old format: no 分发编号 and no 校验码
    meta = wb[META]
    for key in ("分发编号", "校验码"):
        meta.cell(meta_row(meta, key), 2).value = None
    wb.save(tmp_path / "旧格式.xlsx")
    rejected(master, [tmp_path / "旧格式.xlsx"], "请重新分发")


def test_the_record_in_the_master_and_no_key_in_unit_books(env: Env) -> None:
    master, units = env
    log = grid(master, "分发记录")
    assert log[0][0] == "分发记录" and log[2] == ["分发编号", "分发时间", "单位", "件数", "编号", "文件名", "电子邮箱",
                                                "发送结果", "邮件标识", "发送时间", "说明"]
    rows = {r[2]: r for r in log[3:]}
    assert set(rows) == set(units)
    for unit, path in units.items():
        book = read_returned(path)
        assert rows[unit][0] == book.split_id and rows[unit][5] == path.name
        assert rows[unit][7] == "未发送"
        assert int(rows[unit][3]) == len(book.entries) == len(rows[unit][4].split("、"))
    detail = grid(master, "分发明细")
    assert detail[1][0] == "密钥"
    key = str(detail[1][1])
    assert len(key) == 64
    books = {r[1]: r for r in detail[4:] if r[0]}
    assert set(books) == set(units)
    roles = dict(json.loads("".join(str(v) for v in books[ATTACKER][3:] if v)))
    assert roles[SHARED] == "协办" and len(roles) == int(books[ATTACKER][2])
    assert set(roles) == {e for e in read_returned(units[ATTACKER]).entries}
    workbook = openpyxl.load_workbook(master)
    assert workbook["分发明细"].sheet_state != "visible"
    for path in units.values():
        with zipfile.ZipFile(path) as z:
            assert not any(key.encode() in z.read(n) for n in z.namelist())


def test_rewriting_the_values_sent_is_rejected(env: Env, tmp_path: Path) -> None:
    """A unit hiding a stale copy: it rewrites the values sent to the master's current ones, so the
    merge would not see that the office changed the field meanwhile. They are under the seal."""
    master, units = env
    number = first_host_case(units[HOST])
    returned = edit(units[HOST], {number: REPLY}, tmp_path / "回传.xlsx")
    wb = openpyxl.load_workbook(returned)
    meta = wb[META]
    row = next(r for r in range(RECORD_FIRST, meta.max_row + 1) if meta.cell(r, 1).value == number)
    sent = json.loads(meta.cell(row, 4).value)
    sent["答复文号"] = "办公室补录1号"
    meta.cell(row, 4).value = json.dumps(sent, ensure_ascii=False)
    wb.save(tmp_path / "改分发时值.xlsx")
    rejected(master, [tmp_path / "改分发时值.xlsx"], "校验码与台账的分发记录不符")
