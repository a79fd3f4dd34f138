"""Stand-in for ONE simulated player of the original profiler design (one OS process each).

The original `manage.py profile` started a whole Django process per simulated player: Django
set up with the game's apps, autobahn and the aiohttp-based games client imported, one WAMP
session joined with a ticket. This script does exactly that much and no more, so its start-up
cost and memory stand for the original's:

    SIMPL_PROFILER_TICKET=... python bench/original_player.py --url ws://127.0.0.1:PORT/ws

It prints `called <monotonic seconds>` once it has joined and made one `bench.echo` call, then
stays alive (so its parent can read its USS) until its stdin closes, and exits 0.

Not for: profiling anything; it is a yardstick for `bench.original_fanout`.
"""
from __future__ import annotations

import os
import sys

if __package__ in (None, ""):  # started as a file: make `bench` importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _set_up_django() -> None:
    # The original imported a game's settings with the modelservice app, DRF and the
    # contrib apps; an in-memory configuration with the same apps costs the same to load.
    import django
    from django.conf import settings

    settings.configure(
        INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes", "rest_framework"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        USE_TZ=True,
    )
    django.setup()


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="one original-design player process")
    parser.add_argument("--url", required=True, metavar="WS_URL")
    parser.add_argument("--realm", default="realm1", metavar="REALM")
    parser.add_argument("--authid", default="profiler", metavar="AUTHID")
    args = parser.parse_args(argv)
    ticket = os.environ.get("SIMPL_PROFILER_TICKET")
    if not ticket:
        print("original_player: SIMPL_PROFILER_TICKET is not set", file=sys.stderr)
        return 2

    _set_up_django()
    import asyncio
    import time

    import aiohttp  # noqa: F401 - the original's games client is built on it

    from bench.echo_service import ECHO_PROCEDURE
    from bench.wamp_bare import TicketLogin, join_one, leave_all, quiet_autobahn_logs

    quiet_autobahn_logs()

    async def play() -> None:
        session = await join_one(TicketLogin(args.url, args.realm, args.authid, ticket))
        await session.call(ECHO_PROCEDURE, 1)
        print(f"called {time.monotonic()!r}", flush=True)
        # Stay alive until the parent has read our memory and closes our stdin.
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)
        await leave_all([session])

    try:
        asyncio.run(play())
    except Exception as exc:  # one line for the parent's log; the parent reports the failure
        print(f"original_player: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
