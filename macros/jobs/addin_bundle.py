"""`taizhang addin bundle`: a folder to copy onto an intranet PC that installs everything offline.

    DIR/wheels/        the project's wheel and every dependency as win_amd64 wheels for the chosen
                       CPython versions, pywin32 included
    DIR/taizhang.xlam  the add-in
    DIR/安装.bat        makes a venv with the office's Python, installs from DIR/wheels only
                       (--no-index --find-links), puts the add-in into XLSTART and writes the
                       user config (taizhang addin install)

pip evaluates environment markers for the machine it runs on, not for --platform, so on Linux
`pip download` silently leaves out Windows-only dependencies (xlwings' pywin32, click's colorama).
They are named explicitly (WINDOWS_ONLY), and afterwards every wheel's requirements are evaluated
for Windows and the folder is completed until nothing is missing.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

from taizhang.core.errors import BadInput

WINDOWS_ONLY = ("pywin32", "colorama")
PLATFORM = "win_amd64"
DEFAULT_PYTHONS = ("3.11", "3.12")
INSTALL_DIR = r"C:\taizhang"  # ASCII, short, writable by users on a default Windows
BAT_NAME = "安装.bat"
BAT_ENCODING = "gbk"  # cmd.exe reads a .bat in the console's code page: 936 on Chinese Windows
_NAME = re.compile(r"[-_.]+")


def normalise(name: str) -> str:
    return _NAME.sub("-", name).lower()


def source_root() -> Path:
    """The checkout the running taizhang comes from (the bundle needs the source to build its wheel)."""
    import taizhang

    root = Path(taizhang.__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():
        raise BadInput(f"生成离线安装包需要台账助手的源码目录（含 pyproject.toml），而当前运行的是已安装的版本：{root}")
    return root


def _pip(args: list[str], what: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BadInput(f"{what}失败：\n" + (done.stderr or done.stdout).strip()[-1500:])


def build_wheel(root: Path, wheels: Path) -> Path:
    before = set(wheels.glob("taizhang-*.whl"))
    for old in before:
        old.unlink()
    _pip(["wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(wheels), str(root)], "构建台账助手的 wheel ")
    [wheel] = wheels.glob("taizhang-*.whl")
    return wheel


def download(wheels: Path, requirements: Iterable[str], python: str) -> None:
    _pip(["download", "--dest", str(wheels), "--only-binary=:all:", "--platform", PLATFORM,
          "--python-version", python, "--implementation", "cp", *requirements],
         f"下载 Python {python}（{PLATFORM}）的依赖包")


def windows_environment(python: str) -> dict[str, str]:
    return {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows", "platform_machine": "AMD64",
            "implementation_name": "cpython", "platform_python_implementation": "CPython",
            "python_version": python, "python_full_version": f"{python}.0", "extra": ""}


def _metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return z.read(name).decode("utf-8", "replace")


def _compatible(wheel: Path, python: str) -> bool:
    tags = wheel.stem.split("-")[-3:]  # python tag, abi tag, platform tag
    py, abi, plat = tags
    if plat != "any" and PLATFORM not in plat.split("."):
        return False
    nodot = python.replace(".", "")
    return any(t in ("py3", f"cp{nodot}") or (abi == "abi3" and t.startswith("cp3") and int(t[3:]) <= int(nodot[1:]))
               for t in py.split("."))


def missing_for_windows(wheels: Path, python: str) -> list[str]:
    """Requirements of the folder's wheels that hold on Windows but have no wheel in the folder."""
    from packaging.requirements import Requirement
    from packaging.utils import parse_wheel_filename

    env = windows_environment(python)
    present = {normalise(str(parse_wheel_filename(w.name)[0])) for w in wheels.glob("*.whl") if _compatible(w, python)}
    missing: set[str] = set()
    for wheel in wheels.glob("*.whl"):
        if not _compatible(wheel, python):
            continue
        for line in _metadata(wheel).splitlines():
            if not line.startswith("Requires-Dist:"):
                continue
            req = Requirement(line.split(":", 1)[1].strip())
            if (req.marker is None or req.marker.evaluate(env)) and normalise(req.name) not in present:
                missing.add(str(req).split(";")[0].strip())
    return sorted(missing)


