"""`taizhang split`: one workbook per unit with only its own cases, plus a cover note, and the
master's record of what went to whom (分发记录, 分发明细).

What a unit may fill, and what each row records for the merge to verify, is the exchange contract
(taizhang.core.exchange); this job picks each unit's cases, writes their workbooks and updates the
record. The command line writes the record into the master through the lossless writer (`split`);
the ribbon, with the ledger open in Excel, writes the same sheets live (`split_saved`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from taizhang.analysis import Analysis
from taizhang.core.columns import Col
from taizhang.core.deadlines import CaseDeadlines, CaseStatus, Owner, StageState
from taizhang.core.deadlines.blame import day_text
from taizhang.core.deadlines.evaluate import current
from taizhang.core.enums import Role
from taizhang.core.exchange import (
    SEND_FAILED,
    UNSENT,
    Dispatch,
    DispatchRecord,
    RowRecord,
    fillable,
    fingerprint,
    fingerprints,
    locked_columns,
    master_version,
    new_secret,
    new_split_id,
    seal,
    shown_values,
)
from taizhang.core.gc_pause import paused_gc
from taizhang.core.model import Case, Ledger
from taizhang.core.settings import OFFICE_PLACEHOLDER, Settings, Unit, UnitKind
from taizhang.core.stats.units import UnitNames
from taizhang.core.table import CaseRow, CaseValues
from taizhang.macros.jobs.adopt import require_unit_directory
from taizhang.macros.jobs.dispatch import numbers_text, record_sheets
from taizhang.workbook.dispatch import read_dispatch
from taizhang.workbook.reader import open_workbook, read_source
from taizhang.workbook.unit_book import UnitBook, UnitPacker, UnitRow
from taizhang.workbook.writer import LedgerWriter, ToolSheet
from taizhang.workbook.writer.safety import write_text_complete
from taizhang.writeback import run_and_write

NEAREST = 5  # deadlines listed in the cover note


def case_units(case: CaseValues, settings: Settings,
               resolve: Callable[[str], Unit | None] | None = None) -> list[tuple[Unit | None, str, str]]:
    """(unit, role, spelling) for the case's 主办 and each 协办, resolved through 单位名录 (by
    `resolve` when given: a cached `settings.resolve_unit` for many cases)."""
    resolve = resolve or settings.resolve_unit
    host = case[Col.HOST_UNIT]
    found: list[tuple[Unit | None, str, str]] = [(resolve(host), Role.HOST, host)] if host else []
    found += [(resolve(u), Role.CO, u) for u in case[Col.CO_UNITS]]
    return found


@dataclass
class UnitFile:
    """One unit's output of a split: its workbook, its cover note, and how many cases it hosts and co-handles."""

    unit: str
    path: Path
    note: Path
    hosts: int
    cos: int
    email: str | None = None  # the unit's 电子邮箱 in 单位名录
    numbers: list[str] = field(default_factory=list)


@dataclass
class SplitResult:
    """The workbooks written, the cases or units that got none (and why), the stages not tracked."""

    files: list[UnitFile] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # why a case or unit got no workbook
    untracked: str | None = None  # the stages the ledger cannot track (not in the cover notes)
    split_id: str = ""
    when: datetime | None = None
    office: str | None = None
    year: int | None = None
    kept: list[str] = field(default_factory=list)  # units already sent their book, not split again
    no_address: list[str] = field(default_factory=list)  # units keeping an unmailed book: no address
    record: DispatchRecord = field(default_factory=DispatchRecord)
    note: str = ""  # where the record went

    @property
    def sheets(self) -> list[ToolSheet]:
        """The master's 分发记录 and 分发明细 as this split leaves them."""
        return record_sheets(self.record)

    def text(self) -> str:
        lines = [f"已为 {len(self.files)} 个单位生成分发工作簿（分发编号 {self.split_id}）："]
        lines += [f"  {f.path.name}（主办 {f.hosts} 件、协办 {f.cos} 件）" for f in self.files]
        if self.kept:
            lines.append(f"  已发送过、本次未重新分发（如需重发请加 --all）：{'、'.join(self.kept)}")
        if self.no_address:
            lines.append("  单位名录中没有电子邮箱、沿用上次分发的工作簿（未重新分发，请另行送达）："
                         + "、".join(self.no_address))
        lines += [f"  未分发：{s}" for s in self.skipped]
        if self.untracked:
            lines.append(f"{self.untracked}。这些环节不计逾期，邮件正文中不列出")
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


