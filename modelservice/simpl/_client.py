"""The async games-API client: `games_client_factory()` and the module-level `games_client`.

Usage, as in the reference task files::

    async with games_client_factory() as s:
        run = await s.runs.get(game_slug=settings.GAME_SLUG, name="a")
        runuser = await s.runusers.get(run=run.id, user=(await s.users.get(email=e)).id)

Which connection pool a request uses:

1. a client entered with `async with` inside a player's `bind_http(...)` uses that player's
   pool (not closed on exit) and reports every request to the player's observer (on another
   event loop than the pool's, it gets a pool of its own; see `_binding`);
2. a client entered outside any binding opens its own keep-alive pool on `__aenter__` and
   closes it on `__aexit__`;
3. a client used without `async with` (`await games_client.runs.all()`, as the original
   allowed) uses the current binding's pool if there is one, else a one-off session per
   request: the original's behaviour, slow, kept only so that old code still runs.

Not for: the per-resource methods (`_endpoint`) or the request mechanics (`_transport`).
"""
from __future__ import annotations

import asyncio
import contextvars
from functools import cached_property
from typing import Any

import aiohttp

from modelservice import conf

from . import _exceptions
from ._binding import Observer, current_http_binding, player_http_session
from ._endpoint import BulkEndpoint, Endpoint, GamesEndpoint, ScenariosEndpoint
from ._transport import Reply, Transport

__all__ = ["GamesClient", "SharedGamesClient", "games_client", "games_client_factory",
           "RESOURCES", "BULK_RESOURCES"]

RESOURCES = ("decisions", "games", "periods", "phases", "results", "roles", "runs",
             "runusers", "scenarios", "users", "worlds")
BULK_RESOURCES = ("decisions", "periods", "phases", "results", "roles", "runs", "runusers",
                  "scenarios", "worlds")

# A client's own pool (scripts, setup code) may run a few requests concurrently.
_OWN_POOL_LIMIT = 10


class _ExceptionAttributes:
    # The original client exposed its exceptions as attributes (`games_client.ResourceNotFound`).
    SimplApiError = _exceptions.SimplApiError
    ResourceNotFound = _exceptions.ResourceNotFound
    MultipleResourcesFound = _exceptions.MultipleResourcesFound
    HTTPError = _exceptions.HTTPError
    BadRequestError = _exceptions.BadRequestError
    NotAuthenticatedError = _exceptions.NotAuthenticatedError
    TransportError = _exceptions.TransportError
    RequestTimeout = _exceptions.RequestTimeout


class _EndpointAttribute:
    """Makes a client's endpoint on first access and caches it on the client."""

    def __init__(self, endpoint_class: type[Endpoint] = Endpoint) -> None:
        self.endpoint_class = endpoint_class
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, client: GamesClient | None, owner: type | None = None) -> Any:
        if client is None:
            return self
        endpoint = self.endpoint_class(client, self.name)
        client.__dict__[self.name] = endpoint  # later reads skip this descriptor
        return endpoint


