"""`taizhang merge`: take the units' returned workbooks into the master.

Rules: the file must be the unit's current book as the master's 分发记录/分发明细 record it (its
分发编号 known, the unit's newest, and its 校验码 the seal of that record under the ledger's key);
a row is matched by 编号 and must be one the split gave this unit, in the role the master recorded;
only the columns the master recorded for that case are taken, and only from a row whose locked
values have the fingerprint the master recorded (the exchange contract, taizhang.core.exchange).
Nothing the returned file says about roles, fingerprints or fillable columns is trusted.
A file is merged or rejected whole: any conflict (locked field edited, the master changed the
field since the split, another unit changed it in this run, a value the converters or validators
reject, a case not the unit's) rejects it, and the master is not touched for it. Rows the unit added are reported, never merged.
Values go in as values (text stays text); every change is listed in the 变更记录 tool sheet."""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from taizhang.analysis import Analysis
from taizhang.core.columns import BY_NAME, Col, Kind
from taizhang.core.enums import allowed_values
from taizhang.core.errors import ExitCode, TaizhangError
from taizhang.core.exchange import (
    CHANGE_HEADERS,
    FILLABLE,
    SPLIT_ID,
    Dispatch,
    DispatchRecord,
    RowRecord,
    ShownRows,
    cell_text,
    column_fingerprints,
    fillable,
    locked_columns,
    sealed_as,
    sealed_cases,
    sealed_text,
    shown_columns,
)
from taizhang.core.model import Case, Ledger, Unparsed
from taizhang.core.names import CHANGES_SHEET
from taizhang.core.settings import Settings
from taizhang.core.table import CaseRow, CaseTable
from taizhang.macros.jobs import sheet_styles as st
from taizhang.macros.jobs.adopt import require_unit_directory
from taizhang.macros.jobs.split import case_units
from taizhang.validators import Report
from taizhang.workbook.dispatch import read_dispatch
from taizhang.workbook.reader import LoadedWorkbook, open_workbook, read_change_records, read_source
from taizhang.workbook.returned import ReturnedBook, read_returned
from taizhang.workbook.writer import LedgerWriter, ToolSheet

MERGED, REJECTED, NO_CHANGE = "merged", "rejected", "no-change"
PARALLEL_FROM = 16  # returns from which reading them in worker processes pays for starting those
MAX_WORKERS = 4
START_METHOD: str | None = None  # the platform's own: fork on Linux, spawn on Windows and macOS
# Files given to the workers ahead of the judging, read or not (each held ~0.8 MB once read):
# enough that a worker never idles while the master is read (~50 returns); and no more than
# AHEAD_BYTES of them as their zips declare them inflated (what reading them may hold; a file
# inflating past what it declares is refused), so big or hostile files are held a few at a time.
AHEAD = 64
AHEAD_BYTES = 64 * 1024 * 1024  # a unit book inflates to ~0.1–1 MB; a hostile one may declare 100× its size
HERE = 4  # files the merging process took back from the workers and read, waiting to be judged


@dataclass
class Change:
    """One value a returned file changes in the master: the case, the column, old and new value."""

    number: str
    field: str
    old: Any
    new: Any
    row: int = 0
    value: Any = None  # the typed value written into the master

    def to_json(self) -> dict[str, Any]:
        return {Col.NUMBER: self.number, "field": self.field, "old": self.old, "new": self.new}


@dataclass
class Conflict:
    """Why a value (or a whole row) of a returned file is not taken; `blocking` ones refuse the file."""

    number: str
    field: str
    reason: str
    blocking: bool = True  # an added row is reported without rejecting the file
    cell: str = ""  # where in the returned file (A1), when the conflict is about one cell

    def to_json(self) -> dict[str, Any]:
        return {Col.NUMBER: self.number, "field": self.field, "cell": self.cell or None, "reason": self.reason}

    def line(self) -> str:
        where = "（" + self.cell + "）" if self.cell else ""
        return f"    ！{self.number} {self.field}{where}：{self.reason}".replace(" ：", "：").replace("！ ", "！")


@dataclass
class FileResult:
    """One returned file's outcome: merged, rejected or no change, with its changes and conflicts."""

    file: str
    unit: str | None
    status: str
    changes: list[Change] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "unit": self.unit, "status": self.status,
                "changes": [c.to_json() for c in self.changes],
                "conflicts": [c.to_json() for c in self.conflicts], "message": self.message}


