"""The built-in sample and `taizhang demo`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import python_calamine as pc
from click.testing import CliRunner

from taizhang.core.settings import Severity
from taizhang.macros.cli import cli
from taizhang.macros.jobs.demo import SHIPPED_SAMPLE, SHIPPED_TODAY, write_sample
from taizhang.validators import RULES
from taizhang.workbook.sample_data import generate


def _values(path: Path) -> dict[str, list[list[object]]]:
    book = pc.CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_shipped_sample_matches_the_generator(tmp_path: Path) -> None:
    assert SHIPPED_SAMPLE.exists(), "run: python -c 'from taizhang.macros.jobs.demo import ship_sample; ship_sample()'"
    fresh = write_sample(tmp_path / "fresh.xlsx", SHIPPED_TODAY)
    assert _values(fresh) == _values(SHIPPED_SAMPLE)


def test_demo_runs_every_job_and_reports_planted_mistakes(tmp_path: Path) -> None:
    out = tmp_path / "示例"
    result = CliRunner().invoke(cli, ["demo", "--out", str(out), "--today", "2026-05-20"])
    assert result.exit_code == 0, result.output
    for step in ("【读取】", "【校验】", "【时限】", "【统计】", "【通报】", "【分发】"):
        assert step in result.output
    planted = generate(date(2026, 5, 20)).planted
    errors = sum(1 for p in planted if RULES[p.code].severity is Severity.ERROR)
    assert f"错误 {errors} 条、警告 {len(planted) - errors} 条" in result.output
    sheets = pc.CalamineWorkbook.from_path(str(out / "示例台账.xlsx")).sheet_names
    assert {"校验结果", "逾期清单", "汇总", "通报", "图表"} <= set(sheets)
    assert (out / "统计表.xlsx").exists()
    bulletin = docx.Document(str(out / "通报.docx"))  # the 通报 as a 公文, for a newcomer to open
    assert any(p.text.endswith("办理情况的通报") and "2026年" in p.text for p in bulletin.paragraphs)
    assert len(list((out / "分发各单位").glob("*.xlsx"))) >= 20


def test_demo_is_deterministic(tmp_path: Path) -> None:
    a = write_sample(tmp_path / "a.xlsx", SHIPPED_TODAY)
    b = write_sample(tmp_path / "b.xlsx", SHIPPED_TODAY)
    assert _values(a) == _values(b)
