"""`SimplStack`: the one object that owns the whole local Simpl stack.

    with SimplStack(run_dir, api_port=0, router_port=0) as stack:
        stack.env        # SIMPL_GAMES_URL, SIMPL_GAMES_AUTH, MODEL_SERVICE_WS, SIMPL_REALM, tickets
        stack.check()    # raises ChildDied if any process of the stack has exited

It starts the games API and the router in parallel, then the WAMP-CRA authenticator and one
model service per game; it is ready when the API answers and each game's
`<ROOT_TOPIC>.ready` returns true to the profiler. It writes `<run_dir>/stack.env` (mode
600) for shells, and on exit stops everything, model services first.

Not for: the command line and background mode (`demo.stack.__main__`, `demo.stack.background`),
seeding runs (`demo.seed`), or what each process does inside.
"""
from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import secrets
import shlex
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from autobahn.wamp.exception import ApplicationError

from demo.errors import ChildDied, MissingDependency, NotReady, StackError
from demo.processes import ManagedProcess, ensure_port_free, failure_summary, pid_alive
from demo.router import RouterServer
from demo.router import client as wamp
from demo.router.config import AUTHENTICATOR_URI, PROFILER_AUTHID
from demo.router.server import crossbar_executable

REPO_DIR = Path(__file__).resolve().parents[2]
GAMES = ("simpl-calc", "simpl-div")
READY_TIMEOUT = 60.0
ENV_FILE = "stack.env"
ENV_KEYS = ("SIMPL_GAMES_URL", "SIMPL_GAMES_AUTH", "MODEL_SERVICE_WS", "SIMPL_REALM",
            "SIMPL_PROFILER_TICKET", "SIMPL_SERVICE_TICKET")
# Python packages each kind of process needs; checked before anything starts.
REQUIRED_MODULES = {"django": "Django", "rest_framework": "djangorestframework",
                    "django_filters": "django-filter", "gunicorn": "gunicorn", "autobahn": "autobahn"}


def ready_uri(game: str) -> str:
    return f"world.simpl.sims.{game}.ready"


def check_dependencies() -> None:
    """Raise MissingDependency naming the first package or program that is not installed."""
    for module, package in REQUIRED_MODULES.items():
        if importlib.util.find_spec(module) is None:
            raise MissingDependency(package)
    crossbar_executable()
    for module in ("demo.gamesapi.server", "demo.model_service", "demo.model_service.authenticator"):
        try:
            found = importlib.util.find_spec(module) is not None
        except ImportError:
            found = False
        if not found:
            raise StackError(f"{module} is missing from this checkout ({REPO_DIR}); "
                             f"update it (git pull) and retry")


def secret_from(environ: Mapping[str, str], name: str) -> str:
    """The environment's value for `name`, else a fresh random secret."""
    return environ.get(name) or secrets.token_urlsafe(24)


def write_env_file(path: Path, env: Mapping[str, str]) -> None:
    """Write `export NAME='value'` lines, readable by the owner only."""
    text = "".join(f"export {name}={shlex.quote(value)}\n" for name, value in env.items())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)


def _start_in_parallel(servers: Sequence[Any], started: list[Any]) -> None:
    """Start the `servers` (each has .start() and .stop()) in threads.

    Every server whose start returned is appended to `started`, even when another failed
    or the wait was interrupted (Ctrl-C), so that the caller can stop all of them.
    """
    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        futures = {pool.submit(server.start): server for server in servers}
        try:
            for future in futures:
                future.result()
        finally:
            for future, server in futures.items():
                with contextlib.suppress(BaseException):
                    future.result()
                    started.append(server)


def _stop_in_parallel(things: Sequence[Any]) -> None:
    """Call .stop() on each thing in its own thread; each waits for its own processes."""
    if things:
        with ThreadPoolExecutor(max_workers=len(things)) as pool:
            list(pool.map(lambda thing: thing.stop(), things))


