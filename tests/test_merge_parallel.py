"""Many returns read in worker processes: each file judged exactly as when read one by one, in the
same order (the second unit changing a field the first changed is still the one refused), the
master written the same; a worker that dies leaves its file to be read in the merging process."""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from taizhang.macros.jobs import merge as merge_job
from taizhang.macros.jobs.merge import merge
from tests import test_merge_roundtrip as roundtrip
from tests.test_merge_roundtrip import HOST, REPLY, SHARED, TODAY, WHEN, edit, first_host_case, master_values

Env = tuple[Path, dict[str, Path]]
pristine, env = roundtrip.pristine, roundtrip.env  # the shared fixtures


def returns(units: dict[str, Path], folder: Path) -> tuple[list[Path], list[str]]:
    """Returns whose outcomes depend on the order they are judged in, and those outcomes."""
    number = first_host_case(units[HOST])
    answered = edit(units[HOST], {number: REPLY}, folder / "财政答复.xlsx")
    locked = edit(units[HOST], {number: {**REPLY, "标题": "改过的标题"}}, folder / "财政改锁定.xlsx")
    first = edit(units["县民政局"], {SHARED: {"协办意见日期": date(2026, 4, 12)}}, folder / "民政.xlsx")
    second = edit(units[HOST], {SHARED: {"协办意见日期": date(2026, 4, 15)}}, folder / "财政协办.xlsx")
    garbage = folder / "不是工作簿.xlsx"
    garbage.write_bytes(b"not a workbook")
    files = [answered, locked, first, garbage, second, units["县人力资源和社会保障局"]]
    return files, ["merged", "rejected", "merged", "rejected", "rejected", "no-change"]


