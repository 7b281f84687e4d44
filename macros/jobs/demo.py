"""`taizhang demo`: the built-in sample ledger, and every job run on it."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.deadlines import DEFAULT_PRESET
from taizhang.core.stats import paragraph
from taizhang.macros.jobs.check import apply_check
from taizhang.macros.jobs.due import apply_due
from taizhang.macros.jobs.new import base_content
from taizhang.macros.jobs.report import REPORT_NAME, summary_line, write_report
from taizhang.macros.jobs.split import split
from taizhang.macros.jobs.summary import apply_summary, summary_sheets
from taizhang.workbook import sample_data
from taizhang.workbook.sample_data import generate
from taizhang.workbook.template import build_ledger_workbook
from taizhang.workbook.writer import new_workbook_with_sheets
from taizhang.writeback import run_and_write

SAMPLE_NAME = "示例台账.xlsx"
SHIPPED_SAMPLE = Path(sample_data.__file__).resolve().parent / "sample" / SAMPLE_NAME  # in the workbook package
SHIPPED_TODAY = date(2026, 5, 20)  # the shipped sample is generated as of this day


def write_sample(path: Path, today: date, seed: int = 2026) -> Path:
    """The deterministic county sample as a ledger workbook with its settings sheets."""
    sample = generate(today, seed)
    content = base_content(sample.year, DEFAULT_PRESET, sample.title)
    content.rows = sample.rows
    content.units = sample.units
    content.params["办理机关"] = f"{sample.county}人民政府办公室"
    return build_ledger_workbook(path, content)


def _read_line(analysis: Analysis, units: int) -> str:
    ledger = analysis.ledger
    by_category = Counter(category or "未填类别" for category in ledger.table.column(Col.CATEGORY))
    parts = "、".join(f"{k}{v}件" for k, v in by_category.items())
    return (f"工作表“{ledger.sheet}”，表头第 {ledger.header_row} 行，识别 {len(ledger.columns)} 列，"
            f"共 {len(ledger)} 件（{parts}），单位名录 {units} 个单位")


def _check_line(analysis: Analysis) -> str:
    report = analysis.report
    found = "、".join(f"{code} {n}" for code, n in report.counts.items())
    return (f"错误 {report.errors} 条、警告 {report.warnings} 条（{found}）。"
            "见“校验结果”工作表和“【系统】校验问题”列，有问题的单元格已标色")


def _due_line(analysis: Analysis) -> str:
    counts = Counter(d.status.value for d in analysis.deadlines)
    late_units = sum(1 for u in analysis.stats.by_unit if (u.figures.overdue or 0) > 0)
    parts = "、".join(f"{k} {v} 件" for k, v in counts.items())
    return f"{parts}；{late_units} 个单位有逾期件，见“逾期清单”工作表和“【系统】状态”等四列"


def run_demo(out_dir: Path, today: date) -> str:
    """Write the sample, run every job on it in one lossless write, and say where the results are."""
    out_dir.mkdir(parents=True, exist_ok=True)
    ledger = write_sample(out_dir / SAMPLE_NAME, today)
    outcome = run_and_write(ledger, today, [apply_check, apply_due, apply_summary])
    analysis = outcome.analysis
    separate = new_workbook_with_sheets(out_dir / "统计表.xlsx", summary_sheets(analysis)).path
    bulletin, report = write_report(analysis, out_dir / REPORT_NAME)
    handed_out = split(ledger, out_dir / "分发各单位", today)
    return "\n".join([
        f"示例台账已生成：{ledger}（按 {today.isoformat()} 计算）",
        f"【读取】{_read_line(analysis, len(analysis.settings.units))}",
        f"【校验】{_check_line(analysis)}",
        f"【时限】{_due_line(analysis)}",
        f"【统计】{paragraph(analysis.stats)}",
        f"  “汇总”“通报”“图表”工作表已写入台账，另存一份在“{separate.name}”",
        f"【通报】{summary_line(bulletin, report.relative_to(out_dir))}可用 Word 或 WPS 打开，按 GB/T 9704 公文格式排版",
        f"【分发】为 {len(handed_out.files)} 个单位各生成一个只含本单位件的工作簿和一封邮件正文，在“分发各单位”文件夹；"
        f"{len(handed_out.skipped)} 件未分发（原因见 taizhang split 的输出）。单位填好交回后用 taizhang merge 合并",
        f"结果都在文件夹：{out_dir.resolve()}",
    ])


def ship_sample() -> Path:
    """Regenerate the sample shipped in workbook/sample/ (tests check it matches the generator):
    python -c "from taizhang.macros.jobs.demo import ship_sample; ship_sample()"."""
    SHIPPED_SAMPLE.parent.mkdir(parents=True, exist_ok=True)
    return write_sample(SHIPPED_SAMPLE, SHIPPED_TODAY)
