"""The 台账助手 Excel add-in (taizhang.xlam), built from the text sources in this folder.

Exports are loaded on first use: `taizhang.workbook.addin.config` must stay light to import (the
ribbon's 帮助 reads it), and the build imports xlwings."""

from __future__ import annotations

from typing import Any

__all__ = ["ADDIN_NAME", "CALLBACK_MODULE", "CONF_SHEET", "addin_bytes", "build_addin"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from taizhang.workbook.addin import build

        return getattr(build, name)
    raise AttributeError(name)