@dataclass
class MergeReport:
    """Every file's outcome of one merge; `exit_code` is 0 when all merged cleanly, else 1."""

    files: list[FileResult] = field(default_factory=list)
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"files": [f.to_json() for f in self.files]}

    @property
    def exit_code(self) -> ExitCode:
        clean = all(f.status in (MERGED, NO_CHANGE) and not f.conflicts for f in self.files)
        return ExitCode.OK if clean else ExitCode.FINDINGS

    def text(self) -> str:
        lines: list[str] = []
        for f in self.files:
            lines.append(f"{f.file}（{f.unit or '单位不明'}）：{f.message}")
            lines += [f"    {c.number} {c.field}：“{c.old or ''}” → “{c.new or ''}”" for c in f.changes]
            lines += [c.line() for c in f.conflicts]
        if self.note:
            lines.append(self.note)
        return "\n".join(lines)


class MasterState:
    """The master as this run has changed it so far: values, who changed what, validator errors."""

    def __init__(self, ledger: Ledger, settings: Settings, today: date,
                 logged: list[list[Any]] | None = None, record: DispatchRecord | None = None) -> None:
        self.record = record or DispatchRecord()
        self.ledger = ledger
        self.settings = settings
        self.today = today
        self.values = ShownRows(ledger)  # the rows the returned files name, worked out when first read
        table = ledger.table
        self._index = {row: i for i, row in enumerate(table.rows)}
        self.cases: dict[int, Case] = {}  # the cases this run changed, as changed; the others are the ledger's
        self.by_number: dict[str, list[CaseRow]] = {}
        for i, number in enumerate(table.column(Col.NUMBER)):
            if number:
                self.by_number.setdefault(number, []).append(table.row(i))
        self.changed_by: dict[tuple[int, str], str] = {}
        self.resolve = lru_cache(maxsize=None)(settings.resolve_unit)  # a few hundred spellings, folded once each
        self._holders: dict[int, set[tuple[str, str]]] = {}
        # The last merged value of each (编号, field) and its unit, from the 变更记录 of earlier runs:
        # a unit's second return of the same copy is not stale against its own first one.
        self.last_merged = {(r[3], r[4]): (r[2], r[6]) for r in logged or [] if r[3] and r[4]}
        self.unparsed = list(ledger.unparsed)
        self.errors = self._errors(Analysis(ledger, settings, today).report)

    @staticmethod
    def _errors(report: Report) -> set[tuple[int, str, str]]:
        return {(f.row, f.column, f.code) for f in report.findings if f.severity.value == "错误"}

    def holders(self, case: CaseRow) -> set[tuple[str, str]]:
        """(unit, role) of each known unit the master row names as 主办 or 协办; worked out once per
        row (its 主办 and 协办 files all ask), and never changed by a merge (both columns are locked)."""
        found = self._holders.get(case.row)
        if found is None:
            found = {(u.name, role) for u, role, _ in case_units(case, self.settings, self.resolve) if u is not None}
            self._holders[case.row] = found
        return found

    def case(self, row: int) -> Case:
        """The case at `row` as this run has it (built from the ledger's columns on first use)."""
        found = self.cases.get(row)
        return found if found is not None else self.ledger.case(self._index[row])

    def candidates(self, changes: list[Change]) -> tuple[dict[int, Case], list[Unparsed]]:
        """The cases `changes` touch, as they would be, and the master's unreadable cells left
        (a changed cell no longer is one). Only the changed cases are copied."""
        changed: dict[int, Case] = {}
        for ch in changes:
            base = changed.get(ch.row) or self.case(ch.row)
            changed[ch.row] = base.model_copy(update={BY_NAME[ch.field].field: ch.value})
        raws = {(c.row, c.field) for c in changes}
        return changed, [u for u in self.unparsed if (u.row, u.name) not in raws]

    def validate(self, rows: Iterable[int]) -> Report:
        """The checks on the cases at `rows` as they stand. Only changed cases are validated: a
        merge changes only fillable columns, and the checks that span rows (duplicate 编号 and 标题)
        look at locked ones, so each changed row's findings are those the whole master would give
        it; the master itself was validated once, up front."""
        wanted = set(rows)
        part = self.ledger.model_copy(update={
            "cases": [self.case(row) for row in sorted(wanted)],
            "unparsed": [u for u in self.unparsed if u.row in wanted]})
        return Analysis(part, self.settings, self.today).report

    def new_errors(self, changes: list[Change], report: Report) -> list[Conflict]:
        """The errors `report` finds in the changed cases that the master did not have: they reject the file."""
        rows = {c.row: c.number for c in changes}
        return [Conflict(rows[f.row], f.field, f"填写的内容未通过校验：{f.message}") for f in report.findings
                if f.severity.value == "错误" and f.row in rows and (f.row, f.column, f.code) not in self.errors]

    def own_change(self, unit: str, number: str, row: int, name: str) -> bool:
        """Did `unit` itself put the master's current value there, in this run or an earlier one?"""
        if (row, name) in self.changed_by:
            return self.changed_by[(row, name)] == unit
        return self.last_merged.get((number, name)) == (unit, cell_text(self.values[row].get(name)))

    def apply(self, unit: str, changes: list[Change]) -> Callable[[], None]:
        """Put `changes` in, not yet checked; returns what takes them out again."""
        changed, unparsed = self.candidates(changes)
        old_values = [(ch.row, ch.field, self.values[ch.row].get(ch.field)) for ch in changes]
        old_by = {(ch.row, ch.field): self.changed_by.get((ch.row, ch.field)) for ch in changes}
        old_cases = {row: self.cases.get(row) for row in changed}
        old_unparsed = self.unparsed
        self.cases.update(changed)
        self.unparsed = unparsed
        for ch in changes:
            self.values[ch.row][ch.field] = ch.new
            self.changed_by[(ch.row, ch.field)] = unit

        def undo() -> None:
            for row, case in old_cases.items():
                if case is None:
                    self.cases.pop(row, None)
                else:
                    self.cases[row] = case
            self.unparsed = old_unparsed
            for row, name, value in reversed(old_values):
                self.values[row][name] = value
            for key, by in old_by.items():
                if by is None:
                    self.changed_by.pop(key, None)
                else:
                    self.changed_by[key] = by
        return undo

    def checked(self, changes: list[Change], report: Report) -> None:
        """The changes are in for good: their rows' errors are now the master's."""
        rows = {c.row for c in changes}
        self.errors = {e for e in self.errors if e[0] not in rows} | {e for e in self._errors(report) if e[0] in rows}


