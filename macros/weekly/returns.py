"""The weekly run's collect step ([run] collect = true): the returns from the [imap] mailbox, then
a dry-run merge of what arrived, so the office's mail says who has returned, who has not, and what
would not merge. Nothing is written into the master here: merging stays a deliberate act
(`taizhang merge` or the 回收合并 button). A failure is recorded, never raised: the run goes on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from taizhang.core.errors import ExitCode, TaizhangError, os_error
from taizhang.macros.jobs.collect import CollectResult, collect, summary_lines
from taizhang.macros.jobs.merge import MERGED, NO_CHANGE, MergeReport, merge
from taizhang.macros.logs import weekly_logger
from taizhang.macros.weekly.config import WeeklyConfig

log = weekly_logger()


@dataclass
class CollectStep:
    """The collect step of one weekly run: the collect, the dry-run merge of what arrived, or why not."""

    result: CollectResult | None = None
    merge: MergeReport | None = None
    problem: str = ""  # why collecting (or trying the merge) failed

    @property
    def exit_code(self) -> ExitCode:
        if self.problem:
            return ExitCode.BAD_INPUT
        codes = [self.result.exit_code if self.result else ExitCode.OK,
                 self.merge.exit_code if self.merge else ExitCode.OK]
        return ExitCode.FINDINGS if ExitCode.FINDINGS in codes else ExitCode.OK

    def lines(self) -> list[str]:
        """The step in the mail's words: the 回收情况, then what a merge would do with the new files."""
        if self.problem:
            return [f"未能收取回传邮件：{self.problem}"]
        lines = summary_lines(self.result) if self.result else []
        if self.merge is not None:
            ok = sum(1 for f in self.merge.files if f.status in (MERGED, NO_CHANGE) and not f.conflicts)
            lines.append(f"试合并本次收到的 {len(self.merge.files)} 个文件（未写入台账）：{ok} 个可以合并，"
                         f"{len(self.merge.files) - ok} 个有冲突或提示：")
            lines += [f"  {line}" for line in self.merge.text().splitlines()]
            lines.append("合并请运行 taizhang merge，或在 Excel 中点“回收合并”。")
        return lines


def collect_step(config: WeeklyConfig, today: date, env: Mapping[str, str]) -> CollectStep:
    step = CollectStep()
    try:
        step.result = collect(config, today, env=env)
        if step.result.saved_paths:
            step.merge = merge(config.collect_ledger(), step.result.saved_paths, today, dry_run=True)
    except TaizhangError as err:
        step.problem = err.message
    except OSError as err:
        mapped = os_error(err)
        if mapped is None:
            log.exception("收取回传邮件时出现内部错误")
        step.problem = mapped.message if mapped else f"程序内部错误（{type(err).__name__}），详见日志"
    except Exception as err:  # the weekly report and mail must still go out
        log.exception("收取回传邮件时出现内部错误")
        step.problem = f"程序内部错误（{type(err).__name__}），详见日志"
    (log.error if step.problem else log.info)("%s", "；".join(step.lines()[:2]))
    return step
