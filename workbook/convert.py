"""LibreOffice headless as a converter: a legacy .xls master to .xlsx, a summary to PDF; and
which file holds a .xls master once it was converted (`current_ledger`).

LibreOffice writes into a private folder beside the target; the result is moved to its final
name only when the conversion succeeded, and the folder is removed whatever happens, so a
failed or timed-out conversion leaves nothing behind (no half-written file under a final name)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from taizhang.core.errors import BadInput

INSTALL_HINT = ("未找到 LibreOffice。请安装 LibreOffice（Windows 从官网下载安装；Debian/Ubuntu 运行 "
                "`sudo apt-get install libreoffice-calc-nogui`，或运行项目的 .ci/install-system.sh）后重试")
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(source: Path, fmt: str, out_dir: Path, timeout: float = 300, name: str | None = None) -> Path:
    """`source` converted by LibreOffice to `fmt` ("xlsx" or "pdf"), as `out_dir/name` (default:
    the source's stem with the new suffix). An existing file of that name is replaced only once
    the new one is complete."""
    binary = soffice()
    if binary is None:
        raise BadInput(INSTALL_HINT)
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / (name or f"{source.stem}.{fmt}")
    with tempfile.TemporaryDirectory(prefix=".taizhang-convert-", dir=out_dir) as work:
        folder = Path(work).resolve()  # LibreOffice takes its profile as a file URI: absolute
        code = _run([binary, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                     "--norestore", "--convert-to", FILTERS[fmt], "--outdir", str(folder), str(source)],
                    timeout, source.name)
        produced = folder / f"{source.stem}.{fmt}"
        if code != 0 or not produced.is_file() or produced.stat().st_size == 0:
            raise BadInput(f"LibreOffice 未能把“{source.name}”转换为 {fmt} 文件（返回码 {code}），"
                           "可能它不是 Excel 工作簿，或已损坏、设置了密码")
        os.replace(produced, target)
    return target


def _run(args: list[str], timeout: float, label: str) -> int:
    """Run LibreOffice in its own process group, so a timeout ends soffice.bin too."""
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=os.name == "posix")
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise BadInput(f"LibreOffice 转换“{label}”超时（{timeout:.0f} 秒）") from None
    except BaseException:
        _kill(proc)
        raise


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=10)


def written_by_tool(path: Path) -> bool:
    """Whether the workbook carries the tool's sheet markers (the tool wrote it)."""
    try:
        with zipfile.ZipFile(path) as z:
            return b"_taizhang_tool_" in z.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError):
        return False


def current_ledger(path: Path, *, writing: bool) -> tuple[Path, str]:
    """The file that holds a .xls master now: the .xlsx the tool converted it to, while that is
    the newer of the two. Returns the path to use and a note for the user ("" when unchanged)."""
    xlsx = path.with_suffix(".xlsx")
    if path.suffix.lower() != ".xls" or not xlsx.is_file() or not path.is_file() or not written_by_tool(xlsx):
        return path, ""
    if xlsx.stat().st_mtime_ns >= path.stat().st_mtime_ns:
        return xlsx, (f"“{path.name}”此前已转换为“{xlsx.name}”，台账助手的结果和此后的修改都在“{xlsx.name}”中，"
                      f"本次使用“{xlsx.name}”。以后请直接对“{xlsx.name}”运行命令。")
    if writing:
        raise BadInput(
            f"“{path.name}”此前已转换为“{xlsx.name}”（其中有台账助手写入的结果），但“{path.name}”在那之后又被修改过。"
            f"请确认以哪个文件为准：以“{xlsx.name}”为准，就对它运行命令；以“{path.name}”为准，"
            f"就先把“{xlsx.name}”改名或移走，再重新运行。"
        )
    return path, f"注意：“{xlsx.name}”中有此前写入的结果，但比“{path.name}”旧；本次读取“{path.name}”。"
