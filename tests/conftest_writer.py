"""Helpers shared by the writer tests (imported, not a pytest conftest)."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from collections import Counter
from pathlib import Path

from lxml import etree
from python_calamine import CalamineWorkbook

FOREIGN = Path(__file__).resolve().parents[2] / "shared" / "fixtures" / "foreign"


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def tag_paths(data: bytes) -> Counter[str]:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=True))
    out: Counter[str] = Counter()

    def walk(el: etree._Element, path: str) -> None:
        for sub in el:
            p = f"{path}/{etree.QName(sub).localname if isinstance(sub.tag, str) else '#'}"
            out[p] += 1
            walk(sub, p)

    walk(root, etree.QName(root).localname)
    return out


def read_sheet(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def worksheet_cells(path: Path) -> dict[str, dict[tuple[int, int], object]]:
    """Every worksheet's non-empty cells by (row, column), 1-based, as calamine reads them."""
    book = CalamineWorkbook.from_path(str(path))
    out: dict[str, dict[tuple[int, int], object]] = {}
    for meta in book.sheets_metadata:
        if str(meta.typ).endswith("WorkSheet"):
            rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            cells = ((r, c, v) for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1))
            out[meta.name] = {(r, c): v for r, c, v in cells if v not in ("", None)}
    return out


def cell(rows: list[list[object]], ref_row: int, ref_col: int) -> object:
    if ref_row - 1 < len(rows) and ref_col - 1 < len(rows[ref_row - 1]):
        return rows[ref_row - 1][ref_col - 1]
    return None


def soffice() -> str | None:
    return shutil.which("soffice")


def convert_with_libreoffice(path: Path, outdir: Path, fmt: str = "pdf") -> Path:
    profile = outdir / "lo-profile"
    proc = subprocess.run(
        [
            str(soffice()),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    result = outdir / (path.stem + "." + fmt)
    assert proc.returncode == 0, proc.stderr
    assert result.is_file() and result.stat().st_size > 0, proc.stdout + proc.stderr
    return result


def make_ledger(path: Path, rows: int = 20) -> Path:
    """A small 台账 as a user keeps it: header row 2, a user fill on C4, a formula over column E."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    title = book.add_format({"bold": True, "font_size": 16})
    user_fill = book.add_format({"bg_color": "#FFFF00"})
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range("A1:E1", "2025年人大代表建议办理台账", title)
    sheet.write_row(1, 0, ["编号", "标题", "承办单位", "交办日期", "件数"])
    for i in range(rows):
        r = i + 2
        sheet.write(r, 0, f"J{i + 1:03d}")
        sheet.write(r, 1, f"关于第{i + 1}项工作的建议")
        sheet.write(r, 2, "住建局" if i % 2 else "交通局", user_fill if r == 2 else None)
        sheet.write_datetime(r, 3, __import__("datetime").datetime(2025, 3, 1 + i % 28), date_fmt)
        sheet.write(r, 4, 1)
    sheet.write_formula(rows + 2, 4, f"=SUM(E3:E{rows + 2})", None, rows)
    book.add_worksheet("说明").write(0, 0, "用户自己的说明页")
    book.close()
    return path
