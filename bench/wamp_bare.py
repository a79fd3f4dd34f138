"""Bare autobahn WAMP sessions: the baseline the profiler's players are measured against.

This is the least a Python client can do to hold N ticket-authenticated sessions on one
asyncio loop and make calls through them: one `ApplicationSession` per TCP connection,
created through autobahn's own asyncio WebSocket factory, with no timing, no histograms and
no error bookkeeping. Whatever the profiler costs above this is its own overhead.

Not for: profiling a game (that is `modelservice`), or any use outside the benchmarks.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import os
import sys
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlparse


def _load_ubjson_codec_quietly() -> None:
    # autobahn imports bjdata (built against NumPy 1) when its first factory is made; under
    # NumPy 2 that prints a long, harmless traceback. Loading it once here with stderr
    # captured keeps benchmark logs readable; a real import failure still surfaces later.
    with contextlib.redirect_stderr(io.StringIO()), contextlib.suppress(Exception):
        import bjdata  # noqa: F401


_load_ubjson_codec_quietly()

from autobahn.asyncio.wamp import ApplicationSession  # noqa: E402
from autobahn.asyncio.websocket import WampWebSocketClientFactory  # noqa: E402
from autobahn.wamp.types import ComponentConfig  # noqa: E402


# Handshakes in flight while joining. The profiler's engine bounds its joins the same way (100),
# so that neither side is slowed by a router flooded with simultaneous opening handshakes.
JOIN_CONCURRENCY = 100


@dataclass(frozen=True)
class TicketLogin:
    """Where and as whom a bare session joins."""

    url: str
    realm: str
    authid: str
    ticket: str



def add_login_arguments(parser: argparse.ArgumentParser, *, authid: str) -> None:
    """--url, --realm and --authid: where and as whom a benchmark child process joins."""
    parser.add_argument("--url", required=True, metavar="WS_URL")
    parser.add_argument("--realm", default="realm1", metavar="REALM")
    parser.add_argument("--authid", default=authid, metavar="AUTHID")


def login_from(args: argparse.Namespace, *, ticket_env: str, prog: str) -> TicketLogin | None:
    """The login the parsed arguments and the ticket in `ticket_env` describe; None (said on
    stderr) when that variable is not set, since tickets never travel on a command line."""
    ticket = os.environ.get(ticket_env)
    if not ticket:
        print(f"{prog}: {ticket_env} is not set; export the router's ticket", file=sys.stderr)
        return None
    return TicketLogin(args.url, args.realm, args.authid, ticket)

class _TicketSession(ApplicationSession):
    """Joins with a ticket and resolves `joined` once the router has welcomed it."""

    def __init__(self, config: ComponentConfig, login: TicketLogin,
                 joined: asyncio.Future) -> None:
        super().__init__(config)
        self._login = login
        self._joined = joined
        self.disconnected: asyncio.Future = joined.get_loop().create_future()

    def onConnect(self) -> None:
        self.join(self._login.realm, authmethods=["ticket"], authid=self._login.authid)

    def onChallenge(self, challenge):  # noqa: N802 - autobahn's name
        if challenge.method != "ticket":
            raise ValueError(f"router asked for {challenge.method!r}, only ticket is supported")
        return self._login.ticket

    async def onJoin(self, details) -> None:
        if not self._joined.done():
            self._joined.set_result(self)

    def onLeave(self, details) -> None:
        # A refusal (wrong ticket, unknown realm) arrives as a leave before any join.
        if not self._joined.done():
            self._joined.set_exception(
                ConnectionError(f"router refused the session: {details.reason} {details.message or ''}"))
        super().onLeave(details)

    def onDisconnect(self) -> None:
        if not self.disconnected.done():
            self.disconnected.set_result(None)


async def join_one(login: TicketLogin, *, timeout: float = 30.0) -> ApplicationSession:
    """Open one WebSocket connection and join one session over it."""
    loop = asyncio.get_running_loop()
    joined: asyncio.Future = loop.create_future()
    config = ComponentConfig(realm=login.realm)
    factory = WampWebSocketClientFactory(
        lambda: _TicketSession(config, login, joined), url=login.url)
    parsed = urlparse(login.url)
    transport, _ = await asyncio.wait_for(
        loop.create_connection(factory, parsed.hostname, parsed.port), timeout)
    try:
        return await asyncio.wait_for(joined, timeout)
    except BaseException:
        transport.close()
        raise


async def join_many(login: TicketLogin, count: int, *, timeout: float = 60.0,
                    concurrency: int = JOIN_CONCURRENCY) -> list[ApplicationSession]:
    """Join `count` sessions, at most `concurrency` handshakes in flight, as a load generator would."""
    gate = asyncio.Semaphore(concurrency)

    async def one() -> ApplicationSession:
        async with gate:
            try:
                return await join_one(login, timeout=timeout)
            except asyncio.TimeoutError:
                raise ConnectionError(f"a session did not join {login.url} within {timeout:g} s") from None

    return list(await asyncio.gather(*(one() for _ in range(count))))


async def call_loop(sessions: list[ApplicationSession], procedure: str, calls_each: int, *,
                    email: Callable[[int], str] | None = None) -> int:
    """Every session makes `calls_each` sequential calls, all sessions at once; returns calls made.

    With `email`, session i sends `user_email=email(i)` with each call, as a profiler player does.
    """
    async def one(index: int, session: ApplicationSession) -> None:
        kwargs = {"user_email": email(index)} if email else {}
        for i in range(calls_each):
            await session.call(procedure, i, **kwargs)

    await asyncio.gather(*(one(i, s) for i, s in enumerate(sessions)))
    return len(sessions) * calls_each


async def leave_all(sessions: list[ApplicationSession], *, timeout: float = 10.0) -> None:
    """Say goodbye on every session and wait (at most `timeout`) for the router to close them."""
    for session in sessions:
        if session.is_attached():
            session.leave()
    waiting = [s.disconnected for s in sessions if isinstance(s, _TicketSession)]
    if waiting:
        await asyncio.wait(waiting, timeout=timeout)
    for session in sessions:  # whatever did not close politely is dropped
        if session._transport is not None:
            session._transport.close()


def quiet_autobahn_logs() -> None:
    """Only errors from autobahn: a benchmark opening 1000 sessions must not log each one."""
    import txaio

    txaio.set_global_log_level("error")