@dataclass
class _Pending:
    index: int
    file: str
    unit: str
    changes: list[Change]
    conflicts: list[Conflict]
    undo: Callable[[], None]


class Batch:
    """Files whose changes are in the master state but not yet validated. The validators' cost is
    mostly per call, so the changed cases of many files are checked in one call. A file joins only
    if nothing it reads or changes was changed by a file already waiting (else the batch is checked
    first and the file judged again), so each file is judged exactly as if the ones before it had
    been checked one by one; a file the checks reject is taken out again."""

    def __init__(self, state: MasterState, results: list[FileResult | None]) -> None:
        self.state = state
        self.results = results
        self.pending: list[_Pending] = []
        self.keys: set[tuple[int, str]] = set()
        self.rows: set[int] = set()

    def depends(self, reads: Reads, changes: list[Change]) -> bool:
        """Whether a file read or changes a cell that a waiting file changed."""
        if not self.pending:
            return False
        return any(c.row in self.rows for c in changes) or any(
            row in self.rows and any((row, name) in self.keys for name in names) for row, names in reads)

    def add(self, index: int, file: str, unit: str, changes: list[Change], conflicts: list[Conflict]) -> None:
        self.pending.append(_Pending(index, file, unit, changes, conflicts, self.state.apply(unit, changes)))
        self.keys.update((c.row, c.field) for c in changes)
        self.rows.update(c.row for c in changes)

    def flush(self) -> None:
        if not self.pending:
            return
        state = self.state
        report = state.validate(self.rows)
        for p in self.pending:
            errors = state.new_errors(p.changes, report)
            if errors:
                p.undo()
                self.results[p.index] = judged(p.file, p.unit, p.changes, p.conflicts + errors)
            else:
                state.checked(p.changes, report)
                self.results[p.index] = judged(p.file, p.unit, p.changes, p.conflicts)
        self.pending, self.keys, self.rows = [], set(), set()


def _shown(value: Any) -> str:
    return "（空）" if value in (None, "") else str(value)


