"""The contract of the workbooks sent to the handling units and merged back (docs/domain.md
#exchange-of-workbooks): what each role may fill, how a row is fingerprinted at split time and
verified on return, which master a copy was split from, and the record of what a merge took.
`taizhang split` (macros/jobs/split.py) and `taizhang merge` (macros/jobs/merge.py) apply it; the
unit workbook's hidden 分发校验 sheet (workbook/unit_book.py, read back by workbook/returned.py)
carries it. Pure: no workbook access.

What a unit may fill (documented for staff in the unit workbook's 填报说明 sheet):
- 主办 unit: 签收日期, 面商日期, 办理方案日期, 答复样稿日期, 正式答复日期, 答复文号, 办理结果, 代表意见,
  重新答复日期, B类计划解决时限, 落实进展, 延期理由, 退回日期, 退回理由, 备案日期, 公开日期, 公开属性, 不公开理由.
- 协办 unit: only 协办意见日期 (the ledger has one 落实进展 per case, kept by the 主办 unit).
Everything else (the case itself, 交办日期, 延期至 and 回头看日期, which the office decides) is locked.

Each row carries a fingerprint (sha256 of its locked fields' values as the reader understands
them) and its fillable values at split time, so a merge tells edits of locked fields and stale
copies apart from the unit's own changes.

What the office sent is recorded in the master, not trusted from the returned file (issue 16):
- Every split run has a 分发编号 (`new_split_id`), written in each unit book's 分发校验 sheet.
- The master's visible 分发记录 sheet has one row per unit book sent out (SEND_LOG_HEADERS, header in
  row SEND_LOG_HEADER_ROW): the 分发编号, the unit, its cases, the file, the address and how sending
  went (UNSENT / SENT / SEND_FAILED, 说明 holding the server's reason).
- The master's hidden 分发明细 sheet holds the ledger's MAC key (密钥, row 2: created once per ledger,
  never written into a unit book) and, below DETAIL_HEADER_ROW, one row per unit's current book
  (DETAIL_HEADERS): 分发编号, 单位, 件数, and each case's 编号 with the unit's role in it (主办 or
  协办) as JSON, cut into cell-sized pieces. The role decides which columns the unit may fill for
  that case (`fillable`, within the columns sent). A unit split again keeps only its newest book.
- Each unit book carries, in its 分发校验 sheet, the columns sent, each case's fingerprint and the
  fillable values sent (分发时值), and 校验码 = HMAC-SHA256(密钥, unit, 分发编号, the columns, each
  case's 编号, role, fingerprint and values sent) (`seal`). So the per-case fingerprints and values
  are kept where they travel, under the office's seal, and the master stays small (one row per book:
  20,000 cases cost no 20,000-row sheet on every write).
- A merge accepts a file only if the master knows its 分发编号 for that unit as the unit's newest
  book, the cases and roles in the file's 分发校验 are exactly the master's, and its 校验码 is the
  seal of them under the master's key; then it takes a cell only if the master's role for that case
  lets the unit fill that column. A unit that rewrites its file (another unit's name or case, a
  role, a recomputed fingerprint or value sent) cannot produce the seal without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import chain, repeat
from typing import Any

from taizhang.core.columns import BY_NAME, Col, Kind
from taizhang.core.enums import Role
from taizhang.core.model import Ledger

HOST_FIELDS: tuple[str, ...] = (
    Col.RECEIVED_DATE, Col.MEETING_DATE, Col.PLAN_DATE, Col.DRAFT_DATE, Col.REPLY_DATE, Col.REPLY_NUMBER,
    Col.RESULT, Col.OPINION, Col.REREPLY_DATE, Col.PLAN_DEADLINE, Col.PROGRESS, Col.EXTENSION_REASON,
    Col.RETURNED_DATE, Col.RETURN_REASON, Col.FILED_DATE, Col.PUBLISH_DATE, Col.DISCLOSURE, Col.DISCLOSURE_REASON,
)
CO_FIELDS: tuple[str, ...] = (Col.CO_OPINION_DATE,)
FILLABLE: dict[str, tuple[str, ...]] = {Role.HOST: HOST_FIELDS, Role.CO: CO_FIELDS}

# The hidden 分发校验 sheet: these facts of the split, then one record per case.
SPLIT_ID = "分发编号"
MAC = "校验码"
META_KEYS = ("单位", Col.YEAR, "分发日期", "台账版本", "列", SPLIT_ID, MAC)
RECORD_HEADERS = (Col.NUMBER, "承办方式", "指纹", "分发时值")

# The master's 分发记录 sheet (visible): one row per unit book sent out, header in row 3.
SEND_LOG_HEADERS = (SPLIT_ID, "分发时间", "单位", "件数", Col.NUMBER, "文件名", "电子邮箱", "发送结果", "邮件标识",
                    "发送时间", "说明")
SEND_LOG_HEADER_ROW = 3
UNSENT, SENT, SEND_FAILED = "未发送", "已发送", "发送失败"

# The master's hidden 分发明细 sheet: the key in row 2, then one row per case of each current book.
SECRET = "密钥"
SECRET_ROW = 2
DETAIL_HEADERS = (SPLIT_ID, "单位", "件数", "各件承办方式")
DETAIL_HEADER_ROW = 4
DETAIL_PIECE = 30_000  # characters of a cell (Excel holds 32,767)

# The 变更记录 sheet: one row per value a merge took, below this header.
CHANGE_HEADERS = ("时间", "文件", "单位", Col.NUMBER, "字段", "原值", "新值")


@dataclass
class RowRecord:
    """What the split recorded of one case of a unit's copy: the unit's role in it, the fingerprint
    of its locked values, and its fillable values at split time."""

    role: str
    fingerprint: str
    split_values: dict[str, Any] = field(default_factory=dict)


def fillable(role: str) -> tuple[str, ...]:
    """The columns a unit in `role` (主办 or 协办) may fill; none for any other role."""
    return FILLABLE.get(role, ())


def locked_columns(columns: Iterable[str], role: str) -> list[str]:
    """The columns of `columns` that a unit in `role` may not change, in their order."""
    mine = fillable(role)
    return [c for c in columns if c not in mine]


def shown_values(ledger: Ledger) -> dict[int, dict[str, Any]]:
    """Each row's canonical values (dates as ISO text, units joined with 、); a cell the reader
    could not understand counts as its raw text, so an unreadable value is compared (and never
    silently taken for empty). Read column by column from the ledger's table."""
    table = ledger.table
    columns = shown_columns(ledger)
    names = list(columns)
    rows = zip(*columns.values(), strict=True) if names else ((),) * len(table.rows)
    return {row: dict(zip(names, values, strict=True)) for row, values in zip(table.rows, rows, strict=True)}


