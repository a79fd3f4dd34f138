"""What a seeded run of each demo game looks like: names, phases, roles, users (pure data, no I/O).

Follows the reference's `create_default_env` (simpl-interfaces.md §D.2, §D.3):
* calc: game `simpl-calc` ("Simpl Calc"), phase Play (1); leader leader@calc.edu; players
  `<run><n>@calc.edu`, each with a private "Scenario 1" holding period 1.
* div: game `simpl-div` ("Simpl Div"), roles Dividend and Divisor, phases Play (1) and Debrief (2);
  leader leader@div.edu; "World k" holds players 2k-1 (Dividend) and 2k (Divisor), a
  "World Scenario 1" with period 1, and each player a private "Test Scenario 1" with period 1.
Every player's password is the local part of the email.

Not for: talking to the API (_seeder.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import SeedError

MAX_PLAYERS = 100_000
# Letters first, not ending in a digit: `a12@calc.edu` must read as run `a`, player 12.
_RUN_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9_-]{0,98}[A-Za-z_-])?$")


@dataclass(frozen=True)
class UserSpec:
    email: str
    password: str
    first_name: str
    last_name: str

    def payload(self) -> dict[str, str]:
        return {"email": self.email, "password": self.password,
                "first_name": self.first_name, "last_name": self.last_name}


@dataclass(frozen=True)
class GameLayout:
    key: str
    slug: str
    name: str
    domain: str
    phases: tuple[tuple[str, int], ...]
    roles: tuple[str, ...]
    default_players: int
    leader: UserSpec
    players_per_world: int  # 0: players have no world
    player_scenario: str

    def players(self, run_name: str, count: int) -> list[UserSpec]:
        """The players of run `run_name`, numbered from 1."""
        last_name = "User" if self.key == "calc" else run_name.capitalize()
        return [UserSpec(f"{run_name}{n}@{self.domain}", f"{run_name}{n}", f"Student{n}", last_name)
                for n in range(1, count + 1)]

    def role_of(self, number: int) -> str | None:
        """The role of player `number` (1-based): odd Dividend, even Divisor; None without roles."""
        if not self.roles:
            return None
        return self.roles[(number - 1) % len(self.roles)]

    def world_index(self, number: int) -> int | None:
        """0-based world of player `number`, or None when the game has no worlds."""
        return (number - 1) // self.players_per_world if self.players_per_world else None

    def world_count(self, players: int) -> int:
        return players // self.players_per_world if self.players_per_world else 0


CALC = GameLayout(
    key="calc", slug="simpl-calc", name="Simpl Calc", domain="calc.edu",
    phases=(("Play", 1),), roles=(), default_players=2,
    leader=UserSpec("leader@calc.edu", "leader", "CALC", "Leader"),
    players_per_world=0, player_scenario="Scenario 1")

DIV = GameLayout(
    key="div", slug="simpl-div", name="Simpl Div", domain="div.edu",
    phases=(("Play", 1), ("Debrief", 2)), roles=("Dividend", "Divisor"), default_players=4,
    leader=UserSpec("leader@div.edu", "leader", "Div", "Leader"),
    players_per_world=2, player_scenario="Test Scenario 1")

GAMES: dict[str, GameLayout] = {"calc": CALC, "div": DIV}
WORLD_SCENARIO = "World Scenario 1"
RUN_PHASE = "Play"


def layout_for(game: str) -> GameLayout:
    try:
        return GAMES[game]
    except KeyError:
        raise SeedError(f"unknown game {game!r}; choose one of: {', '.join(GAMES)}") from None


def check_run_name(name: str) -> str:
    if not isinstance(name, str) or not _RUN_NAME.match(name):
        raise SeedError(
            f"run name {name!r} must start with a letter, use only letters, digits, '_' or '-', "
            "be at most 100 characters and not end with a digit (player emails are <run><n>@...)")
    return name


def check_players(layout: GameLayout, players: int | None) -> int:
    count = layout.default_players if players is None else players
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_PLAYERS:
        raise SeedError(f"players must be a whole number from 1 to {MAX_PLAYERS}, got {players!r}")
    if layout.players_per_world and count % layout.players_per_world:
        raise SeedError(f"{layout.slug} puts {layout.players_per_world} players in each world; "
                        f"give a multiple of {layout.players_per_world} (got {count})")
    return count