class SimplStack:
    """Games API, router, authenticator and model services on 127.0.0.1, started and stopped together."""

    def __init__(self, run_dir: Path | str, *, api_port: int = 8100, router_port: int = 8080,
                 host: str = "127.0.0.1", realm: str = "realm1", games: Sequence[str] = GAMES,
                 api_workers: int = 3, api_threads: int = 4, ready_timeout: float = READY_TIMEOUT,
                 environ: Mapping[str, str] | None = None):
        if host != "127.0.0.1":
            raise ValueError("the demo stack listens on 127.0.0.1 only")
        self.run_dir = Path(run_dir).resolve()
        self.api_port = api_port
        self.router_port = router_port
        self.host = host
        self.realm = realm
        self.games = tuple(games)
        self.api_workers = api_workers
        # Threaded (gthread) workers keep HTTP connections alive; sync workers close each one, so
        # every pooled client request would pay a TCP connect and the profiler would measure that.
        self.api_threads = api_threads
        self.ready_timeout = ready_timeout
        base = dict(os.environ if environ is None else environ)
        self.service_ticket = secret_from(base, "SIMPL_SERVICE_TICKET")
        self.profiler_ticket = secret_from(base, "SIMPL_PROFILER_TICKET")
        self._base_env = base
        self.env: dict[str, str] = {}
        self.api: Any = None
        self.router: RouterServer | None = None
        self.services: list[ManagedProcess] = []
        self.started_in: float | None = None
        self._servers: list[Any] = []  # the games API and the router, once started

    # -- what the outside sees ---------------------------------------------------------------

    @property
    def env_file(self) -> Path:
        return self.run_dir / ENV_FILE

    @property
    def games_url(self) -> str:
        return self.env["SIMPL_GAMES_URL"]

    @property
    def router_url(self) -> str:
        return self.env["MODEL_SERVICE_WS"]

    @property
    def staff_auth(self) -> tuple[str, str]:
        return tuple(self.api.staff_auth)  # type: ignore[return-value]

    def pids(self) -> list[int]:
        """Pids of the stack's direct children (each leads its own process group)."""
        pids = [self.api.pid] if self.api is not None and self.api.pid else []
        if self.router is not None and self.router.process is not None and self.router.process.pid:
            pids.append(self.router.process.pid)
        pids += [service.pid for service in self.services if service.pid]
        return pids

    def log_files(self) -> list[Path]:
        return sorted(self.run_dir.glob("*.log"))

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> "SimplStack":
        began = time.monotonic()
        check_dependencies()
        # Fixed ports are checked up front so that a taken port costs no start-up at all.
        if self.api_port:
            ensure_port_free(self.api_port, host=self.host, option="--api-port")
        if self.router_port:
            ensure_port_free(self.router_port, host=self.host, option="--router-port")
        self.run_dir.mkdir(parents=True, exist_ok=True)
        deadline = began + self.ready_timeout
        try:
            self._start_servers()
            self._start_services()
            self._wait_ready(deadline)
            write_env_file(self.env_file, self.env)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - began
        return self

    def _start_servers(self) -> None:
        # Imported here: check_dependencies() has made sure it exists, with a clear message.
        from demo.gamesapi.server import GamesApiServer, GamesApiStartError

        api = GamesApiServer(self.run_dir, port=self.api_port, workers=self.api_workers,
                             threads=self.api_threads, env=self._base_env)
        router = RouterServer(self.run_dir, port=self.router_port, realm=self.realm,
                              service_ticket=self.service_ticket, profiler_ticket=self.profiler_ticket,
                              host=self.host)
        self.api, self.router = api, router
        try:
            _start_in_parallel([api, router], self._servers)
        except GamesApiStartError as exc:
            raise StackError(f"the games API did not start: {exc}") from exc
        self.env = {
            "SIMPL_GAMES_URL": api.url,
            "SIMPL_GAMES_AUTH": ":".join(api.staff_auth),
            "MODEL_SERVICE_WS": router.url,
            "SIMPL_REALM": self.realm,
            "SIMPL_PROFILER_TICKET": self.profiler_ticket,
            "SIMPL_SERVICE_TICKET": self.service_ticket,
        }

    def _start_services(self) -> None:
        env = {**self._base_env, **self.env, "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_DIR), self._base_env.get("PYTHONPATH")]))}
        commands = [("authenticator", ["-m", "demo.model_service.authenticator"])]
        commands += [(game, ["-m", "demo.model_service", "--game", game]) for game in self.games]
        for name, args in commands:
            process = ManagedProcess(f"{name} model service" if name != "authenticator" else name,
                                     [sys.executable, *args], log_path=self.run_dir / f"{name}.log",
                                     env=env, cwd=REPO_DIR)
            self.services.append(process)
            process.start()

    def _wait_ready(self, deadline: float) -> None:
        try:
            asyncio.run(self._poll_ready(deadline))
        except NotReady as exc:
            logs = ", ".join(str(p.log_path) for p in self.services)
            raise NotReady(f"{exc} within {self.ready_timeout:.0f} s; see the logs: {logs}") from None

    async def _poll_ready(self, deadline: float) -> None:
        pending = [AUTHENTICATOR_URI] + [ready_uri(game) for game in self.games]
        join = dict(authid=PROFILER_AUTHID, ticket=self.profiler_ticket)
        async with wamp.wamp_session(self.router_url, self.realm, **join) as session:
            while pending:
                self.check()
                for uri in list(pending):
                    if await self._is_ready(session, uri):
                        pending.remove(uri)
                if not pending:
                    return
                if time.monotonic() > deadline:
                    raise NotReady("not ready: " + ", ".join(pending))
                await asyncio.sleep(0.1)

    @staticmethod
    async def _is_ready(session: Any, uri: str) -> bool:
        if uri == AUTHENTICATOR_URI:
            # Calling the authenticator would authenticate someone; ask the router instead.
            return await session.call("wamp.registration.lookup", uri) is not None
        try:
            return await session.call(uri) is True
        except ApplicationError as exc:
            if exc.error == "wamp.error.no_such_procedure":
                return False
            raise StackError(f"{uri} failed: {exc.error} {exc.args}") from exc

    def check(self) -> None:
        """Raise ChildDied naming the first process of the stack that has exited."""
        if self.api is not None and self.api.pid and not pid_alive(self.api.pid):
            raise ChildDied("games API (gunicorn)", None, self.api.log_path,
                            failure_summary(self.api.log_path))
        if self.router is not None:
            self.router.check()
        for service in self.services:
            service.check()

    def supervise(self, stop_requested: Callable[[], bool], interval: float = 0.5) -> None:
        """Return when `stop_requested()` is true; raise ChildDied as soon as a child dies."""
        while not stop_requested():
            self.check()
            time.sleep(interval)

    def stop(self) -> None:
        """Stop everything that was started: model services first (they use the others)."""
        services, self.services = self.services, []
        _stop_in_parallel(services)
        servers, self._servers = self._servers, []
        _stop_in_parallel(servers)

    def __enter__(self) -> "SimplStack":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
