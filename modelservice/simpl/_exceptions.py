"""Every error the games-API client raises, and the one place aiohttp's errors become ours.

Hierarchy::

    SimplApiError                  base of everything below; catch it to catch any API failure
    ├── ResourceNotFound           a lookup matched nothing: 404 on a detail URL, or get() by
    │                              filters found an empty list
    ├── MultipleResourcesFound     get() by filters found more than one object
    ├── HTTPError                  the API answered, with a status the call did not expect
    │   ├── BadRequestError        400: validation failed; `.body` holds the API's explanation
    │   └── NotAuthenticatedError  401 or 403: missing or wrong SIMPL_GAMES_AUTH, or not staff
    └── TransportError             no answer at all: connection refused or reset, DNS, timeout;
        └── RequestTimeout         the request did not finish within the client's ClientTimeout

The names of the first five are those of the original simpl-client (genericclient), so task
files that catch `ResourceNotFound` or `HTTPError` keep working. `TransportError` is new: the
original retried connection errors silently six times; a profiler must see them instead.

Not for: control-flow signals of the profiling engine (stop a player, stop the run); those live
with the engine.
"""
from __future__ import annotations

import asyncio

import aiohttp

__all__ = [
    "SimplApiError",
    "ResourceNotFound",
    "MultipleResourcesFound",
    "HTTPError",
    "BadRequestError",
    "NotAuthenticatedError",
    "TransportError",
    "RequestTimeout",
    "error_for_status",
    "transport_error",
]

# How much of a response body goes into an exception message; the whole body stays on `.body`.
_BODY_PREVIEW = 300


class SimplApiError(Exception):
    """Base class of every error raised by `modelservice.simpl`."""


class ResourceNotFound(SimplApiError):
    """Raised when a lookup matched nothing (404 on a detail URL, or an empty filtered list)."""


class MultipleResourcesFound(SimplApiError):
    """Raised by `get(**filters)` when the filtered list holds more than one object."""


class HTTPError(SimplApiError):
    """Raised when the API answers with a status the call did not expect (e.g. 500, 405).

    `.status`, `.method`, `.url` and `.body` (the response text) describe the answer.
    """

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        preview = body if len(body) <= _BODY_PREVIEW else body[:_BODY_PREVIEW] + "..."
        super().__init__(f"{method} {url} answered {status}: {preview}".rstrip(": "))


class BadRequestError(HTTPError):
    """Raised on 400: the API rejected the payload or a filter value; `.body` says why."""


class NotAuthenticatedError(HTTPError):
    """Raised on 401 or 403: check SIMPL_GAMES_AUTH (email:password of a staff account)."""


class TransportError(SimplApiError):
    """Raised when no answer arrived: connection refused or reset, DNS failure, bad response.

    The aiohttp exception is kept as `__cause__`; `.reason` is its class name (what the
    profiler's metrics record as the error).
    """

    def __init__(self, method: str, url: str, reason: str, detail: str) -> None:
        self.method = method
        self.url = url
        self.reason = reason
        super().__init__(f"{method} {url} failed: {reason}: {detail}".rstrip(": "))


class RequestTimeout(TransportError):
    """Raised when a request exceeded the client's timeout (SIMPL_GAMES_TIMEOUT)."""


def transport_error(method: str, url: str, exc: BaseException) -> TransportError:
    """The TransportError that stands for aiohttp/OS error `exc`; raise it `from exc`."""
    cls = RequestTimeout if isinstance(exc, asyncio.TimeoutError) else TransportError
    detail = str(exc) or ("timed out" if cls is RequestTimeout else "")
    if isinstance(exc, aiohttp.ClientConnectorError):
        detail = f"cannot connect to {exc.host}:{exc.port} (is the games API running?)"
    return cls(method, url, type(exc).__name__, detail)


def error_for_status(method: str, url: str, status: int, body: str) -> SimplApiError:
    """The exception for an unexpected status `status` (400, 401/403, 404 or anything else)."""
    if status == 400:
        return BadRequestError(method, url, status, body)
    if status in (401, 403):
        return NotAuthenticatedError(method, url, status, body)
    if status == 404:
        return ResourceNotFound(f"{method} {url} answered 404: {body[:_BODY_PREVIEW]}".rstrip(": "))
    return HTTPError(method, url, status, body)
