"""Hostile ledgers built the way an attacker or an accident would, and a CLI run in a child
process under a memory limit (RLIMIT_AS), where an abort or a signal would show."""

from __future__ import annotations

import os
import resource
import struct
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

MEMORY = 1536 * 1024 * 1024  # address space for one CLI run: imports take ~500 MB of it
_CHILD = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.argv = ["taizhang", *sys.argv[2:]]
from taizhang.macros.cli import main
main()
"""


@dataclass
class Run:
    code: int  # negative: ended by that signal
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def run_limited(args: list[str], memory: int = MEMORY, cwd: Path | None = None, timeout: float = 300) -> Run:
    """`taizhang *args` in a child process whose address space is capped at `memory` bytes."""
    env = dict(os.environ, RUST_BACKTRACE="0")
    env.pop("TAIZHANG_FAULT", None)
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(memory), *args], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env, check=False)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def limit_memory(memory: int = MEMORY) -> None:
    """For a hypothesis or thread-free in-process test: cap this process (irreversible)."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def rezip(source: Path, out: Path, replace: dict[str, bytes]) -> Path:
    """A copy of the workbook with some parts' content replaced (CRCs and sizes honest)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
    return out


def sheet_part(path: Path, sheet: str = "台账") -> str:
    """The part name of a sheet, through workbook.xml and its rels (read as text, kept simple)."""
    import re

    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', wb)
    assert rid, f"no sheet {sheet} in {path}"
    target = re.search(r'Id="' + rid.group(1) + r'"[^>]*Target="([^"]+)"', rels) or re.search(
        r'Target="([^"]+)"[^>]*Id="' + rid.group(1) + '"', rels)
    assert target
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def read_part(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(part)


def with_far_cell(source: Path, out: Path, ref: str, sheet: str = "台账", text: str = "x") -> Path:
    """One more cell, far away, as its own last row (how Excel stores a stray value)."""
    import re

    part = sheet_part(source, sheet)
    data = read_part(source, part).decode()
    row = re.match(r"[A-Z]+(\d+)$", ref)
    assert row
    cell = f'<row r="{row.group(1)}"><c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c></row>'
    return rezip(source, out, {part: data.replace("</sheetData>", cell + "</sheetData>", 1).encode()})


BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)
XXE = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def with_doctype(source: Path, out: Path, doctype: str, entity: str, sheet: str = "台账") -> Path:
    """A DTD before the sheet's root and the entity used in its first inline or shared cell."""
    part = sheet_part(source, sheet)
    data = read_part(source, part).decode()
    at = data.index("<worksheet")
    data = data[:at] + doctype + data[at:]
    data = data.replace("</sheetData>", f'<row r="60000"><c r="A60000" t="inlineStr"><is><t>{entity}</t></is></c>'
                        "</row></sheetData>", 1)
    return rezip(source, out, {part: data.encode()})


def lying_size(source: Path, out: Path, part: str, declared: int) -> Path:
    """The workbook with one entry's uncompressed size rewritten (local header and central
    directory) to `declared`: what a zip bomb does to pass a size check."""
    data = bytearray(source.read_bytes())
    name = part.encode()
    at = 0
    while (at := data.find(b"PK\x03\x04", at)) >= 0:
        nlen = struct.unpack_from("<H", data, at + 26)[0]
        if data[at + 30 : at + 30 + nlen] == name:
            struct.pack_into("<I", data, at + 22, declared)
        at += 4
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        nlen = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46 : at + 46 + nlen] == name:
            struct.pack_into("<I", data, at + 24, declared)
        at += 4
    out.write_bytes(bytes(data))
    return out