def file_stem(unit: str, year: int | None, today: date) -> str:
    """A unit's file name without suffix: {单位}_{年度}建议提案办理_{YYYYMMDD}."""
    return f"{unit}_{year or today.year}建议提案办理_{today:%Y%m%d}"  # docs/domain.md#exchange-of-workbooks


def assignments(ledger: Ledger, settings: Settings) -> tuple[dict[str, list[tuple[Case, str]]], list[str]]:
    """Each unit's (case, role) list, by canonical unit name; and the cases no unit can take."""
    by_unit, skipped = assigned_rows(ledger, settings)
    return {unit: [(ledger.case(c.index), role) for c, role in cases] for unit, cases in by_unit.items()}, skipped


def assigned_rows(ledger: Ledger, settings: Settings) -> tuple[dict[str, list[tuple[CaseRow, str]]], list[str]]:
    """`assignments` read from the ledger's columns: each case as a `CaseRow`, no `Case` built."""
    by_unit: dict[str, list[tuple[CaseRow, str]]] = {}
    skipped: list[str] = []
    taken: set[tuple[str, int]] = set()  # (unit, row): a unit named twice on a case gets it once
    resolve = lru_cache(maxsize=None)(settings.resolve_unit)  # a few hundred spellings, folded once each
    table = ledger.table
    named = table.columns(Col.NUMBER, Col.HOST_UNIT, Col.CO_UNITS)
    for i, (row, (number, host, cos)) in enumerate(zip(table.rows, named, strict=True)):
        found = [(Role.HOST, host)] if host else []
        found += [(Role.CO, u) for u in cos]
        for role, spelling in found:
            unit = resolve(spelling)
            where = f"第 {row} 行（{number or '无编号'}）"
            if unit is None:
                skipped.append(f"{where}的{role}单位“{spelling}”不在单位名录中")
            elif unit.kind is UnitKind.SECTION:
                skipped.append(f"{where}的{role}单位“{spelling}”是内设机构，不能单独承办")
            elif not number:
                skipped.append(f"{where}没有编号，合并时无法对应")
            elif (unit.name, row) not in taken:
                taken.add((unit.name, row))
                by_unit.setdefault(unit.name, []).append((table.row(i), role))
    return by_unit, skipped


OWNER_OF: dict[str, Owner] = {Role.HOST: Owner.HOST, Role.CO: Owner.CO}


def unit_view(d: CaseDeadlines | None, role: str) -> tuple[str | None, date | None, str | None]:
    """(当前环节, 截止日期, 状态) of a case as one unit sees it: only the stages that unit owes (the
    lead's stages for the 主办单位, the 协办意见 for a 协办单位), so nobody is told it is late for
    another unit's work. A case with no stages at all (退回, 参阅) shows the case's own."""
    if d is None:
        return None, None, None
    if not d.stages:
        return d.stage, d.due, d.status.value
    mine = [s for s in d.stages if s.owner is OWNER_OF.get(role, Owner.HOST)]
    if not mine:
        return None, None, None  # this unit owes no tracked stage of the case
    now, status = current(mine)
    return (now.stage, now.due, status.value) if now else (None, None, status.value)


