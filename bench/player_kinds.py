"""The two kinds of simulated player a probe can measure: bare autobahn sessions and the profiler's.

Each kind is a function `(login, players, calls, checkpoint) -> dict` that runs the same phases
and calls `checkpoint(name)` at the same points, so `bench.probe` measures both identically:

    (warm-up player, not counted)  "base"  "join_start"  join players  "joined"
    every player calls once  "called"  "calls_start"  every player calls `calls` times  "calls_end"

Both send the same request: `bench.echo(i, user_email=<player's email>)`, because the profiler
in ticket mode adds the `user_email` kwarg to every call; so only the client's own work differs.
The `engine` kind (bench.engine_players) goes through the profiler's real `ProfileRun`.

Not for: measuring (that is `bench.probe`) or anything outside the benchmarks.
"""
from __future__ import annotations

import asyncio
from typing import Callable

from bench import wamp_bare
from bench.echo_service import ECHO_PROCEDURE
from bench.wamp_bare import TicketLogin as Login

__all__ = ["KINDS", "Checkpoint", "Login", "player_email", "resolve"]

Checkpoint = Callable[[str], None]
KINDS = ("bare", "engine")


def player_email(i: int) -> str:
    return f"p{i}@bench.edu"


def measure_bare(login: Login, players: int, calls: int, checkpoint: Checkpoint) -> dict:
    """N bare autobahn sessions on one loop: the floor any WAMP load generator stands on."""
    return asyncio.run(_bare(login, players, calls, checkpoint))


async def _bare(login: Login, players: int, calls: int, checkpoint: Checkpoint) -> dict:
    warm = await wamp_bare.join_many(login, 1)
    await wamp_bare.call_loop(warm, ECHO_PROCEDURE, 1, email=player_email)
    checkpoint("base")
    checkpoint("join_start")
    sessions = await wamp_bare.join_many(login, players)
    checkpoint("joined")
    await wamp_bare.call_loop(sessions, ECHO_PROCEDURE, 1, email=player_email)
    checkpoint("called")
    checkpoint("calls_start")
    made = await wamp_bare.call_loop(sessions, ECHO_PROCEDURE, calls, email=player_email)
    checkpoint("calls_end")
    await wamp_bare.leave_all(warm + sessions)
    return {"calls_made": made}


def resolve(name: str) -> Callable[[Login, int, int, Checkpoint], dict]:
    """The measuring function of player kind `name`."""
    if name == "bare":
        return measure_bare
    if name == "engine":
        # Imported lazily: the bare probe must not pay for (or depend on) the profiler's imports.
        from bench.engine_players import measure_engine
        return measure_engine
    raise ValueError(f"unknown player kind {name!r}; choose one of {', '.join(KINDS)}")
