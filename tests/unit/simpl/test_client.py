"""The async games-API client against the fake API (a real HTTP server on a free port)."""
from __future__ import annotations

import asyncio
import copy
import json
import socket
from typing import Any

import aiohttp
import pytest

from modelservice.conf import ImproperlyConfigured
from modelservice.simpl import (
    BadRequestError,
    GamesClient,
    HTTPError,
    MultipleResourcesFound,
    NotAuthenticatedError,
    RequestTimeout,
    Resource,
    ResourceNotFound,
    TransportError,
    games_client,
    games_client_factory,
)

from .fake_api import FakeGamesApi


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def requests(api: FakeGamesApi) -> list[tuple[str, str]]:
    return [(entry.method, entry.path_qs) for entry in api.state.log]


def seed_calc(api: FakeGamesApi) -> dict[str, Any]:
    game, = api.seed("games", {"name": "Simpl Calc", "slug": "simpl-calc"})
    other, = api.seed("games", {"name": "Simpl Div", "slug": "simpl-div"})
    run_a, = api.seed("runs", {"name": "a", "game": game["id"], "active": True})
    api.seed("runs", {"name": "a", "game": other["id"], "active": True})
    user, = api.seed("users", {"email": "a1@calc.edu"})
    world, = api.seed("worlds", {"name": "World 1", "run": run_a["id"]})
    runuser, = api.seed("runusers", {"user": user["id"], "run": run_a["id"],
                                     "world": world["id"]})
    return {"game": game, "run": run_a, "user": user, "world": world, "runuser": runuser}


def test_task_file_snippet_finds_run_user_and_runuser(api: FakeGamesApi) -> None:
    seeded = seed_calc(api)

    async def task() -> Any:
        async with games_client_factory() as coro_session:
            run_ = await coro_session.runs.get(game_slug="simpl-calc", name="a")
            user = await coro_session.users.get(email="a1@calc.edu")
            return await coro_session.runusers.get(run=run_.id, user=user.id)

    runuser = run(task())
    assert runuser.id == seeded["runuser"]["id"]
    assert runuser.world == runuser["world"] == seeded["world"]["id"]
    assert requests(api)[-3:] == [
        ("GET", "/apis/runs/?game_slug=simpl-calc&name=a"),
        ("GET", "/apis/users/?email=a1@calc.edu"),
        ("GET", f"/apis/runusers/?run={seeded['run']['id']}&user={seeded['user']['id']}"),
    ]


def test_get_uses_the_path_for_id_and_slug_and_ignores_other_keys(api: FakeGamesApi) -> None:
    seeded = seed_calc(api)

    async def lookups() -> tuple[Any, Any]:
        async with games_client_factory() as s:
            return (await s.runs.get(id=seeded["run"]["id"], name="ignored"),
                    await s.games.get(slug="simpl-calc"))

    found_run, game = run(lookups())
    assert found_run.name == "a" and game.id == seeded["game"]["id"]
    assert requests(api) == [("GET", f"/apis/runs/{seeded['run']['id']}/"),
                             ("GET", "/apis/games/simpl-calc/")]


def test_get_raises_not_found_and_multiple(api: FakeGamesApi) -> None:
    seed_calc(api)

    async def failures() -> None:
        async with games_client_factory() as s:
            with pytest.raises(ResourceNotFound, match="404"):
                await s.runs.get(id=999)
            with pytest.raises(ResourceNotFound, match="no users match"):
                await s.users.get(email="nobody@calc.edu")
            with pytest.raises(MultipleResourcesFound, match="2 runs match"):
                await s.runs.get(name="a")

    run(failures())


def test_filter_follows_link_next_across_pages(api: FakeGamesApi) -> None:
    api.seed("runs", *({"name": f"r{i}", "game": 1} for i in range(5)))

    async def listing() -> tuple[list[Any], list[Any]]:
        async with games_client_factory() as s:
            return await s.runs.filter(page_size=2), await s.runs.all()

    paged, everything = run(listing())
    assert [r.name for r in paged] == [f"r{i}" for i in range(5)]
    assert paged == everything
    assert [path for method, path in requests(api)][:3] == [
        "/apis/runs/?page_size=2", "/apis/runs/?page_size=2&page=2",
        "/apis/runs/?page_size=2&page=3"]
    assert len(api.state.log) == 4


def test_query_values_are_stringified_like_the_original(api: FakeGamesApi) -> None:
    seeded = seed_calc(api)

    async def filters() -> None:
        async with games_client_factory() as s:
            await s.runs.filter(active=True, phase=None, game=1)
            run_ = await s.runs.get(id=seeded["run"]["id"])
            await s.worlds.filter(run=run_)  # a resource stands for its id

    run(filters())
    paths = [path for method, path in requests(api)]
    assert paths[0] == "/apis/runs/?active=True&phase=None&game=1"
    assert paths[2] == f"/apis/worlds/?run={seeded['run']['id']}"


