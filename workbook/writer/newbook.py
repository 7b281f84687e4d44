"""Brand-new workbooks of tool sheets (reports, summaries): a minimal empty package filled through
the same LedgerWriter code path, so there is one XML generator."""

from __future__ import annotations

import contextlib
from pathlib import Path

from taizhang.core.errors import BadInput, os_error

from .package import build_zip
from .safety import temp_name
from .styles import MINIMAL_STYLES
from .toolsheet import ToolSheet
from .writer import LedgerWriter, WriteResult

_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'extended-properties" Target="docProps/app.xml"/>'
        "</Relationships>"
    ),
    "docProps/app.xml": (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<Application>台账助手</Application><HeadingPairs><vt:vector size="2" baseType="variant">'
        "<vt:variant><vt:lpstr>工作表</vt:lpstr></vt:variant><vt:variant><vt:i4>0</vt:i4></vt:variant>"
        '</vt:vector></HeadingPairs><TitlesOfParts><vt:vector size="0" baseType="lpstr"/></TitlesOfParts>'
        "</Properties>"
    ),
    "xl/workbook.xml": (
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<bookViews><workbookView activeTab="0"/></bookViews><sheets/><calcPr calcId="191029"/></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'styles" Target="styles.xml"/></Relationships>'
    ),
}


def empty_package() -> bytes:
    parts = {name: (_DECL + xml).encode() for name, xml in _PARTS.items()}
    parts["xl/styles.xml"] = MINIMAL_STYLES
    return build_zip(None, {}, parts, set())


def new_workbook_with_sheets(path: str | Path, sheets: list[ToolSheet]) -> WriteResult:
    """Write a new .xlsx holding these tool sheets (replacing `path` atomically if it exists)."""
    target = Path(path).resolve()
    if not sheets:
        raise BadInput(f"{target.name}：没有要写入的工作表。")
    if target.suffix.lower() != ".xlsx":
        raise BadInput(f"{target.name}：新建的工作簿须以 .xlsx 结尾。")
    target.parent.mkdir(parents=True, exist_ok=True)
    seed = temp_name(target, ".empty.xlsx")
    try:
        with open(seed, "xb") as f:
            f.write(empty_package())
        with LedgerWriter(seed, out=target) as w:
            for sheet in sheets:
                w.replace_sheet(sheet)
            result = w.commit()
    except OSError as err:
        raise os_error(err, target.name) or err from None
    finally:
        with contextlib.suppress(OSError):
            seed.unlink()
    return result
