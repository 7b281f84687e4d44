"""Build taizhang.xlam from the text sources beside this file, reproducibly, on any OS.

The base is `quickstart_addin_ribbon.xlam` from the installed, pinned xlwings package (read at
build time, never committed): its VBA project already holds the Office reference (for
IRibbonControl), the Dictionary class and the document modules Excel expects. We
  * put our ribbon in place of the template's: customUI14.xml (the 2009/07 namespace, Excel 2010
    and later) and the same buttons as customUI.xml in the 2006/01 namespace (Excel 2007, and the
    part WPS reads), both from customUI14.xml,
  * rebuild xl/vbaProject.bin: the callback module becomes vba/RibbonTaizhang.bas, the xlwings
    module is the installed xlwings' own text with vba/xlwings.patch applied (vendor.py), both
    stored as compressed source only (MS-OVBA; the template's _VBA_PROJECT stream carries no
    p-code cache, so Excel compiles from the source on open); the template's MSForms reference
    (FM20.DLL, unused; where it is not registered the whole project fails to compile) is dropped,
  * activate the add-in's config sheet as `taizhang.conf` with ADD_WORKBOOK_TO_PYTHONPATH False,
  * write the zip with fixed timestamps, so the same sources give a byte-identical file.
"""

from __future__ import annotations

import re
import struct
import zipfile
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import xlwings

from taizhang.core.errors import BadInput
from taizhang.workbook.addin import cfb, vendor
from taizhang.workbook.addin.config import ADDIN_SHEET
from taizhang.workbook.addin.ovba import Record, compress, decompress, dump_dir, parse_dir

HERE = Path(__file__).resolve().parent
VBA_DIR = HERE / "vba"
CUSTOM_UI = HERE / "customUI14.xml"
UI14_NS, UI_NS = (b"http://schemas.microsoft.com/office/2009/07/customui",
                  b"http://schemas.microsoft.com/office/2006/01/customui")
UI14_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
UI_REL = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
ADDIN_NAME = "taizhang.xlam"
TEMPLATE_NAME = "quickstart_addin_ribbon.xlam"
PROJECT_NAME = "Taizhang"  # the VBA project's name, as the VBA editor shows it
CONF_SHEET = "taizhang.conf"  # xlwings reads PROJECT_NAME & ".conf" (vba/xlwings.bas)
CONFIG = ADDIN_SHEET  # a .py beside an emailed ledger must not run (config.py reads the same)
DROPPED_REFERENCES = ("MSForms",)
CONF_NOTE = ("台账助手加载项设置（xlwings 读取 A、B 两列）。Python 解释器路径由 taizhang addin install "
             r"写入 %USERPROFILE%\.taizhang\taizhang.conf。")
CALLBACK_MODULE = "RibbonTaizhang"
# Template module -> (our module name, our source file). Other modules are kept as they are.
REPLACED = {"RibbonMyAddin": (CALLBACK_MODULE, "RibbonTaizhang.bas"), "xlwings": ("xlwings", "xlwings.bas")}
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CORE_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>台账助手</dc:title>'
            '<dc:creator>台账助手</dc:creator></cp:coreProperties>')

# dir stream record ids (MS-OVBA 2.3.4.2)
PROJECTCODEPAGE, PROJECTNAME, REFERENCENAME = 0x03, 0x04, 0x16
PROJECTMODULES = 0x0F  # the modules follow the references
MODULENAME, MODULENAMEUNICODE, MODULESTREAMNAME, MODULESTREAMNAMEUNICODE, MODULEOFFSET = (
    0x19, 0x47, 0x1A, 0x32, 0x31)


def template_path() -> Path:
    path = Path(xlwings.__file__).resolve().parent / TEMPLATE_NAME
    if not path.is_file():
        raise BadInput(f"找不到 xlwings 自带的加载项模板 {path}：请重新安装 xlwings=={xlwings.__version__}")
    return path


def vba_version(source: str) -> str | None:
    found = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', source)
    return found.group(1) if found else None


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def module_source(name: str) -> str:
    """A module's source as VBA stores it (CRLF line ends, whatever the checkout did to them):
    a .bas file of ours, or for "xlwings.bas" the patched upstream module."""
    if name == "xlwings.bas":
        return _crlf(vendor.patched_text())
    return _crlf((VBA_DIR / name).read_bytes().decode("ascii"))


