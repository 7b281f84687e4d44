"""What every rule sees: the ledger, its frame, the settings, today, the working-day calendar, and
a way to emit hits."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd

from taizhang.core.calendar import UnknownYear, WorkCalendar
from taizhang.core.columns import Col
from taizhang.core.model import Case, Ledger
from taizhang.core.settings import Settings
from taizhang.validators.frame import ledger_frame
from taizhang.validators.registry import Hit

# When the 不满意 re-reply is due: given a case, its deadline, or None when unknown.
RereplyDue = Callable[[Case], date | None]


def shown(value: Any) -> str | None:
    """A value as the message and the report show it: dates ISO, lists joined with 、."""
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if value is pd.NA:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value) or None
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


@dataclass
class Context:
    """What every rule sees: the ledger, its frame (`ledger_frame`), the settings, today, the
    working-day calendar, and `emit` to yield hits."""

    ledger: Ledger
    settings: Settings
    today: date
    rereply_due: RereplyDue | None = None
    # The deadlines' calendar when the caller has one; else built from the 节假日 sheet on first use.
    given_calendar: WorkCalendar | None = None
    frame: pd.DataFrame = field(init=False)

    def __post_init__(self) -> None:
        self.frame = ledger_frame(self.ledger)

    @cached_property
    def calendar(self) -> WorkCalendar:
        if self.given_calendar is not None:
            return self.given_calendar
        return WorkCalendar.from_settings(self.settings.holidays)

    def counted(self, base: pd.Series, count: Callable[[WorkCalendar, date], date],
                plain: Callable[[date], date], where: pd.Series | None = None) -> pd.Series:
        """`count(calendar, day)` for each filled row of `base` (where `where` holds; NaT elsewhere):
        the deadline engine's own counting, so a check and the engine agree on rest days. When the
        result falls in a year the calendar does not know, `plain(day)` (the corresponding day): a
        check then says nothing about rest days rather than staying silent."""
        out = pd.Series(pd.NaT, index=base.index, dtype="datetime64[s]")
        keep = base.notna().to_numpy()
        if where is not None:
            keep = keep & where.to_numpy(dtype=bool, na_value=False)
        picked = base[keep]
        if not len(picked):
            return out
        days = picked.dt.date.tolist()
        found: dict[date, pd.Timestamp] = {}
        for day in set(days):
            try:
                found[day] = pd.Timestamp(count(self.calendar, day))
            except UnknownYear:
                found[day] = pd.Timestamp(plain(day))
        out.loc[picked.index] = [found[d] for d in days]
        return out

    @property
    def today_ts(self) -> pd.Timestamp:
        return pd.Timestamp(self.today)

    @cached_property
    def year(self) -> pd.Series:
        """Each row's year: its 年度, else the ledger's year; NaN when neither is known."""
        own = self.frame[Col.YEAR].astype("Float64").astype("float64")
        return own.fillna(float(self.ledger.year) if self.ledger.year else float("nan"))

    @cached_property
    def co_units(self) -> pd.Series:
        """One entry per (case, 协办单位), indexed by the case's Excel row (repeated per unit)."""
        lists = self.frame[Col.CO_UNITS].tolist()
        rows = np.repeat(self.frame.index.to_numpy(), list(map(len, lists)))
        return pd.Series(list(chain.from_iterable(lists)), index=pd.Index(rows, name="row"), dtype=object)

    @cached_property
    def cases_by_row(self) -> dict[int, Case]:
        """A case by its Excel row, built on first use (a rule needs only the few it reports)."""
        return _CasesByRow(self.ledger)

    def has(self, name: str) -> bool:
        return name in self.ledger.columns

    def at(self, name: str, *fallbacks: str) -> str:
        """The first of the columns the ledger has: a finding about a missing value goes to the cell
        to fill in, or to the cell that asked for it when the ledger lacks that column."""
        for candidate in (name, *fallbacks):
            if self.has(candidate):
                return candidate
        return name

    def emit(self, mask: pd.Series, name: str, value: pd.Series | None = None, **params: Any) -> Iterator[Hit]:
        """One hit per row where `mask` holds; a param given as a Series takes that row's value.

        `mask`, `value` and Series params are aligned with the frame (they come from its columns)."""
        failing = mask.to_numpy(dtype=bool, na_value=False)
        if not failing.any():
            return  # the common case: decided without touching a row
        positions = np.flatnonzero(failing)
        rows = mask.index.to_numpy()[positions].tolist()
        values = _take(self.frame[name] if value is None else value, positions)
        taken = {k: _take(v, positions) for k, v in params.items() if isinstance(v, pd.Series)}
        for i, row in enumerate(rows):
            row_params = {k: shown(taken[k][i]) if k in taken else v for k, v in params.items()}
            yield Hit(row, name, shown(values[i]), row_params)


class _CasesByRow(dict[int, Case]):
    """{Excel row: Case}, each case built when first looked up."""

    def __init__(self, ledger: Ledger) -> None:
        super().__init__()
        self._ledger = ledger
        self._index = {row: i for i, row in enumerate(ledger.table.rows)}

    def __missing__(self, row: int) -> Case:
        case = self[row] = self._ledger.case(self._index[row])
        return case


def _take(series: pd.Series, positions: np.ndarray) -> list[Any]:
    """The values at `positions`, as Python objects (Timestamp, str, list, None)."""
    return series.iloc[positions].astype(object).tolist()
