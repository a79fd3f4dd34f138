"""How far a group split over several processes has got: what the leader's live progress reads.

In a coordinated run (coordination.py) the leader's own `LocalExecutor.current` covers only its
own players. While a group runs, the leader's `RemoteExecutor` asks each worker of the group how
far it is (`...worker.<id>.progress`, answered with `progress_reply`) and folds the answers into a
`GroupProgress`. That object offers what `LiveProgress.snapshot` reads from a GroupMetrics:
`succeeded`, `failed`, and a `timeline` with `current_second` and `window` (itself).

A worker answers with its counts and the per-second buckets of the seconds it completed since its
previous answer, so each answer is small and each second crosses the router once. Seconds count
from each process's own group start, and the leader starts them together, so they line up, as in
the final merge (timeline.py). The leader polls within a budget: POLL_CALLS_PER_SECOND over all
workers, and each worker at most once a second, so that 300 one-player processes (profile.sh) do
not load the router being measured. The current rate and p95 are taken up to the last second that
every still-running worker has reported (the horizon). With many workers they lag behind; they
never undercount.

Not for: the final numbers, which are the workers' run_group replies, merged exactly in remote.py.
Not for drawing either (progress.py).
"""
from __future__ import annotations

from time import perf_counter
from typing import Any, Iterable, Mapping

from .metrics import GroupMetrics
from .timeline import TimeBucket, Timeline

# Progress calls per second the leader spends on all workers together.
POLL_CALLS_PER_SECOND = 20.0


def poll_interval(workers: int) -> float:
    """Seconds between two polls of one worker: 1 s, or longer when many workers share the budget."""
    return max(1.0, workers / POLL_CALLS_PER_SECOND)


def progress_reply(metrics: GroupMetrics | None, since: int) -> dict[str, Any] | None:
    """A worker's answer: the group it runs now, its counts, and its complete seconds from `since`."""
    if metrics is None:
        return None
    complete = metrics.timeline.current_second()
    return {"task": metrics.task, "group": metrics.group, "succeeded": metrics.succeeded,
            "failed": metrics.failed, "complete": complete,
            "seconds": metrics.timeline.to_dict(first=since, before=complete)}


class GroupProgress:
    """The leader's view of one running group: its own players plus its workers' latest answers."""

    def __init__(self, task: str, group: int, local: Any, workers: Iterable[int]) -> None:
        self.key = (task, group)
        self._local = local  # the leader's LocalExecutor; `current` is this group's if it has players here
        self._origin = perf_counter()
        self._counts: dict[int, tuple[int, int]] = {}
        # Per worker still running: the seconds before this one are in `_remote` already.
        self._complete: dict[int, int] = {worker: 0 for worker in workers}
        self._remote = Timeline(origin=self._origin)

    # -- fed by RemoteExecutor -----------------------------------------------------------------

    def running(self, worker: int) -> bool:
        return worker in self._complete

    def since(self, worker: int) -> int:
        """The first second `worker` has not reported yet: what to ask it for."""
        return self._complete.get(worker, 0)

    def update(self, worker: int, reply: Mapping[str, Any] | None) -> None:
        """Fold in a worker's progress_reply. One about another group (a worker that has not
        started this one yet, or a late answer after the worker finished) is ignored."""
        if not reply or not self.running(worker) or (reply.get("task"), reply.get("group")) != self.key:
            return
        self._counts[worker] = (int(reply["succeeded"]), int(reply["failed"]))
        self._remote.merge(Timeline.from_dict(reply.get("seconds")))
        self._complete[worker] = max(self._complete[worker], int(reply["complete"]))

    def finish(self, worker: int, metrics: GroupMetrics) -> None:
        """A worker's final metrics: exact counts, its last seconds; it no longer holds the horizon."""
        if not self.running(worker):
            return
        self._counts[worker] = (metrics.succeeded, metrics.failed)
        self._remote.merge(metrics.timeline, first=self._complete.pop(worker))

    # -- read by LiveProgress, like a GroupMetrics ---------------------------------------------

    @property
    def succeeded(self) -> int:
        local = self._local_metrics()
        return (local.succeeded if local else 0) + sum(done for done, _ in self._counts.values())

    @property
    def failed(self) -> int:
        local = self._local_metrics()
        return (local.failed if local else 0) + sum(failed for _, failed in self._counts.values())

    @property
    def timeline(self) -> GroupProgress:
        """Itself: `current_second` and `window` are the part of a Timeline that progress reads."""
        return self

    def current_second(self, now: float | None = None) -> int:
        """The leader's current second, held back to the horizon while workers have not reported."""
        second = int((perf_counter() if now is None else now) - self._origin)
        if self._complete:
            second = min(second, min(self._complete.values()))
        return second

    def window(self, first: int, last: int) -> TimeBucket:
        """Seconds `first`..`last` of the leader's own players and of every worker's, in one bucket."""
        merged = self._remote.window(first, last)
        local = self._local_metrics()
        if local is not None:
            merged.merge(local.timeline.window(first, last))
        return merged

    def _local_metrics(self) -> GroupMetrics | None:
        current = getattr(self._local, "current", None)
        return current if current is not None and current.key == self.key else None
