"""LocalExecutor: all players of a group start together; failures, timeouts and stops are counted.

The players are real SimulatedPlayer objects that never join a router: these tasks make no WAMP
call (the one that tries shows how the failure is reported).
"""
import asyncio
import threading
import time

import pytest

from modelservice.profiler import ProfileCase
from modelservice.profiling.discovery import TaskSpec
from modelservice.profiling.executor import CANCEL_GRACE, LocalExecutor
from modelservice.profiling.identities import PlayerIdentity
from modelservice.profiling.players import PlayerRuntime, SimulatedPlayer
from modelservice.profiling.wamp import RouterAddress

SEEN = []
RELEASE = threading.Event()


class Tasks(ProfileCase):
    async def profile_ok(self):
        SEEN.append((self, self.worker_name, self.user_email, self.group_name, self.workers_count))
        self.publish_stat("n", 1, fmt="{stats.total} players")

    async def profile_raises(self):
        if self.worker_is_named("p1"):
            raise ValueError("p1 breaks")

    async def profile_hangs(self):
        if self.worker_name == "p0":
            await asyncio.Event().wait()

    def profile_sync_barrier(self):
        # Both players must be inside the task at once: proves each sync task has its own thread.
        BARRIER.wait(timeout=5)
        SEEN.append(threading.current_thread().name)
        self.publish_stat("threads", 1)

    def profile_sync_hangs(self):
        RELEASE.wait(timeout=30)

    def profile_sync_calls(self):
        self.call("x.y.1.z")  # not joined: the error comes back through the loop into this thread


BARRIER = threading.Barrier(2)


def spec(method):
    return TaskSpec(f"tests.Tasks.{method}", Tasks, method)


@pytest.fixture
def players():
    runtime = PlayerRuntime(RouterAddress.parse("ws://127.0.0.1:9/ws", "realm1"), ticket="t")
    made = [SimulatedPlayer(PlayerIdentity(f"p{i}", f"p{i}@calc.edu"), runtime) for i in range(3)]
    SEEN.clear()
    BARRIER.reset()
    RELEASE.clear()
    yield {p.name: p for p in made}
    RELEASE.set()


def run_group(players, method, *, members=("p0", "p1", "p2"), timeout=5.0, stop_after=None,
              group_size=None):
    async def scenario():
        stop = asyncio.Event()
        if stop_after is not None:
            asyncio.get_running_loop().call_later(stop_after, stop.set)
        started = time.monotonic()
        metrics = await LocalExecutor(players).run_group(spec(method), 3, list(members),
                                                         timeout=timeout, stop=stop,
                                                         group_size=group_size)
        return metrics, time.monotonic() - started
    return asyncio.run(scenario())


def test_every_player_runs_a_fresh_instance_with_its_identity(players):
    metrics, _ = run_group(players, "profile_ok")
    assert (metrics.succeeded, metrics.failed) == (3, 0)
    assert len({id(seen[0]) for seen in SEEN}) == 3  # SEEN keeps them alive, so ids are unique
    assert sorted(seen[1:] for seen in SEEN) == [("p0", "p0@calc.edu", 3, 3), ("p1", "p1@calc.edu", 3, 3),
                                                 ("p2", "p2@calc.edu", 3, 3)]
    assert str(metrics.stats["n"]) == "3 players"
    assert metrics.durations.get_total_count() == 3


def test_workers_count_is_the_whole_group_when_this_process_runs_a_share(players):
    run_group(players, "profile_ok", members=("p0",), group_size=5)
    assert [seen[4] for seen in SEEN] == [5]


def test_a_raising_task_fails_that_player_only(players):
    metrics, _ = run_group(players, "profile_raises")
    assert (metrics.succeeded, metrics.failed) == (2, 1)
    assert metrics.failures == [("p1", "ValueError: p1 breaks")]
    assert "p1 breaks" in metrics.first_traceback


def test_a_hanging_player_fails_at_the_timeout_and_is_named(players):
    metrics, took = run_group(players, "profile_hangs", timeout=0.5)
    assert (metrics.succeeded, metrics.failed) == (2, 1)
    assert metrics.failures[0][0] == "p0" and metrics.failures[0][1].startswith("TaskTimeout: still running after")
    assert took < 0.5 + CANCEL_GRACE


def test_sync_tasks_run_concurrently_in_their_own_threads(players):
    metrics, _ = run_group(players, "profile_sync_barrier", members=("p0", "p1"))
    assert (metrics.succeeded, metrics.failed) == (2, 0)
    assert sorted(SEEN) == ["task:p0", "task:p1"]
    assert metrics.stats["threads"].values == [1, 1]


def test_a_hanging_sync_task_fails_at_the_timeout_without_blocking_the_loop(players):
    metrics, took = run_group(players, "profile_sync_hangs", members=("p0",), timeout=0.3)
    assert metrics.failed == 1 and metrics.failures[0][1].startswith("TaskTimeout: still running after")
    assert took < 0.3 + CANCEL_GRACE


def test_calls_from_sync_tasks_go_through_the_loop_and_errors_come_back(players):
    metrics, _ = run_group(players, "profile_sync_calls", members=("p2",))
    assert metrics.failures == [("p2", "RuntimeError: player p2 has not joined the router")]


def test_stop_cancels_running_players_as_interrupted(players):
    metrics, took = run_group(players, "profile_hangs", timeout=30, stop_after=0.2)
    assert metrics.failed == 1 and metrics.failures[0][1].startswith("PlayerStopped: interrupted after")
    assert took < 5
