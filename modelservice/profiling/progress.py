"""Live progress while a run goes: players joined, running, done and failed; calls/s; current p95.

`LiveProgress` listens to the engine's events. On `run_started` it starts an asyncio task on the
run's loop that, every `interval` seconds, takes a `ProgressSnapshot` of the run (players joined,
the current group's outcomes so far, and the rate and p95 of the last two whole seconds from the
group's timeline) and writes it. On the leader of a run split over processes, the executor's
`current` is a group_progress.GroupProgress, which adds the workers' players and seconds.

* `bar` mode (a terminal): one line redrawn in place with `\\r`, cleared before the engine's own
  lines (so this listener must be registered before the console reporter);
* `lines` mode (CI logs, pipes): a plain line per tick, e.g.
  `progress 12s: profile_submit_decision group 0: 300/300 joined, 120 running, 170 done, 10 failed; 412 calls/s, p95 35.2 ms`.

Ticks write only while players join or while a group runs. Between a group's end line and the
next group (and while players leave after the last one) the ticker stays quiet, so a progress line
never lands after the group's result or inside the summary.

`render_line` and `render_bar` are pure functions of a snapshot, so they are tested directly.

Not for: the end-of-run summary (report.py) or collecting numbers (metrics.py, timeline.py).
"""
from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from time import perf_counter
from typing import Any, Callable

MODES = ("auto", "bar", "lines", "off")
BAR_INTERVAL = 1.0
LINES_INTERVAL = 10.0
BAR_WIDTH = 24
# Seconds of timeline the current rate and p95 are taken from (whole seconds, the last ones done).
WINDOW_SECONDS = 2


@dataclass(frozen=True)
class ProgressSnapshot:
    """Where a run is at one moment."""

    elapsed: float
    players: int
    joined: int
    task: str | None = None
    group: int | None = None
    group_size: int = 0
    done: int = 0
    failed: int = 0
    rate: float | None = None      # operations per second, recent
    p95_us: int | None = None      # p95 latency of recent operations

    @property
    def running(self) -> int:
        return max(self.group_size - self.done - self.failed, 0)


def _short(task: str | None) -> str:
    return (task or "").rsplit(".", 1)[-1]


def _latency(micros: int | None) -> str:
    if micros is None:
        return "-"
    return f"{micros / 1000:.1f} ms" if micros < 1_000_000 else f"{micros / 1_000_000:.2f} s"


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0f}"


def render_line(snapshot: ProgressSnapshot) -> str:
    """A plain progress line for logs."""
    head = f"progress {snapshot.elapsed:.0f}s:"
    if snapshot.task is None:
        return f"{head} {snapshot.joined}/{snapshot.players} players joined"
    return (f"{head} {_short(snapshot.task)} group {snapshot.group}: {snapshot.joined}/{snapshot.players} "
            f"joined, {snapshot.running} running, {snapshot.done} done, {snapshot.failed} failed; "
            f"{_rate(snapshot.rate)} calls/s, p95 {_latency(snapshot.p95_us)}")