def dispatched(book: ReturnedBook, unit: str, record: DispatchRecord, text: str | None = None) -> Dispatch | str:
    """The master's record of the book this file claims to be, or why there is none to trust: an
    unknown or superseded 分发编号, cases or roles other than the master's, or a 校验码 that is not
    the seal of what the file carries under the master's key (`text`: the book's columns and
    `sealed_cases` as their `sealed_text`, when worked out already)."""
    found = record.books.get((book.split_id, unit))
    if found is None:
        newest = record.current_id(unit)
        if newest is not None and record.known(book.split_id):
            return (f"此文件是较早一次分发（{SPLIT_ID} {book.split_id}）的工作簿，之后已向“{unit}”重新分发"
                    f"（{SPLIT_ID} {newest}），旧工作簿不再合并；请让该单位在最新分发的工作簿中填写后回传")
        return (f"台账的分发记录中没有{SPLIT_ID}为“{book.split_id}”、单位为“{unit}”的工作簿（可能来自更早的分发、"
                "另一份台账，或文件被改动过），无法核对来源；请重新分发（taizhang split 或“分发各单位”按钮）后，"
                "让单位在新的工作簿中填写回传")
    roles = {number: entry.role for number, entry in book.entries.items()}
    if text is None:
        text = sealed_text(book.columns, sealed_cases(book.entries))
    if roles != found.roles or not record.secret or not sealed_as(record.secret, unit, book.split_id, text, book.mac):
        return ("文件的校验码与台账的分发记录不符：分发校验数据被改动过（如改了单位、增删了件、改了承办方式或指纹），"
                "或不是这份台账分发的文件，无法确认来源")
    return found


Reads = list[tuple[int, Iterable[str]]]  # the master's rows a judgement read, each with the columns it read
Judged = tuple[str | None, list[Change], list[Conflict], Reads]


@dataclass
class Returned:
    """A returned file read, with what needs no master worked out (in a worker process when there
    are many files): the values as compared (`shown_values`) of each row with a record, whether
    its locked values still have the fingerprint its record gives, and what the seal covers of the
    columns and cases (`sealed_text`). None of it is trusted before `dispatched` checks the seal
    under the key. Of an intact row only the values its record's role may fill are kept (the
    judging reads no others, and a worker hands less back); of a row not intact, all."""

    book: ReturnedBook
    values: dict[int, dict[str, Any]]  # rows with a record
    intact: dict[int, bool]  # row -> its locked values have its record's fingerprint (rows with a record)
    sealed: str


def prepare(path: Path) -> Returned | FileResult:
    """A returned file read and prepared, or its outcome when it cannot be read."""
    book = read_or_reject(path)
    if isinstance(book, FileResult):
        return book
    try:
        return _prepared(book)
    except TaizhangError as err:
        return FileResult(path.name, None, REJECTED, message=f"{err.message}；整份文件未合并")
    except Exception as exc:  # a crafted file that reads but cannot be prepared: reject it, keep going
        return FileResult(path.name, None, REJECTED, message=f"无法读取文件“{path.name}”（{exc}），整份文件未合并")


def _prepared(book: ReturnedBook) -> Returned:
    shown = shown_columns(book.ledger)
    table = book.ledger.table
    recorded: dict[str, list[tuple[int, RowRecord]]] = {}  # role -> (index, record) of its rows
    for i, number in enumerate(table.column(Col.NUMBER)):
        entry = book.entries.get(number or "")
        if entry is not None:
            recorded.setdefault(entry.role, []).append((i, entry))
    values: dict[int, dict[str, Any]] = {}
    intact: dict[int, bool] = {}
    for role, rows in recorded.items():  # verify_row, each role's rows fingerprinted column by column
        locked = locked_columns(book.columns, role)
        indexes = [i for i, _ in rows]
        picked = {name: list(map(shown[name].__getitem__, indexes)) for name in locked if name in shown}
        prints = column_fingerprints(picked, locked, len(rows))
        mine = [name for name in fillable(role) if name in shown]
        for (i, entry), found in zip(rows, prints, strict=True):
            row = table.rows[i]
            intact[row] = ok = found == entry.fingerprint
            values[row] = {name: shown[name][i] for name in (mine if ok else shown)}
    text = sealed_text(book.columns, sealed_cases(book.entries))
    _keep_judged_columns(book)
    return Returned(book, values, intact, text)


_JUDGED = tuple(dict.fromkeys((Col.NUMBER, *(name for names in FILLABLE.values() for name in names))))


def _keep_judged_columns(book: ReturnedBook) -> None:
    """Let go of the returned table's columns that judging does not read (it reads 编号 and, for a
    change, the typed value of a fillable column): a prepared unit book waiting to be judged holds
    ~0.8 MB instead of ~1.15, and a worker hands it back sooner. Its `letters` keep those columns;
    the ledger's `columns` keep every column (a conflict names its cell)."""
    table = book.ledger.table
    kept = {name: list(table.column(name)) for name in _JUDGED if table.has(name)}
    book.ledger.table = CaseTable(table.sheet, table.rows, {name: table.letters[name] for name in kept}, kept)


