"""`taizhang addin bundle` on this machine: a folder whose wheels include pywin32 for win_amd64 and
install offline (`pip install --no-index --find-links`, checked for Windows with --dry-run
--platform win_amd64 --only-binary=:all:), the add-in, and an 安装.bat that installs from the
folder only. Downloads from the package index: skipped only when that index cannot be reached."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from taizhang.core.errors import BadInput
from taizhang.macros.cli.addin import addin
from taizhang.macros.jobs.addin_bundle import BAT_ENCODING, BAT_NAME, missing_for_windows

PYTHON = "3.11"
UNREACHABLE = re.compile(r"NewConnectionError|Max retries exceeded|Temporary failure in name resolution|"
                         r"Name or service not known|Network is unreachable|ConnectTimeout|ReadTimeout|"
                         r"Could not fetch URL", re.I)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "台账助手安装包"
    result = CliRunner().invoke(addin, ["bundle", "--out", str(out), "--python-version", PYTHON])
    if result.exit_code != 0 and UNREACHABLE.search(result.output):
        pytest.skip("the package index is unreachable: " + result.output[-300:])
    assert result.exit_code == 0, result.output
    return out


def _wheels(bundle: Path) -> list[str]:
    return sorted(p.name for p in (bundle / "wheels").glob("*.whl"))


@pytest.mark.registry
@pytest.mark.slow
def test_bundle_has_pywin32_for_windows_and_everything_else(bundle: Path) -> None:
    names = _wheels(bundle)
    assert any(re.fullmatch(r"pywin32-\d+-cp311-cp311-win_amd64\.whl", n) for n in names), names
    assert any(re.fullmatch(r"xlwings-0\.37\.8-cp311-cp311-win_amd64\.whl", n) for n in names), names
    assert any(n.startswith("taizhang-") for n in names)
    assert any(n.startswith("colorama-") for n in names)  # click's Windows-only dependency
    assert not any("linux" in n or "manylinux" in n or "macosx" in n for n in names)
    assert missing_for_windows(bundle / "wheels", PYTHON) == []
    [own] = (bundle / "wheels").glob("taizhang-*.whl")
    with zipfile.ZipFile(own) as z:  # `taizhang addin build` on the office PC needs the patch and sources
        assert {"taizhang/workbook/addin/vba/xlwings.patch", "taizhang/workbook/addin/vba/RibbonTaizhang.bas",
                "taizhang/workbook/addin/customUI14.xml"} <= set(z.namelist())
    assert (bundle / "taizhang.xlam").is_file()
    with zipfile.ZipFile(bundle / "taizhang.xlam") as z:
        assert "xl/vbaProject.bin" in z.namelist()


@pytest.mark.registry
@pytest.mark.slow
def test_bundle_installs_offline_for_windows(bundle: Path, tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links",
                           str(bundle / "wheels"), "--platform", "win_amd64", "--only-binary=:all:",
                           "--python-version", PYTHON, "--implementation", "cp", "--target", str(tmp_path / "x"),
                           "--report", str(tmp_path / "report.json"), "taizhang", "pywin32", "colorama"],
                          capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null"})
    assert done.returncode == 0, done.stdout + done.stderr
    import json

    installed = {i["metadata"]["name"].lower() for i in json.loads((tmp_path / "report.json").read_text())["install"]}
    assert {"taizhang", "xlwings", "pywin32", "pandas", "openpyxl", "python-calamine", "colorama"} <= installed


@pytest.mark.registry
@pytest.mark.slow
def test_install_bat_uses_only_the_folder(bundle: Path) -> None:
    raw = (bundle / BAT_NAME).read_bytes()
    text = raw.decode(BAT_ENCODING)
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert "--no-index --find-links \"%HERE%wheels\"" in text
    assert "-m venv" in text and "addin install --file \"%HERE%taizhang.xlam\"" in text
    pip_lines = [line for line in text.splitlines() if "pip install" in line]
    assert pip_lines and all("--no-index" in line for line in pip_lines)
    assert "%d" not in text.replace("%~dp0", "")  # cmd.exe would expand it


def test_bundle_outside_a_checkout_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import taizhang
    from taizhang.macros.jobs import addin_bundle

    monkeypatch.setattr(taizhang, "__file__", str(tmp_path / "site-packages" / "taizhang" / "__init__.py"))
    with pytest.raises(BadInput, match="源码目录"):
        addin_bundle.source_root()
