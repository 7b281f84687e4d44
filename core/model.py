"""A case (one ledger row) and the ledger as the tool understood it.

Every value remembers its source cell, so any message can point at it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from taizhang.core.columns import BY_NAME, COLUMNS, Kind


def column_letter(index: int) -> str:
    """0-based column index to Excel letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    """Excel letters to a 0-based column index: A -> 0."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


class CellRef(BaseModel):
    model_config = ConfigDict(frozen=True)

    sheet: str
    row: int  # Excel row number, 1-based
    column: str  # Excel column letter

    @property
    def a1(self) -> str:
        return f"{self.column}{self.row}"

    def __str__(self) -> str:
        return f"“{self.sheet}”工作表 {self.a1} 单元格"


class Unparsed(BaseModel):
    """A cell whose value could not be understood: kept raw, listed, never dropped."""

    sheet: str
    row: int
    column: str
    name: str  # canonical column name
    value: str
    reason: str

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}"


class Case(BaseModel):
    """One case. Attribute names are English; aliases are the canonical Chinese headers."""

    model_config = ConfigDict(populate_by_name=True)

    row: int
    sheet: str
    cells: dict[str, str] = Field(default_factory=dict)  # canonical name -> column letter
    extra: dict[str, Any] = Field(default_factory=dict)  # unknown columns, by their header

    seq: str | None = Field(None, alias="序号")
    number: str | None = Field(None, alias="编号")
    category: str | None = Field(None, alias="类别")
    level: str | None = Field(None, alias="级别")
    year: int | None = Field(None, alias="年度")
    session: str | None = Field(None, alias="届次会次")
    timing: str | None = Field(None, alias="提出时间")
    title: str | None = Field(None, alias="标题")
    lead: str | None = Field(None, alias="领衔人")
    cosigners: int | None = Field(None, alias="附议人数")
    delegation: str | None = Field(None, alias="代表团")
    phone: str | None = Field(None, alias="联系电话")
    role: str | None = Field(None, alias="本级承办方式")
    host_unit: str | None = Field(None, alias="主办单位")
    co_units: list[str] = Field(default_factory=list, alias="协办单位")
    assigned_date: date | None = Field(None, alias="交办日期")
    received_date: date | None = Field(None, alias="签收日期")
    key_case: bool | None = Field(None, alias="重点件")
    supervisor: str | None = Field(None, alias="督办领导")
    meeting_date: date | None = Field(None, alias="面商日期")
    co_opinion_date: date | None = Field(None, alias="协办意见日期")
    plan_date: date | None = Field(None, alias="办理方案日期")
    draft_date: date | None = Field(None, alias="答复样稿日期")
    reply_date: date | None = Field(None, alias="正式答复日期")
    reply_number: str | None = Field(None, alias="答复文号")
    result: str | None = Field(None, alias="办理结果")
    opinion: str | None = Field(None, alias="代表意见")
    rereply_date: date | None = Field(None, alias="重新答复日期")
    plan_deadline: date | None = Field(None, alias="B类计划解决时限")
    progress: str | None = Field(None, alias="落实进展")
    extended_to: date | None = Field(None, alias="延期至")
    extension_reason: str | None = Field(None, alias="延期理由")
    returned_date: date | None = Field(None, alias="退回日期")
    return_reason: str | None = Field(None, alias="退回理由")
    filed_date: date | None = Field(None, alias="备案日期")
    review_date: date | None = Field(None, alias="回头看日期")
    publish_date: date | None = Field(None, alias="公开日期")
    disclosure: str | None = Field(None, alias="公开属性")
    disclosure_reason: str | None = Field(None, alias="不公开理由")
    remark: str | None = Field(None, alias="备注")

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

    def get(self, name: str) -> Any:
        """The value of a canonical column by its Chinese name."""
        return getattr(self, BY_NAME[name].field)

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
            value = self.get(name)
            if isinstance(value, date):
                value = value.isoformat()
            elif BY_NAME[name].kind is Kind.UNITS:
                value = "、".join(value) or None
            out[name] = value
        return out


class Ledger(BaseModel):
    """How the tool understood a workbook's ledger sheet."""

    path: str
    sheet: str
    header_row: int  # the last header row; data starts below it
    header_rows: list[int]
    columns: dict[str, str]  # canonical name -> column letter
    extra_columns: dict[str, str] = Field(default_factory=dict)  # other header -> column letter
    tool_columns: dict[str, str] = Field(default_factory=dict)  # 【系统】 header -> column letter
    last_column: str  # the last user column (tool columns go after it)
    year: int | None = None
    cases: list[Case] = Field(default_factory=list)
    unparsed: list[Unparsed] = Field(default_factory=list)

    def case_at(self, row: int) -> Case | None:
        for case in self.cases:
            if case.row == row:
                return case
        return None


CANONICAL_ORDER: tuple[str, ...] = tuple(c.name for c in COLUMNS)