def read_changes_of(item: Returned, state: MasterState) -> Judged:
    """A file's judgement before the checks on the changed cases (`Batch` runs those): the unit,
    its changes, the conflicts so far, and the master's cells the judgement read (the unit's
    fillable cells, by row)."""
    reads: Reads = []
    book = item.book
    unit = state.resolve(book.unit)
    if unit is None:
        return None, [], [Conflict("", "", f"分发校验数据中的单位“{book.unit}”不在台账的单位名录中")], reads
    sent = dispatched(book, unit.name, state.record, item.sealed)
    if isinstance(sent, str):
        return unit.name, [], [Conflict("", "", sent)], reads
    returned = item.values
    unparsed = {(u.row, u.name): u.reason for u in book.ledger.unparsed}
    changes: list[Change] = []
    conflicts: list[Conflict] = []
    table = book.ledger.table
    sent_columns = set(book.columns)
    letters = book.ledger.columns
    for case in map(table.row, range(len(table))):  # read in place: no Case built
        number = case[Col.NUMBER] or ""
        entry = book.entries.get(number) if number in sent.roles else None  # sealed: as the office sent it
        if entry is None:
            if number and number in state.by_number:
                conflicts.append(Conflict(number, "", "该件不在分发给本单位的清单中（可能是从其他单位的表中复制来的）"))
            else:
                conflicts.append(Conflict(number, "", f"第 {case.row} 行是单位新增的行，台账中没有此编号，未合并",
                                          blocking=False))
            continue
        ours = [c for c in state.by_number.get(number, []) if (unit.name, entry.role) in state.holders(c)]
        if not ours:
            conflicts.append(Conflict(number, "", f"台账中该件的{entry.role}单位已不是“{unit.name}”，或该编号已不存在"))
            continue
        if len(ours) > 1:
            conflicts.append(Conflict(number, "", "台账中有多行是这个编号，无法确定合并到哪一行"))
            continue
        master = ours[0]
        values = returned[case.row]
        role_fields = fillable(sent.roles[number])  # the master's role for the case decides what is the unit's
        reads.append((master.row, role_fields))
        if not item.intact[case.row]:
            locked = locked_columns(book.columns, entry.role)
            reads.append((master.row, locked))  # the message compares them with the master's
            now_values = state.values[master.row]
            edited = [c for c in locked if values.get(c) != now_values.get(c)] or [""]
            locked_by = state.settings.params.office_or("办理机关")
            conflicts += [Conflict(number, c, f"锁定的内容被改动了（此项只能由{locked_by}修改）",
                                   cell=f"{book.ledger.columns[c]}{case.row}" if c in book.ledger.columns else "")
                          for c in edited]
            continue
        if not book.errors and values == entry.split_values:
            continue  # every fillable value as sent: the loop below would pass over each (new == split)
        for name in role_fields:
            if name not in sent_columns:
                continue
            error = book.error_at(name, case.row) if book.errors else None
            if error is not None:  # read as empty: never taken for a cleared cell, never skipped
                conflicts.append(Conflict(number, name, error.describe(), cell=_cell(letters, name, case.row)))
                continue
            new, split = values.get(name), entry.split_values.get(name)
            if new == split:
                continue  # the unit left it
            current = state.values[master.row].get(name)
            if new == current:
                continue  # the master already has it (a second merge)
            problem = _bad_value(name, case, new, unparsed, state.settings.params.class_scheme)
            if problem is None and name not in state.ledger.columns:
                problem = f"台账中没有“{name}”列，无法合并"
            if problem is None and current != split and not state.own_change(unit.name, number, master.row, name):
                other = state.changed_by.get((master.row, name))
                problem = (f"“{other}”已在本次合并中把此项改为“{_shown(current)}”，与本单位填写的“{_shown(new)}”冲突"
                           if other and other != unit.name else
                           f"分发后台账中此项已由“{_shown(split)}”改为“{_shown(current)}”，与本单位填写的“{_shown(new)}”冲突")
            if problem:
                conflicts.append(Conflict(number, name, problem, cell=_cell(letters, name, case.row)))
            else:
                changes.append(Change(number, name, current, new, master.row, case[name]))
    conflicts += _not_taken(book)
    return unit.name, changes, conflicts, reads


