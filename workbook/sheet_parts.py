"""What the tool reads straight from a saved .xlsx's XML, parsed with defusedxml (no DTD, no
entities): the part of a named worksheet, and the conditional formats it holds."""

from __future__ import annotations

import zipfile
from pathlib import Path

from defusedxml.ElementTree import fromstring

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def sheet_part(z: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part of the worksheet named `sheet` (workbook.xml and its relationships); None when
    the workbook has no such sheet."""
    try:
        book = fromstring(z.read("xl/workbook.xml"))
        rels = fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except KeyError:
        return None
    rid = next((el.get(f"{{{REL}}}id") for el in book.iter(f"{{{MAIN}}}sheet") if el.get("name") == sheet), None)
    target = next((el.get("Target") for el in rels if el.get("Id") == rid), None) if rid else None
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def conditional_formats(path: Path, sheet: str) -> set[tuple[str, str]]:
    """(sqref, formula) of every formula rule of the saved file's sheet; empty for an odd file (a
    caller then adds its rules again rather than miss them)."""
    try:
        with zipfile.ZipFile(path) as z:
            part = sheet_part(z, sheet)
            if part is None:
                return set()
            root = fromstring(z.read(part))
    except Exception:  # not a zip, a damaged or hostile part
        return set()
    return {(cf.get("sqref", ""), (f.text or "")) for cf in root.iter(f"{{{MAIN}}}conditionalFormatting")
            for f in cf.iter(f"{{{MAIN}}}formula")}
