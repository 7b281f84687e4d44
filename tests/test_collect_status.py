"""Collect without a mail server: safe names for any attachment name (property test), the 回收情况
matched by 分发编号 when the books carry one and by unit and split date when not, a master without
分发记录, one collect at a time."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import given, settings
from hypothesis import strategies as hs
from openpyxl import load_workbook

from taizhang.core.errors import FileInUse
from taizhang.core.settings import Settings, Unit
from taizhang.macros.jobs.collect import LOCK_NAME, Returned, collect, unit_states
from taizhang.macros.jobs.safe_names import safe_name, unique_path
from taizhang.workbook.dispatch import DispatchEntry, read_return_meta
from tests.collect_helpers import TODAY, office_master, split_books, write_config
from tests.test_acceptance_jobs import blank, run  # noqa: F401 (blank is a fixture)

RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"COM{i}" for i in range(10)} | {f"LPT{i}" for i in range(10)}


@settings(max_examples=300, deadline=None)
@given(hs.text(max_size=400), hs.sampled_from([".xlsx", ".xls"]))
def test_any_attachment_name_becomes_a_safe_one(raw: str, suffix: str) -> None:
    name = safe_name(raw, suffix)
    assert name.endswith(suffix) and len(name) > len(suffix)
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") or ch in '<>:"|?*' for ch in name)
    assert name.split(".")[0].strip().upper() not in RESERVED
    assert name[0] not in " ." and name[: -len(suffix)][-1] not in " ."
    assert len(name.encode("utf-8")) <= 160  # room for " (99)" within any file system's 255


def test_unique_names_never_replace_a_file(tmp_path: Path) -> None:
    (tmp_path / "表.xlsx").write_bytes(b"old")
    taken: set[str] = set()
    first = unique_path(tmp_path, "表.xlsx", taken)
    second = unique_path(tmp_path, "表.xlsx", taken)
    assert [first.name, second.name] == ["表 (2).xlsx", "表 (3).xlsx"]


UNITS = Settings(units=[Unit(name="县财政局", email="cz@cz.example.gov.cn"),
                        Unit(name="县交通运输局", short="县交通局", email="jt@jt.example.gov.cn; jt2@jt.example.gov.cn"),
                        Unit(name="县教育和体育局")])


def ret(unit: str, split_id: str | None, split_day: date, when: datetime, note: str = "") -> Returned:
    return Returned(f"2026-05-25/{unit}.xlsx", unit, split_id, split_day, "x@example.gov.cn", when, "回传", note)


def entry(unit: str, split_id: str, when: datetime, result: str = "已发送") -> DispatchEntry:
    return DispatchEntry(split_id, unit, when, result, when if result == "已发送" else None, f"{unit}.xlsx", "")


def test_returns_answer_the_latest_split_by_its_id() -> None:
    may10, may20 = datetime(2026, 5, 10, 9), datetime(2026, 5, 20, 9)
    dispatch = [entry("县财政局", "A1", may10), entry("县交通局", "A1", may10),
                entry("县财政局", "B2", may20), entry("县交通运输局", "B2", may20),
                entry("县教育和体育局", "B2", may20, "发送失败")]
    returns = [ret("县财政局", "A1", may10.date(), datetime(2026, 5, 12, 9)),  # answers the earlier split only
               ret("县交通运输局", "B2", may20.date(), datetime(2026, 5, 21, 9)),
               ret("县交通运输局", "B2", may20.date(), datetime(2026, 5, 22, 9))]
    states, note = unit_states(dispatch, returns, UNITS, TODAY)
    assert note == ""
    by = {s.unit: s for s in states}
    assert [s.unit for s in states] == ["县财政局", "县交通运输局", "县教育和体育局"]  # 单位名录 order
    assert by["县财政局"].returns == [] and by["县财政局"].waiting_days == 5 and by["县财政局"].split_id == "B2"
    assert any("较早一次分发" in n for n in by["县财政局"].notes)
    assert len(by["县交通运输局"].returns) == 2 and any("回传了 2 次" in n for n in by["县交通运输局"].notes)
    assert by["县教育和体育局"].sent == "发送失败" and by["县教育和体育局"].waiting_days is None


def test_without_ids_a_return_answers_a_split_of_that_day_or_later() -> None:
    dispatch = [entry("县财政局", "", datetime(2026, 5, 20, 9))]
    states, _ = unit_states(dispatch, [ret("县财政局", None, date(2026, 5, 10), datetime(2026, 5, 21, 9))], UNITS, TODAY)
    assert states[0].returns == [] and states[0].waiting_days == 5
    states, _ = unit_states(dispatch, [ret("县财政局", None, date(2026, 5, 20), datetime(2026, 5, 21, 9))], UNITS, TODAY)
    assert len(states[0].returns) == 1 and states[0].waiting_days is None


def test_without_a_dispatch_record_only_the_returned_units_are_listed_and_it_says_why() -> None:
    states, note = unit_states(None, [ret("县财政局", None, date(2026, 5, 20), datetime(2026, 5, 21, 9))], UNITS, TODAY)
    assert [s.unit for s in states] == ["县财政局"] and states[0].sent == ""
    assert "分发记录" in note and "未回传" in note


def test_the_split_id_is_read_from_the_book_when_it_carries_one(blank: Path, tmp_path: Path) -> None:  # noqa: F811
    master = office_master(blank, tmp_path / "台账.xlsx")
    book = split_books(master, tmp_path / "分发")["县财政局"]
    sent = read_return_meta(book)
    assert sent.split_id and re.fullmatch(r"2026-\d{14}-[0-9a-f]{6}", sent.split_id)  # split writes one
    wb = load_workbook(book)
    meta = wb["分发校验"]
    meta.title = "改名了"  # found by its marker among the hidden sheets
    wb.save(tmp_path / "改名.xlsx")
    found = read_return_meta(tmp_path / "改名.xlsx")
    assert (found.unit, found.split_id, found.split_date) == ("县财政局", sent.split_id, date(2026, 5, 20))
    for row in meta.iter_rows(min_row=2, max_row=10):
        if row[0].value == "分发编号":  # a book split before 分发编号 existed
            row[0].value = row[1].value = None
    wb.save(tmp_path / "旧分发.xlsx")
    assert read_return_meta(tmp_path / "旧分发.xlsx").split_id is None


def test_one_collect_at_a_time(blank: Path, tmp_path: Path) -> None:  # noqa: F811
    office_master(blank, tmp_path / "台账.xlsx")
    config = write_config(tmp_path, 9)
    (tmp_path / "回收").mkdir()
    with FileLock(str(tmp_path / "回收" / LOCK_NAME)), pytest.raises(FileInUse, match="另一个收取"):
        collect(config, TODAY, env={})
    result = run("collect", "--config", tmp_path / "周检.toml", "--today", TODAY.isoformat())
    assert result.exit_code == 2 and "TAIZHANG_TEST_IMAP_PASSWORD" in result.output  # the lock is free again


def test_processed_folder_must_differ_from_the_folder(tmp_path: Path) -> None:
    path = tmp_path / "周检.toml"
    path.write_text('[run]\nledgers = ["台账.xlsx"]\n[imap]\nhost = "127.0.0.1"\nsecurity = "none"\nuser = "a@b.cn"\n'
                    'folder = "回传"\nprocessed_folder = "回传"\n', encoding="utf-8")
    result = run("collect", "--config", path)
    assert result.exit_code == 2 and "processed_folder" in result.output
