"""The original design, measured: K player processes started with bounded parallelism.

The original `profile.sh` fanned out one `manage.py profile` process per simulated player
through `xargs -P`. Here `bench/original_player.py` stands in for each process, and at most
`parallel` of them run at once (a slot is freed when a process exits, as with xargs). For each
process we wait until it has joined and made its one call, read its USS and CPU time with
psutil while it is still alive, then let it exit.

Not for: our own profiler's numbers (`bench.probe`), or judging (`bench.profiler_bench`).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Callable

import psutil

from bench.children import ChildFailed, Children

# Per process, from its spawn until it has called: 50 Django start-ups sharing 2 busy cores can
# take minutes each (a first attempt with 120 s timed out on a loaded machine).
PROCESS_TIMEOUT = 900.0


@dataclass
class FanoutResult:
    """What K original-design processes cost, summed or timed over all of them."""

    processes: int
    parallel: int
    wall_seconds: float = 0.0          # first spawn until the last process had joined and called
    uss_bytes: list[int] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)

    @property
    def uss_total(self) -> int:
        return sum(self.uss_bytes)

    @property
    def cpu_total(self) -> float:
        return sum(self.cpu_seconds)


async def _one(children: Children, slots: asyncio.Semaphore, args: list[str],
               result: FanoutResult, called_at: list[float], *, timeout: float,
               progress: Callable[[str], None] | None) -> None:
    async with slots:
        proc = await children.spawn("original_player.py", *args, stdin=True)
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), timeout)
        except asyncio.TimeoutError:
            raise ChildFailed(f"original player pid {proc.pid} did not call within {timeout:.0f}s") from None
        if not line.startswith(b"called "):
            await children.finish(proc, timeout=timeout)
            raise ChildFailed(f"original player pid {proc.pid} failed (exit {proc.returncode}): "
                              f"{children.log_tail()}")
        called_at.append(float(line.split()[1]))
        if progress is not None and len(called_at) % 50 == 0:
            progress(f"  {len(called_at)} original-design players have joined and called")
        info = psutil.Process(proc.pid)
        with info.oneshot():
            result.uss_bytes.append(info.memory_full_info().uss)
            times = info.cpu_times()
            result.cpu_seconds.append(times.user + times.system)
        proc.stdin.close()
        status = await children.finish(proc, timeout=timeout)
        if status != 0:
            raise ChildFailed(f"original player pid {proc.pid} exited with status {status}")


async def run_original(children: Children, *, url: str, realm: str, processes: int,
                       parallel: int, timeout: float = PROCESS_TIMEOUT,
                       progress: Callable[[str], None] | None = None) -> FanoutResult:
    """Start `processes` original-design players, `parallel` at a time, and measure them."""
    result = FanoutResult(processes=processes, parallel=parallel)
    slots = asyncio.Semaphore(parallel)
    called_at: list[float] = []
    args = ["--url", url, "--realm", realm]
    started = time.monotonic()
    await asyncio.gather(*(_one(children, slots, args, result, called_at, timeout=timeout,
                                progress=progress) for _ in range(processes)))
    result.wall_seconds = max(called_at) - started
    return result
