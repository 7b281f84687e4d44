"""Benchmark of the 台账 writer on a generated 20,000-row ledger (not a timed test).

Each variant runs in its own process on a fresh copy; times start before the variant's imports,
peak memory is the process's VmHWM. Usage: python -m benchmarks.bench_write [--rows 20000] [--repeat 1]

Variants: copy (read the file, write it back), baseline (the writer's bare open-and-save: the ledger
sheet streamed through unchanged and rewritten, full fidelity check), write (4 tool columns and the
status fills), openpyxl (the naive load/loop/save doing the same change).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from datetime import date, timedelta
from pathlib import Path

COLUMNS = 25
TOOL_HEADERS = ["【系统】状态", "【系统】剩余天数", "【系统】截止日期", "【系统】校验"]

PRELUDE = textwrap.dedent(
    """
    import json, resource, sys, time
    from datetime import date, timedelta
    path, rows = sys.argv[1], int(sys.argv[2])
    t0 = time.perf_counter()
    """
)
# ru_maxrss survives execve on Linux (it would count the parent's memory); VmHWM does not.
EPILOGUE = textwrap.dedent(
    """
    try:
        hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0]
        rss_mb = int(hwm.split()[1]) / 1024
    except OSError:
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": time.perf_counter() - t0, "rss_mb": rss_mb}))
    """
)
VALUES = textwrap.dedent(
    """
    status = {r: ("逾期" if r % 7 == 0 else "正常") for r in range(2, rows + 2)}
    days = {r: r % 60 - 10 for r in range(2, rows + 2)}
    due = {r: date(2025, 6, 1) + timedelta(days=r % 90) for r in range(2, rows + 2)}
    check = {r: ("缺少答复日期" if r % 13 == 0 else "") for r in range(2, rows + 2)}
    overdue = [r for r in range(2, rows + 2) if r % 7 == 0]
    """
)
VARIANTS = {
    # pure copy: read the file and write it back, nothing else (the floor of any write)
    "copy": """
        data = open(path, "rb").read()
        with open(path + ".copy", "wb") as f:
            f.write(data)
    """,
    # the writer's bare open-and-save: the ledger sheet part streamed through the editor unchanged,
    # recompressed and written, the full fidelity check (untouched parts byte-identical, element
    # counts of the rewritten sheet old vs new, calamine reads the rewritten sheet), backup, replace
    "baseline": """
        from taizhang.workbook.writer import LedgerWriter
        with LedgerWriter(path) as w:
            name = w.sheet_names()[0]
            w._editor(name).modified = True
            w._force_rewrite = True  # rewrite the part although its bytes come out the same
            w.commit()
    """,
    "write": VALUES
    + textwrap.dedent(
        """
        from taizhang.workbook.writer import LedgerWriter
        with LedgerWriter(path) as w:
            name = w.sheet_names()[0]
            for header, values in zip(%r, (status, days, due, check)):
                w.set_tool_column(name, 1, header, values)
            w.clear_tool_fills(name, "due")
            w.set_cell_fills(name, {f"Z{r}": "overdue" for r in overdue}, "due")
            w.commit()
    """
    )
    % (TOOL_HEADERS,),
    "openpyxl": VALUES
    + textwrap.dedent(
        """
        import openpyxl
        from openpyxl.styles import PatternFill
        book = openpyxl.load_workbook(path)
        sheet = book.worksheets[0]
        fill = PatternFill("solid", fgColor="FFFFC8CE")
        col0 = sheet.max_column + 1
        for i, (header, values) in enumerate(zip(%r, (status, days, due, check))):
            sheet.cell(1, col0 + i, header)
            for r, v in values.items():
                sheet.cell(r, col0 + i, v)
        for r in overdue:
            sheet.cell(r, col0).fill = fill
        book.save(path)
    """
    )
    % (TOOL_HEADERS,),
}


def make_ledger(path: Path, rows: int) -> None:
    import xlsxwriter

    units = ["住房和城乡建设局", "交通运输局", "教育局", "卫生健康委员会", "自然资源和规划局", "生态环境局"]
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    date_fmt = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [f"字段{c + 1}" for c in range(COLUMNS)])
    start = date(2025, 1, 6)
    for r in range(1, rows + 1):
        for c in range(COLUMNS):
            if c % 5 == 3:
                sheet.write_datetime(r, c, start + timedelta(days=(r + c) % 300), date_fmt)
            elif c % 5 == 4:
                sheet.write_number(r, c, (r * 7 + c) % 1000)
            else:
                sheet.write_string(r, c, f"{units[(r + c) % len(units)]}关于第{r}号建议的办理意见{c}")
    book.close()


def run(variant: str, src: Path, work: Path, rows: int) -> dict[str, float]:
    target = work / f"{variant}.xlsx"
    shutil.copyfile(src, target)
    code = PRELUDE + textwrap.dedent(VARIANTS[variant]) + EPILOGUE  # dedent: no-op when already flush
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, str(target), str(rows)], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if proc.returncode:
        raise SystemExit(f"{variant} failed:\n{proc.stderr}")
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall"] = wall  # the whole process, interpreter start included
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant; the median is shown")
    parser.add_argument("--skip-openpyxl", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        src = work / "ledger.xlsx"
        make_ledger(src, args.rows)
        import zipfile

        with zipfile.ZipFile(src) as z:
            sheet_mb = z.getinfo("xl/worksheets/sheet1.xml").file_size / 1e6
        print(
            f"ledger: {args.rows} rows x {COLUMNS} columns, file {src.stat().st_size / 1e6:.1f} MB, sheet XML {sheet_mb:.1f} MB"
        )
        results: dict[str, dict[str, float]] = {}
        for variant in VARIANTS:
            if variant == "openpyxl" and args.skip_openpyxl:
                continue
            runs = [run(variant, src, work, args.rows) for _ in range(args.repeat)]
            results[variant] = {
                "seconds": statistics.median(r["seconds"] for r in runs),
                "wall": statistics.median(r["wall"] for r in runs),
                "rss_mb": max(r["rss_mb"] for r in runs),
            }
            res = results[variant]
            print(
                f"{variant:>9}: {res['seconds']:6.2f} s   (process {res['wall']:5.2f} s)"
                f"   peak RSS {res['rss_mb']:6.0f} MB"
            )
        w = results["write"]["seconds"]
        print(
            f"write / bare open-and-save (baseline): {w / results['baseline']['seconds']:5.2f}x  (target <= 1.5x)"
        )
        print(
            f"write / pure copy of the file:         {results['write']['wall'] / results['copy']['wall']:5.2f}x"
            "  (whole processes: interpreter start included)"
        )
        if "openpyxl" in results:
            print(
                f"openpyxl naive / write:                {results['openpyxl']['seconds'] / w:5.2f}x  (target >= 3x)"
            )
        print(f"peak RSS of write: {results['write']['rss_mb']:.0f} MB (target <= 400 MB)")


if __name__ == "__main__":
    main()