def install_bat(pythons: tuple[str, ...]) -> str:
    """安装.bat (CRLF, written in GBK): only this folder's wheels, into a venv of a matching Python."""
    found = "\n".join(f'if not defined PY py -{v} -c "import sys" >nul 2>nul && set "PY=py -{v}"' for v in pythons)
    accepted = " ".join(pythons)
    # no "%" in a .bat line: cmd.exe would expand it
    check = ("import sys; v=str(sys.version_info[0])+'.'+str(sys.version_info[1]); "
             f"sys.exit(0 if v in '{accepted}'.split() else 1)")
    lines = f"""@echo off
rem 台账助手 离线安装：用本机的 Python 建立独立环境，只从本文件夹安装，不连网。
rem 用法：双击运行；或在命令提示符中运行  安装.bat D:\\taizhang  （指定安装位置，须为纯英文路径）
setlocal
set "HERE=%~dp0"
set "TARGET=%~1"
if "%TARGET%"=="" set "TARGET={INSTALL_DIR}"
echo 台账助手 离线安装
echo 安装位置：%TARGET%
echo.
set "PY="
{found}
if not defined PY python -c "{check}" >nul 2>nul && set "PY=python"
if not defined PY (
  echo 没有找到可用的 Python（需要 {" 或 ".join(pythons)}，64 位）。
  echo 请先按安装指南第 1 节安装 Python，再重新运行本文件。
  goto :fail
)
echo 使用 Python：%PY%
if exist "%TARGET%\\venv\\Scripts\\python.exe" (
  echo 已有旧的安装，将在原处更新。
) else (
  %PY% -m venv "%TARGET%\\venv" || goto :fail
)
"%TARGET%\\venv\\Scripts\\python.exe" -m pip install --no-index --find-links "%HERE%wheels" --upgrade taizhang {" ".join(WINDOWS_ONLY)} || goto :fail
"%TARGET%\\venv\\Scripts\\taizhang.exe" addin install --file "%HERE%taizhang.xlam" || goto :fail
echo.
echo 安装完成。请关闭所有 Excel 窗口后重新打开 Excel，功能区会出现“台账助手”选项卡。
echo 命令行程序：%TARGET%\\venv\\Scripts\\taizhang.exe
echo 若单位电脑启用了安全策略，请把以下程序交给信息化管理员设置例外：
echo   %TARGET%\\venv\\Scripts\\python.exe
pause
exit /b 0
:fail
echo.
echo 安装没有完成，请把本窗口的内容拍照或复制后发给维护人员。
pause
exit /b 1
"""
    return lines.replace("\n", "\r\n")


def make_bundle(out: Path, pythons: tuple[str, ...] = DEFAULT_PYTHONS) -> dict[str, list[str]]:
    """Fill `out` (see the module docstring); returns the wheel names per Python version."""
    from taizhang.workbook.addin import ADDIN_NAME, build_addin

    wheels = out / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    own = build_wheel(source_root(), wheels)
    for python in pythons:
        download(wheels, [str(own), *WINDOWS_ONLY], python)
        for _ in range(5):  # each round can bring in wheels with requirements of their own
            missing = missing_for_windows(wheels, python)
            if not missing:
                break
            download(wheels, missing, python)
        else:
            raise BadInput(f"Python {python} 的依赖包仍不完整：{'、'.join(missing)}")
    build_addin(out / ADDIN_NAME)
    (out / BAT_NAME).write_bytes(install_bat(pythons).encode(BAT_ENCODING))
    return {p: sorted(w.name for w in wheels.glob("*.whl") if _compatible(w, p)) for p in pythons}
