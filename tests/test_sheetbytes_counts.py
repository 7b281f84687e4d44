"""The fidelity count of a sheet's tags: a big part is counted with numpy, a small one with the
regex; both must give what one regex scan of the whole gives (the reference here is re.findall
over the bytes, written out in the test), on real sheet XML and on tag soup of every odd shape."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.workbook.writer import sheetbytes

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PIECES = [b"<", b">", b"/", b"!", b"?", b" ", b"\t", b"\x0b", b"\r\n", b"=", b'"', b"c", b"is", b"row",
          b"x:", b"rFont", b"extLst", b"\0", "中".encode(), b"<![CDATA[a<b]]>", b"<!--<c>-->", b"<?pi?>",
          b'<c r="A1" s="3">', b"<v>1</v>", b"</c>", b"<t>&lt;</t>"]


def by_regex(data: bytes) -> Counter[str]:
    names = re.findall(rb"<([^\s/>!?][^\s/>]*)", data)
    return Counter(n.rsplit(b":", 1)[-1].decode("utf-8", "replace") for n in names)


def counted(data: bytes, monkeypatch: pytest.MonkeyPatch, *, numpy: bool, chunk: int) -> Counter[str]:
    with monkeypatch.context() as m:
        m.setattr(sheetbytes, "_NUMPY_FROM", 0 if numpy else 1 << 60)
        m.setattr(sheetbytes, "_CHUNK", chunk)
        if not numpy:
            m.delitem(__import__("sys").modules, "numpy", raising=False)
        return sheetbytes.tag_counts(data)


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=80), chunk=st.sampled_from([1, 5, 64, 1 << 20]))
def test_numpy_and_regex_count_tag_soup_alike(pieces: list[bytes], chunk: int) -> None:
    data = b"".join(pieces)
    with pytest.MonkeyPatch.context() as mp:
        assert counted(data, mp, numpy=True, chunk=chunk) == by_regex(data)


def test_a_ledger_rows_region_is_counted_alike_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows as Excel, WPS and the tool write them: shared and inline strings, formulas, rich text
    (names longer than three bytes), prefixed cells, empty styled cells, a comment between rows."""
    rows = []
    for r in range(1, 400):
        rows.append(
            f'<row r="{r}" spans="1:6"><c r="A{r}" s="2" t="s"><v>{r}</v></c>'
            f'<c r="B{r}" t="inlineStr"><is><r><rPr><rFont val="宋体"/><b/></rPr><t>第{r}号</t></r></is></c>'
            f'<c r="C{r}"><f>B{r}+1</f><v>{r + 1}</v></c><x:c r="D{r}"/><c r="E{r}" s="5"/>'
            f'<c\tr="F{r}"\n><v>{r}.5</v></c></row>' + ("<!-- 备注 <c> -->" if r % 97 == 0 else "")
        )
    data = f'<sheetData xmlns="{MAIN}" xmlns:x="{MAIN}">{"".join(rows)}</sheetData>'.encode()
    want = by_regex(data)  # the "<c>" inside each comment is one too, for the regex as for numpy
    assert want["c"] == 6 * 399 + 399 // 97 and want["rFont"] == 399 and want["row"] == 399
    for chunk in (1, 300, 4096, 1 << 22):
        assert counted(data, monkeypatch, numpy=True, chunk=chunk) == want
        assert counted(data, monkeypatch, numpy=False, chunk=chunk) == want
