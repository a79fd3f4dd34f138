"""The async games-API client against the real demo games API (gunicorn, Django, SQLite)."""
from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from demo.gamesapi.server import GamesApiServer
from modelservice.simpl import (
    BadRequestError,
    HttpBinding,
    NotAuthenticatedError,
    ResourceNotFound,
    bind_http,
    games_client_factory,
    player_http_session,
)

pytestmark = pytest.mark.integration



@pytest.fixture
def client_env(api: GamesApiServer, monkeypatch: pytest.MonkeyPatch) -> GamesApiServer:
    for name, value in api.client_env.items():
        monkeypatch.setenv(name, value)
    return api


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


async def seed_calc_run(s: Any, run_name: str, players: int = 2) -> dict[str, Any]:
    """The shape of simpl-calc's create_default_env, through our client."""
    slug = unique("calc")
    game = await s.games.get_or_create(slug=slug, defaults={"name": slug})
    run = await s.runs.create({"game": game.id, "name": run_name})
    world = await s.worlds.create({"run": run.id, "name": "World 1"})
    emails = []
    for n in range(1, players + 1):
        email = f"{run_name}{n}-{secrets.token_hex(3)}@calc.edu"
        user = await s.users.create({"email": email, "first_name": f"Student{n}",
                                     "last_name": "User", "password": secrets.token_urlsafe(8)})
        await s.runusers.create({"user": user.id, "run": run.id, "world": world.id})
        emails.append(email)
    return {"game": game, "run": run, "world": world, "emails": emails}


def test_task_file_lookups_against_the_real_api_are_observed(client_env: GamesApiServer) -> None:
    seen: list[tuple[str, str | None]] = []

    async def task() -> tuple[dict[str, Any], Any]:
        async with games_client_factory() as s:
            seeded = await seed_calc_run(s, "a")
        binding = HttpBinding(None, lambda op, seconds, error: seen.append((op, error)))
        try:
            with bind_http(binding):
                # As the reference profile_test.py does it:
                async with games_client_factory() as coro_session:
                    run = await coro_session.runs.get(game_slug=seeded["game"].slug, name="a")
                    user = await coro_session.users.get(email=seeded["emails"][1])
                    runuser = await coro_session.runusers.get(run=run.id, user=user.id)
        finally:
            await binding.aclose()
        return seeded, runuser

    seeded, runuser = asyncio.run(task())
    assert runuser.world == seeded["world"].id and runuser.run == seeded["run"].id
    assert runuser.email == seeded["emails"][1]
    assert seen == [("GET /apis/runs/", None), ("GET /apis/users/", None),
                    ("GET /apis/runusers/", None)]


def test_create_get_filter_paginate_update_delete(client_env: GamesApiServer) -> None:
    async def crud() -> None:
        async with games_client_factory() as s:
            game = await s.games.create({"name": unique("Game"), "slug": ""})
            assert game.slug  # the API made one from the name
            assert (await s.games.get(slug=game.slug)).id == game.id
            runs = [await s.runs.create({"game": game.id, "name": f"r{i}"}) for i in range(5)]
            paged = await s.runs.filter(game=game.id, page_size=2)  # three pages
            assert [r.id for r in paged] == [r.id for r in runs]
            run = await s.runs.get(id=runs[0].id)
            run.active = False
            await run.save()
            assert await s.runs.filter(game=game.id, active=False) == [run]
            assert len(await s.runs.filter(game=game.id, active=True)) == 4
            await s.runs.delete(runs[1].id)
            with pytest.raises(ResourceNotFound):
                await s.runs.get(id=runs[1].id)
            await game.delete()  # cascades to its runs
            assert await s.runs.filter(game_slug=game.slug) == []

    asyncio.run(crud())


def test_bulk_create_and_delete(client_env: GamesApiServer) -> None:
    async def bulk() -> None:
        async with games_client_factory() as s:
            game = await s.games.create({"name": unique("Bulk"), "slug": unique("bulk")})
            created = await s.bulk.runs.create(
                [{"game": game.id, "name": f"b{i}"} for i in range(4)])
            assert len({r.id for r in created}) == 4
            assert len(await s.runs.filter(game=game.id)) == 4
            with pytest.raises(ValueError):
                await s.bulk.runs.delete()
            await s.bulk.runs.delete(game=game.id, name="b0")
            assert sorted(r.name for r in await s.runs.filter(game=game.id)) == ["b1", "b2", "b3"]
            await s.bulk.runs.delete(game=game.id)
            assert await s.runs.filter(game=game.id) == []

    asyncio.run(bulk())


def test_rewind_deletes_later_periods(client_env: GamesApiServer) -> None:
    async def rewind() -> None:
        async with games_client_factory() as s:
            seeded = await seed_calc_run(s, "w", players=1)
            runuser = (await s.runusers.filter(run=seeded["run"].id))[0]
            scenario = await s.scenarios.create({"runuser": runuser.id, "name": "Scenario 1"})
            for order in (1, 2, 3):
                await s.periods.create({"scenario": scenario.id, "order": order})
            await s.scenarios.rewind(scenario.id, last_period_order=1)
            periods = await s.periods.filter(scenario=scenario.id)
            assert [p.order for p in periods] == [1]

    asyncio.run(rewind())


def test_api_errors_map_to_client_exceptions(client_env: GamesApiServer) -> None:
    async def errors() -> None:
        async with games_client_factory() as s:
            with pytest.raises(BadRequestError) as caught:
                await s.runusers.filter(run=10**9)  # a foreign-key filter must name a row
            assert "run" in caught.value.body
            with pytest.raises(BadRequestError, match="required"):
                await s.runs.create({"name": "no game"})
        async with games_client_factory(auth=(client_env.staff_auth[0], "wrong")) as s:
            with pytest.raises(NotAuthenticatedError):
                await s.runs.all()

    asyncio.run(errors())


def connections_opened(url: str, auth: tuple[str, str], requests: int) -> int:
    """How many TCP connections one player's pool opens for `requests` sequential requests."""
    created: list[object] = []

    async def on_create(session: Any, context: Any, params: Any) -> None:
        created.append(params)

    async def player() -> None:
        trace = aiohttp.TraceConfig()
        trace.on_connection_create_end.append(on_create)
        pool = player_http_session(trace_configs=[trace])
        try:
            with bind_http(HttpBinding(pool, None)):
                for _ in range(requests):
                    async with games_client_factory(url, auth) as s:
                        assert isinstance(await s.games.all(), list)
        finally:
            await pool.close()

    asyncio.run(player())
    return len(created)


def test_a_player_pool_keeps_one_connection_alive(api: GamesApiServer) -> None:
    assert connections_opened(api.url, api.staff_auth, 10) == 1


def test_sync_gunicorn_workers_close_connections_and_the_client_copes(tmp_path: Path) -> None:
    # Plain sync workers answer `Connection: close`: a new socket per request, no errors.
    with GamesApiServer(tmp_path, port=0, workers=1) as server:
        assert connections_opened(server.url, server.staff_auth, 5) == 5
