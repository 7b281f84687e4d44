"""The built vbaProject.bin against the Excel-made xlwings template it comes from, and against
strict readers: olefile and olevba, Apache POI, SheetJS cfb, a strict MS-CFB check of our own
(tests/cfb_strict.py) and LibreOffice's VBA import, with a deliberately broken project as a
negative control for each check that could otherwise pass vacuously."""

from __future__ import annotations

import io
import json
import shutil
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
import xlwings

from taizhang.workbook.addin import build, vendor
from tests.cfb_strict import check as strict_check

olefile = pytest.importorskip("olefile")
olevba = pytest.importorskip("oletools.olevba")

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(xlwings.__file__).resolve().parent / "quickstart_addin_ribbon.xlam"
RENAMED = {"RibbonMyAddin": "RibbonTaizhang"}
REPLACED = {"RibbonTaizhang", "xlwings"}
SOURCES = {"RibbonTaizhang": lambda: (ROOT / "workbook/addin/vba/RibbonTaizhang.bas").read_text("ascii"),
           "xlwings": vendor.patched_text}


@pytest.fixture(scope="module")
def xlam(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build.build_addin(tmp_path_factory.mktemp("container") / "taizhang.xlam")


def _bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/vbaProject.bin")


def _streams(data: bytes) -> dict[str, bytes]:
    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        return {"/".join(p): ole.openstream(p).read() for p in ole.listdir(streams=True, storages=False)}


def _records(data: bytes) -> list[tuple[int, bytes]]:
    """The dir stream as (id, body), by MS-OVBA 2.3.4.2 (PROJECTVERSION's size field says 4, 6 follow)."""
    out, pos = [], 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        size = 6 if rid == 0x09 else size
        out.append((rid, data[pos + 6:pos + 6 + size]))
        pos += 6 + size
    return out


def _dir(streams: dict[str, bytes]) -> list[tuple[int, bytes]]:
    return _records(bytes(olevba.decompress_stream(bytearray(streams["VBA/dir"]))))


@pytest.fixture(scope="module")
def pair(xlam: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    with zipfile.ZipFile(TEMPLATE) as z:
        template = _streams(z.read("xl/vbaProject.bin"))
    return template, _streams(_bin(xlam))


# ---------------------------------------------------------------- against the Excel-made template

def test_only_the_intended_streams_differ(pair: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    template, built = pair
    renamed = {f"VBA/{RENAMED.get(n.split('/')[-1], n.split('/')[-1])}" if n.startswith("VBA/") else n
               for n in template}
    assert set(built) == renamed
    for name, data in template.items():
        module = name.split("/")[-1]
        if name in ("VBA/dir", "PROJECT", "PROJECTwm") or RENAMED.get(module, module) in REPLACED:
            continue
        assert built[name] == data, name  # ThisWorkbook, Sheet2, Dictionary, _VBA_PROJECT untouched


def test_dir_differs_only_in_name_references_and_the_replaced_modules(
        pair: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    template, built = _dir(pair[0]), _dir(pair[1])
    expected: list[tuple[int, bytes]] = []
    in_msforms, module = False, None
    for rid, body in template:
        if rid == 0x16:  # REFERENCENAME: the MSForms reference runs until the next reference's name
            in_msforms = body == b"MSForms" or (in_msforms and body == b"MSForms")
        if rid == 0x0F:
            in_msforms = False
        if in_msforms:
            continue
        if rid == 0x04:
            body = b"Taizhang"
        if rid == 0x19:
            module = body.decode("cp1252")
        new = RENAMED.get(module or "", module)
        if new in REPLACED:
            if rid in (0x19, 0x1A):
                body = new.encode("cp1252")
            elif rid in (0x47, 0x32):
                body = new.encode("utf-16-le")
            elif rid == 0x31:
                body = struct.pack("<I", 0)  # source only: no p-code before it
        expected.append((rid, body))
    assert built == expected
    names = [body for rid, body in built if rid == 0x16]
    assert b"MSForms" not in names and b"Office" in names
    assert not any(b"FM20" in body or b"felix" in body for _, body in built)


def _project_lines(data: bytes) -> list[str]:
    return data.decode("cp1252").split("\r\n")


def test_project_stream_differs_only_in_the_name_and_renamed_module(
        pair: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    template, built = (_project_lines(s["PROJECT"]) for s in pair)
    assert len(template) == len(built)
    changed = [(a, b) for a, b in zip(template, built, strict=True) if a != b]
    assert changed == [("Module=RibbonMyAddin", "Module=RibbonTaizhang"), ('Name="MyAddin"', 'Name="Taizhang"'),
                       ("RibbonMyAddin=98, 98, 2227, 906, C", "RibbonTaizhang=98, 98, 2227, 906, C")]


def _decrypt(hex_text: str) -> tuple[int, int, bytes]:
    """MS-OVBA 2.4.3.3: (version, project key, data) of CMG/DPB/GC."""
    enc = bytes.fromhex(hex_text)
    seed, version_enc, key_enc = enc[0], enc[1], enc[2]
    version, key = seed ^ version_enc, seed ^ key_enc
    unenc1, enc1, enc2 = key, key_enc, version_enc
    out = bytearray()
    for byte_enc in enc[3:]:
        byte = byte_enc ^ ((enc2 + unenc1) & 0xFF)
        out.append(byte)
        enc2, enc1, unenc1 = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", out, ignored)[0]
    return version, key, bytes(out[ignored + 4:ignored + 4 + length])


def test_protection_fields_stay_consistent_with_the_project_id(
        pair: tuple[dict[str, bytes], dict[str, bytes]]) -> None:
    fields = dict(line.split("=", 1) for line in _project_lines(pair[1]["PROJECT"]) if "=" in line)
    project_id = fields["ID"].strip('"')
    key = sum(project_id.encode("cp1252")) & 0xFF
    for name in ("CMG", "DPB", "GC"):
        version, found_key, data = _decrypt(fields[name].strip('"'))
        assert (version, found_key) == (2, key), name
        assert data, name
    template = dict(line.split("=", 1) for line in _project_lines(pair[0]["PROJECT"]) if "=" in line)
    assert {k: fields[k] for k in ("ID", "CMG", "DPB", "GC")} == {k: template[k] for k in ("ID", "CMG", "DPB", "GC")}


def test_every_module_decompresses_to_its_source(xlam: Path) -> None:
    parser = olevba.VBA_Parser(str(xlam))
    try:
        modules = {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    for name, source in SOURCES.items():
        expected = source().replace("\r\n", "\n").rstrip("\n")
        assert modules[name].replace("\r\n", "\n").rstrip("\n") == expected, name


# ---------------------------------------------------------------- strict readers

def test_strict_mscfb_check_passes_and_catches_a_broken_file(xlam: Path) -> None:
    data = _bin(xlam)
    assert strict_check(data) == []
    broken = bytearray(data)
    # the VBA storage entry (index 3 in our layout: root, PROJECT, PROJECTwm, VBA): a stray start sector
    names = [bytes(broken[512 * 2 + i * 128:512 * 2 + i * 128 + 6]) for i in range(4)]
    assert b"V\x00B\x00A\x00" in names
    at = 512 * 2 + names.index(b"V\x00B\x00A\x00") * 128 + 116
    broken[at:at + 4] = struct.pack("<I", 0xFFFFFFFE)
    assert any("storage 'VBA'" in p for p in strict_check(bytes(broken)))


POI_CHECK = """
import java.io.*;
import org.apache.poi.poifs.filesystem.*;
public class PoiCheck {
  static void walk(DirectoryEntry dir, String path) throws IOException {
    for (java.util.Iterator<Entry> it = dir.getEntries(); it.hasNext();) {
      Entry e = it.next();
      if (e instanceof DirectoryEntry) { walk((DirectoryEntry) e, path + e.getName() + "/"); }
      else {
        DocumentEntry d = (DocumentEntry) e;
        try (DocumentInputStream in = new DocumentInputStream(d)) {
          byte[] b = new byte[d.getSize()]; in.readFully(b);
          System.out.println(path + e.getName() + "\\t" + b.length);
        }
      }
    }
  }
  public static void main(String[] args) throws Exception {
    try (POIFSFileSystem fs = new POIFSFileSystem(new File(args[0]), true)) { walk(fs.getRoot(), ""); }
  }
}
"""


def _poi_classpath() -> str | None:
    jars = [Path("/usr/share/java/poi.jar"), *Path("/usr/share/java").glob("commons-collections4*.jar"),
            *Path("/usr/share/java").glob("commons-math3*.jar")]
    return ":".join(str(j) for j in jars) if jars[0].is_file() else None


def test_apache_poi_reads_every_stream(xlam: Path, tmp_path: Path) -> None:
    classpath = _poi_classpath()
    if not (shutil.which("javac") and shutil.which("java") and classpath):
        pytest.skip("javac/java or Apache POI (libapache-poi-java) not installed: see .ci/install-system.sh")
    (tmp_path / "PoiCheck.java").write_text(POI_CHECK)
    subprocess.run(["javac", "-cp", classpath, "-d", str(tmp_path), str(tmp_path / "PoiCheck.java")],
                   check=True, capture_output=True, timeout=180)
    (tmp_path / "vbaProject.bin").write_bytes(_bin(xlam))
    done = subprocess.run(["java", "-cp", f"{classpath}:{tmp_path}", "PoiCheck", str(tmp_path / "vbaProject.bin")],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    found = dict(line.split("\t") for line in done.stdout.splitlines())
    expected = _streams(_bin(xlam))
    assert {k: int(v) for k, v in found.items()} == {k: len(v) for k, v in expected.items()}


SHEETJS_CHECK = """
const CFB = require(process.argv[2]);
const cfb = CFB.read(require("fs").readFileSync(process.argv[3]), {type: "buffer"});
const out = {};
cfb.FullPaths.forEach((p, i) => { const e = cfb.FileIndex[i]; if (e.type === 2) out[p] = e.size; });
console.log(JSON.stringify(out));
"""


def _sheetjs() -> Path | None:
    module = ROOT / ".addin-readers" / "node_modules" / "cfb"
    if not module.is_dir() and shutil.which("npm"):
        subprocess.run(["bash", str(ROOT / "tests" / "addin_readers.sh")], capture_output=True, timeout=300,
                       check=False)
    return module if module.is_dir() and shutil.which("node") else None


def test_sheetjs_cfb_reads_every_stream(xlam: Path, tmp_path: Path) -> None:
    module = _sheetjs()
    if module is None:
        pytest.skip("node/npm or SheetJS cfb not available: see .ci/install-system.sh and tests/addin_readers.sh")
    (tmp_path / "check.js").write_text(SHEETJS_CHECK)
    (tmp_path / "vbaProject.bin").write_bytes(_bin(xlam))
    done = subprocess.run(["node", str(tmp_path / "check.js"), str(module), str(tmp_path / "vbaProject.bin")],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    found = {p.split("/", 1)[1]: size for p, size in json.loads(done.stdout).items()}
    assert found == {k: len(v) for k, v in _streams(_bin(xlam)).items()}


# ---------------------------------------------------------------- LibreOffice's VBA import

def _basic_modules(xlam: Path, soffice: str, out: Path) -> dict[str, str]:
    """Each module of the Basic library LibreOffice imports from the add-in's VBA project, as text."""
    from lxml import etree

    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                               "--infilter=Calc MS Excel 2007 VBA XML", "--convert-to", "ods",
                               "--outdir", str(out), str(xlam)],
                              capture_output=True, text=True, timeout=240, check=False)
    produced = out / f"{xlam.stem}.ods"
    assert done.returncode == 0 and produced.exists(), done.stdout + done.stderr
    modules = {}
    with zipfile.ZipFile(produced) as z:
        for name in z.namelist():
            if name.startswith("Basic/Taizhang/") and name.endswith(".xml") and not name.endswith("script-lb.xml"):
                root = etree.fromstring(z.read(name))
                modules[Path(name).stem] = root.text or ""
    return modules


def _vba_body(source: str) -> list[str]:
    """A module's lines as LibreOffice keeps them: without the Attribute lines VBA hides."""
    return [line for line in source.replace("\r\n", "\n").rstrip("\n").split("\n") if not line.startswith("Attribute ")]


def _lo_body(text: str) -> list[str]:
    lines = text.replace("\r\n", "\n").rstrip("\n").split("\n")
    return [line for line in lines if line.strip() not in ("Rem Attribute VBA_ModuleType=VBAModule",
                                                           "Option VBASupport 1")]


@pytest.mark.libreoffice
def test_libreoffice_imports_each_module_with_its_source_and_catches_a_broken_one(
        xlam: Path, soffice: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    modules = _basic_modules(xlam, soffice, tmp_path / "good")
    for name, source in SOURCES.items():
        assert _lo_body(modules[name]) == _vba_body(source()), name
    # Negative control: a project whose callback module holds different text than its source.
    original = build.vba_project

    def tampered(template: bytes, sources: dict[str, str]) -> bytes:
        sources = dict(sources)
        sources["RibbonTaizhang"] = sources["RibbonTaizhang"].replace("RunPython", "RunPythn")
        return original(template, sources)

    monkeypatch.setattr(build, "vba_project", tampered)
    broken = build.build_addin(tmp_path / "broken" / "taizhang.xlam")
    bad = _basic_modules(broken, soffice, tmp_path / "bad")
    assert _lo_body(bad["RibbonTaizhang"]) != _vba_body(SOURCES["RibbonTaizhang"]())
