"""Binding clients to a simulated player: one pool per player, every request observed."""
from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any
import aiohttp
import pytest

from modelservice.simpl import sync
from modelservice.simpl import (
    HttpBinding,
    ResourceNotFound,
    TransportError,
    bind_http,
    current_http_binding,
    games_client,
    games_client_factory,
    player_http_session,
)

from .fake_api import FakeGamesApi
from .test_client import free_port


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, float, str | None]] = []

    def __call__(self, operation: str, seconds: float, error: str | None) -> None:
        self.calls.append((operation, seconds, error))

    @property
    def outcomes(self) -> list[tuple[str, str | None]]:
        return [(operation, error) for operation, _, error in self.calls]


def test_observer_sees_operation_templates_durations_and_errors(api: FakeGamesApi) -> None:
    api.seed("games", {"name": "Simpl Calc", "slug": "simpl-calc"})
    api.seed("runs", *({"name": f"r{i}", "game": 1} for i in range(3)))
    scenario, = api.seed("scenarios", {"name": "S", "runuser": 1})
    recorder = Recorder()

    async def player() -> None:
        binding = HttpBinding(None, recorder)
        with bind_http(binding):
            async with games_client_factory() as s:
                runs = await s.runs.filter(page_size=2)          # two pages, two requests
                runs[0].name = "renamed"
                await runs[0].save()
                await s.games.get(slug="simpl-calc")
                with pytest.raises(ResourceNotFound):
                    await s.periods.get(id=12345)
                await s.scenarios.rewind(scenario["id"])
                await s.users.get_or_create(email="n@calc.edu")  # empty list: no error
                await s.games.get_or_create(slug="new", defaults={"name": "New"})
        await binding.aclose()

    asyncio.run(player())
    assert recorder.outcomes == [
        ("GET /apis/runs/", None), ("GET /apis/runs/", None),
        ("PUT /apis/runs/{id}/", None),
        ("GET /apis/games/{id}/", None),
        ("GET /apis/periods/{id}/", "404"),
        ("POST /apis/scenarios/{id}/rewind/", None),
        ("GET /apis/users/", None), ("POST /apis/users/", None),
        ("GET /apis/games/{id}/", None),  # a 404 get_or_create expects is not an error
        ("POST /apis/games/", None),
    ]
    assert all(0 < seconds < 5 for _, seconds, _ in recorder.calls)


def test_observer_sees_connection_errors_by_exception_class() -> None:
    recorder = Recorder()

    async def player() -> None:
        binding = HttpBinding(None, recorder)
        with bind_http(binding):
            async with games_client_factory(f"http://127.0.0.1:{free_port()}/x/", False) as s:
                with pytest.raises(TransportError):
                    await s.runs.get(id=1)
        await binding.aclose()

    asyncio.run(player())
    assert recorder.outcomes == [("GET /x/runs/{id}/", "ClientConnectorError")]


def test_clients_in_a_binding_share_its_pool_and_leave_it_open(api: FakeGamesApi) -> None:
    async def player() -> tuple[aiohttp.ClientSession, bool]:
        session = player_http_session()
        binding = HttpBinding(session, None)
        with bind_http(binding):
            for _ in range(3):  # three `async with` blocks, as three task steps would
                async with games_client_factory() as s:
                    await s.runs.all()
            await games_client.runs.all()  # unentered use goes through the binding too
        await binding.aclose()  # not ours: stays open
        still_open = not session.closed
        await session.close()
        return session, still_open

    _, still_open = asyncio.run(player())
    assert still_open
    assert len({entry.client_port for entry in api.state.log}) == 1


def test_lazy_binding_creates_its_pool_on_first_request_and_closes_it(api: FakeGamesApi) -> None:
    async def player() -> None:
        binding = HttpBinding()
        assert not binding.has_session
        with bind_http(binding):
            client = games_client_factory()
            assert not binding.has_session  # a client alone costs no pool
            async with client as s:
                await s.runs.all()
        assert binding.has_session
        session = binding.session
        await binding.aclose()
        assert session.closed and not binding.has_session

    asyncio.run(player())


