"""An asyncio client of the simpl games API, as the demo model service needs it.

For: reading and writing the games API's rows (§A of the interface notes) over ONE aiohttp
session with keep-alive, a bounded connection pool and explicit timeouts; following `Link`
pagination; mapping HTTP failures to this package's exceptions.
Not for: the profiler's games-API client (`modelservice/simpl/`), which has its own surface, or
any caching: every call goes to the API, so what we return is what the database holds.

Resources are named in the singular as on the WAMP side (`run`, `runuser`, ...); the client
turns them into the API's plural paths.
"""
from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import aiohttp

from .errors import (
    ApiBadRequest,
    ApiNotAuthenticated,
    ApiNotFound,
    GamesApiError,
    GamesApiUnavailable,
)

PLURAL = {
    "game": "games", "phase": "phases", "role": "roles", "run": "runs", "world": "worlds",
    "runuser": "runusers", "scenario": "scenarios", "period": "periods",
    "decision": "decisions", "result": "results", "user": "users",
}

# aiohttp's `connect` timeout also covers waiting for a free pooled connection, and under a
# profiler's load the pool IS the queue in front of the games API: bounding it at a few seconds
# turned queueing into errors (300 players: 230 "Connection timeout"). So only the TCP connect
# is bounded tightly; a request (queueing included) gets two minutes, a silent socket one.
DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=120, connect=None, sock_connect=5, sock_read=60)
DEFAULT_POOL_SIZE = 32


def basic_authorization(email: str, password: str) -> str:
    """The `Authorization` header value for HTTP basic auth (the API's username is the email)."""
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode("ascii")


def query_value(value: Any) -> str:
    """How a filter value goes on the query string (booleans as the API's `true`/`false`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class GamesApi:
    """The games API at `base_url`, spoken to with staff basic auth over one pooled session.

    Use as `async with GamesApi(url, (email, password)) as api: ...`, or call `close()`.
    """

    def __init__(self, base_url: str, auth: tuple[str, str], *,
                 pool_size: int = DEFAULT_POOL_SIZE,
                 timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self._authorization = basic_authorization(*auth)
        self._pool_size = pool_size
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> GamesApi:
        self._ensure_session()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def _ensure_session(self) -> aiohttp.ClientSession:
        # Created lazily so the session binds to the running loop, never at import time.
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._pool_size, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout,
                headers={"Accept": "application/json", "Authorization": self._authorization})
        return self._session

    async def close(self) -> None:
        """Close the pooled connections; the client can not be used afterwards."""
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def url(self, resource: str, key: int | str | None = None, action: str | None = None) -> str:
        """The absolute URL of a resource's list, one row, or one row's action."""
        path = PLURAL.get(resource, resource) + "/"
        if key is not None:
            path += f"{key}/"
        if action:
            path += f"{action.strip('/')}/"
        return self.base_url + path

    async def request(self, method: str, url: str, *, params: dict[str, Any] | None = None,
                      payload: Any = None, expect: tuple[int, ...] = (200,)
                      ) -> tuple[Any, str | None]:
        """Send one request; return (decoded JSON body or None, URL of the next page or None)."""
        session = self._ensure_session()
        query = {k: query_value(v) for k, v in (params or {}).items() if v is not None}
        try:
            async with session.request(method, url, params=query or None,
                                       json=payload if payload is not None else None) as resp:
                text = await resp.text()
                if resp.status not in expect:
                    raise _status_error(method, str(resp.url), resp.status, text)
                next_link = resp.links.get("next", {}).get("url")
                body = json.loads(text) if text else None
                return body, (str(next_link) if next_link else None)
        except (aiohttp.ClientConnectionError, asyncio.TimeoutError) as exc:
            raise GamesApiUnavailable(
                f"games API {method} {url} failed: {type(exc).__name__}: {exc}") from exc
        except (aiohttp.ClientError, ValueError) as exc:
            raise GamesApiError(method, url, 0, f"{type(exc).__name__}: {exc}") from exc

    async def get(self, resource: str, key: int | str) -> dict[str, Any]:
        """One row by pk (games: by slug); ApiNotFound when it does not exist."""
        body, _ = await self.request("GET", self.url(resource, key))
        return body

    async def filter(self, resource: str, **params: Any) -> list[dict[str, Any]]:
        """Every row matching the filters, all pages (the API orders them by pk)."""
        rows: list[dict[str, Any]] = []
        url: str | None = self.url(resource)
        query: dict[str, Any] | None = params
        while url:
            body, url = await self.request("GET", url, params=query)
            rows.extend(body or [])
            query = None  # the next-page URL already carries the filters
        return rows

    async def create(self, resource: str, payload: dict[str, Any]) -> dict[str, Any]:
        """POST a new row and return it as created (201)."""
        body, _ = await self.request("POST", self.url(resource), payload=payload, expect=(201,))
        return body

    async def update(self, resource: str, pk: int, payload: dict[str, Any]) -> dict[str, Any]:
        """PUT the full row and return it as saved."""
        body, _ = await self.request("PUT", self.url(resource, pk), payload=payload)
        return body

    async def post(self, path: str, payload: dict[str, Any],
                   expect: tuple[int, ...] = (200,)) -> Any:
        """POST to a non-resource route such as `wampcra/`."""
        body, _ = await self.request("POST", self.base_url + path.strip("/") + "/",
                                     payload=payload, expect=expect)
        return body

    async def get_or_create(self, resource: str, lookup: dict[str, Any],
                            defaults: dict[str, Any] | None = None
                            ) -> tuple[dict[str, Any], bool]:
        """The first row matching `lookup`, or a new one from `lookup` + `defaults`.

        Returns (row, created). When a concurrent writer got there first, the API refuses our
        POST as a duplicate (400); we then read the winner's row and report created=False.
        """
        found = await self._matching(resource, lookup)
        if found:
            return found[0], False
        try:
            return await self.create(resource, {**lookup, **(defaults or {})}), True
        except ApiBadRequest:
            found = await self._matching(resource, lookup)
            if found:
                return found[0], False
            raise

    async def _matching(self, resource: str, lookup: dict[str, Any]) -> list[dict[str, Any]]:
        # The API cannot filter on "FK is null" (a filter value must be an existing pk), so null
        # lookups are left off the query and checked here instead.
        sent = {k: v for k, v in lookup.items() if v is not None}
        rows = await self.filter(resource, **sent)
        return [row for row in rows if all(row.get(k) == v for k, v in lookup.items())]


def _status_error(method: str, url: str, status: int, text: str) -> GamesApiError:
    cls = {404: ApiNotFound, 400: ApiBadRequest, 401: ApiNotAuthenticated,
           403: ApiNotAuthenticated}.get(status, GamesApiError)
    return cls(method, url, status, text)