def _cell(letters: dict[str, str], name: str, row: int) -> str:
    """The A1 address of column `name` in `row` of the returned sheet ("" when it has no such column)."""
    return f"{letters[name]}{row}" if name in letters else ""


def _not_taken(book: ReturnedBook) -> list[Conflict]:
    """What the unit typed outside the ledger's columns, or in sheets it added: said, not merged,
    and no reason to refuse the rest of the file."""
    numbers = book.ledger.by_row(Col.NUMBER)
    found = [Conflict(numbers.get(v.row) or "", v.header or "",
                      f"填写的“{_shown(v.value)}”不在台账的列中（{'“' + v.header + '”列不是台账的列' if v.header else '表格之外'}），未合并",
                      blocking=False, cell=v.cell) for v in book.stray]
    found += [Conflict("", "", f"文件中另有工作表“{name}”，其中的内容未合并", blocking=False) for name in book.other_sheets]
    return found


def _bad_value(name: str, case: CaseRow, new: Any, unparsed: dict[tuple[int, str], str], scheme: str) -> str | None:
    if (case.row, name) in unparsed:
        return f"填写的“{_shown(new)}”无法识别：{unparsed[(case.row, name)]}"
    if BY_NAME[name].kind is Kind.ENUM and new is not None:
        allowed = allowed_values(name, scheme)
        if new not in allowed:
            return f"填写的“{new}”不是可选的值，应为：{'、'.join(allowed)}"
    return None


def read_or_reject(path: Path) -> ReturnedBook | FileResult:
    """A returned file read, or its outcome when it cannot be."""
    try:
        return read_returned(path)
    except TaizhangError as err:
        return FileResult(path.name, None, REJECTED, message=f"{err.message}；整份文件未合并")
    except Exception as exc:  # calamine on a crafted file: reject it, keep going with the others
        return FileResult(path.name, None, REJECTED, message=f"无法读取文件“{path.name}”（{exc}），整份文件未合并")


def judged(file: str, unit: str | None, changes: list[Change], conflicts: list[Conflict]) -> FileResult:
    """A file's outcome from its changes and conflicts (the checks on its changed cases included)."""
    blocking = [c for c in conflicts if c.blocking]
    whole = unit is None or (len(conflicts) == 1 and not conflicts[0].number and not conflicts[0].field)
    if blocking or unit is None:
        reason = conflicts[0].reason if whole else f"有 {len(blocking)} 处冲突"
        return FileResult(file, unit, REJECTED, [], [] if whole else conflicts,
                          f"{reason}，整份文件未合并，台账中该单位的内容未改动")
    if not changes:
        return FileResult(file, unit, NO_CHANGE, [], conflicts, "与台账相同，没有需要合并的改动")
    extra = f"；另有 {len(conflicts)} 处提示" if conflicts else ""
    return FileResult(file, unit, MERGED, changes, conflicts, f"合并 {len(changes)} 处改动{extra}")


def idle_workers(files: int) -> int:
    """How many worker processes may read `files` returns: the cores left idle besides the one
    this process takes (by the load average where there is one), at most MAX_WORKERS, and one on
    any machine of two cores or more, however busy; none for a few files. One worker never costs
    much: the merging process reads every file no worker has started while it waits (`_in_order`),
    so on busy cores the work is that of one process plus handing results back, and on a two-core
    PC (every office PC) the master's read and the returns' reading use both cores."""
    cores = os.cpu_count() or 1
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    spare = min(MAX_WORKERS, int(cores - max(busy, 1.0)))  # this process is one of the busy
    return max(spare, 1) if cores >= 2 and files >= PARALLEL_FROM else 0


@contextmanager
def reading(paths: list[Path], parallel: bool = False) -> Iterator[Iterator[Returned | FileResult]]:
    """Each file `prepare`d, in order. With `parallel`, many files and more than one core
    (`idle_workers`), in worker processes started at once (so they read while the master is
    read), AHEAD files ahead of the judging; this process reads files too while it waits."""
    workers = idle_workers(len(paths)) if parallel else 0
    if not workers:
        yield map(prepare, paths)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(START_METHOD))
    try:
        yield _ahead(pool, iter(paths), AHEAD)
    finally:
        pool.shutdown(cancel_futures=True)


@dataclass
class _ReadHere:
    """A file this process read itself while the workers were busy."""

    item: Returned | FileResult


