"""One measurement in a fresh process: join N players of one kind, call, report JSON.

    SIMPL_PROFILER_TICKET=... python bench/probe.py --kind engine --players 300 --calls 20 \
        --url ws://127.0.0.1:PORT/ws

The kind (bench.player_kinds) runs its phases and calls `checkpoint(name)` between them; each
checkpoint records wall time, process CPU time and RSS (after a garbage collection). What is
derived from them:
* `join_seconds`: "join_start" -> "joined", all players joining concurrently;
* memory per player: RSS "base" -> "called" (after one call each, so what a player's first
  recorded call allocates counts as its memory; "base" follows an uncounted warm-up player,
  so lazy one-time costs do not);
* CPU per call: process CPU (user + system, all threads) "calls_start" -> "calls_end".
A checkpoint's GC and RSS reading happen after the clocks are read when a phase ends and
before they are read when one starts, so they are outside every measured interval.

The last stdout line is one JSON object; everything else goes to stderr.
Not for: judging the numbers (`bench.profiler_bench` does that).
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time

if __package__ in (None, ""):  # started as a file: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import psutil  # noqa: E402

from bench.player_kinds import KINDS, resolve  # noqa: E402
from bench.wamp_bare import add_login_arguments, login_from, quiet_autobahn_logs  # noqa: E402

PHASES = ("base", "join_start", "joined", "called", "calls_start", "calls_end")


class Checkpoints:
    """Clock, CPU and memory readings at the named points of a probe."""

    def __init__(self) -> None:
        self.marks: dict[str, dict] = {}
        self._process = psutil.Process()

    def __call__(self, name: str) -> None:
        if name not in PHASES:
            raise ValueError(f"unknown checkpoint {name!r}")
        t_end, cpu_end = time.monotonic(), time.process_time()
        gc.collect()
        mark = {"rss": self._process.memory_info().rss}
        if name == "called":
            mark["uss"] = self._process.memory_full_info().uss
        mark.update(t_end=t_end, cpu_end=cpu_end, t_start=time.monotonic(), cpu_start=time.process_time())
        self.marks[name] = mark

    def report(self, players: int, calls: int) -> dict:
        missing = [p for p in PHASES if p not in self.marks]
        if missing:
            raise RuntimeError(f"the probe never reached {', '.join(missing)}")
        m = self.marks
        return {
            "join_seconds": m["joined"]["t_end"] - m["join_start"]["t_start"],
            "join_and_call_seconds": m["called"]["t_end"] - m["join_start"]["t_start"],
            # CLOCK_MONOTONIC is system-wide on Linux: the parent subtracts its spawn time.
            "called_at_monotonic": m["called"]["t_end"],
            "cpu_at_called": m["called"]["cpu_end"],  # everything so far, imports included
            "rss_base": m["base"]["rss"], "rss_joined": m["joined"]["rss"],
            "rss_called": m["called"]["rss"], "uss_called": m["called"]["uss"],
            "cpu_seconds_calls": m["calls_end"]["cpu_end"] - m["calls_start"]["cpu_start"],
            "wall_seconds_calls": m["calls_end"]["t_end"] - m["calls_start"]["t_start"],
            "calls_total": players * calls,
        }


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, got {value}")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one benchmark measurement in a fresh process")
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--players", type=_count, required=True, metavar="N")
    parser.add_argument("--calls", type=_count, default=0, metavar="M",
                        help="sequential calls per player in the CPU phase (default 0)")
    add_login_arguments(parser, authid="profiler")
    args = parser.parse_args(argv)
    login = login_from(args, ticket_env="SIMPL_PROFILER_TICKET", prog="probe")
    if login is None:
        return 2
    if args.players < 1:
        print("probe: --players must be at least 1", file=sys.stderr)
        return 2
    quiet_autobahn_logs()
    checkpoints = Checkpoints()
    try:
        extra = resolve(args.kind)(login, args.players, args.calls, checkpoints)
        result = checkpoints.report(args.players, args.calls)
    except Exception as exc:  # the parent shows this one line and keeps the log
        print(f"probe ({args.kind}, {args.players} players): {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps({"kind": args.kind, "players": args.players, "calls_each": args.calls,
                      **result, **extra}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
