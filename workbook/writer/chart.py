"""Native charts of a tool sheet: one drawing part holding an anchor per chart, one chart part each.
Caches of the plotted values are written too, so viewers that do not recalculate show the chart."""

from __future__ import annotations

from collections.abc import Callable
from xml.sax.saxutils import escape

from .model import Chart
from .xmlutil import abs_range, parse_range, split_ref

CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
SERIES_COLOUR = "4472C4"
PIE_COLOURS = [
    "4472C4",
    "ED7D31",
    "A5A5A5",
    "FFC000",
    "5B9BD5",
    "70AD47",
    "264478",
    "9E480E",
    "636363",
    "997300",
]
_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'


def drawing_xml(charts: list[Chart]) -> bytes:
    anchors = []
    for i, ch in enumerate(charts, start=1):
        row, col = split_ref(ch.anchor)
        anchors.append(
            "<xdr:twoCellAnchor>"
            f"<xdr:from><xdr:col>{col - 1}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{col - 1 + ch.width_cols}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row - 1 + ch.height_rows}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr>'
            f'<xdr:cNvPr id="{i + 1}" name="图表 {i}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>'
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{_C}"><c:chart xmlns:c="{_C}" xmlns:r="{_R}" r:id="rId{i}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
        )
    return (
        _DECL + f'<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}">' + "".join(anchors) + "</xdr:wsDr>"
    ).encode()


def chart_xml(sheet: str, ch: Chart, value_at: Callable[[int, int], object]) -> bytes:
    cats = _points(ch.categories, value_at)
    vals = _points(ch.values, value_at)
    name = f"<c:tx><c:v>{escape(ch.series_name)}</c:v></c:tx>" if ch.series_name else ""
    str_pts = "".join(
        f'<c:pt idx="{i}"><c:v>{escape(_text(v))}</c:v></c:pt>' for i, v in enumerate(cats) if v is not None
    )
    num_pts = "".join(
        f'<c:pt idx="{i}"><c:v>{float(v):g}</c:v></c:pt>'
        for i, v in enumerate(vals)
        if isinstance(v, int | float) and not isinstance(v, bool)
    )
    if ch.kind == "pie":  # one solid colour per slice, else LibreOffice draws them invisible
        fills = _fill(SERIES_COLOUR) + "".join(
            f'<c:dPt><c:idx val="{i}"/><c:bubble3D val="0"/>{_fill(PIE_COLOURS[i % len(PIE_COLOURS)])}</c:dPt>'
            for i in range(len(vals))
        )
    else:
        fills = _fill(SERIES_COLOUR) + '<c:invertIfNegative val="0"/>'
    series = (
        f'<c:ser><c:idx val="0"/><c:order val="0"/>{name}{fills}'
        + f"<c:cat><c:strRef><c:f>{escape(abs_range(sheet, ch.categories))}</c:f>"
        f'<c:strCache><c:ptCount val="{len(cats)}"/>{str_pts}</c:strCache></c:strRef></c:cat>'
        f"<c:val><c:numRef><c:f>{escape(abs_range(sheet, ch.values))}</c:f>"
        f'<c:numCache><c:formatCode>General</c:formatCode><c:ptCount val="{len(vals)}"/>{num_pts}</c:numCache>'
        "</c:numRef></c:val></c:ser>"
    )
    if ch.kind == "pie":
        plot = (
            f'<c:pieChart><c:varyColors val="1"/>{series}'
            '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/>'
            '<c:showSerName val="0"/><c:showPercent val="1"/><c:showBubbleSize val="0"/>'
            '<c:showLeaderLines val="1"/></c:dLbls><c:firstSliceAng val="0"/></c:pieChart>'
        )
        legend = '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
    else:
        bar_dir = "bar" if ch.kind == "bar" else "col"
        cat_pos, val_pos = ("l", "b") if bar_dir == "bar" else ("b", "l")
        plot = (
            f'<c:barChart><c:barDir val="{bar_dir}"/><c:grouping val="clustered"/><c:varyColors val="0"/>'
            f'{series}<c:gapWidth val="150"/><c:axId val="50010001"/><c:axId val="50010002"/></c:barChart>'
            '<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
            f'<c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" sourceLinked="0"/>'
            '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
            '<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
            '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
            '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
            f'<c:delete val="0"/><c:axPos val="{val_pos}"/><c:majorGridlines/>'
            '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="out"/>'
            '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="50010001"/>'
            '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
        )
        legend = '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>' if ch.series_name else ""
    title = (
        "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr/></a:pPr>"
        f'<a:r><a:t>{escape(ch.title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>'
    )
    body = (
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}"><c:roundedCorners val="0"/>'
        f'<c:chart>{title}<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>{plot}</c:plotArea>'
        f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )
    return (_DECL + body).encode()


def _fill(rgb: str) -> str:
    return f'<c:spPr><a:solidFill><a:srgbClr val="{rgb}"/></a:solidFill></c:spPr>'


def _points(rng: str, value_at: Callable[[int, int], object]) -> list[object]:
    r1, c1, r2, c2 = parse_range(rng)
    return [value_at(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
