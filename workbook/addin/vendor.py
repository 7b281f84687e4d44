"""Regenerate vba/xlwings.bas from the installed, pinned xlwings package.

    python -m taizhang.workbook.addin.vendor

xlwings ships the VBA module of its custom add-ins as text (`xlwings_custom_addin.bas`, BSD
3-clause, Zoomer Analytics; the licence stays at the top of the module). We keep a copy in the
repository so the add-in's source can be read and diffed, and change one line: PROJECT_NAME, which
names the add-in's config sheet (`taizhang.conf`) and user config file
(`%USERPROFILE%\\.taizhang\\taizhang.conf`). The build refuses a copy whose version differs from
the installed xlwings, so bump xlwings, then run this.
"""

from __future__ import annotations

import re
from pathlib import Path

import xlwings

VBA_DIR = Path(__file__).resolve().parent / "vba"
TARGET = VBA_DIR / "xlwings.bas"
PROJECT_NAME = "taizhang"
SOURCE_NAME = "xlwings_custom_addin.bas"


def source_path() -> Path:
    return Path(xlwings.__file__).resolve().parent / SOURCE_NAME


def vendored_text(original: str) -> str:
    text, count = re.subn(r'(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{PROJECT_NAME}"', original)
    if count != 1:
        raise ValueError(f"{SOURCE_NAME}: PROJECT_NAME constant not found once")
    return text


def main() -> None:
    raw = source_path().read_bytes().decode("cp1252")
    TARGET.write_bytes(vendored_text(raw).encode("cp1252"))
    print(f"{TARGET} <- {source_path()} (xlwings {xlwings.__version__})")


if __name__ == "__main__":
    main()
