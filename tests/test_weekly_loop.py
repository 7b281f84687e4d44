"""The `schedule` loop: fires the job with a short interval and survives one that raises, catches
up a missed run from its state file, stops cleanly on SIGTERM. The clock is injected; tests never
read the real one for dates."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest

from taizhang.macros.logs import setup_weekly_log, stop_weekly_log
from taizhang.macros.weekly.loop import LastRun, WeeklyLoop, last_due

TUESDAY_9 = datetime(2026, 5, 12, 9, 0)


def fixed(moment: datetime):  # type: ignore[no-untyped-def]
    return lambda: moment


@pytest.mark.parametrize(("now", "expected"), [
    (datetime(2026, 5, 11, 8, 30), datetime(2026, 5, 11, 8, 30)),  # exactly on time
    (datetime(2026, 5, 11, 8, 29), datetime(2026, 5, 4, 8, 30)),  # a minute early: last week's
    (datetime(2026, 5, 17, 23, 0), datetime(2026, 5, 11, 8, 30)),  # Sunday night
    (TUESDAY_9, datetime(2026, 5, 11, 8, 30)),
])
def test_last_due(now: datetime, expected: datetime) -> None:
    assert last_due(now, "monday", "08:30") == expected


def test_loop_fires_and_survives_a_job_that_raises(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    days: list[date] = []
    stop = threading.Event()

    def job(today: date) -> None:
        days.append(today)
        if len(days) == 1:
            raise RuntimeError("第一次运行出错")
        if len(days) >= 3:
            stop.set()

    loop = WeeklyLoop(job, weekday="monday", at="08:30", state=tmp_path / "state.json", clock=fixed(TUESDAY_9),
                      stop=stop, interval=0.05, poll=0.01)
    worker = threading.Thread(target=loop.run)
    with caplog.at_level(logging.INFO, logger="taizhang.weekly"):
        worker.start()
        worker.join(timeout=10)
    stop.set()
    assert not worker.is_alive()
    assert len(days) >= 3 and loop.failures == 1
    assert set(days) == {TUESDAY_9.date()}  # `today` comes from the injected clock
    assert any("运行失败" in r.getMessage() and r.exc_info for r in caplog.records)
    assert LastRun(tmp_path / "state.json").load() == TUESDAY_9


def test_missed_run_is_caught_up_at_start(tmp_path: Path) -> None:
    LastRun(tmp_path / "state.json").save(datetime(2026, 5, 4, 8, 30))  # the machine was off on the 11th
    stop = threading.Event()
    days: list[date] = []

    def job(today: date) -> None:
        days.append(today)
        stop.set()

    WeeklyLoop(job, weekday="monday", at="08:30", state=tmp_path / "state.json", clock=fixed(TUESDAY_9),
               stop=stop, interval=3600, poll=0.01).run()
    assert days == [date(2026, 5, 12)]
    assert LastRun(tmp_path / "state.json").load() == TUESDAY_9


@pytest.mark.parametrize("last", [datetime(2026, 5, 11, 8, 30), None])
def test_no_catch_up_when_nothing_was_missed(tmp_path: Path, last: datetime | None) -> None:
    if last is not None:
        LastRun(tmp_path / "state.json").save(last)
    stop = threading.Event()
    stop.set()  # run only the start-up step
    days: list[date] = []
    WeeklyLoop(days.append, weekday="monday", at="08:30", state=tmp_path / "state.json", clock=fixed(TUESDAY_9),
               stop=stop, interval=3600).run()
    assert days == []


def test_damaged_state_file_means_no_catch_up(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{broken", encoding="utf-8")
    assert LastRun(tmp_path / "state.json").load() is None


def test_sigterm_stops_the_loop_cleanly(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    before = signal.getsignal(signal.SIGTERM)
    loop = WeeklyLoop(lambda today: None, weekday="monday", at="08:30", state=tmp_path / "state.json",
                      clock=fixed(TUESDAY_9), interval=3600, poll=0.05)
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGTERM))
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="taizhang.weekly"):
        timer.start()
        loop.run()  # on the main thread, where signals arrive
    assert time.monotonic() - started < 5
    assert loop.stop.is_set() and loop.runs == 0
    assert signal.getsignal(signal.SIGTERM) == before
    assert any("停止" in r.getMessage() for r in caplog.records)


def test_log_file_rotates(tmp_path: Path) -> None:
    log = setup_weekly_log(tmp_path / "周检.log")
    try:
        for i in range(12000):
            log.info("第 %d 行：台账周检的日志内容，用来撑满日志文件", i)
        assert (tmp_path / "周检.log.1").is_file()
        assert (tmp_path / "周检.log").stat().st_size <= 1_000_000
    finally:
        stop_weekly_log()
