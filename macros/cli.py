"""The `taizhang` command line: a few lines per command over the library calls."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from taizhang import __version__
from taizhang.core.deadlines import DEFAULT_PRESET, PRESETS
from taizhang.macros.console import (
    DATE,
    ChineseGroup,
    check_output_path,
    echo_json,
    friendly_errors,
    today_or,
)

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
LEDGER = click.Path(dir_okay=False, path_type=Path)
WRITE = click.option("--write", is_flag=True, help="把结果写回台账（无损写入，写前自动备份）")
OUT = click.option("--out", type=LEDGER, help="把结果写到这个新文件，原台账不动（需与 --write 合用，或单独使用）")
TODAY = click.option("--today", type=DATE, help="按哪一天计算（默认今天），如 2026-05-20")
SHEET = click.option("--sheet", help="台账所在工作表（默认自动识别）")


@click.group(cls=ChineseGroup, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="台账助手 %(version)s")
def cli() -> None:
    """台账助手：人大代表建议和政协委员提案办理台账的校验、时限、统计、分发与合并。

    \b
    先试一试：  taizhang demo                 生成示例台账并运行全部功能
    新建台账：  taizhang new 2026年台账.xlsx --year 2026
    查看识别：  taizhang read 台账.xlsx

    退出码：0 完成；1 完成但有问题（如校验有错误）；2 输入有误；3 文件正被他人打开或已被改动；
    4 写入前的完整性检查未通过、原文件未动；5 程序内部错误（详见日志）。
    """


@cli.command("read", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@click.option("--sheet", help="台账所在工作表（默认自动识别）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出识别结果")
@friendly_errors
def read_cmd(ledger: Path, sheet: str | None, as_json: bool) -> None:
    """显示程序如何理解一个台账文件：工作表、表头行、各列位置、每件的内容和无法识别的单元格。

    例：taizhang read 台账.xlsx --json
    """
    from taizhang.macros.read_job import ledger_json, ledger_text
    from taizhang.workbook.reader import read_ledger

    result = read_ledger(current(ledger), sheet)
    if as_json:
        echo_json(ledger_json(result))
    else:
        click.echo(ledger_text(result))


@cli.command("new", context_settings=CONTEXT)
@click.argument("path", type=LEDGER)
@click.option("--year", type=int, help="台账年度（默认今年）")
@click.option("--preset", type=click.Choice(list(PRESETS)), default=DEFAULT_PRESET, show_default=True,
              help="时限规则预设")
@friendly_errors
def new_cmd(path: Path, year: int | None, preset: str) -> None:
    """新建一个空白的标准台账：标题、表头、下拉选项、冻结表头、A4 横向打印，并预填参数、单位名录、
    时限规则、节假日和校验规则工作表。

    例：taizhang new 2026年台账.xlsx --year 2026 --preset 精河2025
    """
    from taizhang.macros.new_ledger import new_ledger

    written = new_ledger(path, year or date.today().year, preset)
    click.echo(f"已新建台账：{written}（时限预设：{preset}）。请先在“单位名录”工作表中填写本地承办单位，在“参数”工作表中填写办理机关。")


def _sample_today() -> str:
    from taizhang.macros.demo import SHIPPED_TODAY  # a day the holiday calendar knows; output stays stable

    return SHIPPED_TODAY.isoformat()


@cli.command("preset", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@click.argument("name", type=click.Choice(list(PRESETS)))
@click.option("--out", type=LEDGER, help="写到这个新文件，原台账不动")
@SHEET
@friendly_errors
def preset_cmd(ledger: Path, name: str, out: Path | None, sheet: str | None) -> None:
    """把台账的“时限规则”工作表换成某个预设（原表的内容被替换，写前自动备份），并更新“参数”表中的时限预设。

    预设：精河2025（固定日期）、彭水2023（工作日）、代表法三个月（自交办起算的月数）。
    台账没有某环节所需的列（如“签收日期”）时，该环节写为停用（启用=否），原因写在“说明”列；
    在台账中加上该列后，把“启用”改为“是”即可。

    例：taizhang preset 台账.xlsx 精河2025
    """
    from taizhang.macros.preset_job import switch_preset

    if out is not None:
        check_output_path(out, ledger)
    result = switch_preset(ledger, name, out, sheet)
    written = result.written
    where = f"，原文件备份在“{written.backup}”" if written.backup else ""
    click.echo(f"“时限规则”工作表已换成预设“{name}”：{written.path}{where}。")
    if result.disabled:
        click.echo("台账缺少以下环节所需的列，这些环节已写为停用（启用=否），不计逾期："
                   + "；".join(str(u) for u in result.disabled)
                   + "。在台账中加上该列后，把“时限规则”中该行的“启用”改为“是”即可跟踪。")


@cli.command("demo", context_settings=CONTEXT)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("taizhang-demo"),
              show_default=True, help="示例输出文件夹")
@click.option("--today", type=DATE, default=_sample_today, show_default="2026-05-20",
              help="示例按哪一天生成和计算")
@friendly_errors
def demo_cmd(out_dir: Path, today: date) -> None:
    """生成一个县级示例台账（约 370 件，含十余处故意埋下的错误），在其上运行全部功能，
    并说明结果在哪里。

    例：taizhang demo --out 示例 --today 2026-05-20
    """
    from taizhang.macros.demo import run_demo

    click.echo(run_demo(out_dir, today))



def current(ledger: Path, writing: bool = False) -> Path:
    """The file that holds the ledger now (a .xls converted before: its .xlsx), said when it differs."""
    from taizhang.workbook.convert import current_ledger

    found, note = current_ledger(ledger, writing=writing)
    if note:
        click.echo(note, err=True)
    return found


def _load(ledger: Path, sheet: str | None, today: date | None):  # type: ignore[no-untyped-def]
    from taizhang.macros.analysis import Analysis
    from taizhang.workbook.reader import read_workbook

    loaded = read_workbook(current(ledger), sheet)
    return Analysis(loaded.ledger, loaded.settings, today_or(today))


def _analyse(ledger: Path, sheet: str | None, today: date | None, apply, out: Path | None):  # type: ignore[no-untyped-def]
    """Analyse the ledger; with `apply`, write its results through the lossless writer (into the
    ledger, or into --out). Returns the analysis and a note on where the results went."""
    if apply is None:
        return _load(ledger, sheet, today), ""
    from taizhang.macros.writeback import run_and_write

    if out is not None:
        check_output_path(out, ledger)
    outcome = run_and_write(ledger, today_or(today), [apply], out=out, sheet=sheet)
    return outcome.analysis, outcome.note


@cli.command("check", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部问题")
@WRITE
@OUT
@SHEET
@friendly_errors
def check_cmd(ledger: Path, today: date | None, as_json: bool, write: bool, out: Path | None,
              sheet: str | None) -> None:
    """校验台账的每一行：必填项、选项、编号重复、日期先后、承办单位、办理结果等，逐条指出单元格。

    不加 --write 时不写任何文件。加 --write 时在台账中生成“校验结果”工作表、一列“【系统】校验问题”，
    并把有问题的单元格标上颜色（修正后下次运行自动清除；您自己设置的颜色不会被改动）。
    退出码：0 无错误；1 有错误；2 文件无法读取。

    例：taizhang check 台账.xlsx --today 2026-05-20 --write
    """
    from taizhang.macros.check_job import apply_check, check_text

    analysis, note = _analyse(ledger, sheet, today, apply_check if write or out else None, out)
    if as_json:
        echo_json(analysis.report.to_json())
    else:
        click.echo(check_text(analysis))
        if note:
            click.echo(note)
    sys.exit(0 if analysis.report.valid else 1)


@cli.command("due", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出每件的环节、截止日期和状态")
@WRITE
@OUT
@SHEET
@friendly_errors
def due_cmd(ledger: Path, today: date | None, as_json: bool, write: bool, out: Path | None,
            sheet: str | None) -> None:
    """按台账“时限规则”工作表计算每件各环节的截止日期（工作日按国务院放假和调休安排），
    给出当前环节、剩余工作日和状态（正常 / 临期 / 逾期 / 已办结 / 未知）。

    加 --write 时写入“【系统】当前环节 / 截止日期 / 剩余工作日 / 状态”四列，截止日期和状态两格按
    逾期（红）、临期（黄）、已办结（绿）着色，并生成按单位分组的“逾期清单”工作表。

    例：taizhang due 台账.xlsx --today 2026-05-20 --write
    """
    from taizhang.core.deadlines import to_json
    from taizhang.macros.due_job import apply_due, due_text
    from taizhang.macros.holidays_job import holiday_reminder

    analysis, note = _analyse(ledger, sheet, today, apply_due if write or out else None, out)
    if as_json:
        echo_json(to_json(analysis.deadlines, analysis.untracked_json()))
    else:
        click.echo(due_text(analysis))
        _echo_untracked(analysis)
        if note:
            click.echo(note)
        if reminder := holiday_reminder(analysis, ledger):
            click.echo(reminder)


@cli.command("update", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--out", type=LEDGER, help="把结果写到这个新文件，原台账不动")
@SHEET
@friendly_errors
def update_cmd(ledger: Path, today: date | None, out: Path | None, sheet: str | None) -> None:
    """一键更新：校验、计算时限、生成汇总，一次写回台账（与功能区“一键更新”相同；写前自动备份）。

    写入“校验结果”“逾期清单”“汇总”“通报”“图表”工作表和“【系统】”各列，等同于依次运行
    check --write、due --write、summary --write，但只写一次。合并各单位回传的文件后用它刷新。
    退出码：0 无校验错误；1 有校验错误；2 输入有误（如“时限规则”中启用的环节所用的列台账没有，
    此时不写入任何内容）。

    例：taizhang update 台账.xlsx --today 2026-05-20
    """
    from taizhang.macros.update_job import apply_update, update_text

    analysis, note = _analyse(ledger, sheet, today, apply_update, out)
    click.echo(update_text(analysis))
    if note:
        click.echo(note)
    sys.exit(0 if analysis.report.valid else 1)


@cli.command("stats", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部统计数字")
@SHEET
@friendly_errors
def stats_cmd(ledger: Path, today: date | None, as_json: bool, sheet: str | None) -> None:
    """统计件数、办复率、见面率、按期办复率、满意率、A/B/C 类占比，按单位、类别、级别、承办方式、
    提出时间和重点件分组，并生成一段可直接用于报告的文字。每个比率都给出分子和分母。

    例：taizhang stats 台账.xlsx --today 2026-05-20 --json
    """
    from taizhang.core.stats import stats_json
    from taizhang.macros.summary_job import stats_text

    analysis = _load(ledger, sheet, today)
    if as_json:
        echo_json({**stats_json(analysis.stats), "untracked": analysis.untracked_json()})
    else:
        click.echo(stats_text(analysis))
        _echo_untracked(analysis)


@cli.command("summary", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@TODAY
@click.option("--out", "out", type=LEDGER, help="把“汇总”“通报”“图表”三张表写到这个新工作簿（.xlsx）")
@WRITE
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 转成 PDF（与 --out 的文件同名）")
@SHEET
@friendly_errors
def summary_cmd(ledger: Path, today: date | None, out: Path | None, write: bool, pdf: bool,
                sheet: str | None) -> None:
    """生成各办公室印发用的“汇总”（统计表）、“通报”（逾期和超期的单位及其件）和“图表”工作表。

    --out 写成单独的工作簿；--write 写进台账本身（无损写入）；--pdf 另存 PDF 以便打印和印发。

    例：taizhang summary 台账.xlsx --today 2026-05-20 --out 统计表.xlsx --pdf
    """
    from taizhang.macros.summary_job import apply_summary, summary_sheets
    from taizhang.workbook.writer import new_workbook_with_sheets

    if not out and (pdf or not write):
        out = ledger.with_name(f"{ledger.stem}_汇总.xlsx")
    if out:
        check_output_path(out, ledger)
    notes: list[str] = []
    if write:
        from taizhang.macros.writeback import run_and_write

        outcome = run_and_write(ledger, today_or(today), [apply_summary], sheet=sheet)
        notes.append(outcome.note)
        analysis = outcome.analysis
    else:
        analysis = _load(ledger, sheet, today)
    if out:
        new_workbook_with_sheets(out, summary_sheets(analysis))
        notes.append(f"统计表已写入“{out}”")
        if pdf:
            from taizhang.workbook.convert import convert

            produced = convert(out, "pdf", out.parent)
            notes.append(f"PDF 已写入“{produced}”")
    click.echo("\n".join([summary_paragraph(analysis), *notes]))
    _echo_untracked(analysis)


def _echo_untracked(analysis) -> None:  # type: ignore[no-untyped-def]
    """The stages the ledger cannot track, once, for jobs whose text does not already say it."""
    if analysis.untracked_note:
        click.echo(f"{analysis.untracked_note}。这些环节不计逾期")


def summary_paragraph(analysis) -> str:  # type: ignore[no-untyped-def]
    from taizhang.core.stats import paragraph

    return paragraph(analysis.stats)


def _register_extensions() -> None:
    """Command groups that live in their own modules."""
    from taizhang.macros.addin_cmd import addin
    from taizhang.macros.adopt_cmd import adopt_cmd
    from taizhang.macros.holidays_cmd import holidays_cmd
    from taizhang.macros.report_cmd import report_cmd
    from taizhang.macros.split_merge_cmd import merge_cmd, split_cmd
    from taizhang.macros.weekly_cmd import schedule_cmd, weekly_cmd

    cli.add_command(addin)
    cli.add_command(adopt_cmd)
    cli.add_command(split_cmd)
    cli.add_command(merge_cmd)
    cli.add_command(weekly_cmd)
    cli.add_command(schedule_cmd)
    cli.add_command(holidays_cmd)
    cli.add_command(report_cmd)


_register_extensions()


def main() -> None:
    cli(prog_name="taizhang")
