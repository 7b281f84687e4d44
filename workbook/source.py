"""What the readers need of a workbook, whichever holds it: its worksheet names, a sheet's values as a
grid and its merged areas. Two sources implement it: a saved file (`taizhang.workbook.bounded.
BoundedBook`, calamine within bounds) and the workbook open in Excel (`taizhang.macros.excel.live.
LiveSource`, xlwings within a call budget). Choosing the ledger sheet, finding its header, reading
the settings sheets and the 变更记录 are written once against this (`taizhang.workbook.reader`), so
both paths take the same sheet and refuse the same workbooks."""

from __future__ import annotations

from typing import Any, Protocol

# Merged areas as 0-based (first_row, first_col, last_row, last_col).
Merged = list[tuple[int, int, int, int]]


class GridSource(Protocol):
    """A workbook as the readers see it (see the module docstring)."""

    @property
    def where(self) -> str:
        """How a message names the workbook: 文件“台账.xlsx”, 当前工作簿."""
        ...

    def worksheet_names(self) -> list[str]:
        """The worksheets in workbook order (chart sheets left out)."""
        ...

    def grid(self, name: str, nrows: int | None = None) -> list[list[Any]]:
        """The sheet's values from A1 (list indexes are Excel rows and columns minus one), at most
        `nrows` rows. Raises BadInput when the sheet cannot be read."""
        ...

    def merged(self, name: str) -> Merged:
        """The sheet's merged areas; [] when the source cannot tell."""
        ...
