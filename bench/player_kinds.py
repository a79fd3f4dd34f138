"""The two kinds of simulated player a probe can hold: bare autobahn sessions and the profiler's own.

Both expose the same four steps (warm_up, join, call_each, close) so `bench.probe` measures
them identically. The `engine` kind goes through the profiler's real player-joining code and
`ProfileCase.call` (which records every call into the metrics), never a copy of them.

Not for: measuring (that is `bench.probe`) or anything outside the benchmarks.
"""
from __future__ import annotations

from typing import Protocol

from bench import wamp_bare
from bench.echo_service import ECHO_PROCEDURE
from bench.wamp_bare import TicketLogin as Login

__all__ = ["KINDS", "Login", "PlayerKind", "resolve"]


class PlayerKind(Protocol):
    def __init__(self, login: Login) -> None: ...
    async def warm_up(self) -> None: ...
    async def join(self, count: int) -> None: ...
    async def call_each(self, calls: int) -> None: ...
    def summary(self) -> dict: ...
    async def close(self) -> None: ...


class BarePlayers:
    """N bare autobahn sessions: the floor any WAMP load generator stands on."""

    def __init__(self, login: Login) -> None:
        self._login = login
        self._warm: list = []
        self._sessions: list = []

    async def warm_up(self) -> None:
        self._warm = await wamp_bare.join_many(self._login, 1)
        await wamp_bare.call_loop(self._warm, ECHO_PROCEDURE, 1)

    async def join(self, count: int) -> None:
        self._sessions = await wamp_bare.join_many(self._login, count)

    async def call_each(self, calls: int) -> None:
        await wamp_bare.call_loop(self._sessions, ECHO_PROCEDURE, calls)

    def summary(self) -> dict:
        return {}

    async def close(self) -> None:
        await wamp_bare.leave_all(self._warm + self._sessions)


KINDS = ("bare", "engine")


def resolve(name: str) -> type:
    """The class implementing player kind `name`."""
    if name == "bare":
        return BarePlayers
    if name == "engine":
        # Imported lazily: the bare probe must not pay for (or depend on) the profiler's imports.
        from bench.engine_players import EnginePlayers
        return EnginePlayers
    raise ValueError(f"unknown player kind {name!r}; choose one of {', '.join(KINDS)}")
