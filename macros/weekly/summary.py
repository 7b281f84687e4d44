"""The email bodies in Chinese: a plain-text and an HTML summary of the whole run, and each unit's
own short note when units are mailed too."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from html import escape

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.deadlines import CaseStatus
from taizhang.core.deadlines.blame import Owed, by_unit, cases_of, duty, situation
from taizhang.core.settings import Severity
from taizhang.macros.weekly.changes import Entry
from taizhang.macros.weekly.report import status_sentence
from taizhang.macros.weekly.results import LedgerResult, RunResult

WEEKDAY_NAMES = "一二三四五六日"
LIST_LIMIT = 10  # the email names a few; the report lists them all


@dataclass(frozen=True)
class Summary:
    subject: str
    text: str
    html: str


def _day(run: RunResult) -> str:
    return f"{run.today.isoformat()}（星期{WEEKDAY_NAMES[run.today.weekday()]}）"


def subject(run: RunResult) -> str:
    overdue = sum(r.count(CaseStatus.OVERDUE) for r in run.ledgers)
    errors = sum(r.errors for r in run.ledgers)
    failed = "，有台账未能处理" if run.problems or any(r.problem for r in run.ledgers) else ""
    return f"【台账周检】{run.today.isoformat()}：逾期 {overdue} 件，校验错误 {errors} 条{failed}{_returns(run)}"


def _returns(run: RunResult) -> str:
    """The collect step in a few words for the subject: how many units returned, how many not."""
    step = run.collect
    if step is None:
        return ""
    if step.problem or step.result is None:
        return "，未能收取回传邮件"
    back = sum(1 for s in step.result.units if s.returns)
    waiting = sum(1 for s in step.result.units if not s.returns and s.waiting_days is not None)
    return f"，已回传 {back} 个单位" + (f"、未回传 {waiting} 个" if not step.result.dispatch_note else "")


def _entries(label: str, entries: list[Entry]) -> list[str]:
    if not entries:
        return []
    lines = [f"{label}（{len(entries)}）："]
    for e in entries[:LIST_LIMIT]:
        where = f"{e.cell} " if e.cell else ""
        lines.append(f"    {e.number or e.key}　{e.unit or ''}　{where}{e.text}".rstrip())
    if len(entries) > LIST_LIMIT:
        lines.append(f"    …… 另有 {len(entries) - LIST_LIMIT} 项，见报告“变化”工作表")
    return lines


def ledger_lines(r: LedgerResult) -> list[str]:
    """One ledger's paragraph, as lines; the HTML uses the same lines."""
    if r.problem:
        return [f"未能处理：{r.problem}"]
    lines = [f"共 {len(r.analysis.deadlines) if r.analysis else 0} 件：逾期 {r.count(CaseStatus.OVERDUE)} 件，"
             f"临期 {r.count(CaseStatus.DUE_SOON)} 件，已办结 {r.count(CaseStatus.DONE)} 件；"
             f"校验错误 {r.errors} 条，警告 {r.warnings} 条。"]
    if r.stats is not None:
        lines.append("　".join(f"{name} {rate.value}" for name, rate in list(r.stats.totals.rates.items())[:4]))
    lines.append(f"台账状态：{status_sentence(r)}")
    if r.holidays_note:
        lines.append(r.holidays_note)
    c = r.changes
    if c is None or c.since is None:
        lines.append("首次运行，下次起列出与上次相比的变化。")
    else:
        lines.append(f"与 {c.since.isoformat()} 相比：新增逾期 {len(c.newly_overdue)} 件，新办结 {len(c.newly_done)} 件，"
                     f"新增错误 {len(c.new_errors)} 条，已改正错误 {len(c.fixed_errors)} 条。")
        lines += _entries("  新增逾期", c.newly_overdue) + _entries("  新增错误", c.new_errors)
        lines += _entries("  已改正错误", c.fixed_errors)
    if r.analysis is not None:
        if r.analysis.untracked_note:
            lines.append(f"{r.analysis.untracked_note}。这些环节不计逾期。")
        units = [(unit, cases_of(items)) for unit, items in overdue_owed(r.analysis)]
        worst = sorted(units, key=lambda kv: -kv[1])[:5]
        if worst:
            lines.append("逾期较多的单位：" + "、".join(f"{unit} {count} 件" for unit, count in worst))
    if r.report:
        lines.append(f"详见报告：{r.report.name}（附件）")
    return lines