class RowCache:
    """What every unit's copy of a case shares, worked out once per case (and role): a case goes
    to its lead and each co-handler. Read from the ledger's columns: `cells` holds, per column,
    what each case's cell in a unit's workbook holds."""

    def __init__(self, ledger: Ledger, shown: dict[int, dict[str, Any]], columns: list[str],
                 deadlines: dict[int, CaseDeadlines]) -> None:
        self.shown = shown
        self.columns = columns
        self.deadlines = deadlines
        rows = ledger.table.rows
        raws = {(u.row, u.name): u.value for u in ledger.unparsed}
        self.cells = [_cell_column(ledger.table.column(name), name, rows, raws) for name in columns]
        self._by_case: list[tuple[Any, ...]] | None = None
        self._dicts: dict[int, dict[str, Any]] = {}
        self._records: dict[tuple[int, str], RowRecord] = {}
        self._views: dict[tuple[int, str], tuple[str | None, date | None, str | None]] = {}
        self._locked: dict[str, list[str]] = {role: locked_columns(columns, role) for role in (Role.HOST, Role.CO)}
        self._sent: dict[str, list[str]] = {role: [n for n in fillable(role) if n in columns]
                                            for role in (Role.HOST, Role.CO)}
        self._prints = fingerprints([shown[row] for row in rows], self._locked)

    def values(self, case: CaseRow) -> dict[str, Any]:
        """The case's cells by column name (one dict per case, shared by its copies)."""
        found = self._dicts.get(case.index)
        if found is None:
            if self._by_case is None:
                self._by_case = list(zip(*self.cells, strict=True)) if self.cells else []
            found = self._dicts[case.index] = dict(zip(self.columns, self._by_case[case.index], strict=True))
        return found

    def record(self, case: CaseRow, role: str) -> RowRecord:
        key = (case.row, role)
        found = self._records.get(key)
        if found is None:
            values = self.shown[case.row]
            prints = self._prints.get(role)
            mark = prints[case.index] if prints else fingerprint(values, locked_columns(self.columns, role))
            sent = self._sent.get(role) or [n for n in fillable(role) if n in self.columns]
            found = self._records[key] = RowRecord(role, mark, {n: values.get(n) for n in sent})
        return found

    def view(self, case: CaseRow, role: str) -> tuple[str | None, date | None, str | None]:
        key = (case.row, role)
        found = self._views.get(key)
        if found is None:
            found = self._views[key] = unit_view(self.deadlines.get(case.row), role)
        return found


def unit_rows(cases: list[tuple[CaseRow, str]], cache: RowCache) -> list[UnitRow]:
    """Each (case, role) of a unit as the row its workbook shows, with the record the merge verifies."""
    rows: list[UnitRow] = []
    for case, role in cases:
        stage, due, status = cache.view(case, role)
        cells = cache.values(case)
        rows.append(UnitRow(number=cells.get(Col.NUMBER) or "", values=cells, stage=stage, due=due, status=status,
                            record=cache.record(case, role), index=case.index))
    return rows


def _cell_column(values: Sequence[Any], name: str, rows: list[int], raws: dict[tuple[int, str], str]) -> list[Any]:
    """What the unit's cells of one column hold: the typed value, or the raw text the master could not read."""
    out = list(values)
    kinds = set(map(type, out))
    if list not in kinds and bool not in kinds and (type(None) not in kinds or all(n != name for _r, n in raws)):
        return out  # nothing to show otherwise (most columns)
    for i, value in enumerate(out):
        if value is None or value.__class__ is list or value.__class__ is bool:
            out[i] = _cell_value(value, raws.get((rows[i], name)))
    return out


