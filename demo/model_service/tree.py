"""Scope trees (§B.7 get_scope_tree): which children a caller may see, and loading them.

For: the tree node shape `{"pk", "resource_name", "data", "children": [...]}`, the reference's
access rules, and fetching a subtree from the games API level by level.
Not for: the procedures that return trees (`procedures`).

Children of a node are grouped by child type in the reference's order (run: runusers then
worlds; period: decisions then results) and, unlike the reference, sorted by pk inside a type,
so the same data always gives the same tree.

Access (the reference's rule, restated on the caller's runuser in the run):
* a runuser node is visible only to that runuser's own user;
* a world, and everything under a world, to the world's members, or to any run leader;
* everything under a runuser's private scenarios, to every member of the run;
* a caller with no user (a trusted service session) sees everything.
"""
from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .identity import ReadsApi
from .scopes import export

CHILD_TYPES: dict[str, tuple[str, ...]] = {
    "run": ("runuser", "world"),
    "world": ("scenario",),
    "runuser": ("scenario",),
    "scenario": ("period",),
    "period": ("decision", "result"),
    "decision": (),
    "result": (),
}

# The FK on the child row that points at its parent.
PARENT_FIELD: dict[tuple[str, str], str] = {
    ("run", "runuser"): "run", ("run", "world"): "run",
    ("world", "scenario"): "world", ("runuser", "scenario"): "runuser",
    ("scenario", "period"): "scenario",
    ("period", "decision"): "period", ("period", "result"): "period",
}

# Above this many parents on one level, one run-wide query beats one query per parent.
PER_PARENT_QUERY_LIMIT = 8


@dataclass(frozen=True)
class Viewer:
    """The caller as the access rules see it: user id and runuser in the scope's run.

    `user_id=None` is a trusted caller (service, or profiler without `user_email`).
    """

    user_id: int | None
    runuser: dict[str, Any] | None = None

    @property
    def sees_all(self) -> bool:
        return self.user_id is None

    @property
    def is_leader(self) -> bool:
        return bool(self.runuser and self.runuser.get("leader"))


def can_see(viewer: Viewer, resource: str, row: dict[str, Any], owner_world: int | None) -> bool:
    """Whether `viewer` may see the node `row` of `resource`, under world `owner_world`.

    `owner_world` is the world whose subtree holds the node (None in a runuser's private
    subtree); for a world node it is the world itself.
    """
    if viewer.sees_all:
        return True
    if viewer.runuser is None:
        return False
    if resource == "runuser":
        return row.get("user") == viewer.user_id
    if resource == "world":
        owner_world = row["id"]
    if owner_world is not None:
        return viewer.is_leader or viewer.runuser.get("world") == owner_world
    return True


@dataclass
class _Pending:
    """A node whose children are still to be loaded."""

    resource: str
    node: dict[str, Any]
    owner_world: int | None


def tree_node(resource: str, row: dict[str, Any]) -> dict[str, Any]:
    """A scope export with an (empty, to be filled) `children` list."""
    return {**export(resource, row), "children": []}


async def load_tree(api: ReadsApi, resource: str, row: dict[str, Any], *, viewer: Viewer,
                    run_id: int | None, owner_world: int | None,
                    exclude: Iterable[str] | None = None) -> dict[str, Any]:
    """The tree below the scope `row` as `viewer` may see it.

    `exclude` lists resource names whose nodes keep an empty `children` list. The root itself
    is always returned; only its descendants are filtered.
    """
    [root] = await load_forest(api, [(resource, row, owner_world)], viewer=viewer,
                               run_id=run_id, exclude=exclude)
    return root


async def load_forest(api: ReadsApi, roots: list[tuple[str, dict[str, Any], int | None]], *,
                      viewer: Viewer, run_id: int | None,
                      exclude: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Trees below several roots of one run at once, each given as (resource, row, owner world).

    Loading them together lets a level of many parents be fetched with one run-wide query.
    """
    skipped = set(exclude or ())
    nodes = [tree_node(resource, row) for resource, row, _ in roots]
    level = [_Pending(resource, node, row["id"] if resource == "world" else owner_world)
             for node, (resource, row, owner_world) in zip(nodes, roots)]
    while level:
        expandable = [p for p in level if p.resource not in skipped and CHILD_TYPES.get(p.resource)]
        level = []
        edges = _child_edges(expandable)
        fetched = await asyncio.gather(*(
            _children(api, parent_type, child_type,
                      [p.node["pk"] for p in expandable if p.resource == parent_type], run_id)
            for parent_type, child_type in edges))
        # Attaching one child type at a time, in CHILD_TYPES order, groups children by type.
        for (parent_type, child_type), grouped in zip(edges, fetched):
            for parent in (p for p in expandable if p.resource == parent_type):
                for child in grouped.get(parent.node["pk"], []):
                    child_world = _owner_world(child_type, child, parent.owner_world)
                    if not can_see(viewer, child_type, child, child_world):
                        continue
                    node = tree_node(child_type, child)
                    parent.node["children"].append(node)
                    level.append(_Pending(child_type, node, child_world))
    return nodes


def _owner_world(resource: str, row: dict[str, Any], parent_world: int | None) -> int | None:
    if resource == "world":
        return row["id"]
    if resource == "scenario":
        return row.get("world")
    return parent_world


def _child_edges(pending: list[_Pending]) -> list[tuple[str, str]]:
    edges: list[tuple[str, str]] = []
    for p in pending:
        for child_type in CHILD_TYPES[p.resource]:
            if (p.resource, child_type) not in edges:
                edges.append((p.resource, child_type))
    return edges


async def _children(api: ReadsApi, parent_type: str, child_type: str, parent_pks: list[int],
                    run_id: int | None) -> dict[int, list[dict[str, Any]]]:
    """Children of type `child_type` of each parent, grouped by parent pk, in pk order."""
    field = PARENT_FIELD[(parent_type, child_type)]
    if len(parent_pks) > PER_PARENT_QUERY_LIMIT and run_id is not None:
        rows = await api.filter(child_type, run=run_id)
    else:
        batches = await asyncio.gather(*(api.filter(child_type, **{field: pk})
                                         for pk in parent_pks))
        rows = [row for batch in batches for row in batch]
    wanted = set(parent_pks)
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        if row.get(field) in wanted:
            grouped.setdefault(row[field], []).append(row)
    return grouped
