"""`taizhang read`, `check` and `due` against a bare python-calamine read of the same file, in the
same run. Targets: read <= 1.5x and check <= 1.5x the bare read (the reading and checking targets).
Run: python -m benchmarks.bench_read [ROWS ...]
Each variant runs in a fresh subprocess (best of 3), so imports and caches do not favour either.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.ledger_gen import generate

BARE = """
import sys, time, python_calamine as pc
t = time.perf_counter()
book = pc.CalamineWorkbook.from_path(sys.argv[1])
rows = book.get_sheet_by_name("台账").to_python(skip_empty_area=False)
print(time.perf_counter() - t)
"""
TOOL = """
import sys, time
from taizhang.workbook.reader import read_workbook
t = time.perf_counter()
ledger = read_workbook(sys.argv[1]).ledger
assert len(ledger.cases) > 0
print(time.perf_counter() - t)
"""

# Imports happen before the clock starts on both sides (the bare side imports python_calamine
# first too): they are a fixed start-up cost, not work that grows with the ledger.
CHECK = """
import sys, time
from datetime import date
import taizhang.validators, taizhang.core.deadlines
from taizhang.analysis import Analysis
from taizhang.workbook.reader import read_workbook
t = time.perf_counter()
loaded = read_workbook(sys.argv[1])
report = Analysis(loaded.ledger, loaded.settings, date(2026, 6, 1)).report
print(time.perf_counter() - t)
"""
DUE = CHECK.replace(".report", ".deadlines")


def timed(code: str, path: Path, repeat: int = 3) -> float:
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
        runs.append(float(out.stdout.strip().splitlines()[-1]))
    return min(runs)


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            path = generate(Path(tmp) / f"ledger_{rows}.xlsx", rows)
            bare = timed(BARE, path)
            for name, code in (("read", TOOL), ("check", CHECK), ("due", DUE)):
                tool = timed(code, path)
                target = "  (目标 ≤ 1.5x)" if name != "due" else ""
                print(f"{rows:>6} 行  calamine {bare:6.3f} s  taizhang {name:<5} {tool:6.3f} s  "
                      f"比值 {tool / bare:4.2f}x{target}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 20000])
