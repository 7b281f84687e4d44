"""The add-in built from text sources: valid OOXML with both ribbon parts (validated against
Microsoft's schemas, icons from Excel's control list), ribbon callbacks that exist, tags that have
handlers, the pinned xlwings module plus our patch, VBA messages in Chinese, reproducible.
tests/test_addin_container.py checks the VBA container itself."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import xlwings
from click.testing import CliRunner
from lxml import etree

from taizhang.core.errors import BadInput
from taizhang.macros.cli.addin import addin
from taizhang.macros.excel import ribbon
from taizhang.macros.excel.ribbon import HANDLERS
from taizhang.workbook.addin import CALLBACK_MODULE, CONF_SHEET, addin_bytes, build_addin, vendor
from taizhang.workbook.addin.ovba import compress, decompress

CUSTOMUI_NS = "http://schemas.microsoft.com/office/2009/07/customui"
CUSTOMUI_2006_NS = "http://schemas.microsoft.com/office/2006/01/customui"
UI_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
UI_2006_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
REFERENCE = Path(__file__).resolve().parent.parent / "workbook" / "addin" / "reference"
VBA = Path(__file__).resolve().parent.parent / "workbook" / "addin" / "vba"
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


def _ribbon(xlam: Path, part: str = "customUI/customUI14.xml") -> etree._Element:
    with zipfile.ZipFile(xlam) as z:
        return etree.fromstring(z.read(part))


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
    ui_2006 = [r.get("Target") for r in rels if r.get("Type") == UI_2006_REL]
    assert ui_2006 == ["customUI/customUI.xml"] and ui_2006[0] in names  # Excel 2007 and WPS read this one
    assert len({r.get("Id") for r in rels}) == len(rels)
    assert _ribbon(xlam).tag == f"{{{CUSTOMUI_NS}}}customUI"
    assert _ribbon(xlam, "customUI/customUI.xml").tag == f"{{{CUSTOMUI_2006_NS}}}customUI"


@pytest.mark.parametrize(("part", "schema"), [("customUI/customUI14.xml", "customui14.xsd"),
                                              ("customUI/customUI.xml", "customUI.xsd")])
def test_ribbon_parts_validate_against_microsofts_schemas(xlam: Path, part: str, schema: str) -> None:
    xmlschema = pytest.importorskip("xmlschema")
    validator = xmlschema.XMLSchema(str(REFERENCE / schema))
    with zipfile.ZipFile(xlam) as z:
        text = z.read(part).decode("utf-8")
    validator.validate(text)
    broken = text.replace('size="large"', 'size="huge"', 1)  # negative control: the schema is really applied
    assert not validator.is_valid(broken)


def _control_ids() -> set[str]:
    lines = (REFERENCE / "excel_control_ids.txt").read_text(encoding="ascii").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def test_every_icon_is_an_excel_control_id(xlam: Path) -> None:
    ids = _control_ids()
    assert len(ids) > 1500 and {"AutoSum", "DataValidation", "Help"} <= ids
    assert not {"DateAndTimeInsert", "HighImportance"} & ids  # not Excel's: those buttons had no icon
    for part in ("customUI/customUI14.xml", "customUI/customUI.xml"):
        icons = [e.get("imageMso") for e in _ribbon(xlam, part).iter() if e.get("imageMso")]
        assert icons and set(icons) <= ids, set(icons) - ids


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
    found = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', code)
    assert found and found.group(1) == xlwings.__version__ == "0.37.8"
    assert 'PROJECT_NAME As String = "taizhang"' in code


def test_xlwings_module_is_upstream_plus_the_documented_patch() -> None:
    upstream = vendor.upstream_text().split("\n")
    patched = vendor.patched_text().split("\n")
    patch = (VBA / "xlwings.patch").read_text(encoding="ascii")
    preamble = patch[:patch.index("--- ")]
    assert "PROJECT_NAME" in preamble and "GetConfig" in preamble and "cmd.exe" in preamble
    removed = [line[1:] for line in patch[patch.index("--- "):].splitlines()[2:] if line.startswith("-")]
    assert removed and all(line in upstream for line in removed)
    # the committed patch is exactly the diff from upstream to what the add-in ships
    assert vendor.make_patch("\n".join(patched), preamble) == patch
    assert len(patched) - len(upstream) < 0 and len(removed) < 100  # a small patch
    assert not (VBA / "xlwings.bas").exists()  # no second copy to drift from the patch


def test_a_patch_that_no_longer_fits_is_refused() -> None:
    changed = vendor.upstream_text().replace('Public Const PROJECT_NAME As String = "myaddin"',
                                             'Public Const PROJECT_NAME As String = "other"')
    with pytest.raises(BadInput, match="补丁"):
        vendor.apply_patch(changed, (VBA / "xlwings.patch").read_text(encoding="ascii"))


def _function(code: str, name: str) -> str:
    found = re.search(rf"^(?:Public |Private )?Function {name}\b.*?^End Function", code, re.S | re.M)
    assert found, name
    return found.group(0)


def test_patched_config_reads_only_the_addin_sheet_and_the_user_file() -> None:
    """The VBA the add-in runs: a ledger's taizhang.conf sheet or a file beside it is never read."""
    code = vendor.patched_text()
    get_config = _function(code, "GetConfig")
    assert "ActiveWorkbook" not in get_config and "GetDirectoryConfigFilePath" not in get_config
    sheet_calls = re.findall(r"GetConfigFromSheet\((\w+)\)", code)
    assert sheet_calls and set(sheet_calls) == {"ThisWorkbook"}
    file_calls = re.findall(r"(?<!Function )GetConfigFromFile\(([^,]+),", code)
    assert file_calls and set(file_calls) == {"GetConfigFilePath()"}
    assert 'Environ("USERPROFILE") & "\\." & PROJECT_NAME & "\\" & PROJECT_NAME & ".conf"' in \
        _function(code, "GetConfigFilePath")
    run_python = _function(code, "RunPython")
    assert "For Each sht In wb.Worksheets" not in run_python  # no look for "*.py" sheets in the ledger
    assert 'GetConfig("ADD_WORKBOOK_TO_PYTHONPATH", "true")' not in code
    execute = "\n".join(line for line in _function(code, "ExecuteWindows").split("\n")
                        if not line.lstrip().startswith("'"))  # code, not comments
    assert "cmd.exe" not in execute and 'GetConfig("CONDA PATH")' not in execute
    assert "sys.path[:]=[p for p in sys.path if p]" in execute  # no module from the current folder
    upstream = vendor.upstream_text()  # the negative control: upstream did all of these
    assert "ActiveWorkbook" in _function(upstream, "GetConfig") and "cmd.exe" in _function(upstream, "ExecuteWindows")


