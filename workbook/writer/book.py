"""The package as the writer sees it: parts (original, replaced, added, deleted), relationships,
content types, and the workbook's sheet list with the tool's markers.

Tool-owned sheets are marked by a hidden workbook-level defined name
`_taizhang_tool_<n>` whose value is `'<sheet name>'!$A$1`. Excel and LibreOffice keep defined
names and follow a renamed sheet, so a rerun finds its sheet and never duplicates it; a user's
sheet of the same name has no marker and is never replaced."""

from __future__ import annotations

import posixpath
import re
import zlib

from lxml import etree

from taizhang.core.errors import BadInput

from .package import EARLY, Content, Deflated, Deflater, Package
from .xmlutil import CT, PKG_REL, REL, STRICT_MAIN, child, q, serialize
from .xmlutil import parse as parse_xml

WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
OFFICE_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
CALC_CHAIN_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
MARKER = "_taizhang_tool_"
_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
_WB_ORDER = [
    "fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
    "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize", "customWorkbookViews",
    "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing", "fileRecoveryPr", "webPublishObjects",
    "extLst",
]  # fmt: skip


def rels_part(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def relative(source: str, part: str) -> str:
    return posixpath.relpath(part, posixpath.dirname(source) or ".")


def marker_sheet(value: str) -> str | None:
    """The sheet a marker's `'name'!$A$1` points at (None once the sheet was deleted: #REF!)."""
    m = re.match(r"^'((?:[^']|'')+)'!|^([^'!]+)!", value.strip())
    if not m:
        return None
    return (m.group(1) or "").replace("''", "'") or m.group(2)


class Book:
    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.label = pkg.label
        self.put: dict[str, bytes] = {}
        self.deleted: set[str] = set()
        self.trees: dict[str, etree._Element] = {}
        self.touched: set[str] = set()
        self.deflater = Deflater()  # big parts are compressed in the background once written
        # Parts staged deflated only (tool sheets: nothing reads them again), their put entry
        # left b"" (see content, read, differs).
        self.packed: dict[str, Deflated] = {}
        root_rels = self.tree("_rels/.rels")
        wb = [r.get("Target", "") for r in root_rels if r.get("Type") == OFFICE_DOC_REL]
        if not wb:
            raise BadInput(f"{self.label} 中找不到工作簿主体，可能不是 Excel 工作簿。")
        self.wb_part = resolve("", wb[0])
        self.wb = self.tree(self.wb_part)
        if self.wb.tag == q("workbook", STRICT_MAIN):
            raise BadInput(f"{self.label} 是“Strict Open XML”格式，请在 Excel 中另存为普通的 .xlsx 后再试。")
        if self.wb.tag != q("workbook"):
            raise BadInput(f"{self.label} 的工作簿主体不是 Excel 工作簿。")
        self.wb_rels_part = rels_part(self.wb_part)

    # -- parts ------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return [n for n in self.pkg.names if n not in self.deleted] + [
            n for n in self.put if not self.pkg.has(n)
        ]

    def exists(self, name: str) -> bool:
        return name in self.put or (self.pkg.has(name) and name not in self.deleted)

    def read(self, name: str) -> bytes:
        if name in self.packed:
            return zlib.decompress(self.packed[name].body, -15)
        if name in self.put:
            return self.put[name]
        if name in self.deleted or not self.pkg.has(name):
            raise BadInput(f"{self.label} 中缺少部件 {name}，文件可能已损坏。")
        return self.pkg.read(name)

    def write(self, name: str, data: bytes) -> None:
        self.trees.pop(name, None)
        self.touched.discard(name)
        self.deleted.discard(name)
        self.packed.pop(name, None)
        self.put[name] = data
        if len(data) >= EARLY:
            self.deflater.start(name, data)

    def write_deflated(self, name: str, packed: Deflated) -> None:
        """Stage a part given deflated (a tool sheet, deflated as it was rendered)."""
        self.write(name, b"")
        self.packed[name] = packed

    def content(self, name: str) -> Content:
        """What the zip gets for a staged part: its bytes, or them deflated."""
        return self.packed.get(name) or self.put[name]

    def differs(self, name: str) -> bool:
        """Whether a staged part's content differs from the original part of that name."""
        if name in self.packed:
            return not self.pkg.holds(name, self.packed[name])
        return self.pkg.read(name) != self.put[name]

    def delete(self, name: str) -> None:
        self.trees.pop(name, None)
        self.touched.discard(name)
        self.packed.pop(name, None)
        self.put.pop(name, None)
        if self.pkg.has(name):
            self.deleted.add(name)

    def tree(self, name: str) -> etree._Element:
        if name not in self.trees:
            self.trees[name] = parse_xml(self.read(name), f"{self.label} 的 {name}")
        return self.trees[name]

    def touch(self, name: str) -> etree._Element:
        """A tree that will be serialized at commit."""
        self.touched.add(name)
        return self.tree(name)

    def serialize_touched(self) -> None:
        for name in sorted(self.touched):
            original = self.pkg.read(name) if self.pkg.has(name) and name not in self.put else None
            self.put[name] = serialize(self.trees[name], original)
        self.touched.clear()

    def free_name(self, pattern: str) -> str:
        """The first free part name like 'xl/worksheets/sheet{}.xml' (deterministic for reruns)."""
        n = 1
        while self.exists(pattern.format(n)):
            n += 1
        return pattern.format(n)

    # -- relationships and content types ------------------------------------------------------
    def rels(self, part: str) -> list[tuple[str, str, str, bool]]:
        """(id, type, resolved target, external) of a part's relationships."""
        rp = rels_part(part)
        if not self.exists(rp):
            return []
        out = []
        for r in self.tree(rp):
            external = r.get("TargetMode") == "External"
            target = r.get("Target", "")
            out.append(
                (r.get("Id", ""), r.get("Type", ""), target if external else resolve(part, target), external)
            )
        return out

    def add_rel(self, part: str, rtype: str, target_part: str) -> str:
        rp = rels_part(part)
        root = self.touch(rp)
        ids = [int(m.group(1)) for r in root if (m := re.fullmatch(r"rId(\d+)", r.get("Id", "")))]
        rid = f"rId{max(ids, default=0) + 1}"
        etree.SubElement(
            root, q("Relationship", PKG_REL), Id=rid, Type=rtype, Target=relative(part, target_part)
        )
        return rid

    def remove_rels_to(self, part: str, targets: set[str]) -> None:
        rp = rels_part(part)
        if not self.exists(rp):
            return
        root = self.tree(rp)
        for r in list(root):
            if r.get("TargetMode") != "External" and resolve(part, r.get("Target", "")) in targets:
                self.touch(rp).remove(r)

    def set_override(self, part: str, ctype: str | None) -> None:
        root = self.tree("[Content_Types].xml")
        name = "/" + part
        for o in root.findall(q("Override", CT)):
            if o.get("PartName") == name:
                if ctype is None:
                    self.touch("[Content_Types].xml").remove(o)
                elif o.get("ContentType") != ctype:
                    self.touch("[Content_Types].xml")
                    o.set("ContentType", ctype)
                return
        if ctype is not None:
            etree.SubElement(
                self.touch("[Content_Types].xml"), q("Override", CT), PartName=name, ContentType=ctype
            )

    def subtree(self, part: str) -> list[str]:
        """A part, its rels and every internal part reachable from it (drawings, charts, …)."""
        seen: list[str] = []
        stack = [part]
        while stack:
            p = stack.pop()
            if p in seen or not self.exists(p):
                continue
            seen.append(p)
            if self.exists(rels_part(p)):
                seen.append(rels_part(p))
            stack.extend(t for _id, _t, t, ext in self.rels(p) if not ext)
        return seen

    def exclusive_subtree(self, part: str) -> list[str]:
        """The subtree less any part something outside it also uses (a shared image, say)."""
        tree = self.subtree(part)
        inside = set(tree)
        shared: set[str] = set()
        for name in self.names():
            if name.endswith(".rels") and name not in inside:
                source = name.replace("_rels/", "").removesuffix(".rels")
                shared.update(t for _i, _t, t, ext in self.rels(source) if not ext)
        return [p for p in tree if p == part or p not in shared]

    # -- sheets -------------------------------------------------------------------------------
    def sheet_elements(self) -> list[etree._Element]:
        sheets = self.wb.find(q("sheets"))
        return [] if sheets is None else list(sheets.iterchildren(q("sheet")))

    def sheet_names(self) -> list[str]:
        return [s.get("name", "") for s in self.sheet_elements()]

    def find_sheet(self, name: str) -> tuple[int, etree._Element] | None:
        for i, s in enumerate(self.sheet_elements()):
            if s.get("name", "").casefold() == name.casefold():  # Excel compares names case-blind
                return i, s
        return None

    def sheet_part(self, el: etree._Element) -> str:
        rid = el.get(f"{{{REL}}}id")
        for r_id, rtype, target, _ext in self.rels(self.wb_part):
            if r_id == rid:
                if rtype != WORKSHEET_REL:
                    raise BadInput(f"{self.label} 中的“{el.get('name')}”不是普通工作表（可能是图表工作表）。")
                return target
        raise BadInput(f"{self.label} 中工作表“{el.get('name')}”的部件缺失，文件可能已损坏。")

    def markers(self) -> dict[str, etree._Element]:
        names = self.wb.find(q("definedNames"))
        out: dict[str, etree._Element] = {}
        if names is None:
            return out
        for d in names:
            if d.get("name", "").startswith(MARKER) and (sheet := marker_sheet(d.text or "")):
                out[sheet.casefold()] = d
        return out

    def is_tool_sheet(self, name: str) -> bool:
        return name.casefold() in self.markers()

    def add_sheet(self, name: str, part: str, hidden: bool) -> None:
        wb = self.touch(self.wb_part)
        rid = self.add_rel(self.wb_part, WORKSHEET_REL, part)
        self.set_override(part, WORKSHEET_CT)
        sheets = child(wb, "sheets", _WB_ORDER)
        ids = [int(s.get("sheetId", "0")) for s in sheets]
        el = etree.SubElement(sheets, q("sheet"), name=name, sheetId=str(max(ids, default=0) + 1))
        el.set(f"{{{REL}}}id", rid)
        self.set_hidden(el, hidden)
        existing = wb.find(q("definedNames"))
        used = set() if existing is None else {d.get("name") for d in existing}
        n = 1
        while f"{MARKER}{n}" in used:
            n += 1
        self._defined_name(f"{MARKER}{n}", "'" + name.replace("'", "''") + "'!$A$1", None)
        self._app_title(name, add=True)

    def set_hidden(self, el: etree._Element, hidden: bool) -> None:
        if hidden and el.get("state") != "hidden":
            self.touch(self.wb_part)
            el.set("state", "hidden")
        elif not hidden and el.get("state") is not None:
            self.touch(self.wb_part)
            el.attrib.pop("state")

    def remove_sheet(self, name: str) -> list[str]:
        """Take a tool sheet out of the workbook; returns the parts removed."""
        found = self.find_sheet(name)
        if found is None:
            return []
        idx, el = found
        part = self.sheet_part(el)
        parts = self.exclusive_subtree(part)
        wb = self.touch(self.wb_part)
        el.getparent().remove(el)
        self.remove_rels_to(self.wb_part, {part})
        for p in parts:
            self.set_override(p, None)
            self.delete(p)
        marker = self.markers().get(name.casefold())
        names = wb.find(q("definedNames"))
        if names is not None:
            if marker is not None:
                names.remove(marker)
            for d in list(names):  # sheet-scoped names are indexed by sheet position
                local = d.get("localSheetId")
                if local is not None and int(local) == idx:
                    names.remove(d)
                elif local is not None and int(local) > idx:
                    d.set("localSheetId", str(int(local) - 1))
            if len(names) == 0:
                wb.remove(names)
        for view in wb.iter(q("workbookView")):
            for attr in ("activeTab", "firstSheet"):
                v = view.get(attr)
                if v is not None and int(v) >= idx and int(v) > 0:
                    view.set(attr, str(int(v) - 1))
        self._app_title(name, add=False)
        return parts

    def set_sheet_names(self, idx: int, name: str, value: str | None) -> None:
        """Set or drop a sheet-scoped built-in name such as _xlnm.Print_Titles."""
        names = self.wb.find(q("definedNames"))
        if names is not None:
            for d in list(names):
                if d.get("name") == name and d.get("localSheetId") == str(idx):
                    if d.text == value:
                        return
                    self.touch(self.wb_part)
                    names.remove(d)
        if value is not None:
            self._defined_name(name, value, idx)

    def _defined_name(self, name: str, value: str, local: int | None) -> None:
        wb = self.touch(self.wb_part)
        names = child(wb, "definedNames", _WB_ORDER)
        d = etree.SubElement(names, q("definedName"), name=name)
        if local is not None:
            d.set("localSheetId", str(local))
        if name.startswith(MARKER):
            d.set("hidden", "1")
        d.text = value

    def full_recalc(self) -> None:
        calc = child(self.wb, "calcPr", _WB_ORDER)
        if calc.get("fullCalcOnLoad") != "1":
            self.touch(self.wb_part)
            calc.set("fullCalcOnLoad", "1")

    def drop_calc_chain(self) -> None:
        """Excel rebuilds a missing calcChain; a stale one (formula cell overwritten) needs repair."""
        for _id, rtype, target, _ext in self.rels(self.wb_part):
            if rtype == CALC_CHAIN_REL:
                self.remove_rels_to(self.wb_part, {target})
                self.set_override(target, None)
                self.delete(target)

    # -- docProps/app.xml ---------------------------------------------------------------------
    def _app_title(self, name: str, add: bool) -> None:
        """Keep the sheet titles of docProps/app.xml in step; skipped when its layout is unusual."""
        part = "docProps/app.xml"
        if not self.exists(part):
            return
        root = self.tree(part)
        pairs = root.find(f"{{{_EP}}}HeadingPairs/{{{_VT}}}vector")
        titles = root.find(f"{{{_EP}}}TitlesOfParts/{{{_VT}}}vector")
        if pairs is None or titles is None or len(pairs) < 2:
            return
        count_el = pairs[1].find(f"{{{_VT}}}i4")
        if count_el is None or not (count_el.text or "").strip().isdigit():
            return
        count = int(count_el.text or "0")
        items = list(titles)
        if add:
            new = etree.Element(f"{{{_VT}}}lpstr")
            new.text = name
            if count < len(items):
                items[count].addprevious(new)
            else:
                titles.append(new)
            count += 1
        else:
            hits = [t for t in items[:count] if t.text == name]
            if not hits:
                return
            titles.remove(hits[0])
            count -= 1
        self.touch(part)
        count_el.text = str(count)
        titles.set("size", str(len(titles)))
