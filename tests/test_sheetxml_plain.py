"""Whether a rows region may be patched as bytes (every row plain) is decided by a dozen scans of
the bytes, or for a big region by one numpy pass: both must answer alike, on regions as Excel and
WPS write them and on tag soup holding every shape either looks for."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from taizhang.workbook.writer import sheetbytes
from taizhang.workbook.writer.sheetxml import _plain_region_bytes, _plain_region_numpy

PIECES = [b"<", b">", b"/", b" ", b'"', b"=", b"c", b"r", b"ow", b"<c", b'<c r="', b"<c s=", b"<cc", b"<row",
          b"<row ", b"<row>", b"<rows", b"</row>", b"</row ", b"<!--", b"<?", b"<extLst", b"<ext",
          b"<charset", b"<color", b"<condense", b"<co", b"<v>", b"\0", "中".encode()]


def row(r: int, *, extra: str = "") -> bytes:
    return (f'<row r="{r}" spans="1:3"><c r="A{r}" s="1" t="s"><v>{r}</v></c>'
            f'<c r="B{r}" t="inlineStr"><is><r><rPr><color rgb="FFFF0000"/><charset val="134"/></rPr>'
            f"<t>第{r}号</t></r></is></c>{extra}<c r=\"C{r}\"/></row>").encode()


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_numpy_and_bytes_agree_on_tag_soup(pieces: list[bytes]) -> None:
    data = b"".join(pieces)
    assert _plain_region_numpy(data) == _plain_region_bytes(data)


@pytest.mark.parametrize("chunk", [64, 1 << 22])
def test_numpy_and_bytes_agree_on_rows_as_written(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """Whole, and a few hundred bytes at a time (the numpy pass goes a piece at a time)."""
    monkeypatch.setattr(sheetbytes, "_CHUNK", chunk)
    plain = b"".join(row(r) for r in range(1, 200))
    odd = {
        "a comment": "<!-- 备注 -->".encode(),
        "a cell without r first": b'<c s="2" r="D5"/>',
        "a row end tag with a space": b"</row >",
        "a row extension": b"<extLst/>",
        "a processing instruction": b"<?pi?>",
    }
    assert _plain_region_bytes(plain) and _plain_region_numpy(plain)
    for name, extra in odd.items():
        data = plain + row(200, extra=extra.decode())
        assert not _plain_region_bytes(data), name
        assert not _plain_region_numpy(data), name
