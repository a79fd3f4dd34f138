"""Joining and leaving the router: many autobahn asyncio WAMP sessions on one event loop.

`join_session()` opens one WebSocket connection and joins one session with ticket or WAMP-CRA
credentials, bounded by a deadline. It uses autobahn's transport factory and
`loop.create_connection` directly rather than `ApplicationRunner.run()`, which owns the event loop
and so cannot host hundreds of sessions. Everything that can go wrong while joining (refused TCP
connection, failed WebSocket handshake, refused credentials, timeout) comes out as one
`JoinError` carrying a one-line reason; this is the one place where autobahn's and the socket
layer's exceptions are mapped to ours.

Not for: what a session is used for (players.py) or deciding what a refusal means for the run
(engine.py).
"""
from __future__ import annotations

import asyncio
import contextlib
import io
import sys
from dataclasses import dataclass
from typing import Any

import txaio

txaio.use_asyncio()  # before any autobahn import: autobahn's modules read the chosen framework


def _import_serializers() -> Any:
    """autobahn.wamp.serializer, without the UBJSON codec's NumPy ABI traceback on stderr.

    With NumPy 2 installed, importing the optional `bjdata` codec prints a long, harmless
    traceback (autobahn falls back to its other serializers). A user of the CLI would take it
    for a crash, so it is swallowed here; anything else printed during the import is kept.
    """
    captured = io.StringIO()
    with contextlib.redirect_stderr(captured):
        from autobahn.wamp import serializer
    text = captured.getvalue()
    if text and "_ARRAY_API" not in text and "NumPy" not in text:
        sys.stderr.write(text)
    return serializer


_serializer = _import_serializers()

from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402  (after txaio and serializers)
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp.auth import compute_wcs, derive_key  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402
from autobahn.websocket.util import parse_url  # noqa: E402

from .errors import JoinError  # noqa: E402

# Unbatched CBOR first: compact and cheap; JSON as the fallback every router speaks.
# Serializer objects are stateless apart from statistics, so all sessions share them.
SERIALIZERS = [_serializer.CBORSerializer(), _serializer.MsgPackSerializer(), _serializer.JsonSerializer()]
# Goodbye/close handshakes are short on loopback; a router that does not answer is not waited for.
CLOSE_TIMEOUT = 2.0


@dataclass(frozen=True, slots=True)
class RouterAddress:
    """Where the router is: the WebSocket URL split once, and the realm to join."""

    url: str
    realm: str
    host: str
    port: int
    secure: bool

    @classmethod
    def parse(cls, url: str, realm: str) -> RouterAddress:
        try:
            secure, host, port, _resource, _path, _params = parse_url(url)
        except Exception as exc:  # autobahn raises bare Exception for a bad URL
            raise JoinError(f"router URL {url!r} is not a ws:// or wss:// URL ({exc}); "
                            "fix --url or MODEL_SERVICE_WS") from exc
        return cls(url=url, realm=realm, host=host, port=port, secure=secure)


@dataclass(frozen=True, slots=True)
class Credentials:
    """How one session authenticates: `ticket` (secret = the ticket) or `wampcra` (secret = password)."""

    method: str
    authid: str
    secret: str

    def __repr__(self) -> str:  # never print the secret
        return f"Credentials(method={self.method!r}, authid={self.authid!r})"


class JoinRefused(JoinError):
    """The router aborted the join; `reason` is its WAMP URI, e.g. `wamp.error.not_authorized`."""

    def __init__(self, reason: str, message: str | None) -> None:
        self.reason = reason
        self.router_message = message
        super().__init__(f"{reason}: {message}" if message else reason)


def salted_wampcra_key(password: str, salt: str, iterations: int, keylen: int) -> bytes:
    """The key to sign a salted WAMP-CRA challenge with, when the secret is a stored password hash.

    The Simpl authenticator never sees passwords: it answers the router with the user's Django
    PBKDF2 digest as `secret`, plus that hash's salt and iterations. That digest is exactly
    `derive_key(password, salt, iterations, keylen)`. Crossbar (26.x, `_compute_challenge`)
    derives once more from whatever secret it is given when a salt is present, so the router
    expects a signature keyed by derive_key(digest, ...): the player derives twice. (A router
    with plain-password salted principals would expect one derivation; Simpl has none.)
    """
    digest = derive_key(password, salt, iterations, keylen)
    return derive_key(digest, salt, iterations, keylen)