def test_create_returns_the_object_and_bad_request_carries_the_body(api: FakeGamesApi) -> None:
    async def creating() -> Any:
        async with games_client_factory() as s:
            created = await s.runs.create({"name": "b", "game": 1})
            with pytest.raises(BadRequestError) as caught:
                await s.runs.create({"name": "no game"})
            return created, caught.value

    created, error = run(creating())
    assert created.id > 0 and created.name == "b"
    assert error.status == 400 and json.loads(error.body) == {"game": ["This field is required."]}
    assert "POST" in str(error) and "/apis/runs/" in str(error)


def test_get_or_create_posts_lookup_and_defaults_once(api: FakeGamesApi) -> None:
    async def twice() -> tuple[Any, Any]:
        async with games_client_factory() as s:
            first = await s.users.get_or_create(email="x@calc.edu", defaults={"first_name": "X"})
            second = await s.users.get_or_create(email="x@calc.edu", defaults={"first_name": "Y"})
            game = await s.games.get_or_create(slug="simpl-new", defaults={"name": "New"})
            return first, second, game

    first, second, game = run(twice())
    assert first == second and first.first_name == "X"
    posts = [json.loads(e.body) for e in api.state.log if e.method == "POST"]
    assert posts == [{"email": "x@calc.edu", "first_name": "X"},
                     {"slug": "simpl-new", "name": "New"}]
    assert game.slug == "simpl-new"


def test_create_or_update_puts_with_id_patches_on_400_and_posts_without(api: FakeGamesApi) -> None:
    existing, = api.seed("runs", {"name": "a", "game": 1})

    async def saving() -> tuple[Any, Any, Any]:
        async with games_client_factory() as s:
            put = await s.runs.create_or_update({**existing, "name": "renamed"})
            patched = await s.runs.create_or_update({"id": existing["id"], "active": False})
            posted = await s.runs.create_or_update({"name": "new", "game": 1})
            return put, patched, posted

    put, patched, posted = run(saving())
    assert put.name == "renamed" and patched.active is False and patched.name == "renamed"
    assert posted.id != existing["id"]
    detail = f"/apis/runs/{existing['id']}/"
    assert requests(api) == [("PUT", detail), ("PUT", detail), ("PATCH", detail),
                             ("POST", "/apis/runs/")]


def test_resource_fields_save_and_delete(api: FakeGamesApi) -> None:
    existing, = api.seed("runs", {"name": "a", "game": 1, "phase": None})

    async def editing() -> Any:
        async with games_client_factory() as s:
            run_ = await s.runs.get(id=existing["id"])
            assert run_.pk == run_.id == existing["id"] and "phase" in run_
            with pytest.raises(AttributeError, match="no field 'colour'"):
                run_.colour
            run_.phase = 7
            run_["name"] = "b"
            await run_.save()
            await run_.delete()
            with pytest.raises(ResourceNotFound):
                await s.runs.get(id=existing["id"])
            return run_

    saved = run(editing())
    assert saved.payload == {"name": "b", "game": 1, "phase": 7, "id": existing["id"]}
    put = next(e for e in api.state.log if e.method == "PUT")
    assert json.loads(put.body)["phase"] == 7


def test_delete_by_pk_and_games_by_slug(api: FakeGamesApi) -> None:
    existing, = api.seed("runs", {"name": "a", "game": 1})
    api.seed("games", {"name": "Gone", "slug": "gone"})

    async def deleting() -> None:
        async with games_client_factory() as s:
            await s.runs.delete(existing["id"])
            with pytest.raises(ResourceNotFound):
                await s.runs.delete(existing["id"])
            game = await s.games.get(slug="gone")
            await game.delete()

    run(deleting())
    assert ("DELETE", "/apis/games/gone/") in requests(api)
    assert api.state.objects["runs"] == {} and api.state.objects["games"] == {}


def test_bulk_create_and_delete(api: FakeGamesApi) -> None:
    api.seed("runs", {"name": "keep", "game": 2})

    async def bulk() -> tuple[list[Any], list[Any]]:
        async with games_client_factory() as s:
            created = await s.bulk.runs.create([{"name": f"b{i}", "game": 1} for i in range(3)])
            ids = await s.bulk.runs.create([{"name": "c", "game": 1}], return_ids=True)
            with pytest.raises(ValueError, match="needs at least one filter"):
                await s.bulk.runs.delete()
            await s.bulk.runs.delete(game=1)
            return created, ids

    created, ids = run(bulk())
    assert [r.name for r in created] == ["b0", "b1", "b2"] and all(r.id for r in created)
    assert created[0].endpoint.path == "runs/"  # saved through the ordinary endpoint
    assert ids == [created[-1].id + 1]
    assert [r["name"] for r in api.state.objects["runs"].values()] == ["keep"]
    assert requests(api)[-1] == ("DELETE", "/apis/bulk/runs/?game=1")


def test_rewind_and_generic_detail_route(api: FakeGamesApi) -> None:
    scenario, = api.seed("scenarios", {"name": "S", "runuser": 1})

    async def routes() -> None:
        async with games_client_factory() as s:
            assert await s.scenarios.rewind(scenario["id"], last_period_order=1) is None
            await s.scenarios.detail_route(scenario["id"], "rewind", payload={})

    run(routes())
    assert api.state.rewinds == [(scenario["id"], {"last_period_order": 1}), (scenario["id"], {})]


