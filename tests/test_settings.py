"""Settings sheets: loaded from the workbook, defaults when missing, a bad value names its cell."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from taizhang.core.errors import BadInput
from taizhang.core.settings import Params
from taizhang.workbook.reader import read_workbook


def _ledger(path: Path, settings: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["编号", "类别", "标题", "领衔人", "主办单位", "交办日期"])
    ws.append(["第1号", "建议", "关于修路的建议", "张三", "县交通局", "2025-03-01"])
    for name, rows in settings.items():
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    wb.save(path)
    return path


def test_missing_settings_sheets_mean_defaults(tmp_path: Path) -> None:
    settings = read_workbook(_ledger(tmp_path / "a.xlsx", {})).settings
    assert settings.params == Params()
    assert settings.units == [] and settings.holidays == [] and settings.rules == []
    assert settings.present == []


def test_settings_sheets_are_loaded(tmp_path: Path) -> None:
    path = _ledger(tmp_path / "a.xlsx", {
        "单位名录": [["单位名称", "简称", "别名", "类型", "排序"],
                  ["县交通运输局", "县交通局", "交通局、县交通运输管理局", "承办单位", 2],
                  ["县财政局", None, None, "承办单位", 1],
                  ["县交通局综合股", None, None, "内设机构", 3]],
        "节假日": [["日期", "休/班", "说明"], ["2027-01-01", "休", "元旦"], ["2027-02-07", "班", "春节调休"]],
        "参数": [["参数", "值", "说明"], ["年度", "2025年", ""], ["办理结果分类", "甲/乙/丙", ""], ["临期提醒工作日", 3, ""]],
        "校验规则": [["规则代码", "说明", "启用", "级别"], ["phone-format", "", "否", ""], ["date-out-of-year", "", "是", "错误"]],
    })
    settings = read_workbook(path).settings
    assert [u.name for u in settings.units] == ["县财政局", "县交通运输局", "县交通局综合股"]
    assert settings.resolve_unit("交通局").name == "县交通运输局"  # type: ignore[union-attr]
    assert settings.resolve_unit(" 县交通局 ").name == "县交通运输局"  # type: ignore[union-attr]
    assert [(h.day.isoformat(), h.rest) for h in settings.holidays] == [("2027-01-01", True), ("2027-02-07", False)]
    assert (settings.params.year, settings.params.class_scheme, settings.params.due_soon_days) == (2025, "甲/乙/丙", 3)
    assert [(r.code, r.enabled, r.severity) for r in settings.rules] == [
        ("phone-format", False, None), ("date-out-of-year", True, "错误")]


@pytest.mark.parametrize(("sheet", "rows", "cell"), [
    ("参数", [["参数", "值", "说明"], ["年度", "明年", ""]], "B2"),
    ("参数", [["参数", "值", "说明"], ["临期提醒工作日", 2], ["办理结果分类", "ABC", ""]], "B3"),
    ("节假日", [["日期", "休/班", "说明"], ["2027-01-01", "放", ""]], "B2"),
    ("节假日", [["日期", "休/班", "说明"], ["元旦", "休", ""]], "A2"),
    ("单位名录", [["单位名称", "简称", "别名", "类型"], ["县财政局", None, None, "部门"]], "D2"),
    ("校验规则", [["规则代码", "说明", "启用", "级别"], ["phone-format", "", "是", "严重"]], "D2"),
])
def test_bad_setting_names_sheet_and_cell(tmp_path: Path, sheet: str, rows: list[list[object]], cell: str) -> None:
    with pytest.raises(BadInput) as caught:
        read_workbook(_ledger(tmp_path / "a.xlsx", {sheet: rows}))
    assert f"“{sheet}”工作表 {cell} 单元格" in caught.value.message
    assert "应为" in caught.value.message


def test_settings_sheet_without_its_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="“单位名录”工作表中找不到表头"):
        read_workbook(_ledger(tmp_path / "a.xlsx", {"单位名录": [["名字"], ["县财政局"]]}))


def test_unit_index_is_built_once_and_follows_the_units() -> None:
    from taizhang.core.settings import Settings, Unit

    settings = Settings(units=[Unit(name="县水利局", short="水利局")])
    assert settings.unit_index() is settings.unit_index()  # built once, not per resolve_unit call
    assert settings.resolve_unit("水利局").name == "县水利局"  # type: ignore[union-attr]
    settings.units = [Unit(name="县交通运输局", aliases=["交通局"])]
    assert settings.resolve_unit("水利局") is None
    settings.units.append(Unit(name="县水利局"))
    assert settings.resolve_unit("交通局").name == "县交通运输局"  # type: ignore[union-attr]
    assert settings.resolve_unit("县水利局").name == "县水利局"  # type: ignore[union-attr]
