"""How players are divided into groups: the original profiler's ramp, kept so results compare.

With G groups and players P[0..W-1]: P[0] is in every group; P[i+1] is in groups
(i mod (G-1)) + 1 .. G-1. Group 0 therefore has one player and later groups grow, e.g. W=5, G=3
gives sizes 1, 3, 5. With G == 1 every player is in group 0. A task runs once per group, so a
stateful task (one decision per player) needs `-g 1`.

Not for: running groups (engine.py) or choosing who the players are (identities.py).
"""
from __future__ import annotations

from typing import Sequence, TypeVar

T = TypeVar("T")


def build_roster(players: Sequence[T], groups: int) -> list[list[T]]:
    """The members of each group, in player order; `groups` must be >= 1."""
    if groups < 1:
        raise ValueError(f"groups must be >= 1, got {groups}")
    if not players:
        return [[] for _ in range(groups)]
    if groups == 1:
        return [list(players)]
    roster: list[list[T]] = [[players[0]] for _ in range(groups)]
    for i, player in enumerate(players[1:]):
        for group in range(i % (groups - 1) + 1, groups):
            roster[group].append(player)
    return roster


def group_sizes(players: int, groups: int) -> list[int]:
    """Sizes of the groups for `players` players, without building the roster."""
    return [len(members) for members in build_roster(range(players), groups)]
