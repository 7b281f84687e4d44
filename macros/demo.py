"""`taizhang demo`: the built-in sample ledger, and every job run on it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from taizhang.core.deadlines import DEFAULT_PRESET
from taizhang.macros.new_ledger import base_content
from taizhang.macros.writeback import run_and_write
from taizhang.workbook.reader import read_workbook
from taizhang.workbook.sample_data import generate
from taizhang.workbook.template import build_ledger_workbook

SAMPLE_NAME = "示例台账.xlsx"
SHIPPED_SAMPLE = Path(__file__).resolve().parent.parent / "workbook" / "sample" / SAMPLE_NAME
SHIPPED_TODAY = date(2026, 5, 20)  # the shipped sample is generated as of this day


def write_sample(path: Path, today: date, seed: int = 2026) -> Path:
    """The deterministic county sample as a ledger workbook with its settings sheets."""
    sample = generate(today, seed)
    content = base_content(sample.year, DEFAULT_PRESET, sample.title)
    content.rows = sample.rows
    content.units = sample.units
    content.params["办理单位名称"] = f"{sample.county}人民政府办公室"
    return build_ledger_workbook(path, content)


Step = Callable[[Path, date], str]


def _step_read(path: Path, today: date) -> str:
    loaded = read_workbook(path)
    ledger = loaded.ledger
    by_category: dict[str, int] = {}
    for case in ledger.cases:
        by_category[case.category or "未填类别"] = by_category.get(case.category or "未填类别", 0) + 1
    parts = "、".join(f"{k}{v}件" for k, v in by_category.items())
    return (f"读取：工作表“{ledger.sheet}”，表头第 {ledger.header_row} 行，识别 {len(ledger.columns)} 列，"
            f"共 {len(ledger.cases)} 件（{parts}），单位名录 {len(loaded.settings.units)} 个单位")


def _step_check(path: Path, today: date) -> str:
    from taizhang.macros.check_job import apply_check

    outcome = run_and_write(path, today, [apply_check])
    report = outcome.analysis.report
    found = "、".join(f"{code} {n}" for code, n in report.counts.items())
    return (f"校验：错误 {report.errors} 条、警告 {report.warnings} 条（{found}）。"
            f"见“校验结果”工作表和“【系统】校验问题”列，有问题的单元格已标色")


def _step_due(path: Path, today: date) -> str:
    from taizhang.macros.due_job import apply_due, overdue_by_unit

    outcome = run_and_write(path, today, [apply_due])
    counts: dict[str, int] = {}
    for d in outcome.analysis.deadlines:
        counts[d.status.value] = counts.get(d.status.value, 0) + 1
    units = len(overdue_by_unit(outcome.analysis))
    parts = "、".join(f"{k} {v} 件" for k, v in counts.items())
    return f"时限：{parts}；{units} 个单位有逾期件，见“逾期清单”工作表和“【系统】状态”等四列"


def _step_summary(path: Path, today: date) -> str:
    from taizhang.core.stats import paragraph
    from taizhang.macros.summary_job import apply_summary, summary_sheets
    from taizhang.workbook.writer import new_workbook_with_sheets

    outcome = run_and_write(path, today, [apply_summary])
    separate = path.with_name("统计表.xlsx")
    new_workbook_with_sheets(separate, summary_sheets(outcome.analysis))
    return f"统计：{paragraph(outcome.analysis.stats)}\n  “汇总”“通报”“图表”工作表已写入台账，另存一份在“{separate.name}”"


def _step_split(path: Path, today: date) -> str:
    from taizhang.macros.split_job import split

    result = split(path, path.parent / "分发各单位", today)
    return (f"分发：为 {len(result.files)} 个单位各生成一个只含本单位件的工作簿和一封邮件正文，在“分发各单位”文件夹；"
            f"{len(result.skipped)} 件未分发（原因见 taizhang split 的输出）。单位填好交回后用 taizhang merge 合并")


def demo_steps() -> list[tuple[str, Step]]:
    """Every job that exists, in the order an office runs them."""
    return [("读取", _step_read), ("校验", _step_check), ("时限", _step_due), ("统计", _step_summary),
            ("分发", _step_split)]


def run_demo(out_dir: Path, today: date) -> str:
    out_dir.mkdir(parents=True, exist_ok=True)
    ledger = write_sample(out_dir / SAMPLE_NAME, today)
    lines = [f"示例台账已生成：{ledger}（按 {today.isoformat()} 计算）"]
    for title, step in demo_steps():
        lines.append(f"【{title}】{step(ledger, today)}")
    lines.append(f"结果都在文件夹：{out_dir.resolve()}")
    return "\n".join(lines)


def ship_sample() -> Path:
    """Regenerate the sample shipped in workbook/sample/ (tests check it matches the generator):
    python -c "from taizhang.macros.demo import ship_sample; ship_sample()"."""
    SHIPPED_SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    return write_sample(SHIPPED_SAMPLE, SHIPPED_TODAY)