def drop_references(records: list[Record], codepage: str, names: tuple[str, ...] = DROPPED_REFERENCES
                    ) -> list[Record]:
    """The dir records without the named references: each runs from its REFERENCENAME record to
    the next reference's name (or the modules). A control reference repeats its name inside
    itself (NameRecordExtended), which stays part of the same reference."""
    out: list[Record] = []
    dropping: str | None = None
    for rec in records:
        if rec.id == PROJECTMODULES:
            dropping = None
        elif rec.id == REFERENCENAME:
            name = rec.body.decode(codepage)
            if name != dropping:
                dropping = name if name in names else None
        if dropping is None:
            out.append(rec)
    return out


def vba_project(template: bytes, sources: dict[str, str]) -> bytes:
    """The template's vbaProject.bin with the REPLACED modules renamed and their source swapped."""
    streams = cfb.read(template)
    records = parse_dir(decompress(streams["VBA/dir"]))
    codepage = next(f"cp{struct.unpack('<H', r.body)[0]}" for r in records if r.id == PROJECTCODEPAGE)
    records = drop_references(records, codepage)
    current: str | None = None
    for rec in records:
        if rec.id == PROJECTNAME:
            rec.body = PROJECT_NAME.encode(codepage)
        elif rec.id == MODULENAME:
            current = rec.body.decode(codepage)
        if current not in REPLACED:
            continue
        new = REPLACED[current][0]
        if rec.id in (MODULENAME, MODULESTREAMNAME):
            rec.body = new.encode(codepage)
        elif rec.id in (MODULENAMEUNICODE, MODULESTREAMNAMEUNICODE):
            rec.body = new.encode("utf-16-le")
        elif rec.id == MODULEOFFSET:
            rec.body = struct.pack("<I", 0)  # the stream is source only
    streams["VBA/dir"] = compress(dump_dir(records))
    for old, (new, _) in REPLACED.items():
        del streams[f"VBA/{old}"]
        streams[f"VBA/{new}"] = compress(sources[new].encode(codepage))
    project = _project_text(streams["PROJECT"].decode(codepage))
    streams["PROJECT"] = project.encode(codepage)
    streams["PROJECTwm"] = _project_wm(project, codepage)
    return cfb.write(streams)


def _project_text(text: str) -> str:
    renames = {old: new for old, (new, _) in REPLACED.items()}
    lines = []
    for line in text.split("\r\n"):
        key, sep, value = line.partition("=")
        if key == "Name":
            line = f'Name="{PROJECT_NAME}"'
        elif key == "Module" and value in renames:
            line = f"Module={renames[value]}"
        elif sep and key in renames:  # [Workspace] window positions
            line = f"{renames[key]}={value}"
        lines.append(line)
    return "\r\n".join(lines)


def _project_wm(project: str, codepage: str) -> bytes:
    """PROJECTwm: each module's name in the code page and in UTF-16 (MS-OVBA 2.3.3)."""
    out = bytearray()
    for line in project.split("\r\n"):
        key, _, value = line.partition("=")
        if key in ("Module", "Class", "BaseClass", "Document"):
            name = value.split("/")[0]
            out += name.encode(codepage) + b"\x00" + name.encode("utf-16-le") + b"\x00\x00"
    return bytes(out + b"\x00\x00")


def _conf_sheet(template_sheet: str) -> tuple[str, str]:
    """The config sheet and its shared strings: key in A, value in B, a note in D1."""
    strings: list[str] = []

    def s(text: str) -> str:
        strings.append(text)
        return str(len(strings) - 1)

    rows = []
    for i, (key, value) in enumerate(CONFIG, start=1):
        cells = f'<c r="A{i}" t="s"><v>{s(key)}</v></c><c r="B{i}" t="s"><v>{s(value)}</v></c>'
        if i == 1:
            cells += f'<c r="D{i}" t="s"><v>{s(CONF_NOTE)}</v></c>'
        rows.append(f'<row r="{i}">{cells}</row>')
    code_name = re.search(r'<sheetPr codeName="([^"]+)"', template_sheet)
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             f'<sheetPr codeName="{code_name.group(1) if code_name else "Sheet2"}"/>'
             f'<dimension ref="A1:D{len(CONFIG)}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"/>'
             '</sheetViews><sheetFormatPr defaultRowHeight="15.75"/><cols>'
             '<col min="1" max="1" width="32" customWidth="1"/><col min="2" max="2" width="10" customWidth="1"/>'
             f'</cols><sheetData>{"".join(rows)}</sheetData>'
             '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              f'count="{len(strings)}" uniqueCount="{len(strings)}">'
              + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings) + "</sst>")
    return sheet, shared


