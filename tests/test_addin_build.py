"""The add-in built from text sources: valid OOXML, a VBA project olevba and LibreOffice can read,
ribbon callbacks that exist, tags that have handlers, the pinned xlwings version, reproducible."""

from __future__ import annotations

import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
import xlwings
from click.testing import CliRunner
from lxml import etree

from taizhang.macros.addin_cmd import addin
from taizhang.macros.ribbon import HANDLERS
from taizhang.workbook.addin import CALLBACK_MODULE, CONF_SHEET, addin_bytes, build_addin
from taizhang.workbook.addin.ovba import compress, decompress

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
TAGS = ["check", "due", "mark_overdue", "summary", "split", "merge", "update_all", "settings", "holidays", "help"]
LABELS = ["校验", "计算时限", "标注逾期", "生成汇总", "分发各单位", "回收合并", "一键更新", "设置", "节假日", "帮助"]
olevba = pytest.importorskip("oletools.olevba")


@pytest.fixture(scope="module")
def xlam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin") / "taizhang.xlam")


@pytest.fixture(scope="module")
def modules(xlam: Path) -> dict[str, str]:
    parser = olevba.VBA_Parser(str(xlam))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _ribbon(xlam: Path) -> etree._Element:
    with zipfile.ZipFile(xlam) as z:
        return etree.fromstring(z.read("customUI/customUI14.xml"))


def test_is_an_ooxml_addin_with_a_2009_ribbon(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as z:
        assert z.testzip() is None
        names = z.namelist()
        types = etree.fromstring(z.read("[Content_Types].xml"))
        rels = etree.fromstring(z.read("_rels/.rels"))
    assert names[0] == "[Content_Types].xml"
    main = [o.get("ContentType") for o in types if o.get("PartName") == "/xl/workbook.xml"]
    assert main == ["application/vnd.ms-excel.addin.macroEnabled.main+xml"]
    assert any(o.get("PartName") == "/xl/vbaProject.bin" for o in types)
    ui = [r.get("Target") for r in rels if r.get("Type") == UI_REL]
    assert ui == ["customUI/customUI14.xml"] and ui[0] in names
    assert "customUI/customUI.xml" not in names
    assert _ribbon(xlam).tag == f"{{{CUSTOMUI_NS}}}customUI"


def test_ribbon_has_the_ten_buttons_on_one_callback(xlam: Path) -> None:
    ui = _ribbon(xlam)
    tab = ui.find(f".//{{{CUSTOMUI_NS}}}tab")
    assert tab is not None and tab.get("label") == "台账助手"
    buttons = ui.findall(f".//{{{CUSTOMUI_NS}}}button")
    assert [b.get("label") for b in buttons] == LABELS
    assert [b.get("tag") for b in buttons] == TAGS
    assert {b.get("onAction") for b in buttons} == {"TaizhangRibbon"}
    assert all(b.get("imageMso") for b in buttons)


def test_every_tag_has_a_python_handler(xlam: Path) -> None:
    tags = [b.get("tag") for b in _ribbon(xlam).iter(f"{{{CUSTOMUI_NS}}}button")]
    assert set(tags) == set(HANDLERS)


def test_olevba_lists_the_modules_and_shows_the_callback(modules: dict[str, str]) -> None:
    assert {CALLBACK_MODULE, "xlwings", "Dictionary", "ThisWorkbook"} <= set(modules)
    assert all(name.isascii() for name in modules)
    callback = modules[CALLBACK_MODULE]
    assert "Sub TaizhangRibbon(control As IRibbonControl)" in callback
    assert """RunPython "import taizhang.macros.ribbon as r; r.run('" & control.Tag & "')\"""" in callback


def test_every_onaction_names_a_sub_taking_a_ribbon_control(xlam: Path, modules: dict[str, str]) -> None:
    subs = {m.group(1) for code in modules.values()
            for m in re.finditer(r"^\s*(?:Public\s+)?Sub\s+(\w+)\(\s*\w+\s+As\s+IRibbonControl\s*\)", code, re.M)}
    actions = {b.get("onAction") for b in _ribbon(xlam).iter() if b.get("onAction")}
    assert actions and actions <= subs


def test_xlwings_module_is_the_pinned_version_and_names_our_config(modules: dict[str, str]) -> None:
    code = modules["xlwings"]
    assert re.search(r'XLWINGS_VERSION As String = "([^"]+)"', code).group(1) == xlwings.__version__ == "0.37.8"
    assert 'PROJECT_NAME As String = "taizhang"' in code


def test_config_sheet_turns_off_workbook_dir_on_pythonpath(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as z:
        workbook = z.read("xl/workbook.xml").decode()
        strings = [t.text for t in etree.fromstring(z.read("xl/sharedStrings.xml")).iter(
            "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t")]
    assert f'<sheet name="{CONF_SHEET}"' in workbook and "absPath" not in workbook
    assert strings[:2] == ["ADD_WORKBOOK_TO_PYTHONPATH", "False"]


def test_same_sources_give_the_same_bytes(xlam: Path) -> None:
    assert addin_bytes() == xlam.read_bytes()


@pytest.mark.parametrize("data", [b"", b"Attribute VB_Name = \"x\"\r\n", b"abc" * 5000, bytes(range(256)) * 40])
def test_ovba_compression_round_trips_through_oletools(data: bytes) -> None:
    packed = compress(data)
    assert bytes(olevba.decompress_stream(bytearray(packed))) == data
    assert decompress(packed) == data


def test_cli_build_writes_the_addin(tmp_path: Path) -> None:
    result = CliRunner().invoke(addin, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "taizhang.xlam").read_bytes() == addin_bytes()


def test_cli_install_refuses_off_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.platform", "linux")
    result = CliRunner().invoke(addin, ["install"])
    assert result.exit_code == 2
    assert "Windows" in result.output


@pytest.mark.libreoffice
def test_libreoffice_opens_the_addin_and_imports_its_vba(xlam: Path, soffice: str, tmp_path: Path) -> None:
    # LibreOffice 7.x does not detect .xlam by its extension: name the filter.
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                               "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods",
                               "--outdir", str(tmp_path), str(xlam)],
                              capture_output=True, text=True, timeout=180, check=False)
    produced = tmp_path / "taizhang.ods"
    assert done.returncode == 0 and produced.exists(), done.stdout + done.stderr
    with zipfile.ZipFile(produced) as z:
        basic = {n for n in z.namelist() if n.startswith("Basic/Taizhang/")}
        callback = z.read(f"Basic/Taizhang/{CALLBACK_MODULE}.xml").decode()
    assert {f"Basic/Taizhang/{m}.xml" for m in (CALLBACK_MODULE, "xlwings", "Dictionary")} <= basic
    assert "Sub TaizhangRibbon(control As IRibbonControl)" in callback
