"""The four measurements of `profiler_bench`, each run side by side against its baseline.

Every measurement of our profiler runs in a fresh `bench.probe` process, alternating with the
baseline it is compared to (round 1: bare then engine, round 2: engine then bare, ...), so
that slow drift of a shared machine falls equally on both sides of each ratio.

Not for: formatting or gating (`bench.profiler_bench`), or the arithmetic (`bench.results`).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable

from bench.children import Children
from bench.original_fanout import FanoutResult, run_original

PROBE_TIMEOUT = 300.0
KINDS_IN_ORDER = ("bare", "engine")


@dataclass
class BenchContext:
    """Where the benchmark runs: the router and the subprocesses it has started."""

    children: Children
    url: str
    realm: str
    progress: Callable[[str], None] = print


@dataclass
class Probe:
    """One probe process's report plus when the parent spawned it."""

    kind: str
    report: dict
    spawned_at: float

    @property
    def spawn_to_called(self) -> float:
        """Process start, imports, warm-up, joins and one call each: the whole cost of readiness."""
        return self.report["called_at_monotonic"] - self.spawned_at


@dataclass
class Rounds:
    """Probe reports by kind, in round order."""

    by_kind: dict[str, list[Probe]] = field(default_factory=lambda: {k: [] for k in KINDS_IN_ORDER})

    def values(self, kind: str, key: str | Callable[[Probe], float]) -> list[float]:
        pick = key if callable(key) else (lambda p: p.report[key])
        return [pick(p) for p in self.by_kind[kind]]


async def run_probe(ctx: BenchContext, kind: str, *, players: int, calls: int) -> Probe:
    spawned_at = time.monotonic()
    proc = await ctx.children.spawn(
        "probe.py", "--kind", kind, "--players", str(players), "--calls", str(calls),
        "--url", ctx.url, "--realm", ctx.realm)
    line = await ctx.children.read_json_line(
        proc, timeout=PROBE_TIMEOUT, what=f"probe ({kind}, {players} players, {calls} calls)")
    return Probe(kind=kind, report=json.loads(line), spawned_at=spawned_at)


async def alternate(ctx: BenchContext, *, players: int, calls: int, rounds: int) -> Rounds:
    """`rounds` rounds of one bare and one engine probe, the order flipping each round."""
    result = Rounds()
    for r in range(rounds):
        order = KINDS_IN_ORDER if r % 2 == 0 else tuple(reversed(KINDS_IN_ORDER))
        for kind in order:
            ctx.progress(f"  round {r + 1}/{rounds}: {players} {kind} players"
                         + (f", {calls} calls each" if calls else ""))
            result.by_kind[kind].append(await run_probe(ctx, kind, players=players, calls=calls))
    return result


async def measure_joins(ctx: BenchContext, *, counts: tuple[int, ...], rounds: int) -> dict[int, Rounds]:
    """Sections 1 and 2: memory per player and time to join, for each player count."""
    out = {}
    for n in counts:
        ctx.progress(f"[1,2] joining {n} players (memory, join time)")
        out[n] = await alternate(ctx, players=n, calls=0, rounds=rounds)
    return out


async def measure_cpu(ctx: BenchContext, *, players: int, calls: int, rounds: int) -> Rounds:
    """Section 3: client CPU over `players` x `calls` echo calls."""
    ctx.progress(f"[3] CPU per call: {players} players x {calls} calls")
    return await alternate(ctx, players=players, calls=calls, rounds=rounds)


async def measure_original(ctx: BenchContext, *, processes: int, parallel: int) -> FanoutResult:
    """Section 4: the original one-process-per-player design."""
    ctx.progress(f"[4] original design: {processes} player processes, {parallel} at a time")
    return await run_original(ctx.children, url=ctx.url, realm=ctx.realm,
                              processes=processes, parallel=parallel, progress=ctx.progress)
