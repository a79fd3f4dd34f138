"""An in-memory stand-in for the games API, for unit tests of the model service's logic.

It subclasses the real client and replaces only the four HTTP-level operations (get, filter,
create, update), so the client's own `get_or_create` runs unchanged on top. Filters follow §A:
plain fields match exactly, `run` and `game_slug` follow the ownership chain, decisions and
results are unique on (name, period, role) with a null role counting as a value.
"""
from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from typing import Any

from demo.model_service.errors import ApiBadRequest, ApiNotFound
from demo.model_service.games_api import GamesApi


class FakeGamesApi(GamesApi):
    def __init__(self) -> None:
        super().__init__("http://fake.invalid/apis", ("staff@x", "pw"))
        self.rows: dict[str, dict[int, dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self.requests: Counter[tuple[str, str]] = Counter()
        self.latency = 0.0  # seconds every operation takes, so concurrent calls interleave

    # -- seeding helpers ----------------------------------------------------------------------
    def add(self, resource: str, **fields: Any) -> dict[str, Any]:
        row = {"id": next(self._ids), "data": {}, **fields}
        self.rows.setdefault(resource, {})[row["id"]] = row
        self._refresh(resource, row)
        return row

    def all(self, resource: str, **match: Any) -> list[dict[str, Any]]:
        return [r for r in self.rows.get(resource, {}).values()
                if all(r.get(k) == v for k, v in match.items())]

    # -- the client surface -------------------------------------------------------------------
    async def get(self, resource: str, key: int | str) -> dict[str, Any]:
        self.requests[("GET", resource)] += 1
        await self._wait()
        rows = self.rows.get(resource, {})
        if resource == "game":
            found = [r for r in rows.values() if r["slug"] == key]
            if found:
                return dict(found[0])
        elif int(key) in rows:
            return dict(rows[int(key)])
        raise ApiNotFound("GET", f"{resource}/{key}/", 404, '{"detail": "Not found."}')

    async def filter(self, resource: str, **params: Any) -> list[dict[str, Any]]:
        self.requests[("LIST", resource)] += 1
        await self._wait()
        out = []
        for row in sorted(self.rows.get(resource, {}).values(), key=lambda r: r["id"]):
            if all(self._matches(resource, row, k, v) for k, v in params.items()):
                out.append(dict(row))
        return out

    async def create(self, resource: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.requests[("POST", resource)] += 1
        await self._wait()
        if resource in ("decision", "result"):
            key = (payload.get("name"), payload.get("period"), payload.get("role"))
            for row in self.rows.get(resource, {}).values():
                if (row["name"], row["period"], row.get("role")) == key:
                    raise ApiBadRequest("POST", resource, 400,
                                        '{"non_field_errors": ["must make a unique set"]}')
        fields = {k: v for k, v in payload.items() if k not in ("id", "created", "updated")}
        return dict(self.add(resource, **{"data": {}, **fields}))

    async def update(self, resource: str, pk: int, payload: dict[str, Any]) -> dict[str, Any]:
        self.requests[("PUT", resource)] += 1
        await self._wait()
        row = self.rows[resource][pk]
        row.update({k: v for k, v in payload.items() if k not in ("id", "run_active")})
        self._refresh(resource, row)
        return dict(row)

    async def _wait(self) -> None:
        # Simulated network time (not synchronisation): each operation yields to the loop.
        if self.latency:
            await asyncio.sleep(self.latency)

    # -- filter semantics ---------------------------------------------------------------------
    def _run_of(self, resource: str, row: dict[str, Any]) -> int | None:
        if resource == "run":
            return row["id"]
        if resource in ("world", "runuser"):
            return row["run"]
        if resource == "scenario":
            if row.get("world"):
                return self.rows["world"][row["world"]]["run"]
            return self.rows["runuser"][row["runuser"]]["run"]
        if resource == "period":
            return self._run_of("scenario", self.rows["scenario"][row["scenario"]])
        if resource in ("decision", "result"):
            return self._run_of("period", self.rows["period"][row["period"]])
        return None

    def _game_of(self, resource: str, row: dict[str, Any]) -> int | None:
        if resource in ("phase", "role", "run"):
            return row.get("game")
        run = self._run_of(resource, row)
        return self.rows["run"][run]["game"] if run else None

    def _matches(self, resource: str, row: dict[str, Any], key: str, value: Any) -> bool:
        if key == "run" and resource not in ("world", "runuser"):
            return self._run_of(resource, row) == int(value)
        if key == "game_slug":
            game = self._game_of(resource, row)
            return game is not None and self.rows["game"][game]["slug"] == value
        if isinstance(value, bool):
            return row.get(key) is value
        return str(row.get(key)) == str(value)

    def _refresh(self, resource: str, row: dict[str, Any]) -> None:
        # run_active mirrors the owning run's `active`, as the API computes it.
        if resource not in ("game", "phase", "role", "run", "user") and self.rows.get("run"):
            try:
                row["run_active"] = self.rows["run"][self._run_of(resource, row)]["active"]
            except KeyError:
                pass


def recording_publish(log: list[tuple[str, tuple, dict]]):
    """A session.publish stand-in that records (topic, args, kwargs without options)."""
    def publish(topic: str, *args: Any, options: Any = None, **kwargs: Any) -> None:
        log.append((topic, args, kwargs))
    return publish
