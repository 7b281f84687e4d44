"""The `taizhang` command line: a few lines per command over the library calls."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from taizhang import __version__
from taizhang.core.deadlines import DEFAULT_PRESET, PRESETS
from taizhang.macros.console import DATE, echo_json, friendly_errors, today_or

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
LEDGER = click.Path(dir_okay=False, path_type=Path)


@click.group(context_settings=CONTEXT)
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

    result = read_ledger(ledger, sheet)
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
    click.echo(f"已新建台账：{written}（时限预设：{preset}）。请先在“单位名录”工作表中填写本地承办单位。")


@cli.command("demo", context_settings=CONTEXT)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("taizhang-demo"),
              show_default=True, help="示例输出文件夹")
@click.option("--today", type=DATE, help="按哪一天计算（默认今天），如 2026-05-20")
@friendly_errors
def demo_cmd(out_dir: Path, today: date | None) -> None:
    """生成一个县级示例台账（约 370 件，含十余处故意埋下的错误），在其上运行全部功能，
    并说明结果在哪里。

    例：taizhang demo --out 示例 --today 2026-05-20
    """
    from taizhang.macros.demo import run_demo

    click.echo(run_demo(out_dir, today_or(today)))


def main() -> None:
    cli(prog_name="taizhang")
