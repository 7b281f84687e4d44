"""`stats_json`: the shape `taizhang stats --json` prints, plain JSON types only."""

from __future__ import annotations

import json
from datetime import date, timedelta

from taizhang.core.model import Case
from taizhang.core.settings import Settings, Unit
from taizhang.core.stats import CaseTiming, compute_stats, stats_json

TODAY = date(2026, 6, 30)


def test_json_shape() -> None:
    cases = [
        Case(row=5, sheet="台账", 年度=2026, 类别="人大代表建议", 本级承办方式="主办", 主办单位="县水利局",
             协办单位=["县教体局"], 正式答复日期=date(2026, 5, 1), 办理结果="A", 代表意见="满意"),
    ]
    out = stats_json(compute_stats(cases, Settings(), TODAY, ledger_year=2026, timing={5: CaseTiming(False, True, True)}))
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out
    assert {"totals", "by_unit", "by_category", "classes", "rates", "paragraph"} <= set(out)
    assert {"by_level", "by_role", "by_timing", "by_key_case", "by_level_category", "earlier_b"} <= set(out)
    assert out["rates"]["办复率"] == {"num": 1, "den": 1, "value": "100.00%"}
    assert out["rates"]["按期办复率"] == {"num": 1, "den": 1, "value": "100.00%"}
    assert out["classes"]["A"] == {"count": 1, "share": "100.00%"}
    units = [(u["unit"], u["主办件次"], u["协办件次"]) for u in out["by_unit"]]
    assert units == [("县水利局", 1, 0), ("县教体局", 0, 1), ("合计", 1, 1)]
    assert out["by_unit"][0]["rates"]["满意率"]["value"] == "100.00%"
    assert out["by_category"]["合计"]["件数"] == 1
    assert out["earlier_b"] == {"count": 0, "resolved": 0, "num": 0, "den": 0, "value": "—"}
    assert out["paragraph"].startswith("截至2026年6月30日，")


def big_ledger(n: int) -> tuple[list[Case], Settings, dict[int, CaseTiming]]:
    units = [Unit(name=f"县第{i}局", short=f"第{i}局", order=i) for i in range(40)]
    cases = []
    timing = {}
    for i in range(n):
        row = i + 3
        replied = i % 3 != 0
        cases.append(Case(
            row=row, sheet="台账", 年度=2026 if i % 10 else 2024, 类别=("建议", "提案")[i % 2],
            级别=("州", "县")[i % 3 == 0], 本级承办方式=("主办", "协办", "参阅", "分办")[i % 4],
            主办单位=f"第{i % 45}局", 协办单位=[f"县第{(i + 1) % 40}局", f"县第{(i + 2) % 40}局"],
            交办日期=date(2026, 3, 1) + timedelta(days=i % 30),
            面商日期=date(2026, 4, 1) if i % 5 else None, 正式答复日期=date(2026, 5, 1) if replied else None,
            办理结果=("A", "B", "C", None)[i % 4], 代表意见=("满意", "基本满意", "不满意", None)[i % 4],
            落实进展="已解决" if i % 7 == 0 else None,
        ))
        timing[row] = CaseTiming(overdue=not replied, replied_on_time=replied and i % 2 == 0, reply_due_by_today=True)
    return cases, Settings(units=units), timing


def test_20k_cases_add_up() -> None:
    """Scale, not speed: the timing lives in benchmarks/bench_core.py."""
    cases, settings, timing = big_ledger(20_000)
    stats = compute_stats(cases, settings, TODAY, ledger_year=2026, timing=timing)
    stats_json(stats)
    assert stats.totals.cases + stats.totals.earlier_b + stats.totals.earlier_other == 20_000
    assert stats.unit_total.hosted == stats.totals.cases - stats.totals.referral  # 参阅 is no unit's
    assert len(stats.by_unit) == 45  # 40 listed, 5 unknown (第40局 … 第44局)