def _decoded(line: str) -> str:
    return re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), line)


def _callback_source() -> str:
    return (VBA / "RibbonTaizhang.bas").read_text(encoding="ascii")


def test_callback_messages_are_chinese_and_name_the_command_line() -> None:
    code = _callback_source()
    consts = {m.group(1): _decoded(m.group(2)) for m in re.finditer(r'Private Const (\w+) As String = "([^"]*)"', code)}
    assert consts["TITLE"] == "台账助手"
    assert "请先打开台账" in consts["MSG_NO_BOOK"]
    assert "WPS" in consts["MSG_WPS"] and "命令提示符" in consts["MSG_WPS"]
    assert "错误 70" in consts["MSG_BLOCKED"] and "阻止所有 Office 应用程序创建子进程" in consts["MSG_BLOCKED"]
    cases = {m.group(1): _decoded(m.group(2)) for m in re.finditer(r'Case "(\w+)": CommandLine = "([^"]*)"', code)}
    # the same commands as Python says (a button added later falls to "taizhang --help" in WPS)
    assert cases and cases.items() <= ribbon.COMMAND_LINE.items()
    body = _function(code.replace("Sub TaizhangRibbon", "Function TaizhangRibbon").replace("End Sub\n\n' WPS",
                                                                                           "End Function\n\n' WPS"),
                     "TaizhangRibbon")
    # the checks come before RunPython: no workbook (error 91) and WPS never reach it
    assert body.index("ActiveWorkbook Is Nothing") < body.index("RunPython")
    assert body.index("IsWps()") < body.index("RunPython")
    assert "Err.Number = 70" in body


def test_the_callback_imports_the_documented_entry() -> None:
    assert f"RunPython \"import {ribbon.ENTRY} as r; r.run('\" & control.Tag & \"')\"" in _callback_source()


def test_config_sheet_turns_off_workbook_dir_on_pythonpath(xlam: Path) -> None:
    with zipfile.ZipFile(xlam) as z:
        workbook = z.read("xl/workbook.xml").decode()
        strings = [t.text for t in etree.fromstring(z.read("xl/sharedStrings.xml")).iter(
            "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t")]
    assert f'<sheet name="{CONF_SHEET}"' in workbook and "absPath" not in workbook
    assert strings[:2] == ["ADD_WORKBOOK_TO_PYTHONPATH", "False"]
    from taizhang.workbook.addin.config import ADDIN_SHEET

    assert [s for pair in ADDIN_SHEET for s in pair] == strings[:2]  # the Python side reads the same


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
