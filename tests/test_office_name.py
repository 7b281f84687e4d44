"""The office's own name (参数 办理机关): 县人民政府办公室, 县人大常委会选工委 and 县政协提案委 all keep these
ledgers. It is used where a text names the office; when it is not filled in, the wording is
neutral or a visible placeholder, never a guessed office."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc
from click.testing import CliRunner

from taizhang.core.settings import OFFICE_PLACEHOLDER, PARAMS_SHEET, SheetTable, load_params
from taizhang.macros.cli import cli
from taizhang.macros.jobs.merge import merge
from taizhang.macros.jobs.split import split
from tests.ledger_factory import clean_row, write_ledger

TODAY = date(2025, 6, 3)
OFFICE = "县人大常委会选工委"
GUESSES = ("县政府办", "县人民政府办公室", "县政办")
REPO = Path(__file__).resolve().parents[1]


def params(*rows: list[object]) -> SheetTable:
    return SheetTable.from_grid(PARAMS_SHEET, [["参数", "值", "说明"], *rows])


def test_the_field_and_its_old_label() -> None:
    assert load_params(params(["办理机关", OFFICE, ""])).office == OFFICE
    assert load_params(params(["办理单位名称", "县政协提案委", ""])).office == "县政协提案委"  # earlier ledgers
    assert load_params(params(["年度", 2025, ""])).office is None


def test_new_ledger_shows_the_field_to_fill(tmp_path: Path) -> None:
    path = tmp_path / "新台账.xlsx"
    result = CliRunner().invoke(cli, ["new", str(path), "--year", "2025"])
    assert result.exit_code == 0 and "办理机关" in result.output
    book = pc.CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(PARAMS_SHEET).to_python()
    labels = {row[0]: row[1] for row in rows[1:]}
    assert "办理机关" in labels and "办理单位名称" not in labels
    assert labels["办理机关"] in ("", None)
    ws = openpyxl.load_workbook(path)[PARAMS_SHEET]
    cell = next(r[1] for r in ws.iter_rows(min_row=2) if r[0].value == "办理机关")
    assert cell.fill.fgColor.rgb.endswith("FFF2CC")  # tinted: the office fills it in


@pytest.mark.parametrize("office", [OFFICE, None])
def test_split_texts_name_the_office_or_say_so(tmp_path: Path, office: str | None) -> None:
    ledger = write_ledger(tmp_path, [clean_row(1), clean_row(2, 主办单位="县财政局", 协办单位=None)],
                          params={"办理机关": office} if office else None)
    result = split(ledger, tmp_path / "分发", TODAY)
    assert result.files
    for f in result.files:
        note = f.note.read_text(encoding="utf-8")
        lines = [line for line in (x.strip() for x in note.splitlines()) if line]
        text = "\n".join(str(c.value) for c in openpyxl.load_workbook(f.path)["填报说明"]["A"] if c.value)
        if office:
            assert lines[-2] == office  # the signature, above the date
            assert f"回传给{office}" in text
        else:
            assert lines[-2] == OFFICE_PLACEHOLDER
            assert "回传给分发本表的单位" in text
        for guess in GUESSES:
            assert guess not in note and guess not in text


@pytest.mark.parametrize(("office", "words"), [(OFFICE, f"此项只能由{OFFICE}修改"), (None, "此项只能由办理机关修改")])
def test_merge_says_who_may_change_a_locked_value(tmp_path: Path, office: str | None, words: str) -> None:
    ledger = write_ledger(tmp_path, [clean_row(1, 正式答复日期=None, 办理结果=None, 代表意见=None)],
                          params={"办理机关": office} if office else None)
    result = split(ledger, tmp_path / "分发", TODAY, units=["县教育和体育局"])
    wb = openpyxl.load_workbook(result.files[0].path)
    ws = wb["台账"]
    cols = {c.value: c.column for c in ws[2] if c.value}
    ws.cell(3, cols["标题"]).value = "单位改过的标题"
    wb.save(tmp_path / "回传.xlsx")
    report = merge(ledger, [tmp_path / "回传.xlsx"], TODAY, dry_run=True)
    assert words in report.text()


def test_summary_names_the_office_only_when_filled_in(tmp_path: Path) -> None:
    for office in ("县政协提案委", None):
        folder = tmp_path / (office or "无")
        folder.mkdir()
        ledger = write_ledger(folder, [clean_row(1)], params={"办理机关": office} if office else None)
        out = folder / "统计表.xlsx"
        result = CliRunner().invoke(cli, ["summary", str(ledger), "--today", TODAY.isoformat(), "--out", str(out)])
        assert result.exit_code == 0, result.output
        subtitle = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()[1][0]
        assert subtitle.startswith(f"编制：{office}") if office else subtitle.startswith("统计截至")
        assert not any(guess in subtitle for guess in GUESSES)


# Files where an office name appears as an example or a citation, never as the office's own name:
# the 参数 help text, the unit-name heuristic's documentation, the presets' source notices, the sample's data.
EXAMPLES = {"core/settings.py", "core/unit_guess.py", "core/deadlines/presets.py", "workbook/sample_data.py"}


def test_no_office_name_is_hard_coded() -> None:
    found = []
    for folder in ("core", "macros", "workbook", "validators"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix not in (".py", ".bas", ".xml") or str(path.relative_to(REPO)) in EXAMPLES:
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            found += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in re.finditer("|".join(GUESSES), text)]
    assert found == []
