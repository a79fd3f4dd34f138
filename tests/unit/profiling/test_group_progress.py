"""Live progress of a group split over processes: the workers' answers and the leader's view."""
from __future__ import annotations

import asyncio

from modelservice.profiling.group_progress import GroupProgress, poll_interval, progress_reply
from modelservice.profiling.metrics import GroupMetrics
from modelservice.profiling.progress import recent_rate_and_p95
from modelservice.profiling.remote import RemoteExecutor, WorkerLink
from modelservice.profiling.timeline import Timeline

TASK = "tasks.profile_x.X.profile_x"


def worker_metrics(origin: float, seconds: dict[int, int], succeeded: int = 0, failed: int = 0) -> GroupMetrics:
    """A worker's GroupMetrics with `count` operations of 1 ms in each given second."""
    metrics = GroupMetrics(TASK, 0)
    metrics.timeline = Timeline(origin=origin)
    for second, count in seconds.items():
        for _ in range(count):
            metrics.timeline.record(1_000, False, now=origin + second + 0.5)
    metrics.succeeded, metrics.failed = succeeded, failed
    return metrics


class Local:
    """The leader's LocalExecutor as GroupProgress sees it: just `current`."""

    def __init__(self, current: GroupMetrics | None = None) -> None:
        self.current = current


def test_a_reply_holds_counts_and_only_the_complete_seconds_not_sent_before(monkeypatch):
    metrics = worker_metrics(origin=100.0, seconds={0: 3, 1: 4, 2: 5}, succeeded=2, failed=1)
    monkeypatch.setattr("modelservice.profiling.timeline.perf_counter", lambda: 102.5)  # in second 2
    reply = progress_reply(metrics, since=1)
    assert (reply["task"], reply["group"], reply["succeeded"], reply["failed"]) == (TASK, 0, 2, 1)
    assert reply["complete"] == 2
    assert [item["second"] for item in reply["seconds"]] == [1]  # 0 was sent before; 2 is not over
    assert progress_reply(None, since=0) is None


def test_the_leader_adds_its_own_players_and_every_worker_s_counts():
    mine = GroupMetrics(TASK, 0)
    mine.succeeded = 1
    progress = GroupProgress(TASK, 0, Local(mine), workers=[7, 8])
    progress.update(7, {"task": TASK, "group": 0, "succeeded": 2, "failed": 1, "complete": 0, "seconds": []})
    progress.update(8, {"task": TASK, "group": 0, "succeeded": 0, "failed": 0, "complete": 0, "seconds": []})
    assert (progress.succeeded, progress.failed) == (3, 1)
    # A newer answer replaces the worker's counts, it does not add to them.
    progress.update(7, {"task": TASK, "group": 0, "succeeded": 4, "failed": 1, "complete": 0, "seconds": []})
    assert (progress.succeeded, progress.failed) == (5, 1)


def test_answers_about_another_group_and_the_leader_s_stale_metrics_are_ignored():
    previous = GroupMetrics(TASK, 0)
    previous.succeeded = 9
    progress = GroupProgress(TASK, 1, Local(previous), workers=[7])
    progress.update(7, {"task": TASK, "group": 0, "succeeded": 5, "failed": 0, "complete": 3, "seconds": []})
    progress.update(7, None)
    assert (progress.succeeded, progress.failed) == (0, 0)
    assert progress.since(7) == 0


def test_rate_and_p95_include_the_workers_seconds_up_to_the_horizon(monkeypatch):
    clock = {"now": 0.0}
    monkeypatch.setattr("modelservice.profiling.group_progress.perf_counter", lambda: clock["now"])
    monkeypatch.setattr("modelservice.profiling.timeline.perf_counter", lambda: clock["now"])
    progress = GroupProgress(TASK, 0, Local(None), workers=[7, 8])
    seven = worker_metrics(origin=0.0, seconds={0: 10, 1: 10, 2: 10})
    eight = worker_metrics(origin=0.0, seconds={0: 30, 1: 30, 2: 30})
    clock["now"] = 3.5
    progress.update(7, progress_reply(seven, progress.since(7)))
    assert progress.since(7) == 3
    # Worker 8 has not answered: no second is known for the whole group yet.
    assert recent_rate_and_p95(progress.timeline, now=3.5) == (None, None)
    clock["now"] = 2.2
    progress.update(8, progress_reply(eight, progress.since(8)))  # an answer sent during its second 2
    rate, p95 = recent_rate_and_p95(progress.timeline, now=3.5)
    assert rate == (10 + 30 + 10 + 30) / 2  # seconds 0 and 1: both workers, nothing counted twice
    assert p95 is not None and 900 <= p95 <= 1_100
    # Once worker 8 has finished, its final metrics fill in second 2 and it holds nothing back.
    progress.finish(8, eight)
    progress.update(8, progress_reply(eight, 0))  # a late poll answer after the end: ignored
    assert progress.timeline.current_second(now=3.5) == 3
    rate, _ = recent_rate_and_p95(progress.timeline, now=3.5)
    assert rate == (10 + 30 + 10 + 30) / 2  # seconds 1 and 2
    assert progress.timeline.window(0, 2).count == 30 + 90


def test_polls_stay_within_the_budget():
    assert poll_interval(1) == poll_interval(20) == 1.0
    assert poll_interval(300) == 15.0


class ProgressSession:
    """A worker as the leader's session reaches it: run_group finishes when released; progress answers."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.polled = asyncio.Event()
        self.progress_calls: list[int] = []

    async def call(self, uri, *args):
        if uri.endswith("progress"):
            self.progress_calls.append(args[0])
            self.polled.set()
            return {"task": TASK, "group": 0, "succeeded": 1, "failed": 0, "complete": 0, "seconds": []}
        task_id, group, members, _timeout, _size = args
        await self.release.wait()
        metrics = GroupMetrics(task_id, group)
        for name in members:
            metrics.record_task(name, 0.01)
        return metrics.to_dict()


class Task:
    id = TASK


def test_the_leader_polls_a_running_worker_and_shows_its_players(monkeypatch):
    monkeypatch.setattr("modelservice.profiling.remote.poll_interval", lambda workers: 0.01)
    session = ProgressSession()
    link = WorkerLink(session, 7, "'w7'", "run.7.run_group", "run.7.progress")
    executor = RemoteExecutor(Local(None), {"a": 7, "b": 7}, {7: link})

    async def go():
        running = asyncio.ensure_future(executor.run_group(Task(), 0, ["a", "b"], timeout=30,
                                                          stop=asyncio.Event()))
        await asyncio.wait_for(session.polled.wait(), 5)
        during = (executor.current.succeeded, executor.current.failed)
        session.release.set()
        merged = await asyncio.wait_for(running, 5)
        return during, merged

    during, merged = asyncio.run(go())
    assert during == (1, 0)  # the worker's answer, before its group ended
    assert merged.succeeded == 2 and executor.current.succeeded == 2  # then its exact final counts
    assert session.progress_calls[0] == 0
    assert executor.remote_players() == (2, 2)
    link.mark_gone("killed")
    assert executor.remote_players() == (0, 2)
