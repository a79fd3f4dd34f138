"""Live progress: rendering a snapshot, the recent rate and p95, and choosing the mode."""
from __future__ import annotations

import asyncio

import pytest

from modelservice.profiling.progress import (LiveProgress, ProgressSnapshot, progress_for,
                                             recent_rate_and_p95, render_bar, render_line)
from modelservice.profiling.timeline import Timeline

TASK = "profilers.calc.profile_calc.ProfileCalc.profile_submit_decision"


def test_line_while_joining_and_while_running():
    assert render_line(ProgressSnapshot(3.2, players=300, joined=120)) == "progress 3s: 120/300 players joined"
    line = render_line(ProgressSnapshot(12.0, 300, 300, task=TASK, group=0, group_size=300, done=170,
                                        failed=10, rate=412.4, p95_us=35_210))
    assert line == ("progress 12s: profile_submit_decision group 0: 300/300 joined, 120 running, "
                    "170 done, 10 failed; 412 calls/s, p95 35.2 ms")


def test_line_before_any_measurement_shows_dashes():
    line = render_line(ProgressSnapshot(0.4, 1, 1, task=TASK, group=0, group_size=1))
    assert line.endswith("1 running, 0 done, 0 failed; - calls/s, p95 -")


def test_bar_fills_with_done_and_failed_players():
    bar = render_bar(ProgressSnapshot(5, 100, 100, task=TASK, group=1, group_size=100, done=50, failed=25,
                                      rate=10, p95_us=2_500_000), width=20)
    assert bar.startswith("profile_submit_decision g1 [##########xxxxx.....] 75/100 (25 running, 25 failed)")
    assert "p95 2.50 s" in bar
    joining = render_bar(ProgressSnapshot(1, 10, 5), width=10)
    assert joining == "joining [#####.....] 5/10 1s"


def test_one_failure_is_always_visible_on_the_bar():
    bar = render_bar(ProgressSnapshot(5, 1000, 1000, task=TASK, group=0, group_size=1000, done=0, failed=1),
                     width=20)
    assert "[x..................." in bar


def test_recent_rate_and_p95_come_from_the_last_whole_seconds():
    timeline = Timeline(origin=100.0)
    for _ in range(30):
        timeline.record(1_000, False, now=100.5)   # second 0
    for _ in range(10):
        timeline.record(50_000, False, now=101.5)  # second 1
    for _ in range(99):
        timeline.record(2_000, False, now=102.2)   # second 2, not finished yet
    assert recent_rate_and_p95(timeline, now=100.9) == (None, None)
    rate, p95 = recent_rate_and_p95(timeline, now=102.5)  # seconds 0 and 1
    assert rate == 20.0
    assert 48_000 <= p95 <= 53_000  # one significant figure: the 50 ms bucket


@pytest.mark.parametrize("mode, terminal, verbosity, expected", [
    ("auto", True, 1, (True, True)), ("auto", False, 1, (True, False)), ("bar", False, 1, (True, True)),
    ("lines", True, 1, (True, False)), ("off", True, 1, (False, False)), ("auto", True, 0, (False, False)),
])
def test_mode_choice(mode, terminal, verbosity, expected):
    assert progress_for(mode, is_terminal=terminal, verbosity=verbosity) == expected


class _Run:
    """Just enough of a ProfileRun for a snapshot: no players, no executor."""

    players: dict = {}
    identities = ("a@example.com",)
    active_executor = None


def test_nothing_is_written_between_a_group_end_and_the_next_group():
    written: list[str] = []
    progress = LiveProgress(written.append, bar=False, interval=60)
    progress.run = _Run()
    progress.show()
    assert written == ["progress 0s: 0/1 players joined\n"]
    progress.group_started(TASK, 0, 1)
    progress.group_finished(metrics=None, seconds=1.0)
    progress.show()  # a tick after the group's end line: players are leaving, nothing to show
    assert len(written) == 1
    progress.group_started(TASK, 1, 1)
    progress.show()
    assert len(written) == 2 and written[1].startswith("progress ")


def test_a_worker_process_stops_its_progress_ticker():
    written: list[str] = []

    async def go():
        progress = LiveProgress(written.append, bar=False, interval=0.01)
        progress.run_started(_Run())
        ticker = progress._ticker
        progress.became_worker()  # the leader shows the run's progress from now on
        await asyncio.wait([ticker], timeout=1)
        return progress, ticker

    progress, ticker = asyncio.run(go())
    assert ticker.done() and progress._ticker is None  # cancelled, not left ticking
    assert written == []
