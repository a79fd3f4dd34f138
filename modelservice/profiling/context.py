"""What one run of one task by one player knows: the player, the group, the metrics, the deadline.

A `TaskContext` is attached to a fresh ProfileCase before its task method runs. It also bridges
sync tasks, which run in their own threads so they cannot block the event loop: from the loop's
thread `submit()` hands back the coroutine for the task to await; from any other thread it runs
the coroutine on the loop (`run_coroutine_threadsafe`) and blocks that thread until the result,
bounded by the task's deadline.

Not for: starting or timing tasks (executor.py) or the task-author API (modelservice/profiler.py).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from typing import Any, Coroutine, TypeVar

from modelservice.utils.instruments import StatAggregator

from .errors import TaskTimeout
from .metrics import GroupMetrics
from .players import SimulatedPlayer

T = TypeVar("T")


class TaskContext:
    """The player, group and metrics a task run reports into, and the loop it must use."""

    __slots__ = ("player", "metrics", "group", "workers_count", "loop", "loop_thread", "deadline")

    def __init__(self, player: SimulatedPlayer, metrics: GroupMetrics, *, group: int,
                 workers_count: int, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        self.player = player
        self.metrics = metrics
        self.group = group
        self.workers_count = workers_count
        self.loop = loop
        self.loop_thread = threading.get_ident()
        self.deadline = deadline  # in loop.time() units

    @property
    def on_loop_thread(self) -> bool:
        return threading.get_ident() == self.loop_thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> Coroutine[Any, Any, T] | T:
        """The coroutine itself on the loop's thread; its result (blocking) on a sync task's thread."""
        if self.on_loop_thread:
            return coro
        remaining = self.deadline - self.loop.time()
        if remaining <= 0 or self.loop.is_closed():
            coro.close()
            raise TaskTimeout("the task's time is up (--task-timeout); no further calls are made")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return future.result(timeout=remaining)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TaskTimeout("the task's time ran out (--task-timeout) while waiting for a call") from None
        except concurrent.futures.CancelledError:
            raise TaskTimeout("the call was cancelled because the task was stopped") from None

    def record_stat(self, stat_id: str, value: Any, fmt: str | None, attribute: str | None) -> None:
        """Record a publish_stat value; from a sync task's thread it is handed to the loop's thread."""
        if self.on_loop_thread:
            self.metrics.record_stat(stat_id, value, fmt, attribute)
            return
        # Reject a bad value in the task's own thread, where the error belongs, before handing over.
        StatAggregator(attribute=attribute).push(value)
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.metrics.record_stat, stat_id, value, fmt, attribute)
