"""LibreOffice headless as a converter: a legacy .xls master to .xlsx, a summary to PDF."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from taizhang.core.errors import BadInput

INSTALL_HINT = ("未找到 LibreOffice。请安装 LibreOffice（Windows 从官网下载安装；Debian/Ubuntu 运行 "
                "`sudo apt-get install libreoffice-calc-nogui`，或运行项目的 .ci/install-system.sh）后重试")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: Path, fmt: str, out_dir: Path, timeout: float = 300) -> Path:
    """`source` converted by LibreOffice to `fmt` ("xlsx" or "pdf") in `out_dir`."""
    binary = soffice()
    if binary is None:
        raise BadInput(INSTALL_HINT)
    filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf"}
    out_dir.mkdir(parents=True, exist_ok=True)
    produced = out_dir / f"{source.stem}.{fmt}"
    produced.unlink(missing_ok=True)  # a file left from an earlier run must not pass for this one
    with tempfile.TemporaryDirectory(prefix="taizhang-lo-") as profile:
        try:
            done = subprocess.run([binary, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                                   "--norestore", "--convert-to", filters[fmt], "--outdir", str(out_dir),
                                   str(source)], capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise BadInput(f"LibreOffice 转换“{source.name}”超时（{timeout:.0f} 秒）") from None
    if done.returncode != 0 or not produced.exists():
        raise BadInput(f"LibreOffice 未能把“{source.name}”转换为 {fmt} 文件（返回码 {done.returncode}）")
    return produced