def test_players_on_one_loop_have_separate_pools_and_observers(api: FakeGamesApi) -> None:
    recorders = [Recorder() for _ in range(3)]

    async def player(index: int) -> aiohttp.ClientSession:
        binding = HttpBinding(None, recorders[index])
        with bind_http(binding):
            async with games_client_factory() as s:
                for _ in range(index + 1):
                    await s.runs.all()
                    await asyncio.sleep(0)  # interleave with the other players
            session = binding.session
        await binding.aclose()
        return session

    async def all_players() -> list[aiohttp.ClientSession]:
        return await asyncio.gather(*(player(i) for i in range(3)))

    sessions = asyncio.run(all_players())
    assert len({id(session) for session in sessions}) == 3
    assert [len(r.calls) for r in recorders] == [1, 2, 3]
    assert len({entry.client_port for entry in api.state.log}) == 3


def test_bind_http_restores_the_previous_binding_and_is_inherited_by_tasks() -> None:
    outer, inner = HttpBinding(), HttpBinding()

    async def check() -> None:
        assert current_http_binding.get() is None
        with bind_http(outer):
            with bind_http(inner):
                assert await asyncio.create_task(_current()) is inner
            assert current_http_binding.get() is outer
            with bind_http(None):
                assert current_http_binding.get() is None
        assert current_http_binding.get() is None

    asyncio.run(check())


async def _current() -> HttpBinding | None:
    return current_http_binding.get()


def test_unbound_client_owns_and_closes_its_session(api: FakeGamesApi) -> None:
    async def scenario() -> aiohttp.ClientSession:
        async with games_client_factory() as s:
            await s.runs.all()
            session = s._session
        assert session is not None and session.closed
        return session

    asyncio.run(scenario())


def test_player_http_session_settings() -> None:
    async def make() -> None:
        session = player_http_session(limit=2, timeout=7)
        try:
            assert session.connector is not None and session.connector.limit == 2
            assert session.timeout.total == 7
        finally:
            await session.close()
        with pytest.raises(ValueError, match="at least 1"):
            player_http_session(limit=0)

    asyncio.run(make())


def test_repr_says_what_the_binding_holds() -> None:
    assert "lazy" in repr(HttpBinding())


def run_in_player_thread(binding: HttpBinding, function: Any) -> threading.Thread:
    """Run `function` in a thread with `binding` current, as the engine runs a sync task."""
    def body() -> None:
        current_http_binding.set(binding)
        function()
    thread = threading.Thread(target=contextvars.Context().run, args=(body,), daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("style", ["blocking client", "asyncio.run in the thread"])
def test_sync_task_in_a_thread_is_timed_on_the_players_loop_without_its_pool(
        api: FakeGamesApi, style: str) -> None:
    def blocking_task() -> None:
        with sync.games_client_factory() as s:
            s.runs.all()
        sync.games_client.runs.all()  # unentered: one-off session, still observed

    def asyncio_task() -> None:
        async def requests() -> None:
            async with games_client_factory() as s:
                await s.runs.all()
            await games_client.runs.all()
        asyncio.run(requests())

    async def player() -> tuple[list[tuple[str, int]], bool]:
        seen: list[tuple[str, int]] = []
        both = asyncio.Event()

        def observer(operation: str, seconds: float, error: str | None) -> None:
            seen.append((operation, threading.get_ident()))
            if len(seen) == 2:
                both.set()

        binding = HttpBinding(None, observer)
        thread = run_in_player_thread(
            binding, blocking_task if style == "blocking client" else asyncio_task)
        await asyncio.wait_for(both.wait(), timeout=10)
        await asyncio.to_thread(thread.join, 10)
        pool_used = binding.has_session
        await binding.aclose()
        return seen, pool_used

    seen, pool_used = asyncio.run(player())
    assert seen == [("GET /apis/runs/", threading.get_ident())] * 2  # on the loop's thread
    assert not pool_used  # the pool belongs to the player's loop; the thread made its own
