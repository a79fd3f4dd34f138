"""One measurement in a fresh process: join N players of one kind, call, report JSON.

    SIMPL_PROFILER_TICKET=... python -m bench.probe --kind engine --players 300 --calls 20 \
        --url ws://127.0.0.1:PORT/ws

Phases, in order (only the named phase is inside each measurement):
1. import everything and join one warm-up player that is not counted, so lazy one-time
   costs (codec modules, logging set-up) are not charged to the players;
2. `join`: wall time to join `--players` players concurrently, and RSS growth;
3. `first call`: every player calls `bench.echo` once; RSS/USS after it (a player's
   memory includes what its first recorded call allocates, e.g. histograms);
4. `calls`: every player makes `--calls` sequential calls, all players at once; process
   CPU time (user+system, all threads) over this phase only.

The last stdout line is one JSON object; everything else goes to stderr.
Not for: judging the numbers (the orchestrator `bench.profiler_bench` does that).
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time

if __package__ in (None, ""):  # started as a file: make `bench` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import psutil  # noqa: E402
from autobahn.wamp.exception import ApplicationError  # noqa: E402

from bench.player_kinds import KINDS, Login, resolve  # noqa: E402


def _rss() -> int:
    gc.collect()
    return psutil.Process().memory_info().rss


async def measure(kind_name: str, login: Login, players: int, calls: int) -> dict:
    kind = resolve(kind_name)(login)
    await kind.warm_up()
    rss_base = _rss()

    t0 = time.monotonic()
    await kind.join(players)
    t_joined = time.monotonic()
    rss_joined = _rss()

    await kind.call_each(1)
    t_called = time.monotonic()
    cpu_at_called = time.process_time()  # everything so far: imports, warm-up, joins, first calls
    rss_called = _rss()
    uss_called = psutil.Process().memory_full_info().uss

    cpu_calls = wall_calls = 0.0
    if calls > 0:
        c0, w0 = time.process_time(), time.monotonic()
        await kind.call_each(calls)
        cpu_calls, wall_calls = time.process_time() - c0, time.monotonic() - w0

    extra = kind.summary()
    await kind.close()
    return {
        "kind": kind_name, "players": players, "calls_each": calls,
        "join_seconds": t_joined - t0,
        "join_and_call_seconds": t_called - t0,
        # CLOCK_MONOTONIC is system-wide on Linux: the parent subtracts its spawn time.
        "called_at_monotonic": t_called, "cpu_at_called": cpu_at_called,
        "rss_base": rss_base, "rss_joined": rss_joined, "rss_called": rss_called,
        "uss_called": uss_called,
        "cpu_seconds_calls": cpu_calls, "wall_seconds_calls": wall_calls,
        "calls_total": players * calls, **extra,
    }


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one benchmark measurement in a fresh process")
    parser.add_argument("--kind", choices=sorted(KINDS), required=True)
    parser.add_argument("--players", type=_positive, required=True, metavar="N")
    parser.add_argument("--calls", type=_positive, default=0, metavar="M",
                        help="sequential calls per player in the CPU phase (0 = skip it)")
    parser.add_argument("--url", required=True, metavar="WS_URL")
    parser.add_argument("--realm", default="realm1", metavar="REALM")
    parser.add_argument("--authid", default="profiler", metavar="AUTHID")
    args = parser.parse_args(argv)
    ticket = os.environ.get("SIMPL_PROFILER_TICKET")
    if not ticket:
        print("probe: SIMPL_PROFILER_TICKET is not set; export the router's profiler ticket",
              file=sys.stderr)
        return 2
    login = Login(url=args.url, realm=args.realm, authid=args.authid, ticket=ticket)
    try:
        result = asyncio.run(measure(args.kind, login, args.players, args.calls))
    except (ConnectionError, OSError, asyncio.TimeoutError) as exc:
        print(f"probe: {args.kind} players could not join {args.url}: {exc!r}", file=sys.stderr)
        return 1
    except ApplicationError as exc:
        print(f"probe: a call was refused with {exc.error} (is the echo service registered?)",
              file=sys.stderr)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
