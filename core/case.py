"""A case: one ledger row as a whole (a pydantic model), for code that shows or hands on one case.

The one way to read a case's value in code is by its column: `case[Col.REPLY_DATE]` (typed: a
date column gives `date | None`, 协办单位 a list, …), and its cell `case.ref(Col.REPLY_DATE)`. The
English attributes (`case.reply_date`) are the model's storage, kept for pydantic and tests.

The ledger holds its cases as columns (`core/table.py`); a `Case` is built from them only on
demand, so this module, and pydantic with it, is imported only then (`core.model` names it lazily).
"""

from __future__ import annotations

from datetime import date
from typing import Any, overload

from pydantic import BaseModel, ConfigDict, Field

from taizhang.core.columns import (
    BY_NAME,
    Col,
    DateColumn,
    FlagColumn,
    Kind,
    NumberColumn,
    TextColumn,
    UnitsColumn,
)
from taizhang.core.model import CellRef

_HEADER_OF: dict[str, str] = {c.field: c.value for c in Col}
_FIELD_OF: dict[str, str] = {c.value: c.field for c in Col}


class Case(BaseModel):
    """One case. Attribute names are English; aliases are the canonical Chinese headers."""

    # Each column's attribute is also read and written under its Chinese header (`Col.X`).
    model_config = ConfigDict(defer_build=True, populate_by_name=True, alias_generator=lambda name: _HEADER_OF.get(name, name))

    row: int
    sheet: str
    cells: dict[str, str] = Field(default_factory=dict)  # canonical name -> column letter
    extra: dict[str, Any] = Field(default_factory=dict)  # unknown columns, by their header

    seq: str | None = Field(None)
    number: str | None = Field(None)
    category: str | None = Field(None)
    level: str | None = Field(None)
    year: int | None = Field(None)
    session: str | None = Field(None)
    timing: str | None = Field(None)
    title: str | None = Field(None)
    lead: str | None = Field(None)
    cosigners: int | None = Field(None)
    delegation: str | None = Field(None)
    phone: str | None = Field(None)
    role: str | None = Field(None)
    host_unit: str | None = Field(None)
    co_units: list[str] = Field(default_factory=list)
    assigned_date: date | None = Field(None)
    received_date: date | None = Field(None)
    key_case: bool | None = Field(None)
    supervisor: str | None = Field(None)
    meeting_date: date | None = Field(None)
    co_opinion_date: date | None = Field(None)
    plan_date: date | None = Field(None)
    draft_date: date | None = Field(None)
    reply_date: date | None = Field(None)
    reply_number: str | None = Field(None)
    result: str | None = Field(None)
    opinion: str | None = Field(None)
    rereply_date: date | None = Field(None)
    plan_deadline: date | None = Field(None)
    progress: str | None = Field(None)
    extended_to: date | None = Field(None)
    extension_reason: str | None = Field(None)
    returned_date: date | None = Field(None)
    return_reason: str | None = Field(None)
    filed_date: date | None = Field(None)
    review_date: date | None = Field(None)
    publish_date: date | None = Field(None)
    disclosure: str | None = Field(None)
    disclosure_reason: str | None = Field(None)
    remark: str | None = Field(None)

    @classmethod
    def from_read(cls, values: dict[str, Any], fields_set: set[str]) -> Case:
        """A case from values the reader already converted: `values` holds every field.

        This is what `model_construct` does, minus its per-field loop, which cost more than the
        whole calamine read on a 20k-row ledger. Tests check it equals a validated model.
        """
        case = cls.__new__(cls)
        object.__setattr__(case, "__dict__", values)
        object.__setattr__(case, "__pydantic_fields_set__", fields_set)
        object.__setattr__(case, "__pydantic_extra__", None)
        object.__setattr__(case, "__pydantic_private__", None)
        return case

    @overload
    def __getitem__(self, column: DateColumn) -> date | None: ...

    @overload
    def __getitem__(self, column: NumberColumn) -> int | None: ...

    @overload
    def __getitem__(self, column: FlagColumn) -> bool | None: ...

    @overload
    def __getitem__(self, column: UnitsColumn) -> list[str]: ...

    @overload
    def __getitem__(self, column: TextColumn) -> str | None: ...

    @overload
    def __getitem__(self, column: str) -> Any: ...

    def __getitem__(self, column: str) -> Any:
        """The value of a canonical column: `case[Col.REPLY_DATE]`, the one way code reads a case
        (typed per column; a column held in a variable gives Any). KeyError for a name that is no
        canonical column."""
        return getattr(self, _FIELD_OF[column])

    def ref(self, name: str) -> CellRef | None:
        """The cell a canonical column's value came from, or None when the ledger lacks the column."""
        letter = self.cells.get(name)
        return CellRef(sheet=self.sheet, row=self.row, column=letter) if letter else None

    def units(self) -> list[str]:
        """Every unit that handles this case: the 主办 first, then the 协办."""
        hosts = [self.host_unit] if self.host_unit else []
        return hosts + [u for u in self.co_units if u not in hosts]

    def canonical_values(self) -> dict[str, Any]:
        """{canonical name: value} for the columns the ledger has, dates as ISO strings."""
        out: dict[str, Any] = {}
        for name in self.cells:
            value = self[name]
            if isinstance(value, date):
                value = value.isoformat()
            elif BY_NAME[name].kind is Kind.UNITS:
                value = "、".join(value) or None
            out[name] = value
        return out
