"""Support for the report and threshold end-to-end tests: a router, test procedures, the real command.

* `router_with_procedures` (module fixture): a real Crossbar router on a free loopback port, plus a
  service-role session (authid `modelservice`, the router's service ticket) running in a thread of
  the test process that registers `test.report.echo` (immediate: the bare round trip),
  `test.report.sleep20` (awaits 20 ms), and `test.report.refuse` (raises
  `test.report.error.refused`).
* `profile_command(...)` / `start_profile_command(...)`: `manage.py profile` in a subprocess with
  the task packages of tests/fixtures/report_tasks on PYTHONPATH.
* `read_until(process, text, deadline)`: the command's stdout up to a line containing `text`.

Not a test module (its name does not start with test_).
"""
from __future__ import annotations

import asyncio
import os
import re
import secrets
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from demo.router import RouterServer
from demo.router.client import wamp_session

REPO = Path(__file__).resolve().parents[2]
TASKS = REPO / "tests" / "fixtures" / "report_tasks"
REALM = "realm1"
COMMAND_TIMEOUT = 120


class ProcedureService:
    """A service-role session with the test procedures, on its own event loop in a thread."""

    def __init__(self, url: str, service_ticket: str) -> None:
        self.url = url
        self.ticket = service_ticket
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._main, name="report-procedures", daemon=True)

    def __enter__(self) -> ProcedureService:
        self._thread.start()
        if not self.ready.wait(30):
            raise RuntimeError("the test procedures were not registered within 30 s")
        if self.error is not None:
            raise RuntimeError(f"registering the test procedures failed: {self.error!r}")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(15)

    def _main(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # reported to the fixture through `error`
            self.error = exc
            self.ready.set()

    async def _serve(self) -> None:
        from autobahn.wamp.exception import ApplicationError

        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()

        def echo(value: Any = None, **_kwargs: Any) -> Any:
            return value

        async def sleep20(**_kwargs: Any) -> str:
            await asyncio.sleep(0.020)
            return "slept"

        def refuse(**_kwargs: Any) -> None:
            raise ApplicationError("test.report.error.refused", "refused on purpose")

        async with wamp_session(self.url, REALM, authid="modelservice", ticket=self.ticket) as session:
            await session.register(echo, "test.report.echo")
            await session.register(sleep20, "test.report.sleep20")
            await session.register(refuse, "test.report.refuse")
            self.ready.set()
            await self._stop.wait()


@pytest.fixture(scope="module")
def router_with_procedures(tmp_path_factory):
    tickets = {"service_ticket": secrets.token_urlsafe(16), "profiler_ticket": secrets.token_urlsafe(16)}
    with RouterServer(tmp_path_factory.mktemp("router"), port=0, **tickets) as router:
        with ProcedureService(router.url, router.service_ticket):
            yield router


def command_env(router: RouterServer, **extra: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TASKS), str(REPO)]),
               SIMPL_PROFILER_TICKET=router.profiler_ticket, PYTHONUNBUFFERED="1", **extra)
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's default: demo.profiler_settings
    return env


def profile_argv(router: RouterServer, *args: str) -> list[str]:
    return [sys.executable, "manage.py", "profile", "-u", router.url, *args]


def profile_command(router: RouterServer, *args: str, timeout: float = COMMAND_TIMEOUT,
                    env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(profile_argv(router, *args), cwd=REPO, env=env or command_env(router),
                          capture_output=True, text=True, timeout=timeout)


def start_profile_command(router: RouterServer, *args: str,
                          env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(profile_argv(router, *args), cwd=REPO, env=env or command_env(router),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)


def read_until(process: subprocess.Popen, pattern: str, deadline: float = 60.0) -> str:
    """stdout read so far, up to a chunk matching the regular expression `pattern`; fails at the deadline.

    Reads the pipe's file descriptor directly (not the buffered file object), so that select()
    never waits on data already sitting in a Python buffer.
    """
    seen = b""
    fd = process.stdout.fileno()
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], max(end - time.monotonic(), 0))
        if not ready:
            break
        chunk = os.read(fd, 65536)
        if not chunk:  # the process ended
            break
        seen += chunk
        if re.search(pattern, seen.decode("utf-8", "replace")):
            return seen.decode("utf-8", "replace")
    raise AssertionError(f"nothing matching {pattern!r} on stdout within {deadline} s; stdout so far:\n"
                         f"{seen.decode('utf-8', 'replace')}")


def stop_process(process: subprocess.Popen) -> None:
    """Make sure a started command is gone (a failing test must not leave it running)."""
    if process.poll() is None:
        process.kill()
        process.wait(10)