def in_workers(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Read in two workers whatever the machine's load, each read noted with its process id."""
    monkeypatch.setattr(merge_job, "idle_workers", lambda files: 2)
    monkeypatch.setattr(merge_job, "AHEAD", 1)  # fewer waiting than files: the window moves on
    read = merge_job.read_returned

    def noted(path: Any) -> Any:
        with log.open("a") as f:
            f.write(f"{os.getpid()} {Path(path).name}\n")
        return read(path)
    monkeypatch.setattr(merge_job, "read_returned", noted)


def readers(log: Path) -> set[int]:
    return {int(line.split()[0]) for line in log.read_text().splitlines()}


def test_workers_judge_each_file_as_one_by_one(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    master, units = env
    files, outcomes = returns(units, tmp_path)
    alone = merge(master, files, TODAY, now=WHEN, dry_run=True)
    log = tmp_path / "reads.txt"
    in_workers(monkeypatch, log)
    report = merge(master, files, TODAY, now=WHEN, parallel=True)
    assert readers(log) - {os.getpid()}, "no file was read in a worker"
    assert [f.status for f in report.files] == outcomes, report.text()
    assert [f.file for f in report.files] == [f.name for f in files]
    assert [(f.status, f.message) for f in report.files] == [(f.status, f.message) for f in alone.files]
    assert "“县民政局”已在本次合并中" in report.files[4].conflicts[0].reason
    assert master_values(master, SHARED)["协办意见日期"] == "2026-04-12"
    assert master_values(master, first_host_case(units[HOST]))["答复文号"] == REPLY["答复文号"]


def test_a_worker_that_dies_leaves_its_file_to_the_merge(env: Env, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A crafted file may abort the reader; the worker dying on it does not lose the file: it is
    read again in the merging process (where it would have been read without workers)."""
    master, units = env
    files, outcomes = returns(units, tmp_path)
    log = tmp_path / "reads.txt"
    in_workers(monkeypatch, log)
    parent = os.getpid()
    read = merge_job.read_returned

    def dies_in_a_worker(path: Any) -> Any:
        if os.getpid() != parent and Path(path).name == "民政.xlsx":
            os._exit(70)
        return read(path)
    monkeypatch.setattr(merge_job, "read_returned", dies_in_a_worker)
    report = merge(master, files, TODAY, now=WHEN, dry_run=True, parallel=True)
    assert [f.status for f in report.files] == outcomes, report.text()
    assert parent in readers(log)  # the files after the death were read here


def test_a_few_files_or_one_core_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0), raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    assert merge_job.idle_workers(200) == 3  # one core is the merging process's
    assert merge_job.idle_workers(merge_job.PARALLEL_FROM - 1) == 0
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert merge_job.idle_workers(200) == 1  # this process reads too while it waits: both cores used
    monkeypatch.setattr(os, "getloadavg", lambda: (3.0, 0.0, 0.0), raising=False)
    assert merge_job.idle_workers(200) == 1  # busy cores: one worker still, never much slower than none
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert merge_job.idle_workers(200) == 0
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    monkeypatch.setattr(os, "getloadavg", lambda: (5.5, 0.0, 0.0), raising=False)
    assert merge_job.idle_workers(200) == 2


def test_the_collector_is_left_as_found(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge leaves the cyclic collector as it found it (the ribbon's process lives on), when it
    ends and when judging a file fails alike."""
    import gc

    master, units = env
    before = (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled())
    files, _ = returns(units, tmp_path)
    merge(master, files, TODAY, now=WHEN, dry_run=True)
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before

    def fails(*args: Any) -> Any:
        raise RuntimeError("judging failed")
    monkeypatch.setattr(merge_job, "read_changes_of", fails)
    with pytest.raises(RuntimeError, match="judging failed"):
        merge(master, files, TODAY, now=WHEN)
    assert (gc.get_threshold(), gc.get_freeze_count(), gc.isenabled()) == before


def test_objects_the_host_froze_stay_frozen(env: Env, tmp_path: Path) -> None:
    """A host process that froze objects of its own (gc.freeze) finds them frozen after a merge."""
    import gc

    master, units = env
    files, _ = returns(units, tmp_path)
    gc.freeze()
    try:
        held = gc.get_freeze_count()
        assert held > 0
        merge(master, files, TODAY, now=WHEN, dry_run=True)
        assert gc.get_freeze_count() == held
    finally:
        gc.unfreeze()


def test_workers_started_as_on_windows_read_every_file(env: Env, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """With the spawn start method (Windows: each worker imports what it needs afresh, nothing is
    inherited) the files read in the workers are read whole and judged as when read one by one."""
    master, units = env
    files, outcomes = returns(units, tmp_path)
    alone = merge(master, files, TODAY, now=WHEN, dry_run=True)
    monkeypatch.setattr(merge_job, "idle_workers", lambda files: 2)
    monkeypatch.setattr(merge_job, "START_METHOD", "spawn")
    from_workers: list[bool] = []
    take = merge_job._result

    def noted(future: Any, path: Path) -> Any:
        from_workers.append(future is not None and future.exception() is None)
        return take(future, path)

    monkeypatch.setattr(merge_job, "_result", noted)
    report = merge(master, files, TODAY, now=WHEN, dry_run=True, parallel=True)
    assert from_workers and all(from_workers)  # the others the merging process took back and read itself
    assert [f.status for f in report.files] == outcomes, report.text()
    assert [(f.status, f.message) for f in report.files] == [(f.status, f.message) for f in alone.files]


def test_the_merge_reads_files_while_its_worker_is_busy(env: Env, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """With one worker (a two-core PC) the merging process takes back files the worker has not
    started and reads them itself while the worker's file is not ready; each file is still judged
    as when read one by one, in order."""
    master, units = env
    files, outcomes = returns(units, tmp_path)
    alone = merge(master, files, TODAY, now=WHEN, dry_run=True)
    log = tmp_path / "reads.txt"
    in_workers(monkeypatch, log)
    monkeypatch.setattr(merge_job, "idle_workers", lambda files: 1)
    monkeypatch.setattr(merge_job, "AHEAD", 3)  # one being read, one handed over, one to take back
    parent = os.getpid()
    started = tmp_path / "merge-read-one"
    read = merge_job.read_returned

    def worker_waits(path: Any) -> Any:
        """The worker holds its first file until the merging process has read one of its own."""
        if os.getpid() == parent:
            started.touch()
        else:
            for _ in range(600):
                if started.exists():
                    break
                time.sleep(0.05)
        return read(path)
    monkeypatch.setattr(merge_job, "read_returned", worker_waits)
    report = merge(master, files, TODAY, now=WHEN, parallel=True)
    assert parent in readers(log) and readers(log) - {parent}, "both processes read files"
    assert [f.file for f in report.files] == [f.name for f in files]
    assert [(f.status, f.message) for f in report.files] == [(f.status, f.message) for f in alone.files]
    assert [f.status for f in report.files] == outcomes
    assert master_values(master, SHARED)["协办意见日期"] == "2026-04-12"


def test_the_worker_reads_while_the_master_is_read(env: Env, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first files go to the worker when the merge starts, not when the judging first asks for
    one: a worker has read a file before the master's read is over."""
    master, units = env
    files, outcomes = returns(units, tmp_path)
    log = tmp_path / "reads.txt"
    in_workers(monkeypatch, log)
    monkeypatch.setattr(merge_job, "idle_workers", lambda files: 1)
    monkeypatch.setattr(merge_job, "AHEAD", 3)
    parent = os.getpid()
    read_master = merge_job.read_master
    seen: list[bool] = []

    def waits_for_a_worker(path: Path) -> Any:
        for _ in range(600):
            if log.exists() and readers(log) - {parent}:
                break
            time.sleep(0.05)
        seen.append(bool(log.exists() and readers(log) - {parent}))
        return read_master(path)
    monkeypatch.setattr(merge_job, "read_master", waits_for_a_worker)
    report = merge(master, files, TODAY, now=WHEN, dry_run=True, parallel=True)
    assert seen == [True]
    assert [f.status for f in report.files] == outcomes, report.text()


def test_big_files_are_given_to_the_workers_a_few_at_a_time(env: Env, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """However many files may wait ahead of the judging, no more than AHEAD_BYTES of them on disk
    are with the workers (one always): big or hostile files are not read 64 at a time."""
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    master, units = env
    files, outcomes = returns(units, tmp_path)
    sizes = {f: f.stat().st_size for f in files}
    budget = 2 * max(sizes.values())
    monkeypatch.setattr(merge_job, "AHEAD_BYTES", budget)
    with ProcessPoolExecutor(1) as pool:
        waiting: deque[tuple[Path, Any]] = deque()
        merge_job._give(pool, waiting, deque(files), sizes, 64)
        assert 1 <= len(waiting) < len(files)
        assert sum(sizes[path] for path, _ in waiting) <= budget
        merge_job._give(pool, waiting, deque(files), sizes, 64)  # nothing more while they wait
        assert sum(sizes[path] for path, _ in waiting) <= budget
    monkeypatch.setattr(merge_job, "AHEAD_BYTES", 1)  # every file alone over the budget: one at a time
    monkeypatch.setattr(merge_job, "idle_workers", lambda files: 1)
    alone = merge(master, files, TODAY, now=WHEN, dry_run=True)
    report = merge(master, files, TODAY, now=WHEN, dry_run=True, parallel=True)
    assert [(f.status, f.message) for f in report.files] == [(f.status, f.message) for f in alone.files]
    assert [f.status for f in report.files] == outcomes


def test_a_file_counts_ahead_as_its_zip_says_it_inflates(tmp_path: Path) -> None:
    """A small file that inflates a hundredfold holds that much once read: it counts so."""
    import zipfile

    packed = tmp_path / "回传.xlsx"
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<c/>" * 250_000)
        z.writestr("[Content_Types].xml", b"<Types/>")
    assert packed.stat().st_size < 100_000
    assert merge_job._size(packed) == 1_000_000 + len(b"<Types/>")
    loose = tmp_path / "不是压缩包.xlsx"
    loose.write_bytes(b"not a zip at all")
    assert merge_job._size(loose) == len(b"not a zip at all")