def _ahead(pool: Any, paths: Iterator[Path], ahead: int) -> Iterator[Returned | FileResult]:
    """The first files given to the workers now, not when the judging asks for the first result
    (a generator would wait till then): they read while the master is read."""
    later = deque(paths)
    sizes = {path: _size(path) for path in later}
    waiting: deque[tuple[Path, Any]] = deque()
    _give(pool, waiting, later, sizes, ahead)
    return _in_order(pool, waiting, later, sizes, ahead)


def _size(path: Path) -> int:
    """What the file's zip says its parts inflate to (its directory only is read), else its size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return sum(i.file_size for i in z.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        try:
            return path.stat().st_size
        except OSError:
            return 0


def _give(pool: Any, waiting: deque[tuple[Path, Any]], later: deque[Path], sizes: dict[Path, int],
          ahead: int) -> None:
    """Give the workers the next files of `later` while fewer than `ahead` files, and fewer than
    AHEAD_BYTES as their zips declare them inflated (`sizes`), are with them (one always, when none is)."""
    given = [sizes[path] for path, got in waiting if not isinstance(got, _ReadHere)]
    count, size = len(given), sum(given)
    while later and count < ahead and (not count or size + sizes[later[0]] <= AHEAD_BYTES):
        path = later.popleft()
        waiting.append((path, _submit(pool, path)))
        count, size = count + 1, size + sizes[path]


def _in_order(pool: Any, waiting: deque[tuple[Path, Any]], later: deque[Path], sizes: dict[Path, int],
              ahead: int) -> Iterator[Returned | FileResult]:
    """Every file's result in order, files given to the workers as `_give` allows (`waiting`:
    those given so far, each with its future or _ReadHere); while the next result is not ready
    this process takes back a file no worker has started and reads it itself (`_read_one_here`)."""
    while True:
        _give(pool, waiting, later, sizes, ahead)
        if not waiting:
            return
        while _pending(waiting[0][1]) and _read_one_here(waiting):
            pass  # until the next result is ready, or nothing is left to take back: then wait for it
        path, got = waiting.popleft()
        yield got.item if isinstance(got, _ReadHere) else _result(got, path)


def _read_one_here(waiting: deque[tuple[Path, Any]]) -> bool:
    """Take back the first file in `waiting` no worker has started (its future still cancellable)
    and read it here, unless HERE files read here already wait; whether one was."""
    if sum(isinstance(got, _ReadHere) for _, got in waiting) >= HERE:
        return False
    for k, (path, got) in enumerate(waiting):
        if got is not None and not isinstance(got, _ReadHere) and got.cancel():
            waiting[k] = (path, _ReadHere(prepare(path)))
            return True
    return False


def _pending(got: Any) -> bool:
    """Whether `got` is a worker's result not ready yet."""
    return got is not None and not isinstance(got, _ReadHere) and not got.done()


def _submit(pool: Any, path: Path) -> Any:
    try:
        return pool.submit(prepare, path)
    except Exception:  # the pool is broken (a worker died): the file is read here
        return None


def _result(future: Any, path: Path) -> Returned | FileResult:
    if future is not None:
        try:
            return future.result()  # type: ignore[no-any-return]
        except Exception:  # the worker died, or could not hand its result back
            pass
    return prepare(path)  # read here, as without workers


def merge_files(paths: list[Path], state: MasterState,
                prepared: Iterable[Returned | FileResult] | None = None) -> list[FileResult]:
    """Every returned file in order, each judged against the master as merged by the files before
    it (their changes checked in batches: `Batch`); accepted changes go into `state`. `prepared`:
    the files as `reading` gives them, else each is read here."""
    results: list[FileResult | None] = [None] * len(paths)
    batch = Batch(state, results)
    for k, (path, item) in enumerate(zip(paths, prepared if prepared is not None else map(prepare, paths),
                                         strict=True)):
        if isinstance(item, FileResult):
            results[k] = item
            continue
        unit, changes, conflicts, reads = read_changes_of(item, state)
        if batch.depends(reads, changes):  # judged against changes not yet checked: check them first
            batch.flush()
            unit, changes, conflicts, reads = read_changes_of(item, state)
        if unit is None or not changes or any(c.blocking for c in conflicts):
            results[k] = judged(path.name, unit, changes, conflicts)
        else:
            batch.add(k, path.name, unit, changes, conflicts)
    batch.flush()
    return [r for r in results if r is not None]