def ribbon_2006(ui14: bytes) -> bytes:
    """The same ribbon in the 2006/01 namespace (the buttons use nothing newer)."""
    if ui14.count(UI14_NS) != 1:
        raise BadInput("customUI14.xml 应只声明一次 2009/07 customui 命名空间")
    return ui14.replace(UI14_NS, UI_NS)


def _rels(text: str) -> str:
    """The package relationships: the template's 2009/07 ribbon (its 2007 relationship type) now
    points at customUI14.xml, and the 2006/01 one (2006 type) at customUI.xml."""
    text = re.sub(r'<Relationship [^>]*Type="' + re.escape(UI14_REL) + r'"[^>]*/>', "", text)
    ours = (f'<Relationship Id="rIdUI14" Type="{UI14_REL}" Target="customUI/customUI14.xml" />'
            f'<Relationship Id="rIdUI" Type="{UI_REL}" Target="customUI/customUI.xml" />')
    return text.replace("</Relationships>", ours + "</Relationships>")


def _workbook_xml(text: str) -> str:
    text = re.sub(r'<sheet name="[^"]*"', f'<sheet name="{CONF_SHEET}"', text, count=1)
    # The template remembers its author's folder (x15ac:absPath); drop it.
    return re.sub(r"<mc:AlternateContent.*?</mc:AlternateContent>", "", text, flags=re.S)


def addin_parts() -> dict[str, bytes]:
    """Every part of the add-in, by zip name."""
    sources = {new: module_source(file) for new, file in REPLACED.values()}
    found = vba_version(sources["xlwings"])
    if found != xlwings.__version__:
        raise BadInput(f"加载项中 xlwings VBA 模块的版本（{found}）与已安装的 xlwings（{xlwings.__version__}）不一致："
                       "请按 workbook/addin/vendor.py 的说明重做 vba/xlwings.patch")
    with zipfile.ZipFile(template_path()) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    old_ui = "customUI/customUI.xml"
    parts.pop(old_ui)
    ui14 = CUSTOM_UI.read_bytes()
    parts["customUI/customUI14.xml"] = ui14
    parts["customUI/customUI.xml"] = ribbon_2006(ui14)
    parts["_rels/.rels"] = _rels(parts["_rels/.rels"].decode("utf-8")).encode("utf-8")
    parts["xl/vbaProject.bin"] = vba_project(parts["xl/vbaProject.bin"], sources)
    parts["xl/workbook.xml"] = _workbook_xml(parts["xl/workbook.xml"].decode("utf-8")).encode("utf-8")
    sheet, shared = _conf_sheet(parts["xl/worksheets/sheet1.xml"].decode("utf-8"))
    parts["xl/worksheets/sheet1.xml"] = sheet.encode("utf-8")
    parts["xl/sharedStrings.xml"] = shared.encode("utf-8")
    parts["docProps/core.xml"] = CORE_XML.encode("utf-8")
    return parts


def addin_bytes() -> bytes:
    """The add-in taizhang.xlam as bytes: the same sources always give the same bytes."""
    parts = addin_parts()
    order = ["[Content_Types].xml", "_rels/.rels", *sorted(n for n in parts if n not in ("[Content_Types].xml",
                                                                                          "_rels/.rels"))]
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in order:
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0  # as Windows writes it, whatever OS builds
            info.external_attr = 0
            z.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()


def build_addin(out: Path | None = None) -> Path:
    """Write the add-in to `out` (a file, or a folder to put taizhang.xlam in); return its path."""
    target = Path(out) if out else Path(ADDIN_NAME)
    if target.is_dir():
        target = target / ADDIN_NAME
    if target.suffix.lower() != ".xlam":
        raise BadInput(f"加载项文件名应以 .xlam 结尾：{target.name}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(addin_bytes())
    return target