class PlayerSession(ApplicationSession):
    """A WAMP session that joins with the given credentials and reports the outcome on a future."""

    def __init__(self, realm: str, credentials: Credentials, joined: asyncio.Future) -> None:
        super().__init__(ComponentConfig(realm))
        self._credentials = credentials
        self._joined = joined

    def onConnect(self) -> None:
        self.join(self.config.realm, authmethods=[self._credentials.method],
                  authid=self._credentials.authid)

    async def onChallenge(self, challenge: Any) -> str:
        credentials = self._credentials
        if challenge.method == "ticket":
            return credentials.secret
        if challenge.method == "wampcra":
            extra = challenge.extra
            key: str | bytes = credentials.secret
            if "salt" in extra:
                # PBKDF2 costs from milliseconds to a second per login: keep it off the event loop.
                key = await asyncio.get_running_loop().run_in_executor(
                    None, salted_wampcra_key, credentials.secret, extra["salt"],
                    int(extra.get("iterations", 1000)), int(extra.get("keylen", 32)))
            return compute_wcs(key, extra["challenge"]).decode("ascii")
        raise JoinError(f"router asked for authentication method {challenge.method!r}, "
                        f"but this player uses {credentials.method!r}")

    def onJoin(self, details: Any) -> None:
        if not self._joined.done():
            self._joined.set_result(self)

    def onLeave(self, details: Any) -> None:
        # Replaces autobahn's warning log: a refusal before joining is reported by the engine,
        # and a normal leave at the end of the run is not news.
        if not self._joined.done():
            self._joined.set_exception(JoinRefused(details.reason, details.message))
        self.disconnect()


async def join_session(address: RouterAddress, credentials: Credentials, *,
                       timeout: float) -> PlayerSession:
    """One joined session, or JoinError with a one-line reason within `timeout` seconds."""
    loop = asyncio.get_running_loop()
    joined: asyncio.Future = loop.create_future()
    factory = WampWebSocketClientFactory(
        lambda: PlayerSession(address.realm, credentials, joined),
        url=address.url, serializers=SERIALIZERS)
    factory.setProtocolOptions(openHandshakeTimeout=timeout, closeHandshakeTimeout=CLOSE_TIMEOUT,
                               tcpNoDelay=True)
    transport = None
    try:
        async with asyncio.timeout(timeout):
            try:
                transport, protocol = await loop.create_connection(
                    factory, address.host, address.port, ssl=address.secure or None)
            except OSError as exc:
                raise JoinError(f"cannot reach the router at {address.url}: "
                                f"{exc.strerror or exc}") from exc
            closed = asyncio.ensure_future(protocol.is_closed)
            await asyncio.wait({joined, closed}, return_when=asyncio.FIRST_COMPLETED)
            if not joined.done():
                reason = getattr(protocol, "wasNotCleanReason", None) or "connection closed"
                raise JoinError(f"the router at {address.url} closed the connection before the "
                                f"session joined ({reason}); is the URL's path right?")
            return joined.result()
    except TimeoutError:
        _abandon(joined, transport)
        raise JoinError(f"no session joined at {address.url} within {timeout:g} s "
                        "(--join-timeout)") from None
    except BaseException:
        _abandon(joined, transport)
        raise


def _abandon(joined: asyncio.Future, transport: asyncio.BaseTransport | None) -> None:
    """Drop a connection whose join failed (refused, timed out, cancelled) at once.

    Aborting rather than waiting for a clean WebSocket close: a refused login has nothing to
    say goodbye to, and a run that stops on the refusal must not leave sockets half-closed.
    """
    if not joined.done():
        joined.cancel()
    if transport is not None:
        transport.abort()


async def leave_session(session: ApplicationSession, *, timeout: float = CLOSE_TIMEOUT) -> None:
    """Say goodbye and wait (bounded) for the connection to close; abort it if the router is slow."""
    protocol = session._transport  # autobahn clears it when the connection closes
    if protocol is None:
        return
    if session.is_attached():
        session.leave()
    else:
        session.disconnect()
    try:
        async with asyncio.timeout(timeout):
            await protocol.is_closed
    except TimeoutError:
        if protocol.transport is not None:
            protocol.transport.abort()
