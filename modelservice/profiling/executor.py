"""Running one task on one group of players: the executor interface and its local implementation.

The engine hands a `GroupExecutor` a task, a group number and the names of the group's players,
and gets back that group's `GroupMetrics` (outcomes, latencies, stats). `LocalExecutor` runs the
players held by this process on its event loop. A remote executor (several processes joined to
one run through the router) implements the same method, so the engine does not change.

All players of the group start together; each gets a fresh ProfileCase. An async task runs as an
asyncio task; a sync task runs in its own daemon thread (so a blocking task cannot stall the loop
or keep the process alive after a timeout). The group ends when every player is done, or at
`timeout`, or when `stop` is set (Ctrl-C): players still running then are cancelled and counted
as failed, with the reason.

Not for: deciding groups or printing (engine.py), or the task-author API (modelservice/profiler.py).
"""
from __future__ import annotations

import asyncio
import contextvars
import threading
from time import perf_counter
from typing import Any, Mapping, Protocol, Sequence

from modelservice.simpl import current_http_binding

from .context import TaskContext
from .discovery import TaskSpec
from .errors import PlayerStopped, TaskTimeout
from .metrics import GroupMetrics
from .output_capture import TaskOutput, bind_task_output, use_task_output
from .players import SimulatedPlayer

# How long cancelled players get to unwind before the group is reported anyway.
CANCEL_GRACE = 2.0


class GroupExecutor(Protocol):
    """Runs `task` on the players named `members` (group `group`) and returns what was measured.

    `group_size` is the size of the whole group, which tasks see as `workers_count`; it differs
    from `len(members)` when the group is split over several processes.
    """

    async def run_group(self, task: TaskSpec, group: int, members: Sequence[str], *,
                        timeout: float, stop: asyncio.Event,
                        group_size: int | None = None) -> GroupMetrics: ...


class LocalExecutor:
    """Runs groups on players of this process, all on the running event loop."""

    def __init__(self, players: Mapping[str, SimulatedPlayer]) -> None:
        self.players = players
        self.current: GroupMetrics | None = None  # the group running now, read by live progress

    async def run_group(self, task: TaskSpec, group: int, members: Sequence[str], *,
                        timeout: float, stop: asyncio.Event,
                        group_size: int | None = None) -> GroupMetrics:
        loop = asyncio.get_running_loop()
        metrics = self.current = GroupMetrics(task.id, group)
        deadline = loop.time() + timeout
        started = perf_counter()
        runs: dict[asyncio.Task, str] = {}
        for name in members:
            context = TaskContext(self.players[name], metrics, group=group,
                                  workers_count=group_size or len(members), loop=loop, deadline=deadline)
            runs[asyncio.create_task(self._run_one(task, context), name=f"{task.id}:{name}")] = name
        pending = await _wait_all(set(runs), deadline=deadline, stop=stop)
        if pending:
            reason = (PlayerStopped(f"interrupted after {perf_counter() - started:.1f} s") if stop.is_set()
                      else TaskTimeout(f"still running after {timeout:g} s (--task-timeout)"))
            for run in pending:
                run.cancel()
                metrics.record_task(runs[run], perf_counter() - started, reason)
            # Give cancelled players a moment to unwind (close sockets); do not wait on stubborn ones.
            await asyncio.wait(pending, timeout=CANCEL_GRACE)
        metrics.wall_seconds = perf_counter() - started  # the denominator of throughput
        return metrics

    async def _run_one(self, task: TaskSpec, context: TaskContext) -> None:
        player, metrics = context.player, context.metrics
        player.http.observer = metrics.record
        case = task.case_class(task.method_name).bind(context)
        method = getattr(case, task.method_name)
        # What this player's task prints goes to the group's output summary (output_capture.py).
        output = bind_task_output(player.name, metrics.output)
        start = perf_counter()
        try:
            if task.is_async:
                # This asyncio task runs in its own copy of the context: the binding stays with it.
                current_http_binding.set(player.http)
                await method()
            else:
                await _run_in_thread(method, player, output)
        except asyncio.CancelledError:
            raise  # recorded by run_group with the reason (timeout or interrupt)
        except BaseException as exc:  # a task raising anything, even SystemExit, fails only this player
            metrics.record_task(player.name, perf_counter() - start, exc)
            return
        finally:
            output.close()
        metrics.record_task(player.name, perf_counter() - start)


async def _wait_all(runs: set[asyncio.Task], *, deadline: float, stop: asyncio.Event) -> set[asyncio.Task]:
    """Wait until every run is done, the deadline passes or `stop` is set; return those not done.

    Each run counts itself down once, when it ends. (`asyncio.wait(FIRST_COMPLETED)` in a loop
    would register a callback on every pending run at each wake-up: quadratic in the group's size.)
    """
    loop = asyncio.get_running_loop()
    all_done = loop.create_future()
    left = len(runs)

    def count_down(_run: asyncio.Task) -> None:
        nonlocal left
        left -= 1
        if left == 0 and not all_done.done():
            all_done.set_result(None)

    for run in runs:
        run.add_done_callback(count_down)
    if not runs:
        all_done.set_result(None)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([all_done, stopped], timeout=max(deadline - loop.time(), 0),
                           return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopped.cancel()
        all_done.cancel()
        for run in runs:
            run.remove_done_callback(count_down)
    return {run for run in runs if not run.done()}


async def _run_in_thread(method: Any, player: SimulatedPlayer, output: TaskOutput | None = None) -> Any:
    """Run a sync task in a daemon thread with the player's HTTP binding; await its outcome."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if not outcome.done():
            outcome.set_exception(error) if error is not None else outcome.set_result(result)

    def body() -> None:
        current_http_binding.set(player.http)
        use_task_output(output)
        try:
            result, error = method(), None
        except BaseException as exc:  # handed to the loop, which decides what it means
            result, error = None, exc
        if not loop.is_closed():
            try:
                loop.call_soon_threadsafe(settle, result, error)
            except RuntimeError:  # the loop closed between the check and the call
                pass

    # A fresh context per thread, so that the binding set inside does not leak between players.
    thread = threading.Thread(target=contextvars.Context().run, args=(body,),
                              name=f"task:{player.name}", daemon=True)
    thread.start()
    return await outcome