def render_bar(snapshot: ProgressSnapshot, width: int = BAR_WIDTH) -> str:
    """A one-line bar for a terminal: done (#) and failed (x) out of the group's players."""
    if snapshot.task is None:
        total, done, failed = snapshot.players, snapshot.joined, 0
        label = "joining"
    else:
        total, done, failed = snapshot.group_size, snapshot.done, snapshot.failed
        label = f"{_short(snapshot.task)} g{snapshot.group}"
    total = max(total, 1)
    ok_cells = width * done // total
    failed_cells = min(width - ok_cells, -(-width * failed // total) if failed else 0)
    bar = "#" * ok_cells + "x" * failed_cells + "." * (width - ok_cells - failed_cells)
    tail = f"{done + failed}/{total}"
    if snapshot.task is not None:
        tail += (f" ({snapshot.running} running, {snapshot.failed} failed) "
                 f"{_rate(snapshot.rate)} calls/s p95 {_latency(snapshot.p95_us)}")
    return f"{label} [{bar}] {tail} {snapshot.elapsed:.0f}s"


class LiveProgress:
    """Writes progress every `interval` s while a run goes; an engine events listener."""

    def __init__(self, write: Callable[[str], Any], *, bar: bool, interval: float | None = None) -> None:
        self.write = write  # writes text as is (no newline added)
        self.bar = bar
        self.interval = interval or (BAR_INTERVAL if bar else LINES_INTERVAL)
        self.run: Any = None
        self.task: str | None = None
        self.group: int | None = None
        self.group_size = 0
        self._started = perf_counter()
        self._ticker: asyncio.Task | None = None
        self._drawn = False
        self._quiet = False  # True after a group's end until the next group starts

    # -- engine events -----------------------------------------------------------------------------

    def run_started(self, run: Any) -> None:
        self.run = run
        self._started = perf_counter()
        self._ticker = asyncio.get_running_loop().create_task(self._tick(), name="profiler-progress")

    def group_started(self, task: str, group: int, players: int) -> None:
        self.clear()
        self.task, self.group, self.group_size = task, group, players
        self._quiet = False

    def group_finished(self, metrics: Any, seconds: float) -> None:
        self.clear()
        self._quiet = True

    def run_finished(self, metrics: Any, seconds: float, *, interrupted: bool) -> None:
        self.stop()

    def became_worker(self) -> None:
        """This process serves another's leader, which shows the whole run's progress."""
        self.stop()

    def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        self.clear()

    # -- drawing -----------------------------------------------------------------------------------

    def clear(self) -> None:
        """Erase the bar so that the next line starts on a clean line."""
        if self._drawn:
            self.write("\r\x1b[2K")
            self._drawn = False

    def show(self) -> None:
        if self._quiet:
            return
        snapshot = self.snapshot()
        if self.bar:
            self.write("\r\x1b[2K" + render_bar(snapshot))
            self._drawn = True
        else:
            self.write(render_line(snapshot) + "\n")

    async def _tick(self) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            while True:
                await asyncio.sleep(self.interval)
                self.show()

    def snapshot(self) -> ProgressSnapshot:
        run = self.run
        players = list(getattr(run, "players", {}).values())
        joined = sum(1 for player in players if getattr(player, "session", None) is not None)
        total = max(len(getattr(run, "identities", ())), len(players))
        elapsed = perf_counter() - self._started
        executor = getattr(run, "active_executor", None)
        remote_players = getattr(executor, "remote_players", None)
        if remote_players is not None:  # a leader: its workers' players count too
            remote_joined, remote_total = remote_players()
            joined, total = joined + remote_joined, total + remote_total
        current = getattr(executor, "current", None)
        if self.task is None or current is None:
            return ProgressSnapshot(elapsed, total, joined)
        rate, p95 = recent_rate_and_p95(current.timeline)
        return ProgressSnapshot(elapsed, total, joined, task=self.task, group=self.group,
                                group_size=self.group_size, done=current.succeeded,
                                failed=current.failed, rate=rate, p95_us=p95)


def recent_rate_and_p95(timeline: Any, now: float | None = None) -> tuple[float | None, int | None]:
    """Operations per second and p95 over the last WINDOW_SECONDS whole seconds of `timeline`."""
    second = timeline.current_second(now)
    if second <= 0:
        return None, None
    first = max(second - WINDOW_SECONDS, 0)
    window = timeline.window(first, second - 1)
    rate = window.count / (second - first)
    p95 = window.histogram.get_value_at_percentile(95) if window.count else None
    return rate, p95


def progress_for(mode: str, *, is_terminal: bool, verbosity: int) -> tuple[bool, bool]:
    """(enabled, bar) for --progress `mode` on this output."""
    if mode == "off" or verbosity < 1:
        return False, False
    if mode == "auto":
        return True, is_terminal
    return True, mode == "bar"
