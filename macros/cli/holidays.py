"""`taizhang holidays`: a thin shell over macros/jobs/holidays.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from taizhang.macros.cli.common import CONTEXT, echo_json, friendly_errors
from taizhang.macros.jobs.holidays import (
    dry_run_note,
    load_notice,
    notice_text,
    read_holiday_sheet,
    read_notice_file,
    write_holidays,
)


@click.command("holidays", context_settings=CONTEXT)
@click.argument("ledger", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--notice", "notice_path", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="通知全文的文本文件（从网页或 PDF 复制后存为 .txt）；“-”为从标准输入读取")
@click.option("--year", type=int, help="通知所安排的年份（通知标题中有年份时可省略，两者须一致）")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出每一天的日期、休/班和说明")
@click.option("--write", is_flag=True, help="写入台账的“节假日”工作表（无损写入，写前自动备份）")
@friendly_errors
def holidays_cmd(ledger: Path, notice_path: str, year: int | None, as_json: bool, write: bool) -> None:
    """读取国务院办公厅《关于20XX年部分节假日安排的通知》全文，展开每一段放假日期，列出全年的
    放假（休）和调休上班（班）日期。写入前逐项核对：注明的星期几与日期是否相符、“共N天”与日期是否相符、
    日期是否存在、年份是否一致；有任何不符即停止（退出码 2）并引用通知原文，不作猜测。

    加 --write 时写入台账的“节假日”工作表：只替换该年的行，其他年份的行、您的其他列和备注都不动；
    没有该工作表时新建一张。写入后该年的截止日期不再显示为“未知”。

    \b
    例：taizhang holidays 台账.xlsx --notice 通知.txt
        taizhang holidays 台账.xlsx --notice 通知.txt --write
    """
    text = sys.stdin.read() if notice_path == "-" else read_notice_file(Path(notice_path))
    notice = load_notice(text, year)
    if write:
        note = write_holidays(ledger, notice).note(notice)
    else:
        note = dry_run_note(read_holiday_sheet(ledger), notice)
    if as_json:
        echo_json(notice.to_json())
        click.echo(note, err=True)
    else:
        click.echo(notice_text(notice))
        click.echo(note)