def shown_columns(ledger: Ledger) -> dict[str, list[Any]]:
    """`shown_values` by column: each column the sheet has (in `table.letters` order), one
    canonical value per row of the table, an unreadable cell's raw text in its place."""
    table = ledger.table
    names = list(table.letters)  # the columns the sheet has, as each case's `cells`
    columns = {name: _canonical_column(table.column(name), BY_NAME[name].kind is Kind.UNITS) for name in names}
    if ledger.unparsed:
        index = {row: i for i, row in enumerate(table.rows)}
        for u in ledger.unparsed:
            i = index.get(u.row)
            if i is not None and u.name in columns:
                columns[u.name][i] = u.value
    return columns


class ShownRows:
    """`shown_values` as a mapping whose row dicts are made on first use (a merge reads the few
    rows the returned files change), each value made canonical then. Rows are read, and changed in
    place, as dicts."""

    def __init__(self, ledger: Ledger) -> None:
        table = ledger.table
        self._names = list(table.letters)
        self._columns = [table.column(name) for name in self._names]
        self._units = [BY_NAME[name].kind is Kind.UNITS for name in self._names]
        self._index = {row: i for i, row in enumerate(table.rows)}
        self._raws: dict[int, dict[str, Any]] = {}
        for u in ledger.unparsed:
            self._raws.setdefault(u.row, {})[u.name] = u.value
        self._rows: dict[int, dict[str, Any]] = {}

    def __getitem__(self, row: int) -> dict[str, Any]:
        found = self._rows.get(row)
        if found is None:
            i = self._index[row]
            found = dict(zip(self._names, [_canonical_value(column[i], units)
                                           for column, units in zip(self._columns, self._units, strict=True)],
                             strict=True))
            for name, raw in self._raws.get(row, {}).items():
                if name in found:
                    found[name] = raw
            self._rows[row] = found
        return found


def _canonical_value(value: Any, units: bool) -> Any:
    """One value as `_canonical_column` makes it."""
    if units:
        return "、".join(value) or None if isinstance(value, list) else value
    return value.isoformat() if isinstance(value, date) else value


def _canonical_column(values: Iterable[Any], units: bool) -> list[Any]:
    if units:
        return ["、".join(v) or None if isinstance(v, list) else v for v in values]
    return [v.isoformat() if isinstance(v, date) else v for v in values]


