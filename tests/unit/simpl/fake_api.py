"""A small, real aiohttp.web server that imitates the games API for the client's unit tests.

It keeps objects in memory and reproduces the behaviour the client depends on (reference
§A): bare JSON arrays with ``Link: <...>; rel="next"`` pagination (`page`, `page_size`),
games looked up by slug, 201/204/400/401/404 answers, bulk create and delete, the scenarios'
`rewind` route, and unknown query parameters ignored. It also offers routes that misbehave
on purpose (`/apis/boom/` 500, `/apis/notjson/`, `/apis/hang/`) and logs every request with
the client's port, so tests can see connection reuse.

`FakeGamesApi` runs it in a background thread with its own event loop, so both the async
and the blocking client can be tested against it. Run `python -m tests.unit.simpl.fake_api`
to serve it in the foreground (bench/games_client_bench.py does).

Not for: anything beyond these tests; the demo stack has the real games API.
"""
from __future__ import annotations

import asyncio
import base64
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

RESOURCES = ("decisions", "games", "periods", "phases", "results", "roles", "runs",
             "runusers", "scenarios", "users", "worlds")
BULK = tuple(name for name in RESOURCES if name not in ("games", "users"))
REQUIRED = {"runs": ("name", "game"), "games": ("name",), "users": ("email",),
            "periods": ("scenario",), "decisions": ("name", "period")}
PAGE_SIZE = 500


@dataclass
class LoggedRequest:
    method: str
    path_qs: str
    client_port: int
    body: bytes


@dataclass
class ApiState:
    credentials: tuple[str, str]
    objects: dict[str, dict[int, dict[str, Any]]] = field(
        default_factory=lambda: {name: {} for name in RESOURCES})
    next_id: int = 1
    log: list[LoggedRequest] = field(default_factory=list)
    rewinds: list[tuple[int, Any]] = field(default_factory=list)
    release: asyncio.Event | None = None

    def add(self, resource: str, payload: dict[str, Any]) -> dict[str, Any]:
        obj = {**payload, "id": self.next_id}
        if resource == "games":
            obj.setdefault("slug", str(obj["name"]).lower().replace(" ", "-"))
        self.objects[resource][self.next_id] = obj
        self.next_id += 1
        return obj


def _matches(obj: dict[str, Any], key: str, wanted: str, state: ApiState) -> bool:
    if key == "game_slug":
        game = state.objects["games"].get(obj.get("game"))
        return game is not None and game["slug"] == wanted
    if key not in obj:
        return True  # like django-filter: undeclared parameters are ignored
    value = obj[key]
    if isinstance(value, bool):
        return value == (wanted.lower() in ("true", "1"))
    return str(value) == wanted


def _json(data: Any, status: int = 200, **headers: str) -> web.Response:
    return web.json_response(data, status=status, headers=headers or None)


