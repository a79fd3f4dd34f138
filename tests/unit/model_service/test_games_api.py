"""The games-API client against a small aiohttp server on a free loopback port:
basic auth, Link pagination, status mapping, get_or_create under a duplicate, one pooled session."""
from __future__ import annotations

import asyncio
import base64
import socket

import pytest
from aiohttp import web

from demo.model_service.errors import (ApiBadRequest, ApiNotAuthenticated, ApiNotFound,
                                       GamesApiUnavailable)
from demo.model_service.games_api import GamesApi

AUTH = ("staff@simpl.world", "s3cret:with-colon")
ROWS = [{"id": n, "name": f"r{n}", "period": 1, "role": None} for n in range(1, 8)]


def make_app(seen: dict) -> web.Application:
    table = seen["rows"] = [dict(row) for row in ROWS]  # this app's own copy

    async def results(request: web.Request) -> web.Response:
        seen.setdefault("auth", set()).add(request.headers.get("Authorization"))
        seen.setdefault("peers", set()).add(request.transport.get_extra_info("peername"))
        page = int(request.query.get("page", "1"))
        size = 3
        rows = [r for r in table if request.query.get("name") in (None, r["name"])]
        chunk = rows[(page - 1) * size: page * size]
        headers = {}
        if page * size < len(rows):
            query = {**request.query, "page": str(page + 1)}
            headers["Link"] = f'<{request.url.with_query(query)}>; rel="next"'
        return web.json_response(chunk, headers=headers)

    async def create(request: web.Request) -> web.Response:
        payload = await request.json()
        if payload["name"] == "dup":
            seen["dup_posts"] = seen.get("dup_posts", 0) + 1
            if not seen.get("winner_gone"):
                table.append({"id": 99, "name": "dup", "period": 1, "role": None})  # other writer
            return web.json_response({"non_field_errors": ["must make a unique set"]}, status=400)
        return web.json_response({"id": 50, **payload}, status=201)

    async def missing(request: web.Request) -> web.Response:
        return web.json_response({"detail": "Not found."}, status=404)

    async def denied(request: web.Request) -> web.Response:
        return web.json_response({"detail": "Invalid username/password."}, status=401)

    app = web.Application()
    app.router.add_get("/apis/results/", results)
    app.router.add_post("/apis/results/", create)
    app.router.add_get("/apis/runs/{pk}/", missing)
    app.router.add_get("/apis/users/", denied)
    return app


@pytest.fixture
def served():
    """Run `scenario(api, seen)` against the app on a free port, then shut everything down."""
    def run(scenario):
        async def main():
            seen: dict = {}
            runner = web.AppRunner(make_app(seen))
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]
            try:
                async with GamesApi(f"http://127.0.0.1:{port}/apis", AUTH) as api:
                    await scenario(api, seen)
            finally:
                await runner.cleanup()
            return seen
        return asyncio.run(main())
    return run


def test_filter_follows_link_pages_over_one_connection(served):
    async def scenario(api, seen):
        rows = await api.filter("result", period=1)
        assert [r["id"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]

    seen = served(scenario)
    expected = "Basic " + base64.b64encode(":".join(AUTH).encode()).decode()
    assert seen["auth"] == {expected}
    assert len(seen["peers"]) == 1  # keep-alive: three pages, one TCP connection


def test_status_codes_map_to_errors(served):
    async def scenario(api, seen):
        with pytest.raises(ApiNotFound):
            await api.get("run", 5)
        with pytest.raises(ApiNotAuthenticated):
            await api.filter("user", email="x")

    served(scenario)


def test_get_or_create_reads_the_winner_after_a_duplicate(served):
    async def scenario(api, seen):
        row, created = await api.get_or_create("result", {"name": "dup", "period": 1, "role": None})
        assert (row["id"], created) == (99, False)
        row, created = await api.get_or_create("result", {"name": "fresh", "period": 1, "role": None},
                                               {"data": {"x": 1}})
        assert created and row["data"] == {"x": 1}
        with pytest.raises(ApiBadRequest):
            # a 400 that is not a duplicate (nothing to read back) is raised
            seen["winner_gone"] = True
            seen["rows"].pop()
            await api.get_or_create("result", {"name": "dup", "period": 1, "role": None})

    seen = served(scenario)
    assert seen["dup_posts"] == 2


def test_null_lookups_are_checked_on_the_rows_not_sent():
    api = GamesApi("http://127.0.0.1:9/apis", AUTH)
    sent = {}

    async def fake_filter(resource, **params):
        sent.update(params)
        return [{"id": 1, "name": "a", "role": 3}, {"id": 2, "name": "a", "role": None}]

    api.filter = fake_filter
    found = asyncio.run(api._matching("result", {"name": "a", "role": None}))
    assert sent == {"name": "a"} and [r["id"] for r in found] == [2]


def test_unreachable_api_is_games_api_unavailable():
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        port = placeholder.getsockname()[1]

        async def scenario():
            async with GamesApi(f"http://127.0.0.1:{port}/apis", AUTH) as api:
                await api.filter("game")

        with pytest.raises(GamesApiUnavailable, match="games API GET"):
            asyncio.run(scenario())
