"""The model service's WAMP URI scheme (§B.4): building URIs and patterns, parsing them back.

For: `<ROOT_TOPIC>.model.<resource>.<pk>.<name>` scope procedures and topics, the game scope
`<ROOT_TOPIC>.model.game.<name>`, the wildcard patterns we register instead of one registration
per scope, and telling which scope a concrete URI names.
Not for: deciding whether that scope exists (see `scopes`).
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import NoSuchScope

ROOT_PREFIX = "world.simpl.sims."

# Scopes that carry a games-API pk in their URI, in the order the reference lists them.
SCOPE_RESOURCES = ("run", "world", "runuser", "scenario", "period", "decision", "result",
                   "phase", "role")
GAME = "game"


def root_topic(game_slug: str) -> str:
    """`world.simpl.sims.<slug>`: the prefix of every URI of one game."""
    if not game_slug or "." in game_slug:
        raise ValueError(f"invalid game slug {game_slug!r}: it must be non-empty and dot-free")
    return ROOT_PREFIX + game_slug


@dataclass(frozen=True)
class ScopeRef:
    """Which scope a URI names: a resource and its pk (pk is None for the game scope)."""

    resource: str
    pk: int | None = None

    def uri(self, root: str) -> str:
        """The scope's URI; procedures and topics hang below it."""
        if self.resource == GAME:
            return f"{root}.model.game"
        return f"{root}.model.{self.resource}.{self.pk}"

    def topic(self, root: str, event: str) -> str:
        """`<scope URI>.<event>`, e.g. the scope's `add_child` topic."""
        return f"{self.uri(root)}.{event}"


def procedure_pattern(root: str, resource: str, name: str) -> tuple[str, str]:
    """(URI, match policy) to register `name` for every scope of `resource`.

    Scopes with a pk get a wildcard pattern whose empty component stands for the pk
    (`...model.runuser..get_scope_tree`), so one registration serves all runusers, present and
    future; the game scope has no pk and is registered exactly.
    """
    if resource == GAME:
        return f"{root}.model.game.{name}", "exact"
    if resource not in SCOPE_RESOURCES:
        raise ValueError(f"unknown scope resource {resource!r}")
    return f"{root}.model.{resource}..{name}", "wildcard"


def parse_scope_uri(root: str, uri: str) -> tuple[ScopeRef, str]:
    """(scope, last component) of a concrete procedure or topic URI below `root`.

    Raises NoSuchScope for a URI outside this game's scheme or a pk that is not a positive
    decimal integer: to the caller that is the same as calling a URI nobody registered.
    """
    prefix = f"{root}.model."
    if not uri.startswith(prefix):
        raise NoSuchScope(f"{uri} is not a scope URI of {root}")
    parts = uri[len(prefix):].split(".")
    if len(parts) == 2 and parts[0] == GAME and parts[1]:
        return ScopeRef(GAME), parts[1]
    if len(parts) != 3 or parts[0] not in SCOPE_RESOURCES or not parts[2]:
        raise NoSuchScope(f"{uri} is not a scope URI of {root}")
    resource, raw_pk, name = parts
    if not (raw_pk.isascii() and raw_pk.isdigit()) or int(raw_pk) <= 0:
        raise NoSuchScope(f"no {resource} {raw_pk!r} in {root}")
    return ScopeRef(resource, int(raw_pk)), name
