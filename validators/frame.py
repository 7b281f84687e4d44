"""The ledger as one pandas DataFrame, for a caller that wants to explore it as a table (a notebook,
a script). The checks do not use it: they read the ledger's own column lists (`context.py`), so
`taizhang check` never imports pandas. pandas is imported here, on first call."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from taizhang.core.columns import COLUMNS, Kind
from taizhang.core.gc_pause import paused_gc
from taizhang.core.model import Ledger

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_EPOCH = date(1970, 1, 1).toordinal()


def _dates(values: Sequence[Any]) -> np.ndarray:
    import numpy as np

    nat = np.iinfo(np.int64).min  # the int64 behind NaT
    # Day ordinals are ~20x faster than numpy converting date objects one by one.
    days = [d.toordinal() - _EPOCH if d is not None else nat for d in values]
    return np.array(days, dtype=np.int64).view("datetime64[D]")


def ledger_frame(ledger: Ledger) -> pd.DataFrame:
    """One row per case indexed by Excel row, one column per canonical name (all of them: a missing
    one is all empty). Built straight from the ledger's columns (`CaseTable`), no case objects.

    Dates are datetime64 (NaT when empty), 年度 and counts nullable Int64, 重点件 nullable boolean,
    协办单位 lists, everything else object strings with None.
    """
    import pandas as pd

    table = ledger.table
    n = len(table)
    index = pd.Index(table.rows, name="row", dtype="int64")
    data: dict[str, Any] = {}
    with paused_gc():
        for spec in COLUMNS:
            # Only the columns the sheet has: a case built in memory may carry others.
            values = table.column(spec.name) if spec.name in ledger.columns else [None] * n
            if spec.kind is Kind.DATE:
                data[spec.name] = pd.Series(_dates(values), index=index, dtype="datetime64[s]")
            elif spec.kind in (Kind.INT, Kind.YEAR):
                data[spec.name] = pd.Series(values, index=index, dtype="Int64")
            elif spec.kind is Kind.FLAG:
                data[spec.name] = pd.Series(values, index=index, dtype="boolean")
            elif spec.kind is Kind.UNITS:
                lists = values if table.has(spec.name) and spec.name in ledger.columns else [[] for _ in range(n)]
                data[spec.name] = pd.Series(lists, index=index, dtype=object)
            else:
                data[spec.name] = pd.Series(values, index=index, dtype=object)
    return pd.DataFrame(data, index=index, copy=False)