def _cell_value(value: Any, raw: str | None) -> Any:
    if value is None or value == []:
        return raw  # raw text of an unparsed cell, else None
    if isinstance(value, list):
        return "、".join(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def awaited_opinions(cases: Sequence[tuple[CaseValues, str]], deadlines: dict[int, CaseDeadlines],
                     names: UnitNames) -> list[str]:
    """For the lead: its cases whose 协办意见 is past its deadline and not yet in, with the co-handlers
    it is awaited from. Said neutrally: the lateness is the co-handlers' own, told to them."""
    lines: list[str] = []
    for case, role in cases:
        d = deadlines.get(case.row)
        if role != Role.HOST or d is None:
            continue
        for s in d.stages:
            if s.owner is Owner.CO and s.state is StageState.OVERDUE:
                units = "、".join(dict.fromkeys(names.name(u) for u in case[Col.CO_UNITS]))
                lines.append(f"{case[Col.NUMBER]}《{case[Col.TITLE] or ''}》：待{units}报送{s.stage}")
    return lines


def cover_note(unit: str, rows: list[UnitRow], office: str | None, today: date, filename: str,
               awaited: list[str] | None = None) -> str:
    """The mail text sent with a unit's workbook. Counts and deadlines are of the stages this unit
    owes (`unit_view`): the lead is never told its co-handler is late; `awaited` lists, apart and
    without judgement, the co-handlers' opinions the lead is waiting for."""
    roles = Counter(r.role for r in rows)
    states = Counter(r.status for r in rows if r.status)
    pending = sorted((r for r in rows if r.due and r.status not in (CaseStatus.DONE.value, None)),
                     key=lambda r: r.due or today)
    lines = [f"{unit}：", "",
             f"    现将贵单位承办的建议提案办理情况表（{filename}）发送给你们，共 {len(rows)} 件，"
             f"其中主办 {roles[Role.HOST]} 件、协办 {roles[Role.CO]} 件"
             + (f"；贵单位负责的办理环节逾期 {states['逾期']} 件、临期 {states['临期']} 件"
                if states["逾期"] or states["临期"] else "")
             + "。", ""]
    if pending:
        lines.append("    贵单位负责的环节中，最近的截止日期：")
        for r in pending[:NEAREST]:
            lines.append(f"    · {r.number}《{r.values.get(Col.TITLE) or ''}》{r.stage or ''}（{r.role}） "
                         f"截止 {day_text(r.due, today) if r.due else ''}（{r.status}）")
        lines.append("")
    if awaited:
        lines.append("    以下主办件的协办意见尚未收到，请与协办单位联系：")
        lines += [f"    · {a}" for a in awaited]
        lines.append("")
    lines += ["    请在浅黄色单元格中填写办理情况（其余内容已锁定，请勿改动、增删行或复制到其他表），"
              "填写说明见工作簿中的“填报说明”工作表。填好后请以原文件回传，文件名和工作表名可以改。", "",
              f"{office or OFFICE_PLACEHOLDER}", f"{today.year}年{today.month}月{today.day}日"]
    return "\n".join(lines) + "\n"


def pending_units(record: DispatchRecord, settings: Settings,
                  units: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
    """For `split --send` without --all: the units to split (again), the ones whose current book
    was sent already, and the ones keeping an unsent book for lack of an address. A unit is split
    again when it has no book yet, its sending failed, or it was not sent and now has an address; a
    unit without an address keeps the book it has (handed over by other means), so that book's
    return still counts."""
    status: dict[str, str] = {}
    for row in record.log:  # the newest row of each unit's current book says how sending went
        unit, split_id = row[2], row[0]
        if unit and split_id == record.current_id(unit):
            status[unit] = row[7] or UNSENT
    todo: list[str] = []
    kept: list[str] = []
    no_address: list[str] = []
    for unit in units:
        state = status.get(unit)
        found = settings.resolve_unit(unit)
        address = found.email if found else None
        if state is None or state == SEND_FAILED or (state == UNSENT and address):
            todo.append(unit)
        else:
            (no_address if state == UNSENT else kept).append(unit)
    return todo, kept, no_address


def build(ledger: Ledger, settings: Settings, record: DispatchRecord, out_dir: Path, today: date,
          now: datetime, units: Iterable[str] | None = None, *, only_pending: bool = False) -> SplitResult:
    """Write the unit workbooks and cover notes into `out_dir` and bring `record` up to date (a new
    分发编号, each unit's newest book replacing its older one, a 分发记录 row per book)."""
    with paused_gc():  # hundreds of thousands of cells made ready, none of them in a cycle
        return _build(ledger, settings, record, out_dir, today, now, units, only_pending)


def _build(ledger: Ledger, settings: Settings, record: DispatchRecord, out_dir: Path, today: date,
           now: datetime, units: Iterable[str] | None, only_pending: bool) -> SplitResult:
    analysis = Analysis(ledger, settings, today)
    by_unit, skipped = assigned_rows(ledger, settings)
    if units is not None:
        wanted = {u.name for u in (settings.resolve_unit(s) for s in units) if u is not None}
        by_unit = {name: cases for name, cases in by_unit.items() if name in wanted}
    kept: list[str] = []
    no_address: list[str] = []
    if only_pending:
        todo, kept, no_address = pending_units(record, settings, by_unit)
        by_unit = {name: by_unit[name] for name in todo}
    record.secret = record.secret or new_secret()
    year = ledger.year or today.year
    split_id = new_split_id(year, now)
    shown = shown_values(ledger)
    columns = [name for name in ledger.columns]  # the master's canonical columns, in its order
    version = master_version(ledger, shown)
    deadlines = analysis.deadlines_by_row
    cache = RowCache(ledger, shown, columns, deadlines)
    result = SplitResult(skipped=skipped, untracked=analysis.untracked_note, split_id=split_id, when=now,
                         office=settings.params.office, year=year, kept=kept, no_address=no_address,
                         record=record)
    out_dir.mkdir(parents=True, exist_ok=True)
    packer = UnitPacker(columns, settings.params.class_scheme, settings.params.split_password)
    packer.load(cache.cells)
    books = {unit: unit_rows(by_unit[unit], cache) for unit in sorted(by_unit, key=analysis.unit_names.sort_key)}
    for unit, rows in books.items():
        entries = {r.number: r.record for r in rows}
        stem = file_stem(unit, ledger.year, today)
        book = UnitBook(unit=unit, year=year, split_date=today, version=version,
                        columns=columns, rows=rows, class_scheme=settings.params.class_scheme,
                        password=settings.params.split_password, office=settings.params.office,
                        split_id=split_id, mac=seal(record.secret, unit, split_id, columns, entries))
        path = packer.write(out_dir / f"{stem}.xlsx", book)
        note = out_dir / f"{stem}.txt"
        awaited = awaited_opinions(by_unit[unit], deadlines, analysis.unit_names)
        write_text_complete(note, cover_note(unit, rows, settings.params.office, today, path.name, awaited), sync=False)
        roles = Counter(r.role for r in rows)
        found = settings.resolve_unit(unit)
        numbers = list(entries)
        result.files.append(UnitFile(unit, path, note, roles[Role.HOST], roles[Role.CO],
                                     found.email if found else None, numbers))
        record.books = {k: b for k, b in record.books.items() if b.unit != unit}
        record.books[(split_id, unit)] = Dispatch(split_id, unit, {n: r.role for n, r in entries.items()})
        record.log.append(log_row(result, result.files[-1]))
    return result


def log_row(result: SplitResult, f: UnitFile) -> list[Any]:
    """A new 分发记录 row (SEND_LOG_HEADERS order) for one unit book, not yet sent."""
    when = result.when.strftime("%Y-%m-%d %H:%M:%S") if result.when else None
    return [result.split_id, when, f.unit, len(f.numbers), numbers_text(f.numbers), f.path.name,
            f.email or None, UNSENT, None, None, None if f.email else "单位名录中没有该单位的电子邮箱"]


def split(ledger_path: Path, out_dir: Path, today: date, units: Iterable[str] | None = None, *,
          now: datetime | None = None, only_pending: bool = False) -> SplitResult:
    """Write one workbook and one cover note per unit into `out_dir` and record them in the master's
    分发记录 and 分发明细 (lossless writer); `units` limits to those units (any spelling of 单位名录);
    `only_pending` leaves out units whose current book was sent already (`pending_units`)."""
    when = now or datetime.combine(today, datetime.min.time())
    found: list[SplitResult] = []

    def apply(writer: LedgerWriter, analysis: Analysis) -> None:
        require_unit_directory(analysis.settings, ledger_path, "分发")
        with open_workbook(writer.path) as book:
            record = read_dispatch(book)
        result = build(analysis.ledger, analysis.settings, record, out_dir, today, when, units,
                       only_pending=only_pending)
        for sheet in result.sheets:
            writer.replace_sheet(sheet)
        found.append(result)

    outcome = run_and_write(ledger_path, today, [apply])
    result = found[0]
    result.note = f"分发记录已写入台账：{outcome.note}"
    return result


def split_saved(ledger_path: Path, out_dir: Path, today: date, units: Iterable[str] | None = None, *,
                now: datetime | None = None, only_pending: bool = False) -> SplitResult:
    """`split` on the saved ledger without writing it: the caller writes `result.sheets` into the
    workbook open in Excel (the ribbon)."""
    when = now or datetime.combine(today, datetime.min.time())
    with open_workbook(ledger_path) as book:
        loaded = read_source(book, ledger_path)
        record = read_dispatch(book)
    require_unit_directory(loaded.settings, ledger_path, "分发")
    return build(loaded.ledger, loaded.settings, record, out_dir, today, when, units, only_pending=only_pending)