def fingerprint(values: dict[str, Any], locked: Iterable[str]) -> str:
    """sha256 of the locked fields' values, in column order."""
    data = json.dumps([[name, values.get(name)] for name in locked], ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


_ENCODE = json.JSONEncoder(ensure_ascii=False, default=str).encode
_STRING = json.encoder.encode_basestring  # what that encoder writes for a str (ensure_ascii=False)


FINGERPRINT_ROWS = 2000  # rows whose cell texts are held at a time


def fingerprints(shown: list[dict[str, Any]], locked: dict[str, list[str]]) -> dict[str, list[str]]:
    """`fingerprint` of every row of `shown` over each role's `locked` columns, equal to it
    digit for digit: each cell's JSON text is made once for all roles, and the rows' texts (the
    [name, value] pairs of the locked columns, joined as json.dumps joins them) are joined column
    by column. Dumping each row's pairs anew, once per role, cost seconds at 20k rows."""
    names = dict.fromkeys(name for columns in locked.values() for name in columns)
    out: dict[str, list[str]] = {role: [] for role in locked}
    for start in range(0, len(shown), FINGERPRINT_ROWS):  # a few thousand rows' texts held at a time
        chunk = shown[start:start + FINGERPRINT_ROWS]
        values = {name: _json_column(row.get(name) for row in chunk) for name in names}
        for role, columns in locked.items():
            out[role] += _joined_prints(values, columns, len(chunk))
    return out


def column_fingerprints(columns: dict[str, list[Any]], locked: list[str], rows: int) -> list[str]:
    """`fingerprint` over `locked` of each of `rows` rows given by column (`columns`: name -> one
    value per row, as `shown_columns` has them; a name it lacks reads as empty), digit for digit."""
    empty = ["null"] * rows
    texts = {name: _json_column(columns[name]) if name in columns else empty for name in dict.fromkeys(locked)}
    return _joined_prints(texts, locked, rows)


def _joined_prints(texts: dict[str, list[str]], columns: list[str], rows: int) -> list[str]:
    """Each row's sha256 of the [name, value] pairs of `columns`, joined as json.dumps joins them
    (`texts`: each column's values as JSON text)."""
    sha = hashlib.sha256
    if not columns:
        return [sha(b"[]").hexdigest()] * rows
    heads = [repeat(("], " if k else "") + "[" + _ENCODE(name) + ", ") for k, name in enumerate(columns)]
    pieces = chain.from_iterable(zip(heads, [texts[n] for n in columns], strict=True))
    return [sha(f"[{text}]]".encode()).hexdigest() for text in map("".join, zip(*pieces, strict=False))]


def _json_column(values: Iterable[Any]) -> list[str]:
    """Each value as json.dumps(ensure_ascii=False, default=str) writes it inside a list, inline
    (a call per cell costs more than the encoding; a plain int is written as json writes it, by
    int.__repr__, without the encoder's set-up)."""
    string, encode, whole = _STRING, _ENCODE, int.__repr__
    return ["null" if v is None else string(v) if v.__class__ is str else whole(v) if v.__class__ is int
            else encode(v) for v in values]


def record_row(values: dict[str, Any], columns: list[str], role: str) -> RowRecord:
    """What the split records of a row whose `values` (from `shown_values`) go out with `columns`."""
    return RowRecord(role, fingerprint(values, locked_columns(columns, role)),
                     {name: values.get(name) for name in fillable(role) if name in columns})


def verify_row(values: dict[str, Any], columns: list[str], record: RowRecord) -> bool:
    """Whether a returned row's locked values are those the split recorded (`values` from
    `shown_values` of the returned copy, `columns` the ones it went out with)."""
    return fingerprint(values, locked_columns(columns, record.role)) == record.fingerprint


def master_version(ledger: Ledger, shown: dict[int, dict[str, Any]] | None = None) -> str:
    """A short hash of every case's data: tells a copy split from an older master. `shown`: the
    ledger's `shown_values`, when the caller has them already."""
    shown = shown if shown is not None else shown_values(ledger)
    rows = sorted(json.dumps(shown[row], ensure_ascii=False, sort_keys=True, default=str) for row in ledger.table.rows)
    return hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]


def cell_text(value: Any) -> str | None:
    """A value as the 变更记录 holds and compares it: text, a whole number without ".0", None for empty."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def new_split_id(year: int, now: datetime, token: str | None = None) -> str:
    """A split run's identifier: {year}-{yyyymmddHHMMSS}-{6 hex}."""
    return f"{year}-{now:%Y%m%d%H%M%S}-{token or secrets.token_hex(3)}"


def new_secret() -> str:
    """A ledger's MAC key: 32 random bytes, as hex."""
    return secrets.token_hex(32)


