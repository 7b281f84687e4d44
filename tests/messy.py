"""Messy ledgers as offices really keep them, written by code (openpyxl, xlsxwriter)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from openpyxl import Workbook

# What every messy variant holds, as the reader should understand it.
EXPECTED = [
    {"编号": "县人大第1号建议", "类别": "人大代表建议", "标题": "关于加强农村饮水安全保障的建议", "领衔人": "李燕芹等11人",
     "主办单位": "县水利局", "协办单位": "县卫健委、县财政局", "交办日期": "2025-03-20", "正式答复日期": "2025-05-10",
     "办理结果": "A", "代表意见": "满意", "联系电话": "13912345678"},
    {"编号": "县政协第2号提案", "类别": "政协委员提案", "标题": "关于规范校外培训机构的提案", "领衔人": "王建国",
     "主办单位": "县教体局", "协办单位": "", "交办日期": "2025-03-25", "正式答复日期": "2025-05-20",
     "办理结果": "B", "代表意见": "基本满意", "联系电话": "13800001111"},
    {"编号": "县人大第3号建议", "类别": "人大代表建议", "标题": "关于改善城区停车难的建议", "领衔人": "张敏",
     "主办单位": "县住建局", "协办单位": "县公安局", "交办日期": "2025-03-25", "正式答复日期": None,
     "办理结果": None, "代表意见": None, "联系电话": "0994-1234567"},
]


def tidy_ledger(path: Path) -> Path:
    """One title row, one header row, dates as date cells."""
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"] = "2025年建议提案办理台账"
    headers = ["序号", "编号", "类别", "标题", "领衔人", "联系电话", "主办单位", "协办单位", "交办日期",
               "正式答复日期", "办理结果", "代表意见", "经办人"]
    ws.append(headers)
    for i, row in enumerate(EXPECTED, start=1):
        ws.append([i, row["编号"], row["类别"], row["标题"], row["领衔人"], row["联系电话"], row["主办单位"],
                   row["协办单位"] or None, date.fromisoformat(row["交办日期"]),
                   date.fromisoformat(row["正式答复日期"]) if row["正式答复日期"] else None,
                   row["办理结果"], row["代表意见"], "小刘"])
    wb.save(path)
    return path


def messy_ledger(path: Path) -> Path:
    """Two title rows, a two-row header with merged cells and odd spellings, dates as text in
    every style, full-width digits, stray spaces, a blank row, a totals row, a filter hiding a row,
    and a second sheet of notes. Written with xlsxwriter, as another program would."""
    wb = xlsxwriter.Workbook(str(path))
    notes = wb.add_worksheet("说明")
    notes.write("A1", "本表由督查室维护")
    ws = wb.add_worksheet("2025年台账")
    merge = wb.add_format({"align": "center", "bold": True})
    ws.merge_range("A1:M1", "XX县2025年人大代表建议和政协委员提案办理情况台账", merge)
    ws.write("A2", "填报单位：县政府办公室督查室      截至：2025年6月1日")
    # Row 3-4: two-row header.
    ws.merge_range("A3:A4", "序 号", merge)
    ws.merge_range("B3:B4", "建议\n编号", merge)
    ws.merge_range("C3:C4", "类  别", merge)
    ws.merge_range("D3:D4", "案由", merge)
    ws.merge_range("E3:E4", "领衔代表（委员）", merge)
    ws.merge_range("F3:F4", "联系 电话", merge)
    ws.merge_range("G3:H3", "承办单位", merge)
    ws.write("G4", "主办")
    ws.write("H4", "协办")
    ws.merge_range("I3:I4", "交办时间", merge)
    ws.merge_range("J3:J4", "答复日期", merge)
    ws.merge_range("K3:K4", "办理结果（A/B/C）", merge)
    ws.merge_range("L3:L4", "代表意见", merge)
    ws.merge_range("M3:M4", "经办人", merge)
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    rows = [
        [1, "县人大第1号建议", "建议", " 关于加强农村饮水安全保障的建议 ", "李燕芹等11人", "１３９１２３４５６７８",
         "县水利局", "县卫健委，县财政局", "2025.3.20", "2025年5月10日", "A类", "满意", "小刘"],
        [None] * 13,  # a blank row in the middle
        [2, "县政协第２号提案", "提案", "关于规范校外培训机构的提案", "王建国", 13800001111.0,
         "县教体局", None, "3月25日", datetime(2025, 5, 20), "Ｂ", "基本满意", "小刘"],
        [3, "县人大第3号建议", "人大代表建议", "关于改善城区停车难的建议", "张敏", "0994-1234567",
         "县住建局", "县公安局", 45741, None, None, None, "小王"],
        ["合计", "3件", None, None, None, None, None, None, None, None, None, None, None],
    ]
    for r, values in enumerate(rows, start=4):
        for c, value in enumerate(values):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, date_fmt)
            elif value is not None:
                ws.write(r, c, value)
    ws.autofilter("A4:M8")
    ws.filter_column("L", "x == 满意")
    ws.set_row(6, None, None, {"hidden": True})  # the filter hides row 7 (案 2)
    wb.close()
    return path