def summarize(run: RunResult) -> Summary:
    text = [f"台账周检 {_day(run)}", ""]
    html = [f"<p><b>台账周检 {escape(_day(run))}</b></p>"]
    for i, r in enumerate(run.ledgers, start=1):
        lines = ledger_lines(r)
        text.append(f"{i}. {r.path.name}")
        text += [f"  {line}" for line in lines] + [""]
        html.append(f"<h3>{i}. {escape(r.path.name)}</h3>")
        html.append("<p>" + "<br>".join(escape(line).replace("  ", "&emsp;") for line in lines) + "</p>")
    if run.collect is not None:
        lines = run.collect.lines()
        text += ["回收情况：", *[f"  {line}" for line in lines], ""]
        html.append("<h3>回收情况</h3><p>" + "<br>".join(escape(line).replace("  ", "&emsp;") for line in lines) + "</p>")
    if run.problems:
        text += ["配置中的问题：", *[f"  {p}" for p in run.problems], ""]
        html.append("<p><b>配置中的问题：</b><br>" + "<br>".join(escape(p) for p in run.problems) + "</p>")
    footer = "本邮件由台账助手自动发送，请勿直接回复。"
    text.append(footer)
    html.append(f'<p style="color:#888">{footer}</p>')
    body = "\n".join(html)
    return Summary(subject(run), "\n".join(text), f'<html><body style="font-family:SimSun,serif">{body}</body></html>')


def overdue_owed(analysis: Analysis) -> list[tuple[str, list[Owed]]]:
    """The overdue stages, under the unit that owes each one (a co-handler's opinion under the co-handler)."""
    return by_unit([i for i in analysis.owed if i.overdue], analysis.unit_names)


def unit_summaries(run: RunResult) -> dict[str, Summary]:
    """Each unit with an address in a ledger's 单位名录 and something to do: the overdue stages it
    owes (as 主办 or as 协办) and the errors on the cases it hosts. Units with nothing pending get no mail."""
    parts: dict[str, list[str]] = defaultdict(list)
    offices: dict[str, str] = {}  # the 办理机关 that signs each unit's mail (a ledger's 参数 sheet)
    for r in run.ledgers:
        a = r.analysis
        if a is None:
            continue
        emails = {u.name: u.email for u in a.settings.units if u.email}
        names = a.unit_names
        overdue = dict(overdue_owed(a))
        errors: dict[str, list[str]] = defaultdict(list)
        hosts = {row: names.name(host) for row, host in a.ledger.by_row(Col.HOST_UNIT).items() if host}
        numbers = a.ledger.by_row(Col.NUMBER)
        for f in a.report.ledger_findings():
            if f.severity is Severity.ERROR and f.row in hosts:
                errors[hosts[f.row]].append(f"{numbers.get(f.row) or ''}　{f.cell}　{f.message}")
        for unit, address in emails.items():
            lines = _unit_lines(r.path.name, overdue.get(unit, []), errors.get(unit, []), run.today)
            if lines:
                parts[f"{unit}\t{address}"] += lines
                if a.settings.params.office:
                    offices.setdefault(f"{unit}\t{address}", a.settings.params.office)
    result: dict[str, Summary] = {}
    for key, lines in parts.items():
        unit, address = key.split("\t")
        office = offices.get(key)
        text = "\n".join([f"{unit}：", "", f"截至 {_day(run)}，贵单位承办（主办、协办）的建议提案中，"
                          "由贵单位负责的办理环节情况如下，请抓紧办理或更正台账。", "",
                          *lines, "", *([office] if office else []), "本邮件由台账助手自动发送，请勿直接回复。"])
        html = "<br>".join(escape(line) for line in text.splitlines())
        result[address] = Summary(f"【台账周检】{unit}：{run.today.isoformat()} 待办事项", text,
                                  f'<html><body style="font-family:SimSun,serif">{html}</body></html>')
    return result


def _unit_lines(ledger: str, overdue: list[Owed], errors: list[str], today: date) -> list[str]:
    lines: list[str] = []
    if overdue:
        lines.append(f"{ledger}：逾期 {cases_of(overdue)} 件")
        lines += [f"  {i.number or ''}　{i.stage}（{duty(i)}）　{situation(i, today)}" for i in overdue]
    if errors:
        lines.append(f"{ledger}：台账中需更正 {len(errors)} 处")
        lines += [f"  {e}" for e in errors]
    return lines
