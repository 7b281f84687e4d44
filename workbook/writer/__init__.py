"""The one writer of the 台账: lossless, atomic and lock-aware.

A zip patcher: every zip entry the write does not change is copied verbatim (local header and
compressed bytes); only the edited sheet XML, styles.xml, workbook.xml and its rels,
[Content_Types].xml and docProps/app.xml are rewritten (lxml, parse once, serialize once), and
tool-owned sheets are added as new parts. Before the original is replaced a fidelity check
compares the temp file with the original (see fidelity.py); the safety around the replace lives in
safety.py, including the TAIZHANG_FAULT fault-injection hook for tests. The master is never
overwritten blindly: it is renamed aside, verified by hash to be the file that was read, and the
new file is linked into place without overwriting, so a save by another program at that moment
ends in the ledger or in 备份 and the run exits 3 (the sequence and why it holds on local disks
and SMB shares: safety.py's module docs).

Tool-owned sheets carry a hidden defined name `_taizhang_tool_<n>` = `'<name>'!$A$1` (book.py).
Tool columns are recognised by their header text in the header row; tool fills by the exact
colours of TOOL_FILLS."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .model import TOOL_FILLS, CellValue, Chart, Hyperlink, Style, WriteResult

if TYPE_CHECKING:
    from .newbook import new_workbook_with_sheets
    from .safety import FAULT_POINTS
    from .toolsheet import ToolSheet
    from .writer import LedgerWriter

# Loaded when first used: a command that only reads imports neither the writer (lxml, filelock)
# nor openpyxl (newbook), and one that writes into a ledger never imports openpyxl.
_LAZY = {
    "FAULT_POINTS": "safety",
    "LedgerWriter": "writer",
    "ToolSheet": "toolsheet",
    "new_workbook_with_sheets": "newbook",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

__all__ = [
    "FAULT_POINTS",
    "TOOL_FILLS",
    "CellValue",
    "Chart",
    "Hyperlink",
    "LedgerWriter",
    "Style",
    "ToolSheet",
    "WriteResult",
    "new_workbook_with_sheets",
]
