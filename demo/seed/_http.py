"""A small JSON-over-HTTP client for the games API: Basic auth, one keep-alive connection per thread.

Built on the standard library (http.client) so that seeding can run from any code, sync or async,
without an event loop. Threads share nothing but the base URL and credentials; each keeps its own
connection and `close()` closes them all.

Not for: the profiler (it has its own aiohttp client in `modelservice.simpl`) or retries of
non-idempotent requests beyond a connection the server had already closed.
"""
from __future__ import annotations

import base64
import http.client
import json
import re
import threading
from dataclasses import dataclass
from typing import Any, Iterable, Mapping
from urllib.parse import urlencode, urlsplit

from .errors import ApiRequestFailed, ApiUnreachable, SeedError

_NEXT_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="next"')


def parse_games_url(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path prefix ending in '/') of a games API base URL, or SeedError."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SeedError(f"games API URL {url!r} is not an http(s) URL; use e.g. http://127.0.0.1:8100/apis")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise SeedError(f"games API URL {url!r} has a bad port") from None
    return parts.scheme, parts.hostname, port, parts.path.rstrip("/") + "/"


def next_link(header: str | None) -> str | None:
    """The path and query of the `rel="next"` URL in a Link header, or None."""
    if not header:
        return None
    match = _NEXT_LINK.search(header)
    if not match:
        return None
    parts = urlsplit(match.group(1))
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class ApiResponse:
    """One answer of the API: status, headers (lower-case names) and the raw body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class GamesApiClient:
    """JSON requests to `<base>/<path>` as one user (or anonymously); `request` raises ApiRequestFailed
    on an unexpected status, `send` returns any answer."""

    def __init__(self, base_url: str, auth: tuple[str, str] | None, *, timeout: float = 120.0) -> None:
        self.base_url = base_url
        self._scheme, self._host, self._port, self._prefix = parse_games_url(base_url)
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth is not None:  # None: anonymous requests
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"
        self._timeout = timeout
        self._local = threading.local()
        self._connections: list[http.client.HTTPConnection] = []
        self._lock = threading.Lock()

    def send(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
             body: Any = None, headers: Mapping[str, str] | None = None) -> ApiResponse:
        """The answer to `method <base>/<path>?<params>` whatever its status (`path` may be absolute)."""
        return self._send(method, self._target(path, params), body, headers)

    def request(self, method: str, path: str, *, params: Mapping[str, Any] | None = None,
                body: Any = None, expect: Iterable[int] = (200,)) -> Any:
        """The decoded JSON body (None when empty) of `method <base>/<path>?<params>`."""
        return self._exchange(method, path, params, body, expect)[0]

    def list_all(self, path: str, params: Mapping[str, Any] | None = None) -> list:
        """Every row of a list endpoint, following `Link: rel="next"` pages."""
        rows, link = self._exchange("GET", path, params, None, (200,))
        rows = list(rows)
        following = next_link(link)
        while following:
            page, link = self._exchange("GET", following, None, None, (200,))
            rows.extend(page)
            following = next_link(link)
        return rows

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()

    # -- internals ------------------------------------------------------------------------------

    def _exchange(self, method: str, path: str, params: Mapping[str, Any] | None, body: Any,
                  expect: Iterable[int]) -> tuple[Any, str | None]:
        target = self._target(path, params)
        response = self._send(method, target, body)
        if response.status not in tuple(expect):
            raise ApiRequestFailed(method, target, response.status, response.body.decode(errors="replace"))
        return response.json(), response.headers.get("link")

    def _target(self, path: str, params: Mapping[str, Any] | None) -> str:
        target = path if path.startswith("/") else self._prefix + path
        if params:
            target += ("&" if "?" in target else "?") + urlencode(params)
        return target

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
            connection = kind(self._host, self._port, timeout=self._timeout)
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return connection

    def _send(self, method: str, target: str, body: Any,
              headers: Mapping[str, str] | None = None) -> ApiResponse:
        data = None if body is None else json.dumps(body).encode()
        headers = {**self._headers, **(headers or {})}
        connection = self._connection()
        for attempt in (1, 2):
            reused = connection.sock is not None
            try:
                connection.request(method, target, body=data, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                return ApiResponse(response.status, {k.lower(): v for k, v in response.getheaders()}, payload)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                connection.close()
                # A kept-alive connection the server had already closed: the request never got in,
                # so sending it once more on a fresh connection is safe.
                if reused and attempt == 1:
                    continue
                raise ApiUnreachable(self.base_url, exc) from exc
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                raise ApiUnreachable(self.base_url, exc) from exc
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
