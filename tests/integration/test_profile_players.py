"""Simulated players against a real Crossbar router (demo.router.RouterServer on a free port).

A small callee (role `service`, in a thread with its own event loop) registers `h5.echo`
(returns its args and kwargs) and `h5.hang` (never returns). Covers: many players joining on
one loop, impersonation kwargs, call/publish timing, sync tasks, timeouts, interrupts, join
refusals, and the memory each player costs.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from demo.router import RouterServer
from modelservice.profiler import ProfileCase
from modelservice.profiling.discovery import TaskSpec
from modelservice.profiling.engine import ProfileRun, run_profile
from modelservice.profiling.errors import JoinError
from modelservice.profiling.identities import PlayerIdentity
from modelservice.profiling.options import RunConfig
from modelservice.profiling.wamp import Credentials, RouterAddress, join_session

pytestmark = pytest.mark.integration

REALM = "realm1"
MEMORY_LIMIT_KB = 64
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def router(tmp_path_factory):
    tickets = {"service_ticket": secrets.token_urlsafe(16), "profiler_ticket": secrets.token_urlsafe(16)}
    with RouterServer(tmp_path_factory.mktemp("router"), port=0, realm=REALM, **tickets) as server:
        with callee(server):
            yield server


@contextlib.contextmanager
def callee(server):
    """The echo/hang service, on its own loop in a thread, for the module's lifetime."""
    ready, failed = threading.Event(), []
    loop = asyncio.new_event_loop()

    async def serve():
        session = await join_session(RouterAddress.parse(server.url, REALM),
                                     Credentials("ticket", "modelservice", server.service_ticket), timeout=10)
        await session.register(lambda *a, **kw: {"args": list(a), "kwargs": kw}, "h5.echo")
        await session.register(_hang, "h5.hang")
        ready.set()
        return session

    def body():
        asyncio.set_event_loop(loop)
        try:
            session = loop.run_until_complete(serve())
        except BaseException as exc:
            failed.append(exc)
            ready.set()
            return
        loop.run_forever()
        loop.run_until_complete(asyncio.wait_for(session.leave(), 5))
        loop.close()

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    assert ready.wait(20) and not failed, failed
    try:
        yield
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


async def _hang(*args, **kwargs):
    await asyncio.Event().wait()


def identities(n, domain="calc.edu"):
    return [PlayerIdentity(f"h{i}@{domain}", f"h{i}@{domain}", f"h{i}") for i in range(n)]


class EchoTasks(ProfileCase):
    async def profile_echo(self):
        reply = await self.call("h5.echo", 1, flag=True)
        assert reply == {"args": [1], "kwargs": {"flag": True, "user_email": self.user_email}}, reply
        reply = await self.call_as("other@calc.edu", "pw", "h5.echo")
        assert reply["kwargs"] == {"user_email": "other@calc.edu"}, reply
        await self.publish("h5.topic.7", "hello")

    def profile_sync_echo(self):
        reply = self.call("h5.echo", 2)
        assert reply["args"] == [2]

    async def profile_hang(self):
        await self.call("h5.hang")


def make_run(router, players, tasks, **config):
    options = dict(module="unused", url=router.url, realm=REALM, ticket=router.profiler_ticket,
                   task_timeout=20.0, join_timeout=20.0)
    options.update(config)
    run = ProfileRun(RunConfig(**options))
    run.tasks = [TaskSpec(f"h5.EchoTasks.{name}", EchoTasks, name) for name in tasks]
    run.identities = identities(players)
    return run


def test_many_players_join_one_loop_and_every_call_is_timed(router):
    run = make_run(router, 300, ["profile_echo", "profile_sync_echo"])
    result = run_profile(run)
    assert result.ok, [m.failures for m in result.metrics]
    echo = result.metrics.groups[("h5.EchoTasks.profile_echo", 0)]
    assert (echo.succeeded, echo.failed) == (300, 0)
    assert echo.operations["h5.echo"].count == 600
    assert echo.operations["publish h5.topic.{id}"].count == 300
    sync = result.metrics.groups[("h5.EchoTasks.profile_sync_echo", 0)]
    assert sync.succeeded == 300 and sync.operations["h5.echo"].count == 300
    assert all(player.session is None for player in run.players.values())  # everyone left


