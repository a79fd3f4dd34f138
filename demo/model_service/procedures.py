"""The generic scope procedures every game has (§B.7), read through to the games API.

For: get_scope, get_scope_tree, get_active_runusers, get_current_run_and_phase, get_scenarios,
get_run_data, advance_phase, get_phases, get_roles, and the table saying which scope types
offer which of them. Game-specific procedures (submit_decision) live in `games/`.
Not for: identity or URI handling (the dispatcher in `service` builds the CallContext).
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from .context import CallContext
from .errors import CallerError, ModelServiceError
from .scopes import export
from .tree import load_forest, load_tree
from .uris import GAME, SCOPE_RESOURCES

Procedure = Callable[..., Awaitable[Any]]


async def get_scope(ctx: CallContext) -> dict[str, Any]:
    """The scope export `{"pk", "resource_name", "data"}`."""
    return ctx.lineage.scope.export()


async def get_scope_tree(ctx: CallContext, exclude: list[str] | None = None) -> dict[str, Any]:
    """The scope with its descendants the caller may see; `exclude` names leaves to prune."""
    scope = ctx.lineage.scope
    if scope.resource == GAME:
        raise CallerError("get_scope_tree is not available on the game scope")
    if exclude is not None and not (isinstance(exclude, list)
                                    and all(isinstance(e, str) for e in exclude)):
        raise CallerError("exclude must be a list of resource names, e.g. [\"world\"]")
    run_id = ctx.lineage.run["id"] if ctx.lineage.run else None
    return await load_tree(ctx.api, scope.resource, scope.data, viewer=ctx.viewer,
                           run_id=run_id, owner_world=ctx.lineage.owner_world, exclude=exclude)


async def get_active_runusers(ctx: CallContext, excludePlayers: bool = False  # noqa: N803
                              ) -> list[dict[str, Any]]:
    """The runusers of the scope, each with `data.online`; only leaders if `excludePlayers`."""
    scope, run = ctx.lineage.scope, ctx.run
    if scope.resource == "runuser":
        rows = [scope.data]
    elif ctx.lineage.owner_world is not None and not ctx.viewer.is_leader:
        rows = await ctx.api.filter("runuser", world=ctx.lineage.owner_world)
    else:
        rows = await ctx.api.filter("runuser", run=run["id"])
    if excludePlayers:
        rows = [row for row in rows if row.get("leader")]
    return [export("runuser", {**row, "online": row["id"] in ctx.presence}) for row in rows]


async def get_current_run_and_phase(ctx: CallContext) -> dict[str, Any]:
    """`{"run": <run export>, "phase": <phase export> or None}`."""
    run = ctx.run
    phase = await ctx.api.get("phase", run["phase"]) if run.get("phase") else None
    return {"run": export("run", run), "phase": export("phase", phase) if phase else None}


async def get_scenarios(ctx: CallContext) -> list[dict[str, Any]]:
    """The runuser's own scenarios as trees (children filtered for the caller)."""
    scope = ctx.lineage.scope
    tree = await load_tree(ctx.api, "runuser", scope.data, viewer=ctx.viewer,
                           run_id=ctx.run["id"], owner_world=None)
    return tree["children"]


async def get_run_data(ctx: CallContext, includePlayerScenarios: bool = False  # noqa: N803
                       ) -> dict[str, Any]:
    """The run tree plus `runusers` and (if asked) the players' private scenario trees."""
    run = ctx.run
    tree = await load_tree(ctx.api, "run", run, viewer=ctx.viewer, run_id=run["id"],
                           owner_world=None)
    runusers = await ctx.api.filter("runuser", run=run["id"])
    player_scenarios: list[dict[str, Any]] = []
    if includePlayerScenarios:
        players = {ru["id"] for ru in runusers if not ru.get("leader")}
        scenarios = [s for s in await ctx.api.filter("scenario", run=run["id"])
                     if s.get("runuser") in players]
        player_scenarios = await load_forest(
            ctx.api, [("scenario", s, None) for s in scenarios], viewer=ctx.viewer,
            run_id=run["id"])
    return {**tree,
            "runusers": [export("runuser", {**ru, "online": ru["id"] in ctx.presence})
                         for ru in runusers],
            "player_scenarios": player_scenarios}


async def advance_phase(ctx: CallContext) -> None:
    """Move the run to the game phase whose order is the current one's + 1, and announce it."""
    run = ctx.run
    if not run.get("phase"):
        raise CallerError(f"run {run['id']} has no phase to advance from")
    phases = await ctx.api.filter("phase", game=run["game"])
    current = next((p for p in phases if p["id"] == run["phase"]), None)
    following = [p for p in phases if current and p["order"] == current["order"] + 1]
    if not following:
        name = current["name"] if current else run["phase"]
        raise ModelServiceError(f"There isn't any phase available after {name}")
    saved = await ctx.api.update("run", run["id"], {**run, "phase": following[0]["id"]})
    await ctx.publisher.update_child(ctx.lineage, "run", saved)


async def get_phases(ctx: CallContext) -> list[dict[str, Any]]:
    """The game's phases as raw REST rows."""
    return await ctx.api.filter("phase", game_slug=ctx.game.slug)


async def get_roles(ctx: CallContext) -> list[dict[str, Any]]:
    """The game's roles as raw REST rows."""
    return await ctx.api.filter("role", game_slug=ctx.game.slug)


COMMON: dict[str, Procedure] = {
    "get_scope": get_scope,
    "get_scope_tree": get_scope_tree,
    "get_active_runusers": get_active_runusers,
}


def generic_procedures() -> dict[str, dict[str, Procedure]]:
    """{resource: {procedure name: function}} for every scope type, game rules not included."""
    table: dict[str, dict[str, Procedure]] = {r: dict(COMMON) for r in (*SCOPE_RESOURCES, GAME)}
    for resource in ("run", "world", "runuser"):
        table[resource]["get_current_run_and_phase"] = get_current_run_and_phase
    table["runuser"]["get_scenarios"] = get_scenarios
    table["run"]["get_run_data"] = get_run_data
    table["run"]["advance_phase"] = advance_phase
    table[GAME]["get_phases"] = get_phases
    table[GAME]["get_roles"] = get_roles
    return table
