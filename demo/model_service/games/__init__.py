"""The games this demo service can serve, each contributing only its own rules.

For: mapping a game slug to the procedures it adds to the generic ones (one module per game).
Not for: the generic scope procedures (`..procedures`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..procedures import Procedure


@dataclass(frozen=True)
class GameRules:
    """A game's slug and the procedures it adds, as {resource: {name: function}}."""

    slug: str
    procedures: dict[str, dict[str, Procedure]] = field(default_factory=dict)


def known_games() -> dict[str, GameRules]:
    """{slug: rules} of every game this package implements."""
    from . import calc, div  # imported here so each game module can import this one

    return {rules.slug: rules for rules in (calc.RULES, div.RULES)}


def rules_for(slug: str) -> GameRules:
    """The rules of game `slug`; KeyError naming the known slugs otherwise."""
    games = known_games()
    if slug not in games:
        raise KeyError(f"unknown game {slug!r}: choose one of {', '.join(sorted(games))}")
    return games[slug]
