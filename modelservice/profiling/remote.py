"""Running one group whose players live in several processes: the leader's `RemoteExecutor`.

The leader's own players run through its local executor; each worker process with members in
the group gets one `run_group(task_id, group, members, timeout)` call over the router; all run
concurrently and the returned GroupMetrics (dicts on the wire) are merged. A worker that errs,
leaves the router, or does not answer within the task timeout plus `REMOTE_MARGIN` is marked
gone: its players fail this group with a reason naming it, and every later group fails them at
once instead of waiting again. While the group runs, the workers are polled for live progress
(group_progress.py); that is best effort and never decides a worker's fate.

Not for: electing the leader or meeting the workers (coordination.py), running players (executor.py).
"""
from __future__ import annotations

import asyncio
from time import perf_counter
from typing import Any, Mapping, Sequence

from autobahn.wamp.exception import ApplicationError

from .discovery import TaskSpec
from .executor import GroupExecutor
from .group_progress import GroupProgress, poll_interval
from .metrics import GroupMetrics

# A worker's own executor answers within the task timeout plus its cancel grace (2 s); the rest
# covers the trip of a large metrics reply through a busy router.
REMOTE_MARGIN = 5.0
# How long one progress answer may take before the poller moves on to the next worker.
PROGRESS_CALL_TIMEOUT = 2.0


class WorkerLink:
    """The leader's handle on one worker process: how to call it, and whether it is gone."""

    def __init__(self, session: Any, worker_id: int, label: str, run_group_uri: str,
                 progress_uri: str | None = None) -> None:
        self.session = session
        self.worker_id = worker_id
        self.label = label
        self.run_group_uri = run_group_uri
        self.progress_uri = progress_uri  # None: the worker is not asked for live progress
        self.gone_reason: str | None = None
        self.gone_event = asyncio.Event()

    @property
    def gone(self) -> bool:
        return self.gone_reason is not None

    def mark_gone(self, reason: str) -> None:
        if self.gone_reason is None:
            self.gone_reason = reason
            self.gone_event.set()


class RemoteExecutor:
    """A GroupExecutor over the leader's players (`local`) and the workers' (`links`)."""

    def __init__(self, local: GroupExecutor, owners: Mapping[str, int | None],
                 links: Mapping[int, WorkerLink]) -> None:
        self.local = local
        self.owners = owners
        self.links = links
        self.current: GroupProgress | None = None  # the group running now, read by live progress

    def remote_players(self) -> tuple[int, int]:
        """(joined, total) of the workers' players: those of a gone worker no longer count as joined."""
        owned = [owner for owner in self.owners.values() if owner is not None]
        return sum(1 for owner in owned if not self.links[owner].gone), len(owned)

    async def run_group(self, task: TaskSpec, group: int, members: Sequence[str], *,
                        timeout: float, stop: asyncio.Event,
                        group_size: int | None = None) -> GroupMetrics:
        group_size = group_size or len(members)
        local_members = [name for name in members if self.owners.get(name) is None]
        remote: dict[int, list[str]] = {}
        for name in members:
            owner = self.owners.get(name)
            if owner is not None:
                remote.setdefault(owner, []).append(name)
        progress = self.current = GroupProgress(task.id, group, self.local, remote)

        async def on_worker(owner: int, names: list[str]) -> GroupMetrics:
            measured = await self.run_on_worker(self.links[owner], task, group, names, timeout=timeout,
                                                stop=stop, group_size=group_size)
            progress.finish(owner, measured)
            return measured

        runs = [on_worker(owner, names) for owner, names in remote.items()]
        if local_members:
            runs.append(self.local.run_group(task, group, local_members, timeout=timeout, stop=stop,
                                             group_size=group_size))
        polling = asyncio.ensure_future(self.poll_progress(progress, [self.links[o] for o in remote]))
        try:
            results = await asyncio.gather(*runs)
        finally:
            polling.cancel()
        merged = GroupMetrics(task.id, group)
        for measured in results:
            merged.merge(measured)
        return merged

    async def poll_progress(self, progress: GroupProgress, links: list[WorkerLink]) -> None:
        """Ask the group's workers how far they are, in turn and within the budget, until cancelled."""
        links = [link for link in links if link.progress_uri is not None]
        if not links:
            return
        spacing = poll_interval(len(links)) / len(links)
        while True:
            for link in links:
                await asyncio.sleep(spacing)  # pacing the polls, not waiting for an outcome
                if link.gone or not progress.running(link.worker_id):
                    continue
                try:
                    async with asyncio.timeout(PROGRESS_CALL_TIMEOUT):
                        reply = await link.session.call(link.progress_uri, progress.since(link.worker_id))
                except Exception:  # noqa: BLE001 - best effort: run_on_worker judges the worker
                    continue
                progress.update(link.worker_id, reply)

    async def run_on_worker(self, link: WorkerLink, task: TaskSpec, group: int, names: list[str], *,
                            timeout: float, stop: asyncio.Event, group_size: int) -> GroupMetrics:
        """`names` run on `link`'s process; on any failure of the worker, they fail with its name."""
        started = perf_counter()
        if link.gone:
            return _all_failed(task.id, group, names, 0.0,
                               f"worker {link.label} left the run earlier: {link.gone_reason}")
        call = asyncio.ensure_future(
            link.session.call(link.run_group_uri, task.id, group, list(names), timeout, group_size))
        gone = asyncio.ensure_future(link.gone_event.wait())
        stopped = asyncio.ensure_future(stop.wait())
        limit = timeout + REMOTE_MARGIN
        try:
            await asyncio.wait([call, gone, stopped], timeout=limit, return_when=asyncio.FIRST_COMPLETED)
        finally:
            gone.cancel()
            stopped.cancel()
        elapsed = perf_counter() - started
        if call.done() and not call.cancelled() and call.exception() is None:
            try:
                measured = GroupMetrics.from_dict(call.result())
            except (KeyError, TypeError, ValueError) as exc:
                link.mark_gone(f"its reply could not be read ({type(exc).__name__})")
            else:
                if measured.key == (task.id, group):
                    return measured
                link.mark_gone(f"it answered for {measured.key} instead of {(task.id, group)}")
        elif call.done() and not call.cancelled():
            error = call.exception()
            uri = error.error if isinstance(error, ApplicationError) else type(error).__name__
            link.mark_gone(f"its run_group call failed with {uri}")
        elif stop.is_set():
            call.cancel()
            return _all_failed(task.id, group, names, elapsed,
                               f"interrupted after {elapsed:.1f} s (on worker {link.label})")
        elif not link.gone:
            link.mark_gone(f"no answer within {limit:g} s (--task-timeout + {REMOTE_MARGIN:g} s)")
        if not call.done():
            call.cancel()
        return _all_failed(task.id, group, names, elapsed,
                           f"worker {link.label} failed during this group: {link.gone_reason}")


def _all_failed(task_id: str, group: int, names: Sequence[str], seconds: float,
                reason: str) -> GroupMetrics:
    metrics = GroupMetrics(task_id, group)
    for name in names:
        metrics.record_task(name, seconds, reason)
    return metrics
