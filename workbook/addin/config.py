"""The add-in's settings, as its patched xlwings module reads them (vba/xlwings.patch, GetConfig):
first the add-in's own `taizhang.conf` sheet (written by the build from ADDIN_SHEET), then the
user's %USERPROFILE%\\.taizhang\\taizhang.conf (written by `taizhang addin install` / 安装.bat).
Nothing else: not a `taizhang.conf` sheet of the open workbook, not a file beside it. This module
takes no workbook at all, so no ledger can change what it returns. Light to import (the ribbon's
帮助 uses it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# The add-in's config sheet: key in column A, value in B. The build writes exactly these rows.
ADDIN_SHEET: tuple[tuple[str, str], ...] = (("ADD_WORKBOOK_TO_PYTHONPATH", "False"),)
PROJECT = "taizhang"  # xlwings' PROJECT_NAME: names the sheet and the user's file
_FIELD = re.compile(r'"([^"]*)"')


def user_config_path() -> Path:
    """The user config the add-in's xlwings module reads."""
    return Path(os.environ.get("USERPROFILE") or Path.home()) / f".{PROJECT}" / f"{PROJECT}.conf"


OFFICE_CONFIG_NAME = "周检.toml"


def office_config_path() -> Path:
    """Where the ribbon looks for the office's mail settings (the `taizhang weekly` config, with
    [email] and [imap]): beside the user config, in the user's own folder. Never beside the ledger and
    never in a sheet: a workbook from outside must not be able to point the add-in at another mail
    server. `taizhang schedule --init` can write it there."""
    return user_config_path().parent / OFFICE_CONFIG_NAME


def user_config_text(interpreter: str) -> str:
    # VBA's `Input #` reads comma-separated quoted fields, one setting a line.
    return f'"INTERPRETER_WIN","{interpreter}"\r\n"ADD_WORKBOOK_TO_PYTHONPATH","False"\r\n'


def parse_user_config(text: str) -> dict[str, str]:
    """KEY -> value of a user config file ("KEY","value" a line); the first line of a key wins,
    as VBA's GetConfigFromFile stops at the first match."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        fields = _FIELD.findall(line)
        if len(fields) >= 2:
            out.setdefault(fields[0].upper(), fields[1])
    return out


def read_user_config(path: Path | None = None) -> dict[str, str]:
    path = path or user_config_path()
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    for encoding in ("utf-8", "mbcs", "gbk"):  # `taizhang addin install` writes the ANSI code page
        try:
            return parse_user_config(data.decode(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
    return parse_user_config(data.decode("latin-1"))


def effective_config(user_file: Path | None = None) -> dict[str, str]:
    """The settings the add-in runs with: the add-in's sheet wins over the user's file."""
    config = read_user_config(user_file)
    config.update({key.upper(): value for key, value in ADDIN_SHEET})
    return config
