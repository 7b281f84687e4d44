"""`taizhang weekly` (one run, for Windows Task Scheduler or cron) and `taizhang schedule` (runs
forever, every week). Thin shells over taizhang.macros.weekly."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from taizhang.macros.cli.common import CONTEXT, DATE, friendly_errors, today_or
from taizhang.macros.logs import setup_weekly_log
from taizhang.macros.weekly.config import DEFAULT_CONFIG_NAME, load_config, write_example
from taizhang.macros.weekly.loop import WeeklyLoop
from taizhang.macros.weekly.run import run_once

CONFIG = click.Path(dir_okay=False, path_type=Path)


@click.command("weekly", context_settings=CONTEXT)
@click.option("--config", "config_path", type=CONFIG, required=True, help="周检配置文件（TOML）")
@click.option("--today", type=DATE, help="按哪一天计算（默认今天），如 2026-05-18")
@click.option("--no-email", is_flag=True, help="只生成报告，不发邮件")
@friendly_errors
def weekly_cmd(config_path: Path, today: date | None, no_email: bool) -> None:
    """按配置文件把每个台账校验一遍、计算截止日期和统计，生成带日期的校验报告（校验报告_YYYY-MM-DD.xlsx，
    含概况、校验问题、逾期清单、各单位、与上次相比的变化），并发送邮件。供 Windows 任务计划或 cron 每周调用。

    台账正被 Excel/WPS 打开时不写入台账，报告按其最后保存的内容生成。配置的 [run] 中 collect = true 时，
    先从 [imap] 邮箱收取各单位回传的工作簿（同 taizhang collect），试合并（不写入台账），结果写进邮件。

    退出码：0 一切正常；1 有校验错误、逾期件、合并冲突或未收下的附件；2 配置有误、有台账无法读取
    （其余台账照常处理）、回传邮件未能收取或邮件未能发出；
    3 设置要求写回台账，但台账正被打开。

    例：taizhang weekly --config 台账周检.toml --today 2026-05-18
    """
    config = load_config(config_path)
    setup_weekly_log(config.log_file)
    result = run_once(config, today_or(today), send=not no_email)
    for problem in result.problems:
        click.echo(f"配置问题：{problem}", err=True)
    for ledger in result.ledgers:
        click.echo(ledger.log_line())
    if result.collect is not None:
        click.echo("\n".join(result.collect.lines()))
    for note in result.mail_notes:
        click.echo(note, err=True)
    sys.exit(int(result.exit_code))


@click.command("schedule", context_settings=CONTEXT)
@click.option("--config", "config_path", type=CONFIG, help="周检配置文件（TOML）；与 --init 合用时为要生成的文件")
@click.option("--init", is_flag=True, help="生成一个带注释的示例配置文件，然后退出")
@friendly_errors
def schedule_cmd(config_path: Path | None, init: bool) -> None:
    """常驻运行：按配置中的星期和时间每周自动运行一次周检（同 taizhang weekly）。日志写入报告文件夹中的
    台账周检.log（自动轮换）；某次运行失败会记入日志，下周照常运行；计算机关机错过的运行在启动时补做；
    按 Ctrl+C 或发送 SIGTERM 即可停止。

    \b
    例：taizhang schedule --init --config 台账周检.toml   （生成示例，编辑后再运行）
        taizhang schedule --config 台账周检.toml
    """
    if init:
        written = write_example(config_path or Path(DEFAULT_CONFIG_NAME))
        click.echo(f"已生成示例配置：{written}。请按其中的注释填写台账和邮件设置。")
        return
    if config_path is None:
        raise click.UsageError("请用 --config 指定配置文件，或用 --init 生成一个示例。")
    path = config_path
    config = load_config(path)
    setup_weekly_log(config.log_file, echo=True)

    def job(today: date) -> None:
        run_once(load_config(path), today)  # read again each week, so edits take effect without a restart

    loop = WeeklyLoop(job, weekday=config.run.weekday, at=config.run.time, state=config.schedule_state)
    click.echo(f"周检已启动，日志：{config.log_file}。按 Ctrl+C 停止。")
    loop.run()
