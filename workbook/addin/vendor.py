"""The add-in's xlwings VBA module: the pinned upstream file plus our patch (vba/xlwings.patch).

xlwings ships the VBA module of its custom add-ins as text (`xlwings/xlwings_custom_addin.bas`,
BSD 3-clause, Zoomer Analytics; the licence stays at the top of the module). The build reads it
from the installed, pinned xlwings and applies `vba/xlwings.patch`, a unified diff whose preamble
says what each hunk changes and why. Upgrading xlwings is: install the new version, run

    python -m taizhang.workbook.addin.vendor show > xlwings.bas     # fails if a hunk no longer fits
    (edit xlwings.bas by hand where the new upstream moved things)
    python -m taizhang.workbook.addin.vendor diff xlwings.bas       # rewrites vba/xlwings.patch

The applier is strict (no fuzz, every context line must match), so a changed upstream file is
noticed at build time instead of silently mis-patched.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import xlwings

from taizhang.core.errors import BadInput

VBA_DIR = Path(__file__).resolve().parent / "vba"
PATCH = VBA_DIR / "xlwings.patch"
SOURCE_NAME = "xlwings_custom_addin.bas"
CODEPAGE = "cp1252"  # the module is ASCII; cp1252 is what the template's VBA project declares
_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def source_path() -> Path:
    return Path(xlwings.__file__).resolve().parent / SOURCE_NAME


def upstream_text() -> str:
    """The pinned upstream module with LF line ends."""
    return source_path().read_bytes().decode(CODEPAGE).replace("\r\n", "\n")


def _hunks(patch: str) -> list[tuple[int, list[str]]]:
    """(first old line, hunk lines) of a unified diff; the preamble before `---` is documentation."""
    lines = patch.split("\n")
    try:
        start = next(i for i, line in enumerate(lines) if line.startswith("--- "))
    except StopIteration:
        raise BadInput(f"{PATCH.name}：不是统一格式的补丁（缺少 --- 行）") from None
    hunks: list[tuple[int, list[str]]] = []
    for line in lines[start + 2:]:
        found = _HUNK.match(line)
        if found:
            hunks.append((int(found.group(1)), []))
        elif hunks and line[:1] in (" ", "-", "+"):
            hunks[-1][1].append(line)
        elif hunks and line == "":
            continue  # a trailing newline of the file
        elif hunks and not line.startswith("\\"):
            raise BadInput(f"{PATCH.name}：无法理解的补丁行“{line[:60]}”")
    return hunks


def apply_patch(original: str, patch: str) -> str:
    """`original` with the unified diff `patch` applied; BadInput when a hunk does not fit exactly."""
    old = original.split("\n")
    out: list[str] = []
    at = 0  # next unconsumed line of `old`
    for first, body in _hunks(patch):
        begin = max(first - 1, 0)
        if begin < at:
            raise BadInput(f"{PATCH.name}：补丁段落重叠或顺序错误（第 {first} 行）")
        out += old[at:begin]
        at = begin
        for line in body:
            tag, text = line[:1], line[1:]
            if tag in (" ", "-"):
                if at >= len(old) or old[at] != text:
                    raise BadInput(f"xlwings {xlwings.__version__} 的 {SOURCE_NAME} 第 {at + 1} 行与补丁不符，"
                                   f"补丁需要按新版重做（见 {Path(__file__).name} 的说明）")
                at += 1
                if tag == " ":
                    out.append(text)
            else:
                out.append(text)
    return "\n".join(out + old[at:])


def patched_text() -> str:
    """The module the add-in ships (LF line ends): upstream + vba/xlwings.patch."""
    return apply_patch(upstream_text(), PATCH.read_text(encoding="ascii"))


def make_patch(edited: str, preamble: str) -> str:
    """A unified diff from the upstream module to `edited`, after `preamble` (kept from the old patch)."""
    diff = difflib.unified_diff(upstream_text().split("\n"), edited.replace("\r\n", "\n").split("\n"),
                                f"xlwings-{xlwings.__version__}/{SOURCE_NAME}", f"taizhang/{SOURCE_NAME}",
                                lineterm="", n=3)
    return preamble + "\n".join(diff) + "\n"


def _preamble() -> str:
    if not PATCH.is_file():
        return ""
    text = PATCH.read_text(encoding="ascii")
    return text[:text.index("--- ")] if "--- " in text else text


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args == ["show"]:
        sys.stdout.write(patched_text())
    elif len(args) == 2 and args[0] == "diff":
        edited = Path(args[1]).read_bytes().decode(CODEPAGE)
        PATCH.write_text(make_patch(edited, _preamble()), encoding="ascii", newline="\n")
        print(f"{PATCH} <- {args[1]} (against xlwings {xlwings.__version__})")
    else:
        raise SystemExit("usage: python -m taizhang.workbook.addin.vendor show | diff EDITED.bas")


if __name__ == "__main__":
    main()
