"""Running LibreOffice headless in tests, as the real spreadsheet program that re-saves files."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FILTERS = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods",
    "csv": "csv:Text - txt - csv (StarCalc):44,34,76,1",
    "pdf": "pdf",
}


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: Path, fmt: str, out_dir: Path, timeout: float = 180) -> Path:
    """Open `source` in LibreOffice headless and save it as `fmt` in `out_dir`; return the new file.
    Each call has its own profile so parallel or leftover instances never interfere."""
    binary = soffice_binary()
    if binary is None:
        raise RuntimeError("soffice not found")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", FILTERS[fmt], "--outdir", str(out_dir), str(source)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    produced = out_dir / f"{source.stem}.{fmt}"
    if result.returncode != 0 or not produced.exists():
        raise RuntimeError(f"LibreOffice failed on {source.name}: {result.returncode} {result.stdout} {result.stderr}")
    return produced


def convert_many(sources: list[Path], fmt: str, out_dir: Path, timeout: float = 300) -> list[Path]:
    """Convert several files in one LibreOffice run (one start-up instead of one per file)."""
    binary = soffice_binary()
    if binary is None:
        raise RuntimeError("soffice not found")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", FILTERS[fmt], "--outdir", str(out_dir), *map(str, sources)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    produced = [out_dir / f"{s.stem}.{fmt}" for s in sources]
    missing = [p.name for p in produced if not p.exists()]
    if result.returncode != 0 or missing:
        raise RuntimeError(f"LibreOffice failed on {missing}: {result.returncode} {result.stdout} {result.stderr}")
    return produced
