"""`RouterServer`: one Crossbar node for the local Simpl stack, as a context manager.

What it is for: writing the router configuration into `<run_dir>/router/`, starting
`crossbar start --cbdir ...` in its own process group (log: `<run_dir>/router.log`),
waiting until the WebSocket endpoint accepts a WAMP join with the profiler ticket, and on
exit stopping the node and all its workers.

    with RouterServer(run_dir, port=0, service_ticket=s, profiler_ticket=p) as router:
        router.url   # ws://127.0.0.1:PORT/ws

Not for: what the configuration contains (`demo.router.config`) or the other processes
of the stack (`demo.stack`).
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import time
from pathlib import Path

from demo.errors import MissingDependency, NotReady, StackError
from demo.processes import ManagedProcess, resolve_port
from demo.router import client
from demo.router.config import (PROFILER_AUTHID, PROFILER_TICKET_ENV, SERVICE_TICKET_ENV,
                                build_config, write_config, ws_url)

READY_TIMEOUT = 30.0


def crossbar_executable() -> str:
    """The `crossbar` next to this Python (the venv's), else on PATH; MissingDependency if none."""
    beside = Path(sys.executable).with_name("crossbar")
    if beside.exists():
        return str(beside)
    found = shutil.which("crossbar")
    if found is None:
        raise MissingDependency("crossbar")
    return found


def _remove_stale_pidfile(cbdir: Path) -> None:
    """Crossbar refuses to start while `node.pid` names a live process; a dead one's file
    (left by a SIGKILLed node) is removed so the next start is not refused."""
    pidfile = cbdir / "node.pid"
    try:
        pid = int(json.loads(pidfile.read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        pidfile.unlink(missing_ok=True)
        return
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pidfile.unlink(missing_ok=True)
        return
    except PermissionError:
        pass
    raise StackError(f"a router is already running from {cbdir} (pid {pid}); "
                     f"stop it (python -m demo.stack stop) or use another run folder")


class RouterServer:
    """A Crossbar node on host:port serving the realm of the local Simpl stack."""

    def __init__(self, run_dir: Path | str, port: int = 0, realm: str = "realm1", *,
                 service_ticket: str, profiler_ticket: str, host: str = "127.0.0.1",
                 ready_timeout: float = READY_TIMEOUT, port_option: str = "--router-port"):
        if not service_ticket or not profiler_ticket:
            raise ValueError("RouterServer needs a service ticket and a profiler ticket")
        self.run_dir = Path(run_dir)
        self.cbdir = self.run_dir / "router"
        self.log_path = self.run_dir / "router.log"
        self.host = host
        self.requested_port = port
        self.port = port
        self.realm = realm
        self.service_ticket = service_ticket
        self.profiler_ticket = profiler_ticket
        self.ready_timeout = ready_timeout
        self.port_option = port_option
        self.process: ManagedProcess | None = None
        self.started_in: float | None = None

    @property
    def url(self) -> str:
        return ws_url(self.host, self.port)

    def start(self) -> "RouterServer":
        executable = crossbar_executable()
        self.port = resolve_port(self.requested_port, host=self.host, option=self.port_option)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        _remove_stale_pidfile(self.cbdir)
        write_config(self.cbdir, build_config(port=self.port, realm=self.realm, host=self.host))
        # The config refers to the tickets by environment variable, so they reach Crossbar
        # only through its environment and are never written to disk.
        env = dict(os.environ)
        env[SERVICE_TICKET_ENV] = self.service_ticket
        env[PROFILER_TICKET_ENV] = self.profiler_ticket
        began = time.monotonic()
        self.process = ManagedProcess(
            "router (crossbar)",
            [executable, "start", "--cbdir", str(self.cbdir), "--color", "false", "--loglevel", "info"],
            log_path=self.log_path, env=env, cwd=self.run_dir,
        ).start()
        try:
            self._wait_ready(began + self.ready_timeout)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - began
        return self

    def _wait_ready(self, deadline: float) -> None:
        assert self.process is not None
        while True:
            self.process.check()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise NotReady(f"the router did not accept a WAMP join on {self.url} within "
                               f"{self.ready_timeout:.0f} s (log: {self.log_path}); last lines:\n"
                               f"{self.process.summary()}")
            try:
                asyncio.run(self._probe(min(remaining, 5.0)))
                return
            except (OSError, TimeoutError):
                # Not listening yet (Crossbar takes a few seconds to boot its worker).
                time.sleep(0.1)
            except client.JoinRefused as exc:
                raise StackError(f"the router is up but refused the profiler ticket ({exc}); "
                                 f"see {self.log_path}") from exc

    async def _probe(self, timeout: float) -> None:
        async with client.wamp_session(self.url, self.realm, authid=PROFILER_AUTHID,
                                       ticket=self.profiler_ticket, timeout=timeout):
            pass

    def check(self) -> None:
        """Raise ChildDied if the router has exited."""
        if self.process is not None:
            self.process.check()

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def __enter__(self) -> "RouterServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
