"""Exceptions of the demo model service, and their translation into WAMP errors.

For: naming every way a call into the model service can fail, and mapping each one to the WAMP
error URI a caller sees (the reference's URIs, §B.8 of the interface notes). For: keeping
aiohttp's exceptions out of the rest of the package (the games-API client maps them here).
Not for: the profiler library's errors (`modelservice/`), which knows nothing of this package.

Hierarchy::

    ModelServiceError
    ├── ConfigurationError      a setting, environment variable or option is unusable (start-up)
    ├── GamesApiError           the games API answered with an unexpected status
    │   ├── ApiNotFound         404: the row does not exist
    │   ├── ApiBadRequest       400: validation failed (carries the body; duplicates land here)
    │   └── ApiNotAuthenticated 401/403: SIMPL_GAMES_AUTH is wrong or not staff
    ├── GamesApiUnavailable     no answer at all: connection refused, reset or timed out
    ├── RouterUnavailable       the WAMP router could not be reached or refused the session
    ├── NoSuchScope             the URI names a scope this game does not have (unknown pk, other
    │                           game, inactive run); callers see `wamp.error.no_such_procedure`
    └── CallerError             the caller cannot use this scope (unknown user, not in the run,
                                no usable role); callers see `wamp.error.runtime_error`
"""
from __future__ import annotations

import logging

from autobahn.wamp.exception import ApplicationError

NO_SUCH_PROCEDURE = "wamp.error.no_such_procedure"
RUNTIME_ERROR = "wamp.error.runtime_error"
NOT_AUTHORIZED = "wamp.error.not_authorized"

log = logging.getLogger(__name__)


class ModelServiceError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigurationError(ModelServiceError):
    """A setting, environment variable or command-line option has a value we cannot use."""


class GamesApiError(ModelServiceError):
    """The games API answered, but not with the status the operation needs."""

    def __init__(self, method: str, url: str, status: int, body: str) -> None:
        self.method = method
        self.url = url
        self.status = status
        self.body = body
        super().__init__(f"games API {method} {url} answered {status}: {body[:300]}")


class ApiNotFound(GamesApiError):
    """404: the row asked for does not exist (or a filter named a missing pk)."""


class ApiBadRequest(GamesApiError):
    """400: the API rejected the payload or the filter; `body` says why (e.g. a duplicate)."""


class ApiNotAuthenticated(GamesApiError):
    """401/403: the credentials in SIMPL_GAMES_AUTH are wrong or lack staff status."""


class GamesApiUnavailable(ModelServiceError):
    """The games API could not be reached: connection refused or reset, or a timeout."""


class RouterUnavailable(ModelServiceError):
    """The WAMP router could not be reached, or it refused or dropped our session."""


class NoSuchScope(ModelServiceError):
    """The procedure's scope does not exist in this game; reported like an unregistered URI."""


class CallerError(ModelServiceError):
    """The caller's identity does not allow this call (unknown user, not in the run, no role)."""


def to_application_error(exc: BaseException) -> ApplicationError:
    """The WAMP error a caller receives for `exc` (the reference's mapping, §B.8).

    An `ApplicationError` passes through; a missing scope looks like a missing registration;
    anything else is `wamp.error.runtime_error` with `str(exc)` as its only argument.
    """
    if isinstance(exc, ApplicationError):
        return exc
    if isinstance(exc, NoSuchScope):
        return ApplicationError(NO_SUCH_PROCEDURE, str(exc))
    return ApplicationError(RUNTIME_ERROR, str(exc))
