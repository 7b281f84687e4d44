"""The unit books' widths and heights are measure.fit's for any mix of cases a book gets: the split
measures a wrapping cell once per case when its column is as wide in every book holding it
(a given width, or the widest a wrapping cell asks), and per book otherwise. A ledger whose cases
go to many books, with long and short texts, paragraphs, Latin words, numbers in text columns and
empty cells, checked book by book against measure.fit of what each book holds (test_unit_pack's
`_fit_of`)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import openpyxl
import pytest

from taizhang.core.columns import Col
from taizhang.core.model import column_index
from taizhang.macros.jobs.split import SplitResult, split
from tests.test_unit_pack import _fit_of

TODAY = date(2026, 5, 20)
UNITS = ["县水利局", "县财政局", "县交通运输局", "县人力资源和社会保障局", "城关镇人民政府", "县农业农村局",
         "县卫生健康委员会", "县市场监督管理局"]
WORDS = ["乡村道路", "饮水安全", "停车难", "校外培训", "医保报销", "养老服务", "农产品销售", "河道治理",
         "Wi-Fi", "APP", "PM2.5", "5G基站", "“一网通办”", "（试行）"]
COLUMNS = [Col.NUMBER, Col.CATEGORY, Col.YEAR, Col.TITLE, Col.PHONE, Col.HOST_UNIT, Col.CO_UNITS,
           Col.ASSIGNED_DATE, Col.REPLY_DATE, Col.REPLY_NUMBER, Col.PROGRESS]


def text(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(WORDS) + rng.choice(["", "，", "、", "。", " "]) for _ in range(words)).strip()


def case(i: int, rng: random.Random) -> list[object]:
    host = rng.choice(UNITS)
    cos = rng.sample([u for u in UNITS if u != host], rng.randint(0, 3))
    replied = rng.random() < 0.6
    number = f"县人大第{i}号建议" if rng.random() < 0.8 else f"J{i}"  # most ask the widest, some do not
    progress = "\n".join(text(rng, rng.randint(1, 9)) for _ in range(rng.randint(1, 3))) if replied else None
    return [number, "人大代表建议", 2026, "关于" + text(rng, rng.randint(1, 12)) + "的建议",
            rng.choice([13900001111, "0871-1234567", "139 0000 1111 转 8", None]),
            host, "、".join(cos) or None, date(2026, 3, 2) + timedelta(days=i % 9),
            date(2026, 4, 20) if replied else None, f"县政函〔2026〕{i}号" if replied else None, progress]


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory) -> SplitResult:
    folder = tmp_path_factory.mktemp("layout")
    rng = random.Random(18)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "台账"
    ws.append(["2026年建议办理台账"])
    ws.append([str(c) for c in COLUMNS])
    for i in range(1, 121):
        ws.append(case(i, rng))
    directory = wb.create_sheet("单位名录")
    directory.append(["单位名称", "简称", "别名", "类型", "排序", "电子邮箱"])
    for n, unit in enumerate(UNITS, start=1):
        directory.append([unit, None, None, "承办单位", n])
    wb.save(folder / "台账.xlsx")
    return split(folder / "台账.xlsx", folder / "分发", TODAY)


def test_every_book_is_laid_out_as_measure_fit_lays_it_out(done: SplitResult) -> None:
    assert len(done.files) == len(UNITS)
    assert sum(f.hosts + f.cos for f in done.files) > 200  # cases in several books
    for file in done.files:
        ws = openpyxl.load_workbook(file.path)["台账"]
        widths, heights = _fit_of(ws)
        written_widths = {column_index(k) + 1: d.width for k, d in ws.column_dimensions.items() if d.width}
        written_heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
        assert written_widths == pytest.approx(widths), file.path.name
        assert written_heights == pytest.approx(heights), file.path.name
        assert max(heights.values()) > 60  # some rows hold several lines
