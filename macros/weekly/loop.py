"""`taizhang schedule`: run the weekly job forever with the `schedule` package.

A failing run is logged and the next week still runs; a run missed while the machine was off is
caught up at start (a state file remembers the last run); Ctrl+C and SIGTERM stop it cleanly
between runs. The clock, the interval and the stop event are injected so a test can run the loop
with a short interval for a bounded time."""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path

import schedule

from taizhang.macros.logs import weekly_logger
from taizhang.macros.weekly.changes import write_atomic
from taizhang.macros.weekly.config import WEEKDAYS

log = weekly_logger()
Job = Callable[[date], object]
WEEKDAY_INDEX = {day: i for i, day in enumerate(WEEKDAYS)}  # monday = 0, as date.weekday()


def last_due(now: datetime, weekday: str, at: str) -> datetime:
    """The newest scheduled moment at or before `now`."""
    moment = datetime.combine(now.date(), time.fromisoformat(at))
    moment -= timedelta(days=(now.weekday() - WEEKDAY_INDEX[weekday]) % 7)
    return moment if moment <= now else moment - timedelta(days=7)


class LastRun:
    """The state file: when the job last ran (started), so a restart knows whether it missed one."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> datetime | None:
        try:
            return datetime.fromisoformat(json.loads(self.path.read_text(encoding="utf-8"))["last_run"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, when: datetime) -> None:
        write_atomic(self.path, json.dumps({"last_run": when.isoformat(timespec="seconds")}))


class WeeklyLoop:
    def __init__(self, job: Job, *, weekday: str, at: str, state: Path,
                 clock: Callable[[], datetime] = datetime.now, stop: threading.Event | None = None,
                 interval: float | None = None, poll: float = 30.0) -> None:
        self.job = job
        self.weekday = weekday
        self.at = at
        self.last = LastRun(state)
        self.clock = clock
        self.stop = stop or threading.Event()
        self.interval = interval  # seconds between runs instead of weekly (tests)
        self.poll = poll
        self.runs = 0
        self.failures = 0

    def fire(self) -> None:
        """One run; whatever it raises is logged, and the loop goes on."""
        started = self.clock()
        self.runs += 1
        try:
            self.job(started.date())
        except Exception:
            self.failures += 1
            log.exception("本次周检运行失败，下次仍按计划运行")
        finally:
            self.last.save(started)  # a failed run counts too: a restart does not retry it in a loop

    def missed(self) -> bool:
        """A scheduled run passed since the last one the state file remembers. Never run before:
        nothing was missed, the first run comes at its time."""
        last = self.last.load()
        return last is not None and last < last_due(self.clock(), self.weekday, self.at)

    def scheduler(self) -> schedule.Scheduler:
        scheduler = schedule.Scheduler()
        if self.interval is not None:
            scheduler.every(self.interval).seconds.do(self.fire)  # type: ignore[arg-type]
        else:
            getattr(scheduler.every(), self.weekday).at(self.at).do(self.fire)
        return scheduler

    def run(self) -> None:
        with stop_on_signals(self.stop):
            log.info("周检已启动：每%s %s 运行", _weekday_name(self.weekday), self.at)
            if self.missed():
                log.info("上次计划的运行被错过（如计算机关机），现在补做")
                self.fire()
            scheduler = self.scheduler()
            while not self.stop.is_set():
                scheduler.run_pending()
                idle = scheduler.idle_seconds
                self.stop.wait(max(0.0, min(self.poll, idle if idle is not None else self.poll)))
            log.info("周检已停止")


def _weekday_name(day: str) -> str:
    return WEEKDAYS[day][0]


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """Ctrl+C and SIGTERM set `stop`, so the loop ends between runs; previous handlers come back
    afterwards. Signals can only be caught on the main thread; elsewhere `stop` alone ends it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = [signal.SIGINT, signal.SIGTERM] + ([signal.SIGBREAK] if hasattr(signal, "SIGBREAK") else [])

    def handler(signum: int, _frame: object) -> None:
        log.info("收到停止信号（%s），本次运行结束后退出", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
