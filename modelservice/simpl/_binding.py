"""Binding the games-API client to one simulated player: its connection pool and its metrics.

The profiling engine runs hundreds of players on one event loop. Each player gets an
`HttpBinding` and runs its task inside `bind_http(binding)` (or sets `current_http_binding`
in the player's asyncio task). While a binding is current, every `games_client_factory()`
client, and the module-level `games_client`,

* sends its requests through the binding's session: one keep-alive pool per player, which is
  not closed when the client's `async with` block ends;
* reports each request to `binding.observer(operation, seconds, error)`:
  `operation` is ``"<METHOD> <path template>"`` such as ``"GET /apis/runs/"`` or
  ``"PUT /apis/periods/{id}/"`` (every detail lookup value, numeric id or slug, becomes
  ``{id}`` so that the number of operations stays small); `seconds` is the wall time from
  sending the request to having read the whole body; `error` is None when the status was the
  one the call expects, else the status as a string (``"404"``) or the class name of the
  exception that stopped the request (``"ClientConnectorError"``, ``"ServerTimeoutError"``).
  A request cancelled by its task is not reported: the engine knows it cancelled it.

`player_http_session()` makes such a pool without the engine needing aiohttp details. An
`HttpBinding` whose session is None makes its pool lazily on the first request (and closes
it in `aclose()`), so a player that never calls the games API costs only the small binding.

A pool belongs to one event loop: the loop running when the binding was made (or, failing
that, the first that used it). Code running elsewhere with the binding current, such as a
synchronous task in a thread using `modelservice.simpl.sync` or `asyncio.run()`, gets a
pool of its own instead, and its timings are handed to the observer on the binding's loop
(`call_soon_threadsafe`), so the observer is only ever called from that loop.

Not for: issuing requests (see `_client`), or counting and merging the timings (the engine's
metrics do that with what the observer receives).
"""
from __future__ import annotations

import asyncio
import contextlib
import contextvars
from collections.abc import Callable, Iterator, Sequence

import aiohttp

from modelservice import conf

__all__ = ["HttpBinding", "Observer", "bind_http", "current_http_binding", "player_http_session",
           "forwarding_binding"]

Observer = Callable[[str, float, str | None], None]

# A player's task makes its requests one after another; a few slots cover the odd
# concurrent gather() without letting one player open dozens of sockets.
DEFAULT_POOL_LIMIT = 4
# Shorter than most servers' idle timeouts, so aiohttp rarely reuses a socket the server
# has already decided to close.
DEFAULT_KEEPALIVE_SECONDS = 10.0


def client_timeout(seconds: float | None = None) -> aiohttp.ClientTimeout:
    """The ClientTimeout of every games-API session: a total bound and a shorter connect bound."""
    total = conf.games_timeout() if seconds is None else seconds
    return aiohttp.ClientTimeout(total=total, connect=min(total, 10.0))


def player_http_session(
    *,
    limit: int = DEFAULT_POOL_LIMIT,
    timeout: float | None = None,
    keepalive_timeout: float = DEFAULT_KEEPALIVE_SECONDS,
    trace_configs: Sequence[aiohttp.TraceConfig] = (),
) -> aiohttp.ClientSession:
    """A keep-alive connection pool for one player; call it inside the running event loop.

    Authentication is not part of the pool: each client adds its own Authorization header,
    so one pool can serve clients with different credentials. Cookies are dropped (the API
    authenticates every request) which also keeps the session small. `trace_configs` are
    aiohttp's connection-level hooks, for callers who want more than the observer gives.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1 connection (got {limit})")
    connector = aiohttp.TCPConnector(
        limit=limit, keepalive_timeout=keepalive_timeout, ttl_dns_cache=300)
    return aiohttp.ClientSession(
        connector=connector,
        timeout=client_timeout(timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
        trace_configs=list(trace_configs) or None,
    )


class HttpBinding:
    """One player's HTTP pool and the callback that times its requests into the metrics.

    `session`: the player's pool; None makes one lazily with `player_http_session()` on the
    first request, owned (and closed by `aclose()`) by this binding. A session passed in is
    the caller's to close. `observer`: called after every request, see the module docstring;
    None records nothing.
    """

    __slots__ = ("_session", "_owns_session", "_loop", "observer")

    def __init__(self, session: aiohttp.ClientSession | None = None,
                 observer: Observer | None = None) -> None:
        self._session = session
        self._owns_session = session is None
        self.observer = observer
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:  # made outside a loop: the first loop that uses it owns it
            self._loop = None

    def session_for(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession | None:
        """The player's pool if requests on `loop` may use it, else None (another loop's)."""
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            return None
        return self.session

    def observer_for(self, loop: asyncio.AbstractEventLoop) -> Observer | None:
        """What requests on `loop` report to: the observer, or a hand-over to its own loop."""
        if self.observer is None:
            return None
        if self._loop is None or self._loop is loop:
            return self.observer
        return self._hand_over

    def _hand_over(self, operation: str, seconds: float, error: str | None) -> None:
        # Called on a foreign loop's thread: run the observer on the binding's own loop.
        loop, observer = self._loop, self.observer
        if loop is None or observer is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(observer, operation, seconds, error)
        except RuntimeError:  # the loop closed between the check and the call
            pass

    @property
    def session(self) -> aiohttp.ClientSession:
        """The player's pool, created on first use when none was given."""
        if self._session is None or (self._owns_session and self._session.closed):
            self._session = player_http_session()
        return self._session

    @property
    def has_session(self) -> bool:
        """Whether a pool exists yet (False for a lazy binding that made no request)."""
        return self._session is not None and not self._session.closed

    async def aclose(self) -> None:
        """Close the pool if this binding created it; a session passed in is left open."""
        if self._owns_session and self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def __repr__(self) -> str:
        state = "lazy" if self._session is None else ("owned" if self._owns_session else "shared")
        return f"<HttpBinding {state} session, observer={self.observer!r}>"


class _ForwardingBinding(HttpBinding):
    """Stands for `target` on another loop: never shares its pool, hands timings over."""

    __slots__ = ("_target",)

    def __init__(self, target: HttpBinding) -> None:
        super().__init__(None, None)
        self._target = target

    def session_for(self, loop: asyncio.AbstractEventLoop) -> aiohttp.ClientSession | None:
        return None

    def observer_for(self, loop: asyncio.AbstractEventLoop) -> Observer | None:
        return self._target.observer_for(loop)


def forwarding_binding(binding: HttpBinding | None) -> HttpBinding | None:
    """What code on a private loop (the blocking client's) should see for `binding`."""
    if binding is None or isinstance(binding, _ForwardingBinding):
        return binding
    return _ForwardingBinding(binding)


current_http_binding: contextvars.ContextVar[HttpBinding | None] = contextvars.ContextVar(
    "current_http_binding", default=None)


@contextlib.contextmanager
def bind_http(binding: HttpBinding | None) -> Iterator[HttpBinding | None]:
    """Make `binding` current for the enclosed code (and the tasks it creates); None unbinds."""
    token = current_http_binding.set(binding)
    try:
        yield binding
    finally:
        current_http_binding.reset(token)
