"""The blocking client: same surface, run on a private event loop thread."""
from __future__ import annotations

import asyncio
import json

import pytest

from modelservice.simpl import sync
from modelservice.simpl.sync import (
    BadRequestError,
    MultipleResourcesFound,
    ResourceNotFound,
    SyncResource,
    games_client,
    games_client_factory,
)

from .fake_api import FakeGamesApi


def test_setup_script_shape_with_blocking_calls(api: FakeGamesApi) -> None:
    with games_client_factory() as s:
        game = s.games.get_or_create(slug="simpl-calc", defaults={"name": "Simpl Calc"})
        phase = s.phases.get_or_create(game=game.id, name="Play", order=1)
        run = s.runs.get_or_create(game=game.id, name="a")
        run.phase = phase.id
        assert run.save() is run
        players = s.bulk.runusers.create([{"run": run, "user": n} for n in (1, 2)])
        assert all(isinstance(p, SyncResource) for p in players)
        assert [p.id for p in s.runusers.filter(run=run.id)] == [p.id for p in players]
        players[0].delete()
        with pytest.raises(ResourceNotFound):
            s.runusers.get(id=players[0].id)
        s.phases.create({"game": game.id, "name": "Debrief", "order": 2})
        with pytest.raises(MultipleResourcesFound):
            s.phases.get_or_create(game=game.id)
        with pytest.raises(BadRequestError):
            s.runs.create({"name": "no game"})
    assert api.state.objects["runs"][run.id]["phase"] == phase.id
    bulk_post = next(e for e in api.state.log if e.path_qs == "/apis/bulk/runusers/")
    assert json.loads(bulk_post.body) == [{"run": run.id, "user": 1}, {"run": run.id, "user": 2}]
    assert len({e.client_port for e in api.state.log}) == 1  # one keep-alive connection


def test_module_level_blocking_client_with_and_without_with(api: FakeGamesApi) -> None:
    api.seed("runs", {"name": "a", "game": 1})
    assert [r.name for r in games_client.runs.all()] == ["a"]
    with games_client as s:
        assert s.runs.get(name="a").name == "a"
        assert games_client.runs.get(name="a").name == "a"
    assert games_client.ResourceNotFound is ResourceNotFound
    assert games_client_factory().base_url == api.url + "/"


def test_blocking_client_refuses_to_run_on_its_own_loop(api: FakeGamesApi) -> None:
    async def inside() -> None:
        games_client_factory().runs.all()

    with pytest.raises(RuntimeError, match="from its own event loop"):
        sync._runner.run(inside())


def test_blocking_client_can_be_used_from_a_coroutine_thread_safely(api: FakeGamesApi) -> None:
    # A script that happens to run an event loop of its own still gets an answer.
    async def caller() -> int:
        return len(games_client_factory().runs.all())

    assert asyncio.run(caller()) == 0
