"""Helpers for the model-service integration tests: a real games API and router on free
loopback ports, and the model-service processes started and stopped around them.

Uses the shared servers (`demo.gamesapi.server.GamesApiServer`, `demo.router.RouterServer`)
and `demo.processes.ManagedProcess`; every process runs in its own process group and is
stopped with its children.
"""
from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import sys
import time
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from autobahn.wamp.exception import ApplicationError

from demo.gamesapi.server import GamesApiServer
from demo.model_service.games_api import GamesApi
from demo.processes import ManagedProcess
from demo.router import RouterServer
from demo.router.client import wamp_session

REPO_DIR = Path(__file__).resolve().parents[2]
REALM = "realm1"
READY_TIMEOUT = 60.0


@dataclass
class Backend:
    """A running games API and router, with the secrets to use them."""

    api: GamesApiServer
    router: RouterServer
    run_dir: Path

    @property
    def env(self) -> dict[str, str]:
        """The environment a model-service process needs (docs/stack-contracts.md)."""
        return {**os.environ, "PYTHONPATH": str(REPO_DIR), "PYTHONUNBUFFERED": "1",
                "SIMPL_GAMES_URL": self.api.url, "SIMPL_GAMES_AUTH": ":".join(self.api.staff_auth),
                "MODEL_SERVICE_WS": self.router.url, "SIMPL_REALM": REALM,
                "SIMPL_SERVICE_TICKET": self.router.service_ticket}

    def rest(self) -> GamesApi:
        return GamesApi(self.api.url, self.api.staff_auth)

    def profiler(self, **kwargs: Any) -> contextlib.AbstractAsyncContextManager:
        return wamp_session(self.router.url, REALM, authid="profiler",
                            ticket=self.router.profiler_ticket, **kwargs)

    def service(self, name: str, *args: str, env: dict[str, str] | None = None) -> ManagedProcess:
        """A model-service process (not started): `args` follow `python -m`."""
        return ManagedProcess(name, [sys.executable, "-m", *args],
                              log_path=self.run_dir / f"{name}.log",
                              env={**self.env, **(env or {})}, cwd=REPO_DIR)


@contextlib.contextmanager
def running_backend(run_dir: Path) -> Iterator[Backend]:
    """Games API (2 workers, cheap password hashing) and router, started side by side."""
    api = GamesApiServer(run_dir, port=0, workers=2,
                         env={"SIMPL_PASSWORD_ITERATIONS": "1000"})
    router = RouterServer(run_dir, port=0, realm=REALM,
                          service_ticket=secrets.token_urlsafe(16),
                          profiler_ticket=secrets.token_urlsafe(16))
    with contextlib.ExitStack() as stack:
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [pool.submit(api.start), pool.submit(router.start)]
            for server, future in zip((api, router), futures):
                stack.callback(server.stop)  # stop() is a no-op for one that did not start
            for future in futures:
                future.result()
        yield Backend(api, router, run_dir)


async def _is_ready(backend: Backend, uri: str, *args: Any) -> bool:
    async with backend.profiler(timeout=10) as session:
        try:
            return await session.call(uri, *args) is not None
        except ApplicationError as exc:
            if exc.error == "wamp.error.no_such_procedure":
                return False
            raise


def wait_ready(backend: Backend, process: ManagedProcess, uri: str, *args: Any,
               timeout: float = READY_TIMEOUT) -> None:
    """Poll `uri` as the profiler until it answers; fail early if `process` exits."""
    deadline = time.monotonic() + timeout
    while True:
        process.check()
        if asyncio.run(_is_ready(backend, uri, *args)):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{uri} not ready within {timeout:.0f}s; log:\n{process.tail()}")
        time.sleep(0.1)  # poll interval while the process joins the router


async def lookup_runuser(api: GamesApi, slug: str, run_name: str, email: str) -> dict[str, Any]:
    """The runuser of `email` in run `run_name` of game `slug`, as the reference tasks find it."""
    [run] = await api.filter("run", game_slug=slug, name=run_name)
    [user] = await api.filter("user", email=email)
    [runuser] = await api.filter("runuser", run=run["id"], user=user["id"])
    return runuser


async def next_event(queue: asyncio.Queue, timeout: float = 10.0) -> Any:
    """The next event a test subscription put on `queue`, or TimeoutError."""
    return await asyncio.wait_for(queue.get(), timeout)


@contextlib.asynccontextmanager
async def subscribed(session: Any, *topics: str) -> AsyncIterator[asyncio.Queue]:
    """Subscribe to `topics`; every event lands on the queue as (topic, args, kwargs)."""
    queue: asyncio.Queue = asyncio.Queue()
    subscriptions = []
    for topic in topics:
        def handler(*args: Any, _topic: str = topic, **kwargs: Any) -> None:
            queue.put_nowait((_topic, args, kwargs))
        subscriptions.append(await session.subscribe(handler, topic))
    try:
        yield queue
    finally:
        for subscription in subscriptions:
            with contextlib.suppress(Exception):
                await subscription.unsubscribe()


@contextlib.asynccontextmanager
async def browser_session(backend: Backend, authid: str, password: str, *,
                          double_derive: bool = True, timeout: float = 20.0
                          ) -> AsyncIterator[Any]:
    """A WAMP-CRA session as a player's browser: `authid` is the user id or email."""
    from autobahn.asyncio.wamp import ApplicationSession
    from autobahn.asyncio.websocket import WampWebSocketClientFactory
    from autobahn.wamp.auth import compute_wcs, derive_key
    from autobahn.wamp.types import ComponentConfig

    from demo.router.client import JoinRefused
    from modelservice.profiling.wamp import salted_wampcra_key

    loop = asyncio.get_running_loop()
    joined: asyncio.Future = loop.create_future()
    closed: asyncio.Future = loop.create_future()

    class Browser(ApplicationSession):
        def onConnect(self) -> None:
            self.join(REALM, authmethods=["wampcra"], authid=authid)

        def onChallenge(self, challenge: Any) -> bytes:
            extra = challenge.extra
            # Crossbar 26 derives once more on its side (modelservice.profiling.wamp explains).
            params = (extra["salt"], extra["iterations"], extra["keylen"])
            key = salted_wampcra_key(password, *params) if double_derive else derive_key(password, *params)
            return compute_wcs(key, extra["challenge"])

        def onJoin(self, details: Any) -> None:
            if not joined.done():
                joined.set_result(self)

        def onLeave(self, details: Any) -> None:
            if not joined.done():
                joined.set_exception(JoinRefused(details.reason, details.message))
            self.disconnect()

        def onDisconnect(self) -> None:
            if not joined.done():
                joined.set_exception(ConnectionError("closed before the join"))
            if not closed.done():
                closed.set_result(None)

    host, port = backend.router.host, backend.router.port
    factory = WampWebSocketClientFactory(lambda: Browser(ComponentConfig(realm=REALM)),
                                         url=backend.router.url)
    transport, _ = await asyncio.wait_for(loop.create_connection(factory, host, port), timeout)
    try:
        session = await asyncio.wait_for(joined, timeout)
        yield session
        session.leave()
    finally:
        transport.close()
        await asyncio.wait([closed], timeout=5)
