"""The games-API client for blocking code: seeding scripts, management commands, a REPL.

Same surface as `modelservice.simpl`, without `await`::

    from modelservice.simpl.sync import games_client_factory

    with games_client_factory() as s:
        game = s.games.get_or_create(slug="simpl-calc", defaults={"name": "Simpl Calc"})
        run = s.runs.get_or_create(game=game.id, name="a")
        run.phase = s.phases.get(game=game.id, name="Play").id
        run.save()

It runs the async client on a private event loop in one daemon thread shared by every sync
client, so there is a single implementation of the API's rules. Each call blocks until its
request is done (bounded by SIMPL_GAMES_TIMEOUT). Resources returned here have blocking
`save()` and `delete()`.

Inside a profiled player's synchronous task (a thread with the player's binding current)
the requests are timed into the player's metrics like the async client's, but through a
pool of this client's own: the player's pool belongs to the engine's event loop.

Not for: code already running on an event loop (a coroutine would stall its loop while it
waits; use the async client there).
"""
from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from ._binding import HttpBinding, current_http_binding, forwarding_binding
from ._client import BULK_RESOURCES, RESOURCES, GamesClient, _ExceptionAttributes
from ._endpoint import BulkEndpoint, Endpoint
from ._exceptions import (
    BadRequestError,
    HTTPError,
    MultipleResourcesFound,
    NotAuthenticatedError,
    RequestTimeout,
    ResourceNotFound,
    SimplApiError,
    TransportError,
)
from ._resource import Resource

__all__ = [
    "games_client_factory",
    "games_client",
    "SyncGamesClient",
    "SyncResource",
    "SimplApiError",
    "ResourceNotFound",
    "MultipleResourcesFound",
    "HTTPError",
    "BadRequestError",
    "NotAuthenticatedError",
    "TransportError",
    "RequestTimeout",
]

T = TypeVar("T")


class _LoopThread:
    """One event loop in a daemon thread, started on first use, that runs coroutines for us."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def _ensure(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="simpl-sync-client",
                                          daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if threading.current_thread() is self._thread:
            coroutine.close()
            raise RuntimeError("the blocking games client was called from its own event loop; "
                               "use the async client (modelservice.simpl) in coroutines")
        # The caller's player binding (if any) follows the call, as one that never lends its
        # pool to our loop but still receives the timings on its own loop.
        binding = forwarding_binding(current_http_binding.get())
        future = asyncio.run_coroutine_threadsafe(_bound(coroutine, binding), self._ensure())
        try:
            return future.result()
        except BaseException:
            future.cancel()  # e.g. Ctrl-C: do not leave the request running behind our back
            raise


async def _bound(coroutine: Coroutine[Any, Any, T], binding: HttpBinding | None) -> T:
    current_http_binding.set(binding)  # this task's own context
    return await coroutine


_runner = _LoopThread()


def _blocking(value: Any) -> Any:
    """`value` with every async Resource in it replaced by a SyncResource."""
    if isinstance(value, Resource) and not isinstance(value, SyncResource):
        return SyncResource(value.endpoint, value.payload)
    if isinstance(value, list):
        return [_blocking(item) for item in value]
    return value


class SyncResource(Resource):
    """A Resource whose `save()` and `delete()` block instead of returning coroutines."""

    __slots__ = ()

    def save(self) -> SyncResource:  # type: ignore[override]
        _runner.run(Resource.save(self))
        return self

    def delete(self) -> None:  # type: ignore[override]
        _runner.run(Resource.delete(self))


class _SyncCalls:
    """Blocking mirror of an async endpoint: each coroutine method becomes a blocking call."""

    def __init__(self, target: Endpoint | BulkEndpoint) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if not inspect.iscoroutinefunction(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            return _blocking(_runner.run(attribute(*args, **kwargs)))
        call.__doc__ = attribute.__doc__
        call.__name__ = name
        return call

    def __dir__(self) -> list[str]:
        return [n for n in dir(self._target) if not n.startswith("_")]

    def __repr__(self) -> str:
        return f"<blocking {self._target!r}>"


class _SyncBulk:
    def __init__(self, client: GamesClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> _SyncCalls:
        return _SyncCalls(getattr(self._client.bulk, name))

    def __dir__(self) -> list[str]:
        return sorted(BULK_RESOURCES)


class SyncGamesClient(_ExceptionAttributes):
    """A blocking games-API client. `with` keeps one keep-alive pool for the block; used
    without `with`, each request opens its own connection (as the original client did)."""

    def __init__(self, url: str | None = None, auth: Any = None, *,
                 timeout: float | None = None) -> None:
        self._client = GamesClient(url, auth, timeout=timeout)

    def __enter__(self) -> SyncGamesClient:
        _runner.run(self._client.__aenter__())
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the pool opened by `with` (harmless when there is none)."""
        _runner.run(self._client.aclose())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        attribute = getattr(self._client, name)
        return _SyncCalls(attribute) if isinstance(attribute, Endpoint) else attribute

    @property
    def bulk(self) -> _SyncBulk:
        """The bulk endpoints, blocking: `s.bulk.runs.create([...])`."""
        return _SyncBulk(self._client)

    def endpoint(self, name: str) -> _SyncCalls:
        """A blocking endpoint for a resource without its own attribute (e.g. ``"hooks"``)."""
        return _SyncCalls(self._client.endpoint(name))

    def __dir__(self) -> list[str]:
        return sorted(set(RESOURCES) | {"bulk", "endpoint", "close"})

    def __repr__(self) -> str:
        return f"<SyncGamesClient {self._client.base_url}>"


def games_client_factory(url: str | None = None, auth: Any = None, *,
                         timeout: float | None = None) -> SyncGamesClient:
    """A new blocking client; use it in a `with` block to keep its connections alive."""
    return SyncGamesClient(url, auth, timeout=timeout)


class _SharedSyncGamesClient(_ExceptionAttributes):
    """The module-level blocking `games_client`; settings are read at each use.

    `with games_client as s:` opens a fresh client for the block (per thread, nestable).
    """

    def __init__(self) -> None:
        self._local = threading.local()

    def _stack(self) -> list[SyncGamesClient]:
        if not hasattr(self._local, "stack"):
            self._local.stack = []
        return self._local.stack

    def __enter__(self) -> SyncGamesClient:
        client = SyncGamesClient().__enter__()
        self._stack().append(client)
        return client

    def __exit__(self, *exc_info: object) -> None:
        self._stack().pop().close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        stack = self._stack()
        return getattr(stack[-1] if stack else SyncGamesClient(), name)

    def __repr__(self) -> str:
        return "<blocking games_client>"


games_client = _SharedSyncGamesClient()