def test_groups_ramp_up_over_the_same_players(router):
    result = run_profile(make_run(router, 5, ["profile_sync_echo"], groups=3))
    sizes = [m.players for m in result.metrics]
    assert sizes == [1, 3, 5] and result.ok


def test_a_player_past_the_task_timeout_fails_and_the_run_goes_on(router):
    run = make_run(router, 2, ["profile_hang", "profile_echo"], task_timeout=0.5)
    started = time.monotonic()
    result = run_profile(run)
    assert time.monotonic() - started < 10
    hang = result.metrics.groups[("h5.EchoTasks.profile_hang", 0)]
    assert hang.failed == 2 and hang.failures[0][1].startswith("TaskTimeout: still running after")
    assert result.metrics.groups[("h5.EchoTasks.profile_echo", 0)].succeeded == 2
    assert result.failed_players == 2 and not result.ok


def test_stop_interrupts_the_running_group_and_still_reports(router):
    run = make_run(router, 3, ["profile_hang", "profile_echo"], task_timeout=60.0)
    run.events.group_started.append(
        lambda task, group, n: asyncio.get_running_loop().call_later(0.3, run.stop))
    started = time.monotonic()
    result = run_profile(run)
    assert time.monotonic() - started < 10
    assert result.interrupted and not result.ok
    assert [m.key for m in result.metrics] == [("h5.EchoTasks.profile_hang", 0)]
    assert "interrupted" in next(iter(result.metrics)).failures[0][1]


def test_a_wrong_ticket_is_one_clear_refusal(router):
    run = make_run(router, 3, ["profile_echo"], ticket="wrong-" + secrets.token_hex(4))
    with pytest.raises(JoinError) as caught:
        run_profile(run)
    message = str(caught.value)
    assert "refused the profiler's ticket" in message and "\n" not in message


def test_an_unreachable_router_is_one_clear_error(router):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = make_run(router, 2, ["profile_echo"], url=f"ws://127.0.0.1:{port}/ws")
    with pytest.raises(JoinError, match=f"cannot reach the router at ws://127.0.0.1:{port}/ws"):
        run_profile(run)


def test_a_wrong_path_is_reported_as_such(router):
    run = make_run(router, 1, ["profile_echo"], url=router.url.replace("/ws", "/nope"))
    with pytest.raises(JoinError, match="closed the connection before the session joined"):
        run_profile(run)


MEASURE_MEMORY = """
import asyncio, gc, json, sys
import psutil
from modelservice.profiling.identities import PlayerIdentity
from modelservice.profiling.players import PlayerRuntime, SimulatedPlayer
from modelservice.profiling.wamp import RouterAddress

async def main(url, ticket, players):
    shared = PlayerRuntime(RouterAddress.parse(url, "realm1"), ticket=ticket, join_timeout=30)
    warm = SimulatedPlayer(PlayerIdentity("warm@calc.edu", "warm@calc.edu"), shared)
    await warm.join()  # imports and first-connection costs are not per player
    made = [SimulatedPlayer(PlayerIdentity(f"m{i}@calc.edu", f"m{i}@calc.edu"), shared)
            for i in range(players)]
    gc.collect()
    before = psutil.Process().memory_info().rss
    gate = asyncio.Semaphore(100)
    async def join(player):
        async with gate:
            await player.join()
    await asyncio.wait_for(asyncio.gather(*(join(p) for p in made)), 60)
    gc.collect()
    grown = psutil.Process().memory_info().rss - before
    await asyncio.gather(*(p.close() for p in [warm, *made]))
    print(json.dumps({"kb_per_player": grown / players / 1024}))

asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3])))
"""


@pytest.mark.parametrize("players", [300, 1000])
def test_memory_per_joined_player_stays_small(router, players):
    """RSS growth per joined player (WAMP session, connection, player object), in a fresh process."""
    done = subprocess.run([sys.executable, "-c", MEASURE_MEMORY, router.url, router.profiler_ticket,
                           str(players)], capture_output=True, text=True, timeout=120, cwd=REPO)
    assert done.returncode == 0, done.stderr[-2000:]
    per_player_kb = json.loads(done.stdout.strip().splitlines()[-1])["kb_per_player"]
    print(f"RSS growth per joined player at {players}: {per_player_kb:.1f} kB")
    assert 0 < per_player_kb <= MEMORY_LIMIT_KB
