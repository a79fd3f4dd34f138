"""Short-lived WAMP sessions for probing the local router: readiness checks and tests.

What it is for: opening one authenticated autobahn (asyncio) session against the router,
with a deadline, and reporting a refused join by its WAMP error URI
(`wamp.error.not_authorized`, ...). `RouterServer` uses it to know the router is up,
`SimplStack` to call each game's `<ROOT_TOPIC>.ready` as the profiler, and the tests to
check the router's permissions.

Joining itself is the profiler's (`modelservice.profiling.wamp`): the demo may use the library,
never the other way round. Not for: load generation; this module opens one session at a time.
"""
from __future__ import annotations

import asyncio
import contextlib
from typing import Any, AsyncIterator

from autobahn.asyncio.wamp import ApplicationSession

from modelservice.profiling.wamp import (
    Credentials,
    JoinError,
    JoinRefused,
    RouterAddress,
    join_session,
    leave_session,
)

__all__ = ["JoinRefused", "call_once", "open_session", "wamp_session"]


async def open_session(url: str, realm: str, *, authid: str | None = None,
                       ticket: str | None = None, password: str | None = None,
                       authmethods: list[str] | None = None,
                       timeout: float = 10.0) -> ApplicationSession:
    """Connect and join; return the joined session, or raise JoinRefused / OSError.

    The auth method is `ticket` when a ticket is given, `wampcra` when a password is given,
    otherwise `anonymous`, unless `authmethods` says otherwise. Joining is the profiler's own
    code (`modelservice.profiling.wamp`), so probes log in exactly as simulated players do.
    A router that is not there (yet) or does not answer in time is an OSError (ConnectionError).
    """
    if authmethods:
        method = authmethods[0]
    else:
        method = "ticket" if ticket is not None else "wampcra" if password is not None else "anonymous"
    secret = ticket if method == "ticket" else password
    credentials = Credentials(method, authid or "", secret or "")
    try:
        return await join_session(RouterAddress.parse(url, realm), credentials, timeout=timeout)
    except JoinRefused:
        raise
    except JoinError as exc:
        raise ConnectionError(str(exc)) from exc


@contextlib.asynccontextmanager
async def wamp_session(url: str, realm: str, **kwargs: Any) -> AsyncIterator[ApplicationSession]:
    """`async with wamp_session(url, realm, authid=..., ticket=...) as s: await s.call(...)`."""
    session = await open_session(url, realm, **kwargs)
    try:
        yield session
    finally:
        await leave_session(session)


async def call_once(url: str, realm: str, procedure: str, *args: Any, timeout: float = 10.0,
                    **join: Any) -> Any:
    """Join, call one procedure, leave; return its result."""
    async with asyncio.timeout(timeout):
        async with wamp_session(url, realm, timeout=timeout, **join) as session:
            return await session.call(procedure, *args)
