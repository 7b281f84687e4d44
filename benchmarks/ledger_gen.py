"""Generate an N-row ledger for benchmarks (xlsxwriter, constant memory): Chinese text, dates as
date cells and as text, units, classes, the shape of a real county or provincial ledger."""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from taizhang.core.columns import COLUMNS

UNITS = ["县教育和体育局", "县住房和城乡建设局", "县交通运输局", "县卫生健康委员会", "县农业农村局", "县自然资源局",
         "县人力资源和社会保障局", "县民政局", "县财政局", "县水利局", "县市场监督管理局", "县公安局", "城关镇人民政府"]
TOPICS = ["农村饮水安全", "城区停车", "校外培训", "乡村道路", "医保报销", "养老服务", "农产品销售", "河道治理"]


def row_values(i: int, rng: random.Random, year: int, units: list[str] = UNITS) -> dict[str, object]:
    """A plausible, mostly clean case (a real ledger has a handful of problems, not thousands)."""
    assigned = date(year, 3, 15) + timedelta(days=rng.randint(0, 10))
    replied = assigned + timedelta(days=rng.randint(20, 70)) if rng.random() < 0.7 else None
    suggestion = rng.random() < 0.4
    host = rng.choice(units)
    result = rng.choice("AAB") if replied else None
    return {
        "序号": i, "编号": f"{'县人大第' if suggestion else '县政协第'}{i}号{'建议' if suggestion else '提案'}",
        "类别": "人大代表建议" if suggestion else "政协委员提案", "级别": rng.choice(["县", "州"]), "年度": year,
        "届次会次": "县十八届人大五次会议", "提出时间": "大会期间",
        "标题": f"关于加强{rng.choice(TOPICS)}工作的{'建议' if suggestion else '提案'}（{i}）",
        "领衔人": f"代表{i % 977}", "附议人数": rng.randint(0, 12), "代表团": "城关镇代表团",
        "联系电话": f"139{rng.randint(10000000, 99999999)}", "本级承办方式": "主办",
        "主办单位": host, "协办单位": "、".join(rng.sample([u for u in units if u != host], 2)),
        "交办日期": assigned if i % 3 else f"{assigned.year}.{assigned.month}.{assigned.day}",
        "面商日期": assigned + timedelta(days=5), "正式答复日期": replied,
        "答复文号": f"县政函〔{year}〕{i}号" if replied else None,
        "办理结果": result, "B类计划解决时限": date(year, 12, 31) if result == "B" else None,
        "代表意见": rng.choice(["满意", "基本满意"]) if replied else None,
        "公开属性": "主动公开", "备注": "",
    }


def many_units(count: int) -> list[str]:
    """`count` distinct unit names, the real ones first (a provincial ledger has a few hundred units)."""
    extra = [f"第{i}乡镇人民政府" for i in range(1, max(count - len(UNITS), 0) + 1)]
    return (UNITS + extra)[:count]


def generate(path: Path, rows: int, seed: int = 1, year: int = 2026, units: int | None = None) -> Path:
    """Write the ledger; with `units`, that many distinct 主办/协办 units and a 单位名录 sheet listing
    them (what split and merge need)."""
    rng = random.Random(seed)
    names_of_units = many_units(units) if units else UNITS
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("台账")
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write(0, 0, f"{year}年人大代表建议和政协委员提案办理台账")
    names = [c.name for c in COLUMNS]
    for col, name in enumerate(names):
        ws.write(1, col, name)
    for i in range(1, rows + 1):
        values = row_values(i, rng, year, names_of_units)
        for col, name in enumerate(names):
            value = values.get(name)
            if isinstance(value, date):
                ws.write_datetime(i + 1, col, value, date_format)
            elif value is not None and value != "":
                ws.write(i + 1, col, value)
    if units:
        directory = wb.add_worksheet("单位名录")
        directory.write_row(0, 0, ["单位名称", "简称", "别名", "类型", "排序", "电子邮箱"])
        for n, name in enumerate(names_of_units, start=1):
            directory.write_row(n, 0, [name, None, None, "承办单位", n])
    wb.close()
    return path


if __name__ == "__main__":
    generate(Path(sys.argv[1]), int(sys.argv[2]), units=int(sys.argv[3]) if len(sys.argv) > 3 else None)