def changes_sheet(old_rows: list[list[Any]], results: list[FileResult], when: datetime) -> ToolSheet:
    """The 变更记录 sheet: the rows it already had (`old_rows`), then one row per change merged now,
    stamped `when`."""
    sheet = ToolSheet(CHANGES_SHEET)
    sheet.write_row(1, list(CHANGE_HEADERS), st.HEADER)
    stamp = when.strftime("%Y-%m-%d %H:%M:%S")
    new_rows = [[stamp, f.file, f.unit, c.number, c.field, cell_text(c.old), cell_text(c.new)]
                for f in results if f.status == MERGED for c in f.changes]
    for r, values in enumerate([*old_rows, *new_rows], start=2):
        sheet.write_row(r, values, st.BODY)
    for col, width in zip("ABCDEFG", (20, 40, 24, 22, 16, 24, 24), strict=True):
        sheet.column_width(col, width)
    sheet.freeze("A2")
    sheet.autofilter(f"A1:G{max(1 + len(old_rows) + len(new_rows), 1)}")
    return sheet


def read_changes(path: Path) -> list[list[Any]]:
    """The rows already in the master's 变更记录 sheet (below its header), as text."""
    with open_workbook(path) as book:
        return list(read_change_records(book))


def read_master(path: Path) -> tuple[LoadedWorkbook, list[list[Any]], DispatchRecord]:
    """The master read once: its ledger and settings, its 变更记录 rows and its record of what was sent."""
    with open_workbook(path) as book:
        loaded = read_source(book, path)
        loaded.extent = book.dense.get(loaded.ledger.sheet)
        return loaded, list(read_change_records(book)), read_dispatch(book)


@contextmanager
def frozen() -> Iterator[None]:
    """The objects alive now (the master as read) left out of the cyclic collector's passes until
    the block ends, and the passes made rarer: the master lives through the block anyway, and the
    returns' many short-lived objects are freed by reference counting. A merge of 200 returns
    spent 1.7 s in the collector (seven full passes over a 20k-row master), now ~0.3 s."""
    thresholds = gc.get_threshold()
    ours = gc.get_freeze_count() == 0  # a host (the ribbon's Python) may have frozen objects of its own
    if ours:
        gc.freeze()
    gc.set_threshold(20_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if ours:
            gc.unfreeze()


def merge(ledger_path: Path, files: Iterable[Path], today: date, *, dry_run: bool = False,
          now: datetime | None = None, parallel: bool = False) -> MergeReport:
    """Merge every file; write the master once (lossless writer) unless `dry_run`. `parallel`:
    read many returned files in worker processes (`reading`; the command line does)."""
    paths = [Path(f) for f in files]
    with reading(paths, parallel) as prepared:  # the workers start before the master is locked and read
        return _merge(ledger_path, paths, prepared, today, dry_run, now)


def _merge(ledger_path: Path, paths: list[Path], prepared: Iterator[Returned | FileResult], today: date,
           dry_run: bool, now: datetime | None) -> MergeReport:
    when = now or datetime.combine(today, datetime.min.time())
    if dry_run:
        loaded, old_rows, record = read_master(ledger_path)
        require_unit_directory(loaded.settings, ledger_path, "合并")
        state = MasterState(loaded.ledger, loaded.settings, today, old_rows, record)
        with frozen():
            report = MergeReport(merge_files(paths, state, prepared), "试运行：未写入台账。")
        return report
    with LedgerWriter(ledger_path) as writer:  # lock first, then read: a save meanwhile refuses the commit
        loaded, old_rows, record = read_master(ledger_path)
        require_unit_directory(loaded.settings, ledger_path, "合并")
        writer.backup_keep = loaded.settings.params.backup_keep
        if loaded.extent is not None:
            writer.known_extent(loaded.ledger.sheet, *loaded.extent)
        old_rows = old_rows if writer.book.is_tool_sheet(CHANGES_SHEET) else []
        state = MasterState(loaded.ledger, loaded.settings, today, old_rows, record)
        with frozen():
            report = MergeReport(merge_files(paths, state, prepared))
        cells = {f"{loaded.ledger.columns[c.field]}{c.row}": c.value
                 for f in report.files if f.status == MERGED for c in f.changes}
        if not cells:
            report.note = "没有可合并的改动，台账未改动。"
            return report
        writer.set_cells(loaded.ledger.sheet, cells)
        writer.replace_sheet(changes_sheet(old_rows, report.files, when))
        result = writer.commit()
    report.note = f"已写回“{result.path.name}”" + (f"，原文件备份在“{result.backup}”。" if result.backup else "。")
    return report
