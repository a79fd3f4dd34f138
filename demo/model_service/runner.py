"""Process lifecycle shared by the model service and the authenticator.

For: bounded start-up retries (the stack starts the games API, the router and us in parallel),
clean shutdown on SIGTERM/SIGINT (leave the session, close the HTTP pool, exit 0), and the
one-line error plus exit status 1 when the router or the games API cannot be used.
Not for: what the session registers (`service`, `authenticator`).
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from .config import ServiceConfig, parse_duration
from .errors import ApiNotAuthenticated, ConfigurationError, GamesApiUnavailable, ModelServiceError
from .errors import RouterUnavailable
from .games_api import GamesApi
from .session import JoinRefused, Setup, open_session

log = logging.getLogger(__name__)

T = TypeVar("T")
LEAVE_TIMEOUT = 5.0
MAX_BACKOFF = 2.0
ATTEMPT_TIMEOUT = 10.0
LOG_LEVELS = ("debug", "info", "warning", "error")


class Stopped(Exception):
    """A stop signal arrived while we were still starting."""


async def _retry(what: Callable[[float], Awaitable[T]], *, deadline: float, stop: asyncio.Event,
                 retryable: tuple[type[BaseException], ...],
                 fatal: tuple[type[BaseException], ...] = ()) -> T:
    """`what(attempt_timeout)` until it succeeds, the deadline passes, or a stop arrives.

    `fatal` exceptions are raised at once even when they subclass a `retryable` one.
    """
    loop = asyncio.get_running_loop()
    delay = 0.1
    attempts = 0
    while True:
        remaining = deadline - loop.time()
        try:
            return await what(max(0.5, min(ATTEMPT_TIMEOUT, remaining)))
        except retryable as exc:
            remaining = deadline - loop.time()
            if isinstance(exc, fatal) or remaining <= 0:
                raise
            attempts += 1
            # The first miss is worth a line; the rest are the same story.
            log.log(logging.INFO if attempts == 1 else logging.DEBUG,
                    "not yet: %s; retrying for up to %.0f s", exc, remaining)
        try:
            # Backoff that a stop signal cuts short; not a synchronisation stand-in.
            await asyncio.wait_for(stop.wait(), min(delay, remaining))
            raise Stopped()
        except asyncio.TimeoutError:
            delay = min(delay * 2, MAX_BACKOFF)


async def serve(config: ServiceConfig, *, setup: Setup,
                preflight: Callable[[], Awaitable[object]], connect_timeout: float,
                name: str) -> int:
    """Start (bounded retries), serve until a signal or a lost router, stop. Returns 0."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    deadline = loop.time() + connect_timeout
    try:
        await _retry(lambda _t: preflight(), deadline=deadline, stop=stop,
                     retryable=(GamesApiUnavailable,))
        session = await _retry(lambda t: open_session(config, setup, timeout=t),
                               deadline=deadline, stop=stop, retryable=(RouterUnavailable,),
                               fatal=(JoinRefused,))
    except Stopped:
        return 0
    except JoinRefused:
        raise
    except GamesApiUnavailable as exc:
        raise GamesApiUnavailable(f"games API at {config.games_url} unreachable for "
                                  f"{connect_timeout:g}s: {exc}") from exc
    except RouterUnavailable as exc:
        raise RouterUnavailable(f"router unusable for {connect_timeout:g}s: {exc}") from exc
    print(f"{name}: serving realm {config.realm} at {config.router_url}", file=sys.stderr,
          flush=True)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait([session.closed, stopping], return_when=asyncio.FIRST_COMPLETED)
    finally:
        stopping.cancel()
    if not stop.is_set():
        raise RouterUnavailable(f"lost the connection to the router at {config.router_url}")
    if session.is_attached():
        try:
            await asyncio.wait_for(session.leave("wamp.close.normal", "shutting down"),
                                   LEAVE_TIMEOUT)
        except Exception as exc:  # noqa: BLE001 - shutting down anyway; note why it was unclean
            log.warning("leaving the session failed: %s", exc)
    await asyncio.wait([session.closed], timeout=LEAVE_TIMEOUT)
    return 0


def check_games_api(api: GamesApi, slug: str | None = None) -> Callable[[], Awaitable[object]]:
    """A preflight that reads one list from the games API; bad credentials are fatal."""
    async def preflight() -> object:
        try:
            return await api.filter("game", **({"slug": slug} if slug else {}))
        except ApiNotAuthenticated as exc:
            raise ConfigurationError(
                f"games API at {api.base_url} refused SIMPL_GAMES_AUTH ({exc.status}): "
                f"set it to a staff account's email:password") from exc
    return preflight


def add_process_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every service process has (model service, authenticator): start-up patience, logging."""
    parser.add_argument("--connect-timeout", type=parse_duration, default=30.0, metavar="DURATION",
                        help="how long to keep retrying the games API and the router at start "
                             "(default 30s)")
    parser.add_argument("--log-level", choices=LOG_LEVELS, default="info", metavar="LEVEL",
                        help="one of %(choices)s (default info)")


def run_process(main: Callable[[], Awaitable[int]], *, name: str, log_level: str = "info") -> int:
    """Run `main` on a fresh event loop; a ModelServiceError becomes one stderr line and 1."""
    logging.basicConfig(level=log_level.upper(), stream=sys.stderr,
                        format=f"%(asctime)s {name} %(levelname)s %(name)s: %(message)s")
    try:
        return asyncio.run(main())
    except ModelServiceError as exc:
        print(f"{name}: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:  # a second Ctrl-C while stopping
        return 130
