"""styles.xml: register tool styles and clone cell formats with a fill swapped, reusing identical
entries so a rerun appends nothing. Existing entries are never edited, only appended to."""

from __future__ import annotations

import copy

from lxml import etree

from .model import Style, tool_colour_kind
from .xmlutil import child, q

_ORDER = [
    "numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
    "tableStyles", "colors", "extLst",
]  # fmt: skip
_FONT_ORDER = [
    "b", "i", "strike", "condense", "extend", "outline", "shadow", "u", "vertAlign", "sz", "color",
    "name", "family", "charset", "scheme",
]  # fmt: skip
_BUILTIN_FORMATS = {
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10, "0.00E+00": 11,
    "# ?/?": 12, "# ??/??": 13, "h:mm": 20, "h:mm:ss": 21, "@": 49,
}  # fmt: skip

FillState = tuple[str, str | None]  # ("none", None) | ("tool", kind) | ("user", None)


def _key(el: etree._Element) -> tuple:
    """A namespace-prefix-free identity for small style elements."""
    tag = el.tag if isinstance(el.tag, str) else "#"
    return (tag, tuple(sorted(el.attrib.items())), tuple(_key(c) for c in el))


class StyleBook:
    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.changed = False
        self._lists = {
            name: root.find(q(name)) for name in ("numFmts", "fonts", "fills", "borders", "cellXfs")
        }
        self._index: dict[str, dict[tuple, int]] = {}
        self._style_cache: dict[Style, int] = {}
        self._fill_cache: dict[tuple[int, str | None], int] = {}
        self._fill_states: dict[int, FillState] = {}
        self._xfs = self._items("cellXfs")
        if not self._xfs:  # a cell format list must have a default entry
            self._add("cellXfs", etree.Element(q("xf"), numFmtId="0", fontId="0", fillId="0", borderId="0"))

    # -- generic list handling -------------------------------------------------------------
    def _items(self, name: str) -> list[etree._Element]:
        tag = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf"}[
            name
        ]
        parent = self._lists[name]
        return [] if parent is None else list(parent.iterchildren(q(tag)))

    def _find_or_add(self, name: str, el: etree._Element) -> int:
        index = self._index.get(name)
        if index is None:
            index = {}
            for i, existing in enumerate(self._items(name)):
                index.setdefault(_key(existing), i)
            self._index[name] = index
        k = _key(el)
        if k not in index:
            index[k] = self._add(name, el)
        return index[k]

    def _add(self, name: str, el: etree._Element) -> int:
        n = len(self._items(name))
        parent = self._lists[name]
        if parent is None:  # created only when something is added, so an untouched file stays so
            parent = self._lists[name] = child(self.root, name, _ORDER)
        parent.append(el)
        parent.set("count", str(n + 1))
        self.changed = True
        if name == "cellXfs":
            self._xfs.append(el)
        return n

    # -- reading ----------------------------------------------------------------------------
    def fill_state(self, xf_id: int) -> FillState:
        """Asked per cell a fill touches: memoised, since entries are never edited, only appended."""
        state = self._fill_states.get(xf_id)
        if state is None:
            state = self._fill_state(xf_id)
            if xf_id < len(self._xfs) and int(self._xfs[xf_id].get("fillId", "0")) < len(self._items("fills")):
                self._fill_states[xf_id] = state  # an id beyond the lists may name an entry added later
        return state

    def _fill_state(self, xf_id: int) -> FillState:
        if xf_id >= len(self._xfs):
            return ("none", None)
        fill_id = int(self._xfs[xf_id].get("fillId", "0"))
        fills = self._items("fills")
        if fill_id == 0 or fill_id >= len(fills):
            return ("none", None)
        pattern = fills[fill_id].find(q("patternFill"))
        if pattern is None:
            return ("user", None)  # gradient fills are always the user's
        ptype = pattern.get("patternType")
        if ptype in (None, "none") and len(pattern) == 0:
            return ("none", None)
        fg = pattern.find(q("fgColor"))
        kind = tool_colour_kind(fg.get("rgb") if fg is not None else None)
        if ptype == "solid" and kind is not None:
            return ("tool", kind)
        return ("user", None)

    def text_look(self, xf_id: int) -> tuple[float, bool, bool]:
        """(font size, bold, wraps) of a cell format: what its text needs to be shown whole."""
        xfs = self._xfs
        xf = xfs[xf_id] if 0 <= xf_id < len(xfs) else xfs[0]
        fonts = self._items("fonts")
        font_id = int(xf.get("fontId", "0"))
        font = fonts[font_id] if 0 <= font_id < len(fonts) else None
        size, bold = 11.0, False
        if font is not None:
            sz = font.find(q("sz"))
            size = float(sz.get("val", "11")) if sz is not None else size
            b = font.find(q("b"))
            bold = b is not None and b.get("val", "1") not in ("0", "false")
        align = xf.find(q("alignment"))
        wrap = align is not None and align.get("wrapText", "0") in ("1", "true")
        return size, bold, wrap

    def xf_count(self) -> int:
        return len(self._xfs)

    # -- building ---------------------------------------------------------------------------
    def with_fill(self, xf_id: int, rgb: str | None) -> int:
        """The id of a format equal to `xf_id` but with the tool fill `rgb` (None: no fill)."""
        key = (xf_id, rgb)
        if key not in self._fill_cache:
            base = self._xfs[xf_id] if xf_id < len(self._xfs) else self._xfs[0]
            xf = copy.deepcopy(base)
            if rgb is None:
                xf.set("fillId", "0")
                xf.attrib.pop("applyFill", None)
            else:
                xf.set("fillId", str(self._fill(rgb)))
                xf.set("applyFill", "1")
            self._fill_cache[key] = self._find_or_add("cellXfs", xf)
        return self._fill_cache[key]

    def register(self, style: Style) -> int:
        if style not in self._style_cache:
            self._style_cache[style] = self._register(style)
        return self._style_cache[style]

    def _register(self, s: Style) -> int:
        attrs = {
            "numFmtId": str(self._numfmt(s.number_format)),
            "fontId": str(self._font(s)),
            "fillId": str(self._fill(s.fill) if s.fill else 0),
            "borderId": str(self._border() if s.border else 0),
            "xfId": "0",
        }
        for flag, on in (
            ("applyNumberFormat", s.number_format),
            ("applyFont", attrs["fontId"] != "0"),
            ("applyFill", s.fill),
            ("applyBorder", s.border),
            ("applyAlignment", s.h_align or s.v_align or s.wrap),
        ):
            if on:
                attrs[flag] = "1"
        xf = etree.Element(q("xf"), attrs)
        if s.h_align or s.v_align or s.wrap:
            align = etree.SubElement(xf, q("alignment"))
            if s.h_align:
                align.set("horizontal", s.h_align)
            if s.v_align:
                align.set("vertical", s.v_align)
            if s.wrap:
                align.set("wrapText", "1")
        return self._find_or_add("cellXfs", xf)

    def _numfmt(self, code: str | None) -> int:
        if not code:
            return 0
        if code in _BUILTIN_FORMATS:
            return _BUILTIN_FORMATS[code]
        ids = [163]
        for nf in self._items("numFmts"):
            if nf.get("formatCode") == code:
                return int(nf.get("numFmtId", "0"))
            ids.append(int(nf.get("numFmtId", "0")))
        new_id = max(ids) + 1
        self._add("numFmts", etree.Element(q("numFmt"), numFmtId=str(new_id), formatCode=code))
        return new_id

    def _font(self, s: Style) -> int:
        if not (s.bold or s.italic or s.font_name or s.font_size or s.font_color):
            return 0
        fonts = self._items("fonts")
        font = copy.deepcopy(fonts[0]) if fonts else etree.Element(q("font"))
        for name in ("b", "i"):
            for old in font.findall(q(name)):
                font.remove(old)
        for name, on in (("b", s.bold), ("i", s.italic)):
            if on:
                child(font, name, _FONT_ORDER)
        if s.font_size:
            child(font, "sz", _FONT_ORDER).set("val", f"{s.font_size:g}")
        if s.font_color:
            colour = child(font, "color", _FONT_ORDER)
            colour.attrib.clear()
            colour.set("rgb", "FF" + s.font_color.upper()[-6:])
        if s.font_name:
            child(font, "name", _FONT_ORDER).set("val", s.font_name)
            for old in font.findall(q("scheme")):  # a theme scheme would override the name
                font.remove(old)
            for old in font.findall(q("charset")):
                font.remove(old)
        return self._find_or_add("fonts", font)

    def _fill(self, rgb: str) -> int:
        fill = etree.Element(q("fill"))
        pattern = etree.SubElement(fill, q("patternFill"), patternType="solid")
        etree.SubElement(pattern, q("fgColor"), rgb="FF" + rgb.upper()[-6:])
        etree.SubElement(pattern, q("bgColor"), indexed="64")
        return self._find_or_add("fills", fill)

    def _border(self) -> int:
        border = etree.Element(q("border"))
        for side in ("left", "right", "top", "bottom"):
            etree.SubElement(etree.SubElement(border, q(side), style="thin"), q("color"), auto="1")
        etree.SubElement(border, q("diagonal"))
        return self._find_or_add("borders", border)


MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="1"><font><sz val="11"/><color theme="1"/><name val="宋体"/><family val="2"/>'
    '<charset val="134"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
).encode()