def _canonical(value: Any) -> str:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def seal(secret: str, unit: str, split_id: str, columns: Iterable[str], entries: dict[str, RowRecord],
         cases: list[list[str]] | None = None) -> str:
    """HMAC-SHA256 under the ledger's key of what the office sent one unit: who, which split, which
    columns, and each case's 编号, role, fingerprint and values sent (dates as ISO text, so the
    values as written into the book and as read back from it seal alike). `cases`: the entries'
    `sealed_cases`, when worked out already."""
    cases = cases if cases is not None else sealed_cases(entries)
    return _seal_of(secret, unit, split_id, sealed_text(columns, cases))


def _seal_of(secret: str, unit: str, split_id: str, text: str) -> str:
    """The HMAC of json.dumps([unit, split_id, columns, cases]), the last two given as `sealed_text`
    (json.dumps joins a list's items with ", ", so the message is the same text)."""
    data = f"[{_PLAIN(unit)}, {_PLAIN(split_id)}, {text}]"
    return hmac.new(secret.encode("ascii"), data.encode("utf-8"), hashlib.sha256).hexdigest()


_SORTED_ENCODE = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_canonical).encode
_PLAIN = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(…, ensure_ascii=False), built once


def sealed_cases(entries: dict[str, RowRecord]) -> list[list[str]]:
    """What the seal covers of each case, in 编号 order: 编号, role, fingerprint, values sent as JSON.
    Needs no key: a merge works it out while reading the file."""
    return sorted([number, r.role, r.fingerprint, _SORTED_ENCODE(r.split_values)] for number, r in entries.items())


def sealed_text(columns: Iterable[str], cases: list[list[str]]) -> str:
    """The columns and `sealed_cases` as the seal's message has them (JSON, joined by ", "): one
    string, which a merge's worker process hands back cheaply, where the lists cost milliseconds."""
    return f"{_PLAIN(list(columns))}, {_PLAIN(cases)}"


def sealed(secret: str, unit: str, split_id: str, columns: Iterable[str], entries: dict[str, RowRecord],
           mac: str, cases: list[list[str]] | None = None) -> bool:
    """Whether `mac` is the seal of that record (compared in constant time)."""
    return hmac.compare_digest(seal(secret, unit, split_id, columns, entries, cases), mac.strip().lower())


def sealed_as(secret: str, unit: str, split_id: str, text: str, mac: str) -> bool:
    """`sealed`, the columns and cases given as their `sealed_text`."""
    return hmac.compare_digest(_seal_of(secret, unit, split_id, text), mac.strip().lower())


@dataclass
class Dispatch:
    """One unit's current book as the master's 分发明细 records it: each case's 编号 and the unit's
    role in it, which decides the columns it may fill (`fillable`, within the columns sent)."""

    split_id: str
    unit: str
    roles: dict[str, str] = field(default_factory=dict)  # 编号 -> 主办 / 协办


@dataclass
class DispatchRecord:
    """The master's record of what it sent: the key, each unit's current book, and the 分发记录 rows
    (as texts, SEND_LOG_HEADERS order)."""

    secret: str | None = None
    books: dict[tuple[str, str], Dispatch] = field(default_factory=dict)  # (分发编号, 单位) -> book
    log: list[list[Any]] = field(default_factory=list)

    def known(self, split_id: str) -> bool:
        return any(row[0] == split_id for row in self.log) or any(k[0] == split_id for k in self.books)

    def current_id(self, unit: str) -> str | None:
        """The 分发编号 of the unit's newest book, if the master has one."""
        ids = [sid for sid, u in self.books if u == unit]
        return max(ids) if ids else None

    def detail_rows(self) -> list[list[Any]]:
        """The 分发明细 rows (DETAIL_HEADERS): one per book, its cases' [编号, role] pairs as JSON cut
        into pieces that fit a cell, one piece a column from the fourth on."""
        rows: list[list[Any]] = []
        for d in self.books.values():
            text = json.dumps(list(d.roles.items()), ensure_ascii=False)
            pieces = [text[i:i + DETAIL_PIECE] for i in range(0, len(text), DETAIL_PIECE)]
            rows.append([d.split_id, d.unit, len(d.roles), *pieces])
        return rows


def read_detail(rows: Iterable[list[Any]]) -> dict[tuple[str, str], Dispatch]:
    """The books of the 分发明细 rows below its header (as read), keyed by (分发编号, 单位). A row
    that cannot be read gives a book without cases: nothing of it is taken."""
    books: dict[tuple[str, str], Dispatch] = {}
    for row in rows:
        cells = [cell_text(v) or "" for v in row]
        if len(cells) < 3 or not (cells[0] and cells[1]):
            continue
        try:
            pairs = json.loads("".join(cells[3:]) or "[]")
            roles = {str(n): str(r) for n, r in pairs}
        except (json.JSONDecodeError, TypeError, ValueError):
            roles = {}
        books[(cells[0], cells[1])] = Dispatch(cells[0], cells[1], roles)
    return books
