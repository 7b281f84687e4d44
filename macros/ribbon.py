"""The import path the installed add-in calls (`import taizhang.macros.ribbon as r; r.run(tag)`, see
workbook/addin/vba/RibbonTaizhang.bas). The entry itself is taizhang.macros.excel.ribbon; this name
stays so add-ins already installed keep working. Light: it imports nothing else."""

from taizhang.macros.excel.ribbon import run

__all__ = ["run"]
