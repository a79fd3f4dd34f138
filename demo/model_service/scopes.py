"""Scopes read through to the games API: one row plus the ancestors that place it in a run.

For: loading the scope a URI names (`load_lineage`), deciding that it does not exist in this
game (unknown pk, another game's row, a run that is not active: all `NoSuchScope`, which the
caller sees as `wamp.error.no_such_procedure`, as with the reference's unloaded scopes), and
the scope export shape `{"pk", "resource_name", "data"}` of §B.7.
Not for: children and trees (`tree`), or writes (the game rules).

Nothing is cached except the game's id, which only changes when the game row is recreated; a
mismatch triggers one re-read, so a reset database is picked up on the next call.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from .errors import ApiNotFound, NoSuchScope
from .identity import ReadsApi
from .uris import GAME, ScopeRef


@dataclass(frozen=True)
class Scope:
    """One games-API row seen as a WAMP scope."""

    resource: str
    pk: int
    data: dict[str, Any]

    def export(self) -> dict[str, Any]:
        """`{"pk", "resource_name", "data"}`: what get_scope returns."""
        return export(self.resource, self.data)


def export(resource: str, data: dict[str, Any]) -> dict[str, Any]:
    """The scope export of a row: `{"pk", "resource_name", "data"}`."""
    return {"pk": data["id"], "resource_name": resource, "data": data}


@dataclass(frozen=True)
class Lineage:
    """A scope and the ancestors the service needs to place it.

    `run` is the owning run (None for game, phase and role). `owner_world` is the world whose
    subtree holds the scope (a world scope's own pk); `owner_runuser` is the runuser whose
    private subtree holds it (a runuser scope itself). A scenario belongs to one or the other.
    """

    scope: Scope
    run: dict[str, Any] | None = None
    scenario: dict[str, Any] | None = None
    owner_world: int | None = None
    owner_runuser: dict[str, Any] | None = None

    @property
    def ref(self) -> ScopeRef:
        return ScopeRef(self.scope.resource, None if self.scope.resource == GAME else self.scope.pk)


class GameRef:
    """This process's game: its slug, and its id read once and re-read on a mismatch."""

    def __init__(self, api: ReadsApi, slug: str) -> None:
        self.api = api
        self.slug = slug
        self._id: int | None = None
        self._lock = asyncio.Lock()

    async def load(self) -> dict[str, Any]:
        """The game row; NoSuchScope when the game does not exist (yet)."""
        try:
            game = await self.api.get(GAME, self.slug)
        except ApiNotFound as exc:
            raise NoSuchScope(f"game {self.slug!r} does not exist in the games API") from exc
        self._id = game["id"]
        return game

    async def owns(self, game_id: int | None) -> bool:
        """Whether a row whose `game` is `game_id` belongs to this game."""
        if game_id is None:
            return False
        if self._id != game_id:
            async with self._lock:
                await self.load()
        return self._id == game_id


async def _get(api: ReadsApi, resource: str, pk: int | None, ref: ScopeRef) -> dict[str, Any]:
    """Row `pk` of `resource`, needed to place the scope `ref`; NoSuchScope when missing."""
    try:
        if pk is None:
            raise ApiNotFound("GET", resource, 404, "no pk")
        return await api.get(resource, pk)
    except ApiNotFound as exc:
        if (resource, pk) == (ref.resource, ref.pk):
            raise NoSuchScope(f"no {ref.resource} {ref.pk}") from exc
        raise NoSuchScope(f"{ref.resource} {ref.pk} has no {resource} (looked for {pk})") from exc


async def _placement(api: ReadsApi, ref: ScopeRef, row: dict[str, Any]
                     ) -> tuple[int, dict[str, Any] | None, int | None, dict[str, Any] | None]:
    """(run id, scenario, owner world, owner runuser) of a scope below a run."""
    if ref.resource == "run":
        return row["id"], None, None, None
    if ref.resource == "world":
        return row["run"], None, row["id"], None
    if ref.resource == "runuser":
        return row["run"], None, None, row
    if ref.resource == "scenario":
        scenario = row
    else:
        period = row if ref.resource == "period" else await _get(api, "period", row.get("period"), ref)
        scenario = await _get(api, "scenario", period.get("scenario"), ref)
    if scenario.get("world") is not None:
        world = await _get(api, "world", scenario["world"], ref)
        return world["run"], scenario, world["id"], None
    owner = await _get(api, "runuser", scenario.get("runuser"), ref)
    return owner["run"], scenario, None, owner


async def load_lineage(api: ReadsApi, game: GameRef, ref: ScopeRef) -> Lineage:
    """The scope `ref` names with its ancestors; NoSuchScope when this game has no such scope."""
    if ref.resource == GAME:
        row = await game.load()
        return Lineage(Scope(GAME, row["id"], row))
    row = await _get(api, ref.resource, ref.pk, ref)
    if row.get("run_active") is False:  # cheap early answer; the run is checked below anyway
        raise NoSuchScope(f"{ref.resource} {ref.pk} belongs to a run that is not active")
    scope = Scope(ref.resource, row["id"], row)
    if ref.resource in ("phase", "role"):
        if not await game.owns(row.get("game")):
            raise NoSuchScope(f"no {ref.resource} {ref.pk} in game {game.slug}")
        return Lineage(scope)

    run_id, scenario, owner_world, owner_runuser = await _placement(api, ref, row)
    run = row if ref.resource == "run" else await _get(api, "run", run_id, ref)
    if not await game.owns(run.get("game")):
        raise NoSuchScope(f"no {ref.resource} {ref.pk} in game {game.slug}")
    if not run.get("active", False):
        raise NoSuchScope(f"{ref.resource} {ref.pk} belongs to run {run['id']}, which is not active")
    return Lineage(scope, run=run, scenario=scenario, owner_world=owner_world,
                   owner_runuser=owner_runuser)