def make_app(state: ApiState) -> web.Application:
    expected = "Basic " + base64.b64encode(":".join(state.credentials).encode()).decode()

    @web.middleware
    async def log_and_authenticate(request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.read()
        port = request.transport.get_extra_info("peername")[1] if request.transport else 0
        state.log.append(LoggedRequest(request.method, request.path_qs, port, body))
        if request.headers.get("Authorization") != expected:
            return _json({"detail": "Authentication credentials were not provided."}, 401,
                         **{"WWW-Authenticate": "Token"})
        return await handler(request)

    def rows(name: str) -> dict[int, dict[str, Any]]:
        if name not in RESOURCES:
            raise web.HTTPNotFound()
        return state.objects[name]

    def find(name: str, key: str) -> dict[str, Any]:
        table = rows(name)
        for obj in table.values():
            if (name == "games" and obj.get("slug") == key) or str(obj["id"]) == key:
                return obj
        raise web.HTTPNotFound(text='{"detail": "Not found."}', content_type="application/json")

    def missing(name: str, payload: dict[str, Any]) -> dict[str, list[str]]:
        return {key: ["This field is required."]
                for key in REQUIRED.get(name, ()) if key not in payload}

    async def list_objects(request: web.Request) -> web.Response:
        name = request.match_info["res"]
        query = request.query
        found = [obj for obj in rows(name).values()
                 if all(_matches(obj, k, v, state) for k, v in query.items()
                        if k not in ("page", "page_size") and v != "")]
        try:
            size = int(query.get("page_size", PAGE_SIZE))
        except ValueError:
            size = PAGE_SIZE
        size = size if size > 0 else PAGE_SIZE
        page = int(query.get("page", "1"))
        pages = max(1, -(-len(found) // size))
        if page > pages:
            return _json({"detail": "Invalid page."}, 404)
        links = []
        if page < pages:
            links.append(f'<{request.url.update_query(page=page + 1)}>; rel="next"')
        if page > 1:
            links.append(f'<{request.url.update_query(page=page - 1)}>; rel="prev"')
        headers = {"Link": ", ".join(links)} if links else {}
        return _json(found[(page - 1) * size: page * size], **headers)

    async def create(request: web.Request) -> web.Response:
        name = request.match_info["res"]
        rows(name)
        payload = await request.json()
        bulk = request.path.startswith("/apis/bulk/")
        items = payload if (bulk and isinstance(payload, list)) else [payload]
        errors = [missing(name, item) for item in items]
        if any(errors):
            return _json(errors if isinstance(payload, list) else errors[0], 400)
        created = [state.add(name, item) for item in items]
        return _json(created if isinstance(payload, list) else created[0], 201)

    async def bulk_delete(request: web.Request) -> web.Response:
        name = request.match_info["res"]
        if not request.query:
            return web.Response(status=400)
        table = rows(name)
        for obj in [o for o in table.values()
                    if all(_matches(o, k, v, state) for k, v in request.query.items())]:
            del table[obj["id"]]
        return web.Response(status=204)

    async def detail(request: web.Request) -> web.Response:
        name, key = request.match_info["res"], request.match_info["key"]
        obj = find(name, key)
        if request.method == "GET":
            return _json(obj)
        if request.method == "DELETE":
            del state.objects[name][obj["id"]]
            return web.Response(status=204)
        payload = await request.json()
        if request.method == "PUT" and missing(name, payload):
            return _json(missing(name, payload), 400)
        obj.update({k: v for k, v in payload.items() if k != "id"})
        return _json(obj)

    async def rewind(request: web.Request) -> web.Response:
        obj = find("scenarios", request.match_info["key"])
        state.rewinds.append((obj["id"], await request.json()))
        return web.Response(status=204)

    async def boom(request: web.Request) -> web.Response:
        return web.Response(status=500, text="<h1>Server Error (500)</h1>",
                            content_type="text/html")

    async def not_json(request: web.Request) -> web.Response:
        return web.Response(text="hello", content_type="text/plain")

    async def hang(request: web.Request) -> web.Response:
        assert state.release is not None
        await state.release.wait()
        return _json([])

    app = web.Application(middlewares=[log_and_authenticate])
    app.router.add_get("/apis/boom/", boom)
    app.router.add_get("/apis/notjson/", not_json)
    app.router.add_get("/apis/hang/", hang)
    app.router.add_post("/apis/scenarios/{key}/rewind/", rewind)
    for prefix in ("/apis/", "/apis/bulk/"):
        app.router.add_get(prefix + "{res}/", list_objects)
        app.router.add_post(prefix + "{res}/", create)
    app.router.add_delete("/apis/bulk/{res}/", bulk_delete)
    app.router.add_route("*", "/apis/{res}/{key}/", detail)
    return app


class FakeGamesApi:
    """The fake API served on a free 127.0.0.1 port from a background thread."""

    def __init__(self, credentials: tuple[str, str]) -> None:
        self.state = ApiState(credentials)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fake-games-api",
                                        daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/apis"

    def __enter__(self) -> FakeGamesApi:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(timeout=10)
        return self

    def __exit__(self, *exc_info: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        self.state.release = asyncio.Event()
        self._runner = web.AppRunner(make_app(self.state), shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _stop(self) -> None:
        assert self.state.release is not None and self._runner is not None
        self.state.release.set()  # let any /hang/ handler finish before shutting down
        await self._runner.cleanup()

    def call(self, function: Any, *args: Any) -> Any:
        """Run `function(*args)` on the server's loop (to touch its state safely)."""
        async def run() -> Any:
            return function(*args)
        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=10)

    def seed(self, resource: str, *payloads: dict[str, Any]) -> list[dict[str, Any]]:
        return self.call(lambda: [self.state.add(resource, p) for p in payloads])

    def reset(self) -> None:
        def clear() -> None:
            for table in self.state.objects.values():
                table.clear()
            self.state.log.clear()
            self.state.rewinds.clear()
        self.call(clear)


def main() -> None:
    """Serve in the foreground; print the URL once listening (used by the benchmark)."""
    email, password = sys.argv[1], sys.argv[2]
    with FakeGamesApi((email, password)) as api:
        api.seed("runs", *({"name": f"r{i}", "game": 1} for i in range(3)))
        print(api.url, flush=True)
        sys.stdin.read()  # until the parent closes our stdin


if __name__ == "__main__":
    main()
