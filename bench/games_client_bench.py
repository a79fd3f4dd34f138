"""Measures the games-API client's per-request cost and a player pool's memory; not a test.

    .venv/bin/python -m bench.games_client_bench [--requests 3000] [--players 1000]

The fake API runs in a separate process (so its CPU is not charged to the client). For each
way of sending the same `GET /apis/runs/` it prints requests/s and the client's CPU time per
request: bare aiohttp (the floor), our client without and with an observer (what a bound
player pays), and a session per request (what the original simpl-client did), each also as a
ratio of CPU per request to bare aiohttp's, measured in the same run. Then the memory of N lazy
bindings, and of N pools after one request each. The fake API is the client unit tests' own
(`tests/unit/simpl/fake_api.py`), served in the foreground by `python -m`.

Not for: CI (numbers depend on the machine), or measuring the games API itself.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import secrets
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Awaitable, Callable

import aiohttp

from modelservice.simpl import HttpBinding, bind_http, games_client_factory, player_http_session


async def measure(label: str, requests: int, send: Callable[[], Awaitable[object]],
                  floor: float | None = None) -> float:
    """Print requests/s and CPU µs per request (and its ratio to `floor`); return the CPU µs."""
    for _ in range(50):  # warm up: connection, caches
        await send()
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(requests):
        await send()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    micros = cpu / requests * 1e6
    ratio = f"   ratio {micros / floor:5.2f}" if floor else ""
    print(f"{label:<44} {requests / wall:8.0f} req/s   {micros:7.0f} µs CPU/req{ratio}")
    return micros


async def throughput(url: str, auth: tuple[str, str], requests: int) -> None:
    async with aiohttp.ClientSession() as raw:
        headers = {"Authorization": aiohttp.encode_basic_auth(*auth)}

        async def bare() -> object:
            async with raw.get(url + "/runs/", headers=headers) as response:
                return await response.read()
        floor = await measure("bare aiohttp session.get + read", requests, bare)

    async with games_client_factory(url, auth) as s:
        await measure("client, own pool, no observer", requests, s.runs.all, floor)

    observed: list[tuple[str, float, str | None]] = []
    binding = HttpBinding(None, lambda op, seconds, error: observed.append((op, seconds, error)))
    with bind_http(binding):
        async with games_client_factory(url, auth) as s:
            await measure("client, player binding + observer", requests, s.runs.all, floor)
    await binding.aclose()

    unentered = games_client_factory(url, auth)
    await measure("session per request (original design)", max(200, requests // 10),
                  unentered.runs.all, floor)


async def memory(url: str, auth: tuple[str, str], players: int) -> None:
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    bindings = [HttpBinding(None, None) for _ in range(players)]
    lazy = tracemalloc.get_traced_memory()[0] - base
    print(f"{players} lazy bindings: {lazy / players:8.0f} bytes each")
    pools = [player_http_session() for _ in range(players)]
    made = tracemalloc.get_traced_memory()[0] - base - lazy
    print(f"{players} pools, no request yet: {made / players:8.0f} bytes each")
    for pool in pools:
        await pool.close()
    del pools
    gc.collect()

    async def one(binding: HttpBinding) -> None:
        with bind_http(binding):
            async with games_client_factory(url, auth) as s:
                await s.runs.all()
    before = tracemalloc.get_traced_memory()[0]
    for start in range(0, players, 100):
        await asyncio.gather(*(one(b) for b in bindings[start:start + 100]))
    used = tracemalloc.get_traced_memory()[0] - before
    print(f"{players} pools after one request (1 idle keep-alive socket each): "
          f"{used / players:8.0f} bytes each")
    for binding in bindings:
        await binding.aclose()
    tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, metavar="N")
    parser.add_argument("--players", type=int, default=1000, metavar="N")
    options = parser.parse_args()
    auth = ("bench@example.edu", secrets.token_urlsafe(12))
    server = subprocess.Popen([sys.executable, "-m", "tests.unit.simpl.fake_api", *auth],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        if not url:
            raise SystemExit("the fake API did not start; run from the repository root")
        asyncio.run(throughput(url, auth, options.requests))
        asyncio.run(memory(url, auth, options.players))
    finally:
        assert server.stdin is not None
        server.stdin.close()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
