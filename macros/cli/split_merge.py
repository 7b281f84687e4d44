"""`taizhang split` and `taizhang merge`: a few lines each over jobs/split.py and jobs/merge.py."""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import click

from taizhang.core.errors import BadInput, ExitCode, TaizhangError
from taizhang.macros.cli.common import CONTEXT, DATE, LEDGER, current, echo_json, friendly_errors, today_or
from taizhang.macros.jobs.merge import MERGED, merge
from taizhang.macros.jobs.send import mail_settings, record_deliveries, send_books, sent_text
from taizhang.macros.jobs.split import split
from taizhang.macros.jobs.update import UPDATED, apply_update, refresh_command, update_text
from taizhang.workbook.addin.config import OFFICE_CONFIG_NAME
from taizhang.writeback import run_and_write


@click.command("split", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="分发文件输出文件夹")
@click.option("--today", type=DATE, help="按哪一天计算截止日期和文件名（默认今天），如 2026-05-20")
@click.option("--unit", "units", multiple=True, help="只为这个单位生成（可重复；单位名录中的任一写法）")
@click.option("--send", is_flag=True, help="生成后把各单位的工作簿作为附件发到单位名录中的电子邮箱")
@click.option("--config", type=click.Path(dir_okay=False, path_type=Path),
              help=f"发信设置（其中的 [email] 部分），默认为台账旁边的 {OFFICE_CONFIG_NAME}")
@click.option("--all", "resend_all", is_flag=True, help="与 --send 同用：所有单位重新分发并发送（默认只发尚未发送成功的单位）")
@friendly_errors
def split_cmd(ledger: Path, out_dir: Path, today: date | None, units: tuple[str, ...], send: bool,
              config: Path | None, resend_all: bool) -> None:
    """为每个承办单位生成一份只含本单位主办、协办件的工作簿，和一份邮件正文（.txt）。

    工作簿中只有本单位的件，可填写的单元格为浅黄色，其余内容锁定（密码见“参数”工作表的
    “分发表保护密码”）；含“填报说明”工作表和供合并核对用的隐藏数据。台账中只写入“分发记录”
    工作表（每个单位一行）和隐藏的“分发明细”，合并回传文件时据此核对来源。

    加 --send 时，再按 --config（默认台账旁边的 周检.toml）的 [email] 设置，把每个单位的工作簿
    作为附件发到“单位名录”中该单位的电子邮箱，邮件正文即 .txt 的内容；逐个单位显示并在“分发记录”中
    记下发送结果。再次加 --send 运行时，只重新分发并发送尚未发送成功的单位（加 --all 则全部）。
    不加 --send 不发任何邮件。

    例：taizhang split 台账.xlsx --out 分发 --today 2026-05-20 --send
    """
    day = today_or(today)
    now = datetime.now()  # the clock is read here, at the edge, for the 分发记录 and the 分发编号
    settings = mail_settings(config or ledger.parent / OFFICE_CONFIG_NAME) if send else None
    if resend_all and not send:
        raise BadInput("--all 只与 --send 一起使用")
    result = split(current(ledger), out_dir, day, units or None, now=now, only_pending=send and not resend_all)
    click.echo(result.text())
    if settings is None:
        return
    deliveries = send_books(result, settings, day, now)
    click.echo(sent_text(result, deliveries))
    if deliveries:
        click.echo(record_deliveries(current(ledger), result.split_id, deliveries))
    if any(d.error for d in deliveries):
        sys.exit(ExitCode.FINDINGS)


@click.command("merge", context_settings=CONTEXT)
@click.argument("ledger", type=LEDGER)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="只检查并列出改动和冲突，不写入台账")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出每个文件的合并结果")
@click.option("--today", type=DATE, help="校验时按哪一天计算（默认今天），如 2026-05-20")
@click.option("--update", "then_update", is_flag=True,
              help="合并后接着刷新校验结果、时限和汇总（同 taizhang update），不必再运行一次")
@friendly_errors
def merge_cmd(ledger: Path, files: tuple[Path, ...], dry_run: bool, as_json: bool, today: date | None,
              then_update: bool) -> None:
    """把各单位回传的工作簿合并进台账：只取本单位可填写的项，逐项列出改动和冲突。

    每个文件要么整份合并，要么整份拒收（锁定内容被改、分发后台账已改、两个单位改了同一项、
    填写内容校验不通过、不是本单位的件）；单位新增的行只提示不合并。改动记入“变更记录”工作表，
    写入前自动备份。同一文件合并两次，第二次不会再改动。
    退出码：0 全部合并；1 有冲突或拒收；2 台账无法读取；3 台账正被他人打开。

    例：taizhang merge 台账.xlsx 回传/*.xlsx --dry-run
    """
    ledger = current(ledger, writing=not dry_run)
    # The clock is read here, at the edge, for the 变更记录 time stamps.
    report = merge(ledger, files, today_or(today), dry_run=dry_run, now=datetime.now(), parallel=True)
    changed = not dry_run and any(f.status == MERGED for f in report.files)
    stale = changed and not then_update
    command = refresh_command(ledger, today) if stale else None
    if as_json:
        echo_json({**report.to_json(), "refresh": command})  # the command that refreshes, when needed
    else:
        click.echo(report.text())
        if command:
            click.echo(f"台账已改动，{UPDATED}现已过时。请运行：{command}（或合并时加 --update）")
    code = report.exit_code
    if changed and then_update:
        code = max(code, _update_after_merge(ledger, today, as_json))
    sys.exit(code)


def _update_after_merge(ledger: Path, today: date | None, as_json: bool) -> ExitCode:
    """Refresh the tool columns and sheets the merge made stale; return that step's exit code."""
    try:
        outcome = run_and_write(ledger, today_or(today), [apply_update])
    except TaizhangError as err:
        click.echo(f"合并已写入台账，但刷新未完成：{err.message}", err=True)
        return err.exit_code
    if not as_json:
        click.echo(update_text(outcome.analysis))
        click.echo(outcome.note)
    return ExitCode.OK if outcome.analysis.report.valid else ExitCode.FINDINGS
