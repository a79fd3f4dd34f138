"""Sending one games-API request: URL, credentials, timing, and mapping the outcome.

`Transport` holds what does not change between a client's requests (base URL, the
Authorization header, the timeout) and `send()` does the one thing every endpoint method
needs: issue the request on a given aiohttp session, read the whole body, tell the observer
how long it took and whether it went as expected, and turn failures into our exceptions.

Not for: knowing about resources, lookups or pagination policy (`_endpoint`), or choosing
which session to use (`_client`).
"""
from __future__ import annotations

import asyncio
import base64
import json
from time import perf_counter
from typing import Any, NamedTuple

import aiohttp
import yarl

from modelservice.conf import ImproperlyConfigured, parse_games_auth

from ._binding import Observer, client_timeout
from ._exceptions import HTTPError, error_for_status, transport_error

__all__ = ["Reply", "Transport"]

_JSON_TYPES = ("application/json", "application/problem+json")


class Reply(NamedTuple):
    """What an endpoint needs from a response: status, decoded JSON (or None), next page URL."""

    status: int
    data: Any
    next_url: str | None


def _base_url(url: str) -> tuple[str, str]:
    """(`url` ending in exactly one "/", its path part), or ImproperlyConfigured."""
    try:
        parsed = yarl.URL(url)
    except (TypeError, ValueError):
        parsed = None
    if (parsed is None or parsed.scheme not in ("http", "https") or not parsed.host
            or parsed.query_string or parsed.fragment):
        raise ImproperlyConfigured(
            f"SIMPL_GAMES_URL must be an http(s) URL without query, like "
            f"http://localhost:8100/apis (got {url!r})")
    return str(url).rstrip("/") + "/", parsed.path.rstrip("/") + "/"


def _auth_header(auth: Any) -> str | None:
    # Encoded here rather than with aiohttp.BasicAuth, which aiohttp is deprecating.
    if auth is False or auth is None:
        return None
    email, password = parse_games_auth(auth)
    token = base64.b64encode(f"{email}:{password}".encode("utf-8")).decode("ascii")
    return f"Basic {token}"


def _next_link(response: aiohttp.ClientResponse) -> str | None:
    # Parsing Link is cheap but not free: only lists with more than one page carry it.
    if "Link" not in response.headers:
        return None
    link = response.links.get("next")
    return str(link["url"]) if link else None


class Transport:
    """Base URL, credentials and timeout of one client; sends requests and maps outcomes.

    `auth`: `(email, password)`, `"email:password"`, or False/None for no Authorization
    header. `timeout`: seconds for one whole request.
    """

    __slots__ = ("base_url", "base_path", "headers", "timeout")

    def __init__(self, url: str, auth: Any, timeout: float | None = None) -> None:
        self.base_url, self.base_path = _base_url(url)
        self.headers = {"Accept": "application/json", "Content-Type": "application/json"}
        header = _auth_header(auth)
        if header:
            self.headers["Authorization"] = header
        self.timeout = client_timeout(timeout)

    async def send(
        self,
        session: aiohttp.ClientSession,
        observer: Observer | None,
        method: str,
        path: str,
        template: str,
        *,
        params: dict[str, str] | None = None,
        body: bytes | None = None,
        expected: tuple[int, ...] = (200,),
        url: str | None = None,
    ) -> Reply:
        """Send `method` to `path` (relative to the base; or to the absolute `url`).

        `template` is `path` with lookup values replaced by ``{id}``: it names the operation
        for the observer. Raises the SimplApiError matching the outcome unless the status is
        in `expected`.
        """
        target = url or self.base_url + path
        operation = f"{method} {self.base_path}{template}"
        started = perf_counter()
        try:
            async with session.request(method, target, params=params, data=body,
                                       headers=self.headers, timeout=self.timeout) as response:
                raw = await response.read()
                status = response.status
                content_type = response.content_type
                next_url = _next_link(response)
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            if observer is not None:
                observer(operation, perf_counter() - started, type(exc).__name__)
            raise transport_error(method, target, exc) from exc
        elapsed = perf_counter() - started
        expected_status = status in expected
        if observer is not None:
            observer(operation, elapsed, None if expected_status else str(status))
        if not expected_status:
            raise error_for_status(method, target, status, raw.decode("utf-8", "replace"))
        return Reply(status, _decode(method, target, status, content_type, raw), next_url)


def _decode(method: str, url: str, status: int, content_type: str, raw: bytes) -> Any:
    if not raw:
        return None
    if content_type not in _JSON_TYPES:
        raise HTTPError(method, url, status,
                        f"expected a JSON body, got {content_type or 'no content type'}: "
                        + raw[:200].decode("utf-8", "replace"))
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise HTTPError(method, url, status, f"the body is not valid JSON ({exc})") from exc
