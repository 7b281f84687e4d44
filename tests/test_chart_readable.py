"""The 图表 sheet's charts can be read on paper: every unit's name on the bar chart's axis (no label
skipped, the chart as tall as its units need), whole numbers on the count axis, each bar's value
on it; and no empty chart frame when there is nothing to plot."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from lxml import etree

from taizhang.macros.cli import cli
from taizhang.workbook.writer.chart import major_unit
from tests.ledger_factory import write_ledger
from tests.libreoffice import convert, soffice_binary
from tests.pdf_layout import find, read_pdf

TODAY = "2026-07-15"
NS = {"c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
      "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "xdr": "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
      "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
UNITS = [f"第{n}街道办事处" for n in range(1, 31)]
HEADERS = ("编号", "类别", "年度", "标题", "领衔人", "本级承办方式", "主办单位", "交办日期", "正式答复日期", "办理结果")


def rows_for(units: list[str], *, overdue: bool) -> list[dict[str, Any]]:
    """Unit i gets i % 4 + 1 cases, assigned in January (overdue by July unless replied)."""
    rows = []
    for i, unit in enumerate(units):
        for k in range(i % 4 + 1):
            n = len(rows) + 1
            rows.append({"编号": f"第{n}号", "类别": "人大代表建议", "年度": 2026, "标题": f"关于第{n}件事的建议",
                         "领衔人": f"代表{n}", "本级承办方式": "主办", "主办单位": unit, "交办日期": date(2026, 1, 10),
                         **({} if overdue else {"正式答复日期": date(2026, 3, 1 + k)})})
    return rows


def summary(folder: Path, units: list[str], *, overdue: bool) -> Path:
    ledger = write_ledger(folder / "台账.xlsx", rows_for(units, overdue=overdue), headers=HEADERS,
                          title="2026年建议办理台账", units=[(u, "", "", "承办单位") for u in units],
                          params={"年度": 2026})
    out = folder / "统计.xlsx"
    result = CliRunner().invoke(cli, ["summary", str(ledger), "--today", TODAY, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def chart_parts(book: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(book) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)}


@pytest.fixture(scope="module")
def thirty(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return summary(tmp_path_factory.mktemp("thirty"), UNITS, overdue=True)


def bar(book: Path) -> etree._Element:
    return next(c for c in chart_parts(book).values() if c.find(".//c:barChart", NS) is not None)


def test_the_bar_chart_labels_all_thirty_units(thirty: Path) -> None:
    chart = bar(thirty)
    labels = [v.text for v in chart.findall(".//c:cat//c:strCache/c:pt/c:v", NS)]
    assert sorted(labels) == sorted(UNITS)
    axis = chart.find(".//c:catAx", NS)
    assert axis.find("c:tickLblSkip", NS).get("val") == "1"
    assert axis.find("c:delete", NS).get("val") == "0"


def test_the_count_axis_has_whole_number_ticks_and_bars_show_values(thirty: Path) -> None:
    chart = bar(thirty)
    values = [float(v.text) for v in chart.findall(".//c:val//c:numCache/c:pt/c:v", NS)]
    assert values and all(v.is_integer() for v in values)
    unit = float(chart.find(".//c:valAx/c:majorUnit", NS).get("val"))
    assert unit >= 1 and unit.is_integer() and max(values) / unit <= 10
    assert chart.find(".//c:ser/c:dLbls/c:showVal", NS).get("val") == "1"


def test_the_chart_is_as_tall_as_its_labels_need(thirty: Path) -> None:
    chart = bar(thirty)
    size = int(chart.find(".//c:catAx/c:txPr//a:defRPr", NS).get("sz")) / 100
    with zipfile.ZipFile(thirty) as z:
        drawing = etree.fromstring(next(z.read(n) for n in z.namelist() if n.startswith("xl/drawings/drawing")))
        sheets = [etree.fromstring(z.read(n)) for n in z.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)]
    anchor = drawing.find("xdr:twoCellAnchor", NS)
    first = int(anchor.find("xdr:from/xdr:row", NS).text)
    last = int(anchor.find("xdr:to/xdr:row", NS).text)
    sheet = next(s for s in sheets if s.find("m:drawing", NS) is not None)
    heights = {int(r.get("r")) - 1: float(r.get("ht", "15")) for r in sheet.iter(f"{{{NS['m']}}}row")}
    height = sum(heights.get(r, 15.0) for r in range(first, last))
    assert size >= 7
    assert height >= len(UNITS) * size * 1.5  # each unit a band of one and a half label heights at least


@pytest.mark.libreoffice
def test_libreoffice_prints_every_unit_on_the_axis(thirty: Path, tmp_path: Path) -> None:
    if soffice_binary() is None:
        pytest.skip("LibreOffice is not installed: run .ci/install-system.sh")
    pages = [p for p in read_pdf(convert(thirty, "pdf", tmp_path)) if p.sheet_name({"图表"})]
    for unit in UNITS:  # once in the table beside the chart, once on its axis
        assert len(find(unit, pages, thorough=True)) >= 2, unit


def test_nothing_to_plot_draws_no_chart_and_says_why(tmp_path: Path) -> None:
    out = summary(tmp_path, UNITS[:3], overdue=False)
    bars = [c for c in chart_parts(out).values() if c.find(".//c:barChart", NS) is not None]
    pies = [c for c in chart_parts(out).values() if c.find(".//c:pieChart", NS) is not None]
    assert bars == [] and pies == []
    import python_calamine as pc

    text = "".join(str(v) for row in pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("图表").to_python()
                   for v in row)
    assert "没有逾期件，不绘制" in text and "尚无已填写办理结果的件，不绘制" in text


@pytest.mark.parametrize(("values", "unit"), [([0, 1, 3], 1), ([10], 1), ([11], 2), ([25], 5), ([60], 10),
                                              ([150], 20), ([0.5, 1], None), ([], None)])
def test_major_unit_is_a_round_step(values: list[float], unit: float | None) -> None:
    assert major_unit(list(values)) == unit
