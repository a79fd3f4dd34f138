"""The known-cost procedure the benchmarks call: `bench.echo`, returning its arguments.

Run as its own process so its CPU is never counted against the caller being measured:

    SIMPL_SERVICE_TICKET=... python -m bench.echo_service --url ws://127.0.0.1:PORT/ws

It joins as the `modelservice` ticket principal (role `service`), registers `bench.echo`,
prints `ready` on stdout, and runs until SIGTERM/SIGINT or stdin closes.

Not for: anything a game does; it only gives every benchmark call the same, tiny cost.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys

if __package__ in (None, ""):  # started as a file: make `bench` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.wamp_bare import (TicketLogin, add_login_arguments, join_one,  # noqa: E402
                             login_from, quiet_autobahn_logs)

ECHO_PROCEDURE = "bench.echo"


def echo(*args, **kwargs):
    """Return what was sent, so the reply costs the same as the request."""
    return list(args)


async def serve(login: TicketLogin) -> None:
    session = await join_one(login)
    await session.register(echo, ECHO_PROCEDURE)
    print("ready", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    # The parent closing our stdin (or dying) also ends us, so no orphan is left behind.
    loop.add_reader(sys.stdin.fileno(), lambda: stop.set() if not sys.stdin.buffer.read1(4096) else None)
    await stop.wait()
    session.leave()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_login_arguments(parser, authid="modelservice")
    args = parser.parse_args(argv)
    login = login_from(args, ticket_env="SIMPL_SERVICE_TICKET", prog="echo_service")
    if login is None:
        return 2
    quiet_autobahn_logs()
    try:
        asyncio.run(serve(login))
    except (ConnectionError, OSError, asyncio.TimeoutError) as exc:
        print(f"echo_service: cannot join {args.url}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