def test_authentication_errors(api: FakeGamesApi) -> None:
    async def unauthenticated() -> None:
        async with games_client_factory(auth=False) as s:
            with pytest.raises(NotAuthenticatedError) as caught:
                await s.runs.all()
            assert caught.value.status == 401
        async with games_client_factory(auth=("staff@x.edu", "wrong")) as s:
            with pytest.raises(NotAuthenticatedError):
                await s.runs.all()

    run(unauthenticated())
    assert all(entry.path_qs == "/apis/runs/" for entry in api.state.log)


def test_unexpected_status_and_non_json_bodies_raise_http_error(api: FakeGamesApi) -> None:
    async def broken() -> None:
        async with games_client_factory() as s:
            with pytest.raises(HTTPError, match="answered 500") as caught:
                await s.endpoint("boom").all()
            assert caught.value.status == 500 and "Server Error" in caught.value.body
            with pytest.raises(HTTPError, match="expected a JSON body"):
                await s.endpoint("notjson").all()

    run(broken())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_connection_refused_becomes_transport_error_from_aiohttp() -> None:
    async def refused() -> TransportError:
        async with games_client_factory(f"http://127.0.0.1:{free_port()}/apis", ("a", "b")) as s:
            with pytest.raises(TransportError) as caught:
                await s.runs.all()
            return caught.value

    error = run(refused())
    assert isinstance(error.__cause__, aiohttp.ClientConnectorError)
    assert error.reason == "ClientConnectorError" and "is the games API running?" in str(error)


def test_slow_answer_becomes_request_timeout(api: FakeGamesApi) -> None:
    async def slow() -> None:
        async with games_client_factory(timeout=0.2) as s:
            with pytest.raises(RequestTimeout, match="hang"):
                await s.endpoint("hang").all()

    run(slow())


@pytest.mark.parametrize("suffix", ["", "/"])
def test_base_url_with_or_without_trailing_slash(api: FakeGamesApi, suffix: str) -> None:
    async def listing() -> list[Any]:
        async with games_client_factory(api.url + suffix) as s:
            return await s.runs.all()

    assert run(listing()) == []
    assert requests(api) == [("GET", "/apis/runs/")]


@pytest.mark.parametrize("url", ["localhost:8100/apis", "ftp://x/apis", "http:///apis",
                                 "http://h/apis?x=1"])
def test_bad_base_url_is_refused_with_a_clear_message(url: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="SIMPL_GAMES_URL must be an http"):
        GamesClient(url, False)


def test_one_async_with_block_reuses_one_connection(api: FakeGamesApi) -> None:
    async def many() -> None:
        async with games_client_factory() as s:
            for _ in range(5):
                await s.runs.all()
        for _ in range(2):  # without `async with`: a connection per request, as the original
            await games_client_factory().runs.all()

    run(many())
    ports = [entry.client_port for entry in api.state.log]
    assert len(set(ports[:5])) == 1
    assert len(set(ports[5:])) == 2 and ports[0] not in ports[5:]


def test_unknown_endpoint_names_are_refused_and_endpoint_reaches_others(api: FakeGamesApi) -> None:
    client = games_client_factory()
    with pytest.raises(AttributeError, match="no endpoint 'run'"):
        client.run
    with pytest.raises(AttributeError, match="no bulk endpoint 'users'"):
        client.bulk.users
    assert client.endpoint("hooks").path == "hooks/"
    assert client.ResourceNotFound is ResourceNotFound is games_client.ResourceNotFound


def test_client_cannot_be_entered_twice(api: FakeGamesApi) -> None:
    async def twice() -> None:
        client = games_client_factory()
        async with client:
            with pytest.raises(RuntimeError, match="already open"):
                await client.__aenter__()

    run(twice())


def test_module_level_games_client_is_safe_for_concurrent_tasks(api: FakeGamesApi) -> None:
    api.seed("runs", {"name": "a", "game": 1})

    async def player() -> tuple[GamesClient, GamesClient, int]:
        async with games_client as s:
            await asyncio.sleep(0)  # let the other player enter in between
            runs = await games_client.runs.all()  # the shared name resolves to this task's client
            return s, games_client._current(), len(runs)

    async def two_players() -> list[Any]:
        results = await asyncio.gather(player(), player())
        assert len(await games_client.runs.all()) == 1  # unentered use still works
        return results

    (s1, current1, n1), (s2, current2, n2) = run(two_players())
    assert s1 is current1 and s2 is current2 and s1 is not s2 and n1 == n2 == 1


def test_resources_copy_and_refuse_to_overwrite_properties(api: FakeGamesApi) -> None:
    resource = Resource(games_client_factory().runs, {"id": 1, "name": "a", "data": {"k": [1]}})
    clone = copy.deepcopy(resource)
    clone.data["k"].append(2)
    assert clone.endpoint is resource.endpoint and resource.data == {"k": [1]} and clone.id == 1
    with pytest.raises(AttributeError, match="set resource\\['pk'\\]"):
        resource.pk = 2
