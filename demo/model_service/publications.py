"""The model service's publications: add_child, update_child, remove_child (§B.8).

For: choosing the topics a change is announced on, the way the reference does, and publishing
`[pk, resource_name, json]` with kwargs `{"resource_name", "pk"}` on `<scope URI>.<event>`.
Not for: deciding what changed (the game rules and procedures call us after their writes).

Targets:
* a new world or runuser: the run topic only;
* any other new scope: its world's topic (if world-owned) and each of its runusers' topics;
* an update or removal: the world topic (if any) and each of its runusers' topics; a runuser
  also on its run topic; a run on every runuser and every world topic of the run.
"Its runusers" are all of the run's for run, world and runuser scopes, the world's members for
world-owned scenarios and below, and the owner alone for runuser-private ones.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from autobahn.wamp.types import PublishOptions

from .identity import ReadsApi
from .scopes import Lineage
from .uris import ScopeRef

log = logging.getLogger(__name__)

Publish = Callable[..., Any]


class ScopePublisher:
    """Announces scope changes on the session `publish` for game root `root`."""

    def __init__(self, api: ReadsApi, root: str, publish: Publish) -> None:
        self.api = api
        self.root = root
        self._publish = publish

    async def add_child(self, parent: Lineage, resource: str, row: dict[str, Any]) -> list[str]:
        """Announce a new scope `row` created below the scope of `parent`; return the topics."""
        if resource in ("world", "runuser"):
            scopes = [ScopeRef("run", row["run"])]
        else:
            scopes = await self._owner_scopes(parent)
        return self._send(scopes, "add_child", resource, row)

    async def update_child(self, lineage: Lineage, resource: str | None = None,
                           row: dict[str, Any] | None = None) -> list[str]:
        """Announce that a scope changed (default: `lineage.scope` itself); return the topics."""
        return self._send(await self._change_scopes(lineage, resource), "update_child",
                          resource or lineage.scope.resource, row or lineage.scope.data)

    async def remove_child(self, lineage: Lineage) -> list[str]:
        """Announce that `lineage.scope` was deleted; return the topics."""
        return self._send(await self._change_scopes(lineage, None), "remove_child",
                          lineage.scope.resource, lineage.scope.data)

    def send(self, scopes: list[ScopeRef], event: str, resource: str,
             row: dict[str, Any]) -> list[str]:
        """Publish one event on explicit scopes (presence updates choose their own)."""
        return self._send(scopes, event, resource, row)

    async def _owner_scopes(self, lineage: Lineage) -> list[ScopeRef]:
        """The world (if any) and the runusers of the subtree `lineage` sits in."""
        if lineage.owner_world is not None:
            members = await self.api.filter("runuser", world=lineage.owner_world)
            return [ScopeRef("world", lineage.owner_world),
                    *(ScopeRef("runuser", ru["id"]) for ru in members)]
        if lineage.owner_runuser is not None:
            return [ScopeRef("runuser", lineage.owner_runuser["id"])]
        return await self._run_scopes(lineage, worlds=False)

    async def _change_scopes(self, lineage: Lineage, resource: str | None) -> list[ScopeRef]:
        changed = resource or lineage.scope.resource
        if lineage.run is None:
            return []  # game, phase and role changes are not announced
        if changed == "run":
            return await self._run_scopes(lineage, worlds=True)
        if changed == "world" and lineage.scope.resource == "world":
            return [ScopeRef("world", lineage.scope.pk), *await self._run_scopes(lineage, False)]
        if changed == "runuser" and lineage.scope.resource == "runuser":
            world = lineage.scope.data.get("world")
            return [*([ScopeRef("world", world)] if world else []),
                    *await self._run_scopes(lineage, worlds=False),
                    ScopeRef("run", lineage.run["id"])]
        return await self._owner_scopes(lineage)

    async def _run_scopes(self, lineage: Lineage, worlds: bool) -> list[ScopeRef]:
        run_id = lineage.run["id"]
        scopes = [ScopeRef("runuser", ru["id"])
                  for ru in await self.api.filter("runuser", run=run_id)]
        if worlds:
            scopes += [ScopeRef("world", w["id"]) for w in await self.api.filter("world", run=run_id)]
        return scopes

    def _send(self, scopes: list[ScopeRef], event: str, resource: str,
              row: dict[str, Any]) -> list[str]:
        topics = list(dict.fromkeys(scope.topic(self.root, event) for scope in scopes))
        for topic in topics:
            try:
                self._publish(topic, row["id"], resource, row,
                              options=PublishOptions(acknowledge=False, exclude_me=True),
                              resource_name=resource, pk=row["id"])
            except Exception as exc:  # a closing session must not fail the write that succeeded
                log.warning("could not publish %s: %s", topic, exc)
        return topics
