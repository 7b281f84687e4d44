"""Legacy .xls masters, encrypted workbooks and owner files at the edge of a write.

- a .xls converted for --write and then refused leaves nothing behind (no name.xlsx, no lock, no
  temp folder), so the next run says the same thing instead of "已存在";
- a .xls converted once is followed to its .xlsx by later commands while that is the newer file;
- an encrypted workbook gets the password message on every path, --write included;
- Excel's owner file `~$台账.xlsx` blocks 台账.xlsx only, not 副本台账.xlsx."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from taizhang.core.errors import BadInput, FileInUse
from taizhang.macros.cli import cli
from taizhang.workbook.convert import convert
from taizhang.workbook.writer import LedgerWriter
from taizhang.workbook.writer.safety import owner_files
from tests.conftest_writer import make_ledger
from tests.messy import messy_ledger, tidy_ledger

TODAY = "2025-06-01"


def leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


@pytest.fixture
def xls(tmp_path: Path, soffice: str) -> Path:
    from tests.libreoffice import convert as lo_convert

    (tmp_path / "src").mkdir()
    return lo_convert(messy_ledger(tmp_path / "src" / "台账.xlsx"), "xls", tmp_path / "legacy")


@pytest.mark.libreoffice
def test_a_text_file_named_xls_leaves_nothing_behind(tmp_path: Path, soffice: str) -> None:
    fake = tmp_path / "台账.xls"
    fake.write_text("编号,标题\n1,关于\n", encoding="utf-8")
    for _ in range(2):  # the second run says the same, not "已存在"
        result = CliRunner().invoke(cli, ["check", str(fake), "--today", TODAY, "--write"])
        assert result.exit_code == 2, result.output
        assert "已存在" not in result.output and "台账.xls" in result.output
        assert leftovers(tmp_path, {"台账.xls"}) == []


@pytest.mark.libreoffice
def test_a_write_refused_after_converting_leaves_nothing_behind(xls: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import taizhang.macros.cli.check as check_job  # the check command's own reference to apply_check

    def refuse(writer: object, analysis: object) -> None:
        raise BadInput("测试：写入被拒绝")

    monkeypatch.setattr(check_job, "apply_check", refuse)
    before = set(os.listdir(xls.parent))
    for _ in range(2):
        result = CliRunner().invoke(cli, ["check", str(xls), "--today", TODAY, "--write"])
        assert result.exit_code == 2 and "测试：写入被拒绝" in result.output, result.output
        assert set(os.listdir(xls.parent)) == before


@pytest.mark.libreoffice
def test_a_converted_xls_is_followed_to_its_xlsx(xls: Path) -> None:
    original = xls.read_bytes()
    first = CliRunner().invoke(cli, ["check", str(xls), "--today", TODAY, "--write"])
    assert first.exit_code in (0, 1), first.output
    converted = xls.with_suffix(".xlsx")
    assert converted.is_file()
    again = CliRunner().invoke(cli, ["due", str(xls), "--today", TODAY, "--write"])
    assert again.exit_code in (0, 1), again.output
    assert "台账.xlsx" in again.output and "--out" not in again.output
    assert (xls.parent / "备份").is_dir()  # an ordinary write into the .xlsx, with its backup
    read = CliRunner().invoke(cli, ["read", str(xls)])
    assert read.exit_code == 0 and "台账.xlsx" in read.output
    assert xls.read_bytes() == original

    later = time.time() + 5  # the .xls edited after the conversion: which one counts is the user's call
    os.utime(xls, (later, later))
    refused = CliRunner().invoke(cli, ["check", str(xls), "--today", TODAY, "--write"])
    assert refused.exit_code == 2 and "为准" in refused.output, refused.output
    reading = CliRunner().invoke(cli, ["check", str(xls), "--today", TODAY])
    assert reading.exit_code in (0, 1) and "比" in reading.output


@pytest.mark.libreoffice
def test_a_failed_pdf_conversion_leaves_no_partial_file(tmp_path: Path, soffice: str) -> None:
    junk = tmp_path / "坏.xlsx"
    junk.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    out = tmp_path / "out"
    with pytest.raises(BadInput):
        convert(junk, "pdf", out)
    assert list(out.iterdir()) == []


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = tidy_ledger(tmp_path / "plain.xlsx")
    target = tmp_path / "加密.xlsx"
    with plain.open("rb") as source, target.open("wb") as out:
        OOXMLFile(source).encrypt("secret", out)
    assert msoffcrypto.olefile.isOleFile(str(target))
    return target


@pytest.mark.parametrize("command", [["read"], ["check", "--today", TODAY], ["check", "--today", TODAY, "--write"],
                                     ["due", "--today", TODAY, "--write"], ["summary", "--today", TODAY, "--write"],
                                     ["preset", "精河2025"], ["merge", "别的.xlsx", "--today", TODAY]])
def test_an_encrypted_ledger_gets_the_password_message_everywhere(encrypted: Path, command: list[str]) -> None:
    before = encrypted.read_bytes()
    result = CliRunner().invoke(cli, [command[0], str(encrypted), *command[1:]])
    assert result.exit_code == 2, result.output
    assert "密码" in result.output and "加密.xlsx" in result.output, result.output
    assert encrypted.read_bytes() == before


def test_an_owner_file_blocks_its_own_workbook_only(tmp_path: Path) -> None:
    ledger = make_ledger(tmp_path / "台账.xlsx")
    copy = make_ledger(tmp_path / "副本台账.xlsx")
    (tmp_path / "~$台账.xlsx").write_bytes(bytes([4]) + b"Anna".ljust(53) + b"\0" * 112)
    assert owner_files(copy) == []
    with LedgerWriter(copy) as w:
        w.set_tool_column("台账", 2, "【系统】状态", {3: "正常"})
        w.commit()
    with pytest.raises(FileInUse), LedgerWriter(ledger):
        pass


def test_word_style_owner_names_count_only_for_long_names(tmp_path: Path) -> None:
    long = make_ledger(tmp_path / "2025年度建议台账.xlsx")  # a stem of 10 characters
    (tmp_path / "~$25年度建议台账.xlsx").write_bytes(b"\x03Bob".ljust(165, b" "))
    assert [p.name for p in owner_files(long)] == ["~$25年度建议台账.xlsx"]
    make_ledger(tmp_path / "25年度建议台账.xlsx")  # now that name is Excel's owner file of this one
    assert owner_files(long) == []
    short = make_ledger(tmp_path / "总台账.xlsx")
    (tmp_path / "~$账.xlsx").write_bytes(b"\x03Bob".ljust(165, b" "))
    assert owner_files(short) == []
