"""Short-lived WAMP sessions for probing the local router: readiness checks and tests.

What it is for: opening one authenticated autobahn (asyncio) session against the router,
with a deadline, and reporting a refused join by its WAMP error URI
(`wamp.error.not_authorized`, ...). `RouterServer` uses it to know the router is up,
`SimplStack` to call each game's `<ROOT_TOPIC>.ready` as the profiler, and the tests to
check the router's permissions.

Not for: load generation. The profiler (`modelservice`) has its own session handling,
built for thousands of players on one loop; this module opens one session at a time.
"""
from __future__ import annotations

import asyncio
import contextlib
import io
from typing import Any, AsyncIterator


def _import_bjdata_quietly() -> None:
    """Import autobahn's optional UBJSON codec with its start-up noise swallowed.

    bjdata's C extension is built against NumPy 1; under NumPy 2 it prints a long
    traceback on import and then works anyway. Importing it once here, with stderr
    captured, keeps that traceback out of the stack's command-line output.
    """
    with contextlib.redirect_stderr(io.StringIO()):
        with contextlib.suppress(Exception):
            import bjdata  # noqa: F401


_import_bjdata_quietly()

from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402
from autobahn.websocket.util import parse_url  # noqa: E402


class JoinRefused(Exception):
    """The router refused the session; `reason` is the WAMP error URI it gave."""

    def __init__(self, reason: str, message: str | None = None):
        super().__init__(f"{reason}: {message}" if message else reason)
        self.reason = reason
        self.message = message


class _ProbeSession(ApplicationSession):
    """Joins with one auth method and resolves `joined` with itself or with the refusal."""

    def __init__(self, config: ComponentConfig, *, authid: str | None, authmethods: list[str],
                 ticket: str | None, password: str | None, joined: asyncio.Future):
        super().__init__(config)
        self._authid = authid
        self._authmethods = authmethods
        self._ticket = ticket
        self._password = password
        self._joined = joined

    def onConnect(self) -> None:
        self.join(self.config.realm, authmethods=self._authmethods, authid=self._authid)

    def onChallenge(self, challenge: Any) -> str:
        if challenge.method == "ticket":
            return self._ticket or ""
        if challenge.method == "wampcra":
            # Imported here: autobahn.wamp.auth pulls in passlib, which imports the
            # deprecated `crypt` module; only WAMP-CRA probes need it.
            from autobahn.wamp import auth

            key: bytes | str = (self._password or "").encode()
            if "salt" in challenge.extra:
                key = auth.derive_key(self._password or "", challenge.extra["salt"],
                                      challenge.extra.get("iterations"), challenge.extra.get("keylen"))
            return auth.compute_wcs(key, challenge.extra["challenge"])
        raise ValueError(f"unexpected challenge method {challenge.method!r}")

    def onJoin(self, details: Any) -> None:
        if not self._joined.done():
            self._joined.set_result(self)

    def onLeave(self, details: Any) -> None:
        if not self._joined.done():
            self._joined.set_exception(JoinRefused(details.reason, details.message))
        self.disconnect()

    def onDisconnect(self) -> None:
        if not self._joined.done():
            self._joined.set_exception(ConnectionError("the router closed the connection before the join"))


async def open_session(url: str, realm: str, *, authid: str | None = None,
                       ticket: str | None = None, password: str | None = None,
                       authmethods: list[str] | None = None,
                       timeout: float = 10.0) -> ApplicationSession:
    """Connect and join; return the joined session, or raise JoinRefused / OSError / TimeoutError.

    The auth method is `ticket` when a ticket is given, `wampcra` when a password is given,
    otherwise `anonymous`, unless `authmethods` says otherwise.
    """
    if authmethods is None:
        authmethods = ["ticket"] if ticket is not None else ["wampcra"] if password is not None else ["anonymous"]
    loop = asyncio.get_running_loop()
    joined: asyncio.Future = loop.create_future()
    config = ComponentConfig(realm=realm)

    def make_session() -> _ProbeSession:
        return _ProbeSession(config, authid=authid, authmethods=authmethods, ticket=ticket,
                             password=password, joined=joined)

    _secure, host, port, _resource, _path, _params = parse_url(url)
    factory = WampWebSocketClientFactory(make_session, url=url)
    protocol = None
    try:
        async with asyncio.timeout(timeout):
            _transport, protocol = await loop.create_connection(factory, host, port)
            session = await joined
        session._probe_protocol = protocol
        return session
    except BaseException:
        if protocol is not None:
            await _close_protocol(protocol)
        raise


async def _close_protocol(protocol: Any, timeout: float = 2.0) -> None:
    """Close the connection and wait until asyncio has released its socket.

    Closing is asynchronous; returning earlier would let `asyncio.run()` end with the
    socket still open (a ResourceWarning, and a leaked descriptor per probe).
    """
    if protocol.transport is not None:
        protocol.transport.close()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            # connection_lost() clears protocol.transport after the socket is closed.
            while protocol.transport is not None:
                await asyncio.sleep(0.005)


async def close_session(session: ApplicationSession) -> None:
    """Leave politely, then close the connection and wait until it is closed."""
    if session.is_attached():
        with contextlib.suppress(Exception):
            session.leave()
    protocol = getattr(session, "_probe_protocol", None)
    if protocol is not None:
        await _close_protocol(protocol)


@contextlib.asynccontextmanager
async def wamp_session(url: str, realm: str, **kwargs: Any) -> AsyncIterator[ApplicationSession]:
    """`async with wamp_session(url, realm, authid=..., ticket=...) as s: await s.call(...)`."""
    session = await open_session(url, realm, **kwargs)
    try:
        yield session
    finally:
        await close_session(session)


async def call_once(url: str, realm: str, procedure: str, *args: Any, timeout: float = 10.0,
                    **join: Any) -> Any:
    """Join, call one procedure, leave; return its result."""
    async with asyncio.timeout(timeout):
        async with wamp_session(url, realm, timeout=timeout, **join) as session:
            return await session.call(procedure, *args)
