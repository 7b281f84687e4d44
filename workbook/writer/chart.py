"""Native charts of a tool sheet: one drawing part holding an anchor per chart, one chart part each.
Caches of the plotted values are written too, so viewers that do not recalculate show the chart.

Bar charts are made to be read on paper: every category label is shown (tick-label skip 1, the
label font `Chart.label_size`; the builder sizes the chart to its number of categories), counts
get an integer axis (a major unit of 1, 2, 5, 10 … so no tick falls at 0.5) and every bar its
value. Horizontal bars list the first category at the top, as the table beside them does."""

from __future__ import annotations

from collections.abc import Callable

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


def escape(text: str) -> str:
    """Text as XML character data (what xml.sax.saxutils.escape gives, without importing it:
    it pulls in urllib, http.client and email, ~25 ms of every write's start)."""
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


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
        fills = _fill(SERIES_COLOUR) + '<c:invertIfNegative val="0"/>' + _bar_labels(ch.label_size)
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
            f'<c:dLbls>{_txpr(ch.label_size)}<c:showLegendKey val="0"/><c:showVal val="0"/><c:showCatName val="0"/>'
            '<c:showSerName val="0"/><c:showPercent val="1"/><c:showBubbleSize val="0"/>'
            '<c:showLeaderLines val="1"/></c:dLbls><c:firstSliceAng val="0"/></c:pieChart>'
        )
        legend = '<c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
    else:
        plot = _bar_plot(ch, series, vals, len(cats))
        legend = ""  # one series, named by the title: a legend would only repeat it
    title = (
        "<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz=\"1200\" b=\"1\"/></a:pPr>"
        f'<a:r><a:t>{escape(ch.title)}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>'
    )
    body = (
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}"><c:roundedCorners val="0"/>'
        f'<c:chart>{title}<c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>{plot}</c:plotArea>'
        f'{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )
    return (_DECL + body).encode()


def _bar_plot(ch: Chart, series: str, vals: list[object], count: int) -> str:
    """Bars with every category labelled. Horizontal bars run top-down (the category axis
    reversed, the value axis kept at the bottom by crossing at the last category)."""
    horizontal = ch.kind == "bar"
    cat_pos, val_pos = ("l", "b") if horizontal else ("b", "l")
    order = "maxMin" if horizontal else "minMax"
    step = major_unit(vals)
    unit = f'<c:majorUnit val="{step:g}"/>' if step else ""
    number = "0" if step else "General"
    return (
        f'<c:barChart><c:barDir val="{"bar" if horizontal else "col"}"/><c:grouping val="clustered"/>'
        f'<c:varyColors val="0"/>{series}<c:gapWidth val="60"/><c:axId val="50010001"/><c:axId val="50010002"/>'
        "</c:barChart>"
        f'<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="{order}"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="out"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{_txpr(ch.label_size, rotate=not horizontal and count > 8)}'
        '<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:tickLblSkip val="1"/><c:tickMarkSkip val="1"/><c:noMultiLvlLbl val="0"/>'
        "</c:catAx>"
        '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{val_pos}"/><c:majorGridlines/>'
        f'<c:numFmt formatCode="{number}" sourceLinked="0"/><c:majorTickMark val="out"/>'
        f'<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>{_txpr(ch.label_size)}<c:crossAx val="50010001"/>'
        f'<c:crosses val="{"max" if horizontal else "autoZero"}"/><c:crossBetween val="between"/>{unit}</c:valAx>'
    )


def major_unit(values: list[object]) -> float | None:
    """A round step giving at most 10 ticks from 0 to the largest value; None unless every value
    is a whole number (counts), where a fractional tick would mean half a case."""
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not numbers or any(float(v) != int(v) for v in numbers):
        return None
    top = max(max(numbers), 1)
    step = 1
    while top / step > 10:
        for factor in (2, 5 / 2, 2):  # 1, 2, 5, 10, 20, 50 …
            step = int(step * factor)
            if top / step <= 10:
                break
    return float(step)


def _txpr(size: float, rotate: bool = False) -> str:
    rot = ' rot="-2700000" vert="horz"' if rotate else ""
    return (f'<c:txPr><a:bodyPr{rot}/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="{round(size * 100)}"/></a:pPr>'
            '<a:endParaRPr lang="zh-CN"/></a:p></c:txPr>')


def _bar_labels(size: float) -> str:
    return ('<c:dLbls><c:numFmt formatCode="General" sourceLinked="0"/><c:spPr><a:noFill/><a:ln><a:noFill/></a:ln>'
            f'</c:spPr>{_txpr(size)}<c:dLblPos val="outEnd"/><c:showLegendKey val="0"/><c:showVal val="1"/>'
            '<c:showCatName val="0"/><c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/>'
            '</c:dLbls>')


def _fill(rgb: str) -> str:
    return f'<c:spPr><a:solidFill><a:srgbClr val="{rgb}"/></a:solidFill></c:spPr>'


def _points(rng: str, value_at: Callable[[int, int], object]) -> list[object]:
    r1, c1, r2, c2 = parse_range(rng)
    return [value_at(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
