"""Units the 单位名录 lacks are listed in the order the ledger first names them (主办单位, then
协办单位, row by row), in every run: never in the order of a set, which changes with Python's
hash seed from one process to the next."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from tests.ledger_factory import clean_row, write_ledger

TODAY = "2025-09-01"
# Each case waits for its co-handlers' opinion (协办意见日期 empty, assigned in March): every
# 协办单位 owes an overdue stage, which is where the order used to come from a set.
ROWS = [
    clean_row(1, 主办单位="县甲局", 协办单位="县乙局、县丙局、县丁局、县戊局", 协办意见日期=None),
    clean_row(2, 主办单位="县己局", 协办单位="县庚局、县乙局", 协办意见日期=None),
]
FIRST_NAMED = ["县甲局", "县乙局", "县丙局", "县丁局", "县戊局", "县己局", "县庚局"]


def _units(path: Path, seed: int) -> list[str]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    done = subprocess.run([sys.executable, "-m", "taizhang", "stats", str(path), "--today", TODAY, "--json"],
                          capture_output=True, text=True, env=env, cwd=path.parent, check=True)
    return [row["unit"] for row in json.loads(done.stdout)["by_unit"]]


def test_unknown_units_keep_the_ledger_order_whatever_the_hash_seed(tmp_path: Path) -> None:
    path = write_ledger(tmp_path, ROWS, units=None)
    assert date.fromisoformat(TODAY) > date(2025, 3, 20)
    for seed in range(6):
        assert _units(path, seed) == [*FIRST_NAMED, "合计"]
