"""`taizhang collect`: the units' returned workbooks from the office mailbox (jobs/collect.py)."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path

import click

from taizhang.macros.cli.common import CONTEXT, DATE, friendly_errors, today_or
from taizhang.macros.jobs.collect import collect
from taizhang.macros.weekly.config import load_config


@click.command("collect", context_settings=CONTEXT)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="配置文件（TOML，含 [imap] 部分，同 taizhang weekly 的配置）")
@click.option("--since", type=DATE, help="只收取这一天及以后收到的邮件，如 2026-05-20")
@click.option("--dry-run", is_flag=True, help="只列出会收下什么，不保存附件、不移动邮件")
@click.option("--today", type=DATE, help="按哪一天计算（默认今天），如 2026-05-25")
@friendly_errors
def collect_cmd(config_path: Path, since: date | None, dry_run: bool, today: date | None) -> None:
    """从办公邮箱（配置的 [imap] 部分）收取各单位回传的工作簿，保存到台账旁边“回收”文件夹中当天的
    子文件夹（如 回收/2026-05-25/），按工作簿中的分发校验数据认出是哪个单位回传的，并核对发件人是否
    是单位名录中该单位的邮箱。处理过的邮件移到 processed_folder，下次不再收取。

    列出并写出“回收情况”（回收/回收情况_日期.xlsx）：发给了谁、谁已回传、谁未回传（已发出几天）、
    谁回传了两次、哪些附件没有收下及原因（不是工作簿、过大、无法识别）。合并请接着运行 taizhang merge。
    密码放在 [imap] password_env 所指的环境变量中。

    退出码：0 完成；1 完成，但有未收下的附件或发件人不符；2 配置有误或无法登录收信服务器。

    例：taizhang collect --config 周检.toml --dry-run
    """
    result = collect(load_config(config_path), today_or(today), since=since, dry_run=dry_run, env=os.environ)
    click.echo(result.text())
    sys.exit(int(result.exit_code))
