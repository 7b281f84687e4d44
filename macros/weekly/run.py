"""One weekly run over every ledger of the config: read, validate, due dates, statistics, the dated
report, the change since last run, write-back when asked, and the email. One ledger's failure is
logged and the others still run."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from taizhang.analysis import Analysis
from taizhang.core.errors import ExitCode, TaizhangError, os_error
from taizhang.macros.jobs.check import apply_check
from taizhang.macros.jobs.due import apply_due
from taizhang.macros.jobs.holidays import holiday_reminder
from taizhang.macros.logs import weekly_logger
from taizhang.macros.weekly.changes import STATE_NAME, StateFile, compare, snapshot
from taizhang.macros.weekly.config import WeeklyConfig
from taizhang.macros.weekly.report import prune_reports, write_report
from taizhang.macros.weekly.results import LedgerResult, RunResult
from taizhang.macros.weekly.returns import CollectStep, collect_step
from taizhang.macros.weekly.units import unit_lines
from taizhang.workbook.reader import read_workbook
from taizhang.workbook.writer.safety import owner_files, owner_name
from taizhang.writeback import run_and_write

log = weekly_logger()


def report_folders(paths: list[Path], report_dir: Path) -> dict[Path, Path]:
    """Each ledger's own report folder, named after the file; two ledgers of one name in different
    folders get the folder's name too."""
    stems = Counter(p.stem for p in paths)
    return {p: report_dir / (p.stem if stems[p.stem] == 1 else f"{p.parent.name}_{p.stem}") for p in paths}


def run_once(config: WeeklyConfig, today: date, *, send: bool = True,
             env: Mapping[str, str] | None = None) -> RunResult:
    """One weekly run over every ledger of `config` as of `today`: each ledger's report, the change
    since the last run, the write-back when configured, and the e-mail unless `send` is false. A
    ledger's failure is recorded in its result; the others still run."""
    paths, problems = config.ledger_paths()
    result = RunResult(today, problems=problems)
    for problem in problems:
        log.error("%s", problem)
    folders = report_folders(paths, config.report_dir)
    for path in paths:
        ledger = run_ledger(path, config, today, folders[path])
        result.ledgers.append(ledger)
        (log.error if ledger.problem else log.info)("%s", ledger.log_line())
    if config.run.collect:
        result.collect = run_collect(config, today, os.environ if env is None else env)
    if config.email is not None and send:
        from taizhang.macros.weekly.mail import deliver

        result.mail_notes = deliver(result, config.email, os.environ if env is None else env)
    return result


def run_collect(config: WeeklyConfig, today: date, env: Mapping[str, str]) -> CollectStep:
    """The returns from the mailbox and a dry-run merge of them; a config without [imap] says so."""
    if config.imap is None:
        return CollectStep(problem="配置中 collect = true，但没有 [imap] 部分，不知道从哪个邮箱收取")
    return collect_step(config, today, env)


def run_ledger(path: Path, config: WeeklyConfig, today: date, folder: Path) -> LedgerResult:
    """One ledger of the weekly run: analyse it (writing back when configured and possible), write
    its dated report into `folder`, compare with the last run. Problems go into the result, never raised."""
    result = LedgerResult(path)
    owners = owner_files(path)
    if owners:
        result.opened_by = f"“{owner_name(owners[0])}”（占用文件 {owners[0].name}）"
    try:
        analysis = analyse(result, config, today)
        result.analysis = analysis
        result.holidays_note = holiday_reminder(analysis, path) or ""
        result.stats = analysis.stats
        result.units = unit_lines(analysis, result.stats)
        state = StateFile(folder / STATE_NAME)
        snap = snapshot(analysis)
        result.changes = compare(state.baseline(today), snap)
        result.report = write_report(result, folder)
        prune_reports(folder, config.run.keep_reports)
        state.save(snap, path)  # only after the report exists, so a failed run is compared again next time
    except TaizhangError as err:
        result.problem = err.message
    except OSError as err:  # a full disk or a read-only report folder: say so, go on
        mapped = os_error(err)
        if mapped is None:
            log.exception("处理 %s 时出现内部错误", path)
        result.problem = mapped.message if mapped else f"程序内部错误（{type(err).__name__}），详见日志"
    except Exception as err:  # a bug must not stop the other ledgers; the traceback goes to the log
        log.exception("处理 %s 时出现内部错误", path)
        result.problem = f"程序内部错误（{type(err).__name__}），详见日志"
    return result


def analyse(result: LedgerResult, config: WeeklyConfig, today: date) -> Analysis:
    """Write check and due results into the master when asked and nobody has it open; otherwise,
    or when the write is refused, analyse the last saved state."""
    path = result.path
    if config.run.update_master:
        if result.opened_by:
            result.write_refused = ExitCode.IN_USE
            result.write_note = "设置要求写回台账，但台账正被打开，本次未写入。"
        elif path.suffix.lower() == ".xls":
            result.write_note = "旧版 .xls 台账不能写回，只生成报告；请另存为 .xlsx。"
        else:
            try:
                outcome = run_and_write(path, today, [apply_check, apply_due], sheet=config.run.sheet)
            except TaizhangError as err:  # opened or saved meanwhile, refused, a full disk …
                result.write_refused = err.exit_code
                result.write_note = f"未写入台账：{err.message}"
            except Exception as err:  # the report is still written from the saved ledger
                mapped = os_error(err) if isinstance(err, OSError) else None
                if mapped is None:
                    log.exception("写回 %s 时出现内部错误", path)
                result.write_refused = mapped.exit_code if mapped else ExitCode.BAD_INPUT
                result.write_note = f"未写入台账：{mapped.message if mapped else '程序内部错误，详见日志'}"
            else:
                result.write_note = outcome.note
                return outcome.analysis
    loaded = read_workbook(path, config.run.sheet)
    return Analysis(loaded.ledger, loaded.settings, today)
