"""The pure core on 20,000 cases, in one process: deadlines (both big presets) and statistics.
No baseline exists for these, so the script prints seconds; the target for each is "well under a
second". Run: python -m benchmarks.bench_core"""

from __future__ import annotations

import time
from datetime import date, timedelta

from taizhang.core.deadlines import PRESETS, WorkCalendar, evaluate
from taizhang.core.model import Case
from taizhang.core.settings import Settings, Unit
from taizhang.core.stats import CaseTiming, compute_stats, stats_json

ROWS = 20_000


def cases(n: int) -> list[Case]:
    start = date(2025, 1, 2)
    return [
        Case(row=i + 3, sheet="台账", 编号=f"第{i}号", 类别=("人大代表建议", "政协委员提案")[i % 2],
             级别="州" if i % 2 else "县", 本级承办方式=("主办", "协办", "参阅")[i % 3], 主办单位=f"县第{i % 40}局",
             协办单位=[f"县第{(i + 1) % 40}局"], 交办日期=start + timedelta(days=i % 300), 公开属性="主动公开",
             代表意见="不满意" if i % 7 == 0 else "满意", 办理结果="ABC"[i % 3],
             正式答复日期=start + timedelta(days=i % 300 + 60) if i % 4 else None)
        for i in range(n)
    ]


def best_of(runs: int, job) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(runs):
        began = time.perf_counter()
        job()
        best = min(best, time.perf_counter() - began)
    return best


def main() -> None:
    ledger = cases(ROWS)
    calendar = WorkCalendar.from_settings([])
    rules = PRESETS["精河2025"] + PRESETS["代表法三个月"]
    due = best_of(3, lambda: evaluate(ledger, rules, calendar, date(2025, 9, 1), ledger_year=2025, due_soon_days=5))
    settings = Settings(units=[Unit(name=f"县第{i}局", order=i) for i in range(40)])
    timing = {c.row: CaseTiming(overdue=False, replied_on_time=True, reply_due_by_today=True) for c in ledger}
    stats = best_of(3, lambda: stats_json(compute_stats(ledger, settings, date(2025, 9, 1), ledger_year=2025,
                                                         timing=timing)))
    print(f"{ROWS} 件：时限计算（精河2025 + 代表法三个月）{due:.3f} s；统计 {stats:.3f} s")


if __name__ == "__main__":
    main()
