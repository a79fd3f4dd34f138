"""Joining the router as the `modelservice` ticket principal, one attempt at a time.

For: `ServiceSession`, an autobahn asyncio session that authenticates with a ticket and runs a
setup coroutine (registrations) once joined, exposing `ready` and `closed` futures; and
`open_session`, one bounded connection attempt that says whether retrying could help.
Not for: retry policy, signals or exit codes (`runner`).

Why not autobahn's Component or ApplicationRunner: both own their reconnect loop, and a demo
service must instead fail fast with one clear line when its ticket is refused, and retry only
for a bounded time when the router is not up yet.
"""
from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import Awaitable, Callable
from typing import Any


def _import_ubjson_codec_quietly() -> None:
    # autobahn's serializers import bjdata, whose C extension is built against NumPy 1 and
    # prints a harmless traceback under NumPy 2 (measured-facts.md). Importing it once first,
    # with stderr captured, keeps that traceback out of the service's log.
    with contextlib.redirect_stderr(io.StringIO()), contextlib.suppress(Exception):
        import bjdata  # noqa: F401


_import_ubjson_codec_quietly()

from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402
from autobahn.websocket.util import parse_url  # noqa: E402

from .config import ServiceConfig  # noqa: E402
from .errors import RouterUnavailable  # noqa: E402

log = logging.getLogger(__name__)

# Errors after which another attempt cannot succeed (wrong ticket, realm, or a second service).
FATAL_JOIN_ERRORS = ("wamp.error.not_authorized", "wamp.error.authentication_failed",
                     "wamp.error.no_such_realm", "wamp.error.no_such_role",
                     "wamp.error.procedure_already_exists", "wamp.error.no_auth_method")

Setup = Callable[["ServiceSession"], Awaitable[None]]
CLOSE_REASON_GRACE = 2.0


class JoinRefused(RouterUnavailable):
    """The router answered and refused us: retrying with the same settings is pointless."""


class ServiceSession(ApplicationSession):
    """A ticket-authenticated session; `ready` resolves once joined and set up."""

    def __init__(self, *, realm: str, authid: str, ticket: str, setup: Setup) -> None:
        super().__init__(ComponentConfig(realm=realm))
        self._authid = authid
        self._ticket = ticket
        self._setup = setup
        loop = asyncio.get_running_loop()
        self.ready: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()

    def onConnect(self) -> None:  # noqa: N802 - autobahn's callback name
        self.join(self.config.realm, authmethods=["ticket"], authid=self._authid)

    def onChallenge(self, challenge: Any) -> str:  # noqa: N802
        if challenge.method != "ticket":
            raise JoinRefused(f"router asked for {challenge.method} authentication; "
                              f"the {self._authid} principal must be a ticket principal")
        return self._ticket

    async def onJoin(self, details: Any) -> None:  # noqa: N802
        try:
            await self._setup(self)
        except Exception as exc:  # noqa: BLE001 - reported through `ready`, then we leave
            uri = getattr(exc, "error", "")
            cls = JoinRefused if uri in FATAL_JOIN_ERRORS else RouterUnavailable
            _settle(self.ready, cls(f"setting up the session failed: {uri or type(exc).__name__}"
                                    f": {_first_arg(exc)}"))
            self.leave()
        else:
            _settle(self.ready, None)

    def onLeave(self, details: Any) -> None:  # noqa: N802
        reason = details.reason or ""
        cls = JoinRefused if reason in FATAL_JOIN_ERRORS else RouterUnavailable
        message = f" ({details.message})" if details.message else ""
        _settle(self.ready, cls(f"the router ended the session as {self._authid}: "
                                f"{reason}{message}"))
        self.disconnect()

    def onUserError(self, fail: Any, msg: str) -> None:  # noqa: N802
        # Procedures report their own failures (service.ModelService._report); an
        # ApplicationError here is an answer to the caller, not a fault of this process.
        if isinstance(getattr(fail, "value", None), ApplicationError):
            return
        log.error("unhandled error in a handler: %s", msg)

    def onDisconnect(self) -> None:  # noqa: N802
        _settle(self.ready, RouterUnavailable("the router closed the connection before we joined"))
        _settle(self.closed, None)


def _first_arg(exc: BaseException) -> str:
    return str(exc.args[0]) if exc.args else str(exc)


def _settle(future: asyncio.Future[None], outcome: BaseException | None) -> None:
    if future.done():
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
        future.exception()  # mark retrieved: a later attempt may never look at this future
    else:
        future.set_result(None)


async def open_session(config: ServiceConfig, setup: Setup, *,
                       timeout: float) -> ServiceSession:
    """One attempt to connect, join and set up within `timeout` seconds.

    Raises JoinRefused when retrying is pointless, RouterUnavailable when it may help.
    """
    is_secure, host, port, *_ = parse_url(config.router_url)
    session = ServiceSession(realm=config.realm, authid=config.service_authid,
                             ticket=config.service_ticket, setup=setup)
    factory = WampWebSocketClientFactory(lambda: session, url=config.router_url)
    factory.setProtocolOptions(openHandshakeTimeout=min(timeout, 5.0), closeHandshakeTimeout=1.0,
                               autoPingInterval=10.0, autoPingTimeout=30.0, tcpNoDelay=True)
    loop = asyncio.get_running_loop()
    try:
        transport, protocol = await asyncio.wait_for(
            loop.create_connection(factory, host, port, ssl=is_secure or None), timeout)
    except (OSError, asyncio.TimeoutError) as exc:
        raise RouterUnavailable(f"cannot reach the router at {config.router_url}: "
                                f"{exc or type(exc).__name__}") from exc
    # is_closed is the protocol's own future: wait on it, never cancel it.
    await asyncio.wait([session.ready, protocol.is_closed], timeout=timeout,
                       return_when=asyncio.FIRST_COMPLETED)
    if protocol.is_closed.done() and not session.ready.done():
        # The transport may report closing before the session hears why (an ABORT's reason
        # reaches onLeave/onDisconnect a moment later): give it that moment.
        await asyncio.wait([session.ready], timeout=CLOSE_REASON_GRACE)
    if session.ready.done():
        if session.ready.exception() is None:
            return session
        transport.close()
        raise session.ready.exception()
    transport.close()
    if protocol.is_closed.done():
        raise RouterUnavailable(f"the router at {config.router_url} closed the connection "
                                f"during the WebSocket handshake (is the path right?)")
    raise RouterUnavailable(f"no WAMP welcome from {config.router_url} within {timeout:.0f}s")
