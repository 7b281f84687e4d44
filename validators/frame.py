"""The ledger as one DataFrame, built once per run, so rules are column operations."""

from __future__ import annotations

from datetime import date
from operator import attrgetter, itemgetter
from typing import Any

import numpy as np
import pandas as pd

from taizhang.core.columns import COLUMNS, Kind
from taizhang.core.gc_pause import paused_gc
from taizhang.core.model import Ledger

_EPOCH = date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # the int64 behind NaT


def _dates(values: tuple[Any, ...]) -> np.ndarray:
    if values.count(None) == len(values):
        return np.full(len(values), _NAT, dtype=np.int64).view("datetime64[D]")
    # Day ordinals are ~20x faster than numpy converting date objects one by one.
    days = [d.toordinal() - _EPOCH if d is not None else _NAT for d in values]
    return np.array(days, dtype=np.int64).view("datetime64[D]")


def ledger_frame(ledger: Ledger) -> pd.DataFrame:
    """One row per case indexed by Excel row, one column per canonical name (all of them, so rules
    need not ask whether the ledger has a column: a missing one is all empty).

    Dates are datetime64 (NaT when empty), 年度 and counts nullable Int64, 重点件 nullable boolean,
    协办单位 lists, everything else object strings with None.
    """
    cases = ledger.cases
    n = len(cases)
    index = pd.Index([c.row for c in cases], name="row", dtype="int64")
    present = [spec for spec in COLUMNS if spec.name in ledger.columns]
    columns: dict[str, tuple[Any, ...]] = {}
    if present and n:
        with paused_gc():
            # One C-level getter per case, then a transpose: far cheaper than one pass per column.
            fields = [spec.field for spec in present]
            try:
                picked = itemgetter(*fields)
                rows = [picked(c.__dict__) for c in cases]
            except KeyError:  # a case built without its defaults: ask the model instead
                by_attribute = attrgetter(*fields)
                rows = [by_attribute(c) for c in cases]
            if len(present) == 1:
                rows = [(value,) for value in rows]
            columns = {spec.name: values for spec, values in zip(present, zip(*rows, strict=True), strict=True)}
            del rows  # freed before the collector comes back, so it has fewer objects to scan
    empty: tuple[Any, ...] = (None,) * n
    data: dict[str, Any] = {}
    for spec in COLUMNS:
        values = columns.get(spec.name, empty)
        if spec.kind is Kind.DATE:
            data[spec.name] = pd.Series(_dates(values), index=index, dtype="datetime64[s]")
        elif spec.kind in (Kind.INT, Kind.YEAR):
            data[spec.name] = pd.Series(values, index=index, dtype="Int64")
        elif spec.kind is Kind.FLAG:
            data[spec.name] = pd.Series(values, index=index, dtype="boolean")
        elif spec.kind is Kind.UNITS:
            lists = values if spec.name in columns else tuple([] for _ in range(n))
            data[spec.name] = pd.Series(lists, index=index, dtype=object)
        else:
            data[spec.name] = pd.Series(values, index=index, dtype=object)
    return pd.DataFrame(data, index=index, copy=False)
