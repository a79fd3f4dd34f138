"""Every subprocess a benchmark run starts, so that all of them are stopped at the end.

`Children.spawn` starts a Python script of this package under asyncio and remembers it;
`Children.stop_all` terminates whatever is still running (SIGTERM, then SIGKILL after a
grace period). The orchestrator calls `stop_all` in a `finally`, which also runs on Ctrl-C
and SIGTERM because both cancel the main task.

Not for: the router (its own context manager stops it) or general process management.
"""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import IO, Awaitable, TypeVar

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
T = TypeVar("T")


class ChildFailed(RuntimeError):
    """A benchmark subprocess exited badly or did not report in time."""


class Children:
    """The live subprocesses of one benchmark run."""

    def __init__(self, *, env: dict[str, str], stderr: IO[bytes]) -> None:
        self._env = {**os.environ, **env, "PYTHONPATH": str(REPO_ROOT)}
        self._stderr = stderr  # one log shared by all children, named in failure messages
        self._live: set[asyncio.subprocess.Process] = set()

    def log_tail(self) -> str:
        """The last line the children wrote to the log, to put the cause into a failure message."""
        try:
            self._stderr.flush()
            with open(self._stderr.name, "rb") as log:
                lines = [line for line in log.read().decode(errors="replace").splitlines() if line.strip()]
        except (OSError, AttributeError, TypeError):
            return ""
        return lines[-1].strip() if lines else ""

    async def spawn(self, script: str, *args: str, stdin: bool = False) -> asyncio.subprocess.Process:
        """Start `python bench/<script> args...` with stdout piped (and stdin, if asked)."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(BENCH_DIR / script), *args,
            stdin=asyncio.subprocess.PIPE if stdin else asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=self._stderr, env=self._env)
        self._live.add(proc)
        return proc

    async def finish(self, proc: asyncio.subprocess.Process, *, timeout: float) -> int:
        """Wait for `proc` to exit on its own; kill it if it takes longer than `timeout`."""
        return await self._wait_or_kill(proc, proc.wait(), timeout, late=f"pid {proc.pid} did not exit")

    async def read_json_line(self, proc: asyncio.subprocess.Process, *, timeout: float,
                             what: str) -> bytes:
        """The child's whole stdout once it has exited, checking its exit status."""
        out, _ = await self._wait_or_kill(proc, proc.communicate(), timeout, late=f"{what} did not finish")
        if proc.returncode != 0:
            raise ChildFailed(f"{what} exited with status {proc.returncode}: {self.log_tail()}")
        lines = out.strip().splitlines()
        if not lines:
            raise ChildFailed(f"{what} printed no result: {self.log_tail()}")
        return lines[-1]

    async def _wait_or_kill(self, proc: asyncio.subprocess.Process, waiting: Awaitable[T],
                            timeout: float, *, late: str) -> T:
        """`waiting` (proc's wait or communicate) within `timeout`; else kill `proc` and fail with `late`."""
        try:
            return await asyncio.wait_for(waiting, timeout)
        except asyncio.TimeoutError:
            proc.kill()
            await proc.wait()
            raise ChildFailed(f"{late} within {timeout:.0f}s; killed") from None
        finally:
            self._forget_if_exited(proc)

    def _forget_if_exited(self, proc: asyncio.subprocess.Process) -> None:
        # A wait cancelled by Ctrl-C leaves the child running: it stays for stop_all.
        if proc.returncode is not None:
            self._live.discard(proc)

    async def stop_all(self, *, grace: float = 5.0) -> None:
        """Terminate every child still running; kill those that ignore SIGTERM."""
        live = [p for p in self._live if p.returncode is None]
        for proc in live:
            try:
                proc.terminate()
            except ProcessLookupError:
                pass
        if live:
            done, pending = await asyncio.wait([asyncio.ensure_future(p.wait()) for p in live],
                                               timeout=grace)
            for proc in live:
                if proc.returncode is None:
                    proc.kill()
            for task in pending:
                await task
        self._live.clear()

    def __len__(self) -> int:
        return sum(1 for p in self._live if p.returncode is None)