class BulkEndpoints:
    """`client.bulk.<resource>`: the bulk variant of each resource that has one."""

    def __init__(self, client: GamesClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> BulkEndpoint:
        if name not in BULK_RESOURCES:
            raise AttributeError(f"the games API has no bulk endpoint {name!r}; "
                                 f"bulk exists for: {', '.join(BULK_RESOURCES)}")
        bulk = BulkEndpoint(self._client, getattr(self._client, name))
        self.__dict__[name] = bulk
        return bulk

    def __dir__(self) -> list[str]:
        return sorted(BULK_RESOURCES)


class GamesClient(_ExceptionAttributes):
    """An async client of the games API; see the module docstring for which pool it uses.

    `url` defaults to SIMPL_GAMES_URL, `auth` to SIMPL_GAMES_AUTH (`(email, password)` or
    `"email:password"`; False sends no credentials), `timeout` to SIMPL_GAMES_TIMEOUT seconds.
    """

    decisions = _EndpointAttribute()
    games = _EndpointAttribute(GamesEndpoint)
    periods = _EndpointAttribute()
    phases = _EndpointAttribute()
    results = _EndpointAttribute()
    roles = _EndpointAttribute()
    runs = _EndpointAttribute()
    runusers = _EndpointAttribute()
    scenarios = _EndpointAttribute(ScenariosEndpoint)
    users = _EndpointAttribute()
    worlds = _EndpointAttribute()

    def __init__(self, url: str | None = None, auth: Any = None, *,
                 timeout: float | None = None) -> None:
        self._transport = Transport(conf.games_url() if url is None else url,
                                    conf.games_auth() if auth is None else auth, timeout)
        self._session: aiohttp.ClientSession | None = None
        self._observer: Observer | None = None
        self._owns_session = False

    def __repr__(self) -> str:
        state = "open" if self._session is not None else "not entered"
        return f"<GamesClient {self._transport.base_url} {state}>"

    @property
    def base_url(self) -> str:
        """The API's base URL, ending in "/"."""
        return self._transport.base_url

    @cached_property
    def bulk(self) -> BulkEndpoints:
        """The bulk endpoints: `client.bulk.runs.create([...])`, `.delete(run=...)`."""
        return BulkEndpoints(self)

    def __getattr__(self, name: str) -> Any:
        # Only reached for unknown names. The original made an endpoint of *any* name, so a
        # typo like `client.run` turned into 404s far from its cause; we say so at once.
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"the games client has no endpoint {name!r}; endpoints: "
                             f"{', '.join(RESOURCES)}, bulk, or endpoint({name!r})")

    def endpoint(self, name: str) -> Endpoint:
        """An endpoint for a resource without its own attribute (e.g. ``"hooks"``)."""
        return Endpoint(self, name.strip("/"))

    async def __aenter__(self) -> GamesClient:
        if self._session is not None:
            raise RuntimeError("this games client is already open; make one client per "
                               "`async with` with games_client_factory()")
        binding = current_http_binding.get()
        loop = asyncio.get_running_loop()
        pool = None if binding is None else binding.session_for(loop)
        self._observer = None if binding is None else binding.observer_for(loop)
        self._owns_session = pool is None
        self._session = player_http_session(limit=_OWN_POOL_LIMIT) if pool is None else pool
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Leave the client: close its own pool (a player's pool stays open)."""
        session, owned = self._session, self._owns_session
        self._session, self._observer, self._owns_session = None, None, False
        if session is not None and owned:
            await session.close()

    async def _send(self, method: str, path: str, template: str, **request: Any) -> Reply:
        if self._session is not None:
            return await self._transport.send(self._session, self._observer, method, path,
                                              template, **request)
        binding = current_http_binding.get()
        observer = None
        if binding is not None:
            loop = asyncio.get_running_loop()
            pool, observer = binding.session_for(loop), binding.observer_for(loop)
            if pool is not None:
                return await self._transport.send(pool, observer, method, path, template,
                                                  **request)
        async with player_http_session(limit=1) as session:
            return await self._transport.send(session, observer, method, path, template,
                                              **request)


def games_client_factory(url: str | None = None, auth: Any = None, *,
                         timeout: float | None = None) -> GamesClient:
    """A new client for one `async with` block (the original simpl-client entry point)."""
    return GamesClient(url, auth, timeout=timeout)


# The clients entered through the shared `games_client`, innermost last, per asyncio task.
_shared_clients: contextvars.ContextVar[tuple[GamesClient, ...]] = contextvars.ContextVar(
    "simpl_shared_games_clients", default=())


class SharedGamesClient(_ExceptionAttributes):
    """The module-level `games_client`: safe to share between concurrent players.

    `async with games_client as s:` opens a fresh GamesClient for this task (the shared object
    holds no connection itself). Outside such a block, `games_client.runs...` works too, with
    the pool rules of an unentered client (module docstring, case 3).
    """

    def _current(self) -> GamesClient:
        stack = _shared_clients.get()
        return stack[-1] if stack else GamesClient()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._current(), name)

    def __dir__(self) -> list[str]:
        return sorted(set(RESOURCES) | {"bulk", "endpoint", "base_url"})

    def __repr__(self) -> str:
        return "<SharedGamesClient (games_client)>"

    async def __aenter__(self) -> GamesClient:
        client = GamesClient()
        await client.__aenter__()
        _shared_clients.set(_shared_clients.get() + (client,))
        return client

    async def __aexit__(self, *exc_info: object) -> None:
        stack = _shared_clients.get()
        if not stack:
            raise RuntimeError("games_client exited more often than it was entered")
        _shared_clients.set(stack[:-1])
        await stack[-1].aclose()


games_client = SharedGamesClient()
