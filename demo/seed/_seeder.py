"""Seeding a run of a demo game through the games API over HTTP, fast.

The reference's `create_default_env` makes about ten sequential requests per player. Here rows of
one kind go in one bulk request (`POST /apis/bulk/<res>/` with an array), player accounts go to the
staff-only `POST /apis/bulk/users/` in small batches sent in parallel (each password costs a PBKDF2
hash, ~20 ms, and parallel batches spread that over the gunicorn workers), and existing accounts are
found with `?email__in=`. 300 calc players take a few seconds on two cores.

Not for: the layout of a run (_layout.py) or the command line (__main__.py).
"""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence, TypeVar

from ._http import GamesApiClient
from ._layout import RUN_PHASE, WORLD_SCENARIO, GameLayout, UserSpec, check_players, check_run_name, layout_for
from .errors import SeedError

T = TypeVar("T")
R = TypeVar("R")

ROWS_PER_REQUEST = 500
USERS_PER_REQUEST = 20   # ~0.4 s of hashing per request at 20000 iterations
EMAILS_PER_QUERY = 50    # keeps the query string well under gunicorn's 4 kB request-line limit
PARALLEL_REQUESTS = 4


@dataclass(frozen=True)
class SeedResult:
    game: str
    run_id: int
    run_name: str
    emails: list[str]
    leader: str
    users_created: int
    seconds: float

    def summary(self) -> str:
        return (f"seeded {self.game} run {self.run_name!r} (id {self.run_id}): {len(self.emails)} players "
                f"and leader {self.leader}, {self.users_created} new accounts, in {self.seconds:.1f} s")


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


class _Seeder:
    def __init__(self, client: GamesApiClient, layout: GameLayout, pool: ThreadPoolExecutor) -> None:
        self.client = client
        self.layout = layout
        self.pool = pool
        self.users_created = 0

    def _map(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        return list(self.pool.map(function, items))

    def get_or_create(self, resource: str, lookup: dict[str, Any], defaults: dict[str, Any] | None = None) -> dict:
        found = self.client.list_all(f"{resource}/", lookup)
        if len(found) > 1:
            raise SeedError(f"{len(found)} {resource} match {lookup}; expected at most one")
        if found:
            return found[0]
        return self.client.request("POST", f"{resource}/", body={**lookup, **(defaults or {})}, expect=(201,))

    def bulk_create(self, resource: str, rows: Sequence[dict], size: int = ROWS_PER_REQUEST) -> list[dict]:
        """Create `rows` and return them in the same order, with ids."""
        def post(chunk: Sequence[dict]) -> list[dict]:
            created = self.client.request("POST", f"bulk/{resource}/", body=list(chunk), expect=(201,))
            if len(created) != len(chunk):
                raise SeedError(f"bulk {resource}: sent {len(chunk)} rows, the API created {len(created)}")
            return created
        return [row for part in self._map(post, _chunks(rows, size)) for row in part]

    def ensure_users(self, specs: Sequence[UserSpec]) -> dict[str, int]:
        """Ids of the users with these emails, creating the missing ones (existing ones are kept as they are)."""
        def find(chunk: Sequence[UserSpec]) -> list[dict]:
            return self.client.list_all("users/", {"email__in": ",".join(spec.email for spec in chunk)})
        ids = {user["email"]: user["id"] for part in self._map(find, _chunks(specs, EMAILS_PER_QUERY)) for user in part}
        missing = [spec.payload() for spec in specs if spec.email not in ids]
        for user in self.bulk_create("users", missing, USERS_PER_REQUEST):
            ids[user["email"]] = user["id"]
        self.users_created += len(missing)
        absent = [spec.email for spec in specs if spec.email not in ids]
        if absent:
            raise SeedError(f"the API did not return users {absent[:3]}; is SIMPL_GAMES_URL the demo games API?")
        return ids

    def game(self) -> dict:
        game = self.client.request("GET", f"games/{self.layout.slug}/", expect=(200, 404))
        if game is not None and "id" in game:
            return game
        return self.client.request("POST", "games/", body={"name": self.layout.name, "slug": self.layout.slug},
                                   expect=(201,))

    def clear_run(self, game_id: int, run_name: str, reset: bool) -> None:
        existing = self.client.list_all("runs/", {"game": game_id, "name": run_name})
        if existing and not reset:
            ids = ", ".join(str(run["id"]) for run in existing)
            raise SeedError(f"{self.layout.slug} already has a run named {run_name!r} (id {ids}); "
                            "pass --reset (reset=True) to delete and re-create it, or choose another name")
        for run in existing:  # deleting a run cascades to its worlds, runusers, scenarios, periods, ...
            self.client.request("DELETE", f"runs/{run['id']}/", expect=(204,))

    def scenarios_with_period(self, rows: list[dict]) -> list[dict]:
        scenarios = self.bulk_create("scenarios", rows)
        self.bulk_create("periods", [{"scenario": scenario["id"], "order": 1} for scenario in scenarios])
        return scenarios

    def seed(self, run_name: str, players: int, reset: bool) -> tuple[int, list[str]]:
        layout = self.layout
        game_id = self.game()["id"]
        roles = {name: self.get_or_create("roles", {"game": game_id, "name": name})["id"] for name in layout.roles}
        phases = {name: self.get_or_create("phases", {"game": game_id, "name": name}, {"order": order})["id"]
                  for name, order in layout.phases}
        self.clear_run(game_id, run_name, reset)
        specs = layout.players(run_name, players)
        # Accounts before the run: a refused account (not staff, say) then leaves no half-made run.
        users = self.ensure_users([layout.leader, *specs])
        run_id = self.client.request("POST", "runs/", body={"game": game_id, "name": run_name,
                                                            "phase": phases[RUN_PHASE]}, expect=(201,))["id"]
        self.client.request("POST", "runusers/", expect=(201,),
                            body={"user": users[layout.leader.email], "run": run_id, "leader": True})

        worlds = self.bulk_create("worlds", [{"run": run_id, "name": f"World {k}"}
                                             for k in range(1, layout.world_count(players) + 1)])
        if worlds:
            self.scenarios_with_period([{"world": world["id"], "name": WORLD_SCENARIO} for world in worlds])

        rows = []
        for number, spec in enumerate(specs, start=1):
            row = {"user": users[spec.email], "run": run_id}
            world = layout.world_index(number)
            if world is not None:
                row["world"] = worlds[world]["id"]
            role = layout.role_of(number)
            if role is not None:
                row["role"] = roles[role]
            rows.append(row)
        runusers = self.bulk_create("runusers", rows)
        self.scenarios_with_period([{"runuser": runuser["id"], "name": layout.player_scenario}
                                    for runuser in runusers])
        return run_id, [spec.email for spec in specs]


def seed(games_url: str, auth: tuple[str, str] | str, *, game: str = "calc", run_name: str = "a",
         players: int | None = None, reset: bool = False, parallel: int = PARALLEL_REQUESTS) -> SeedResult:
    """Seed one run of `game` ("calc" or "div") and describe what was made; SeedError on any problem."""
    layout = layout_for(game)
    check_run_name(run_name)
    count = check_players(layout, players)
    credentials = parse_auth(auth)
    started = time.monotonic()
    client = GamesApiClient(games_url, credentials)
    try:
        with ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="seed") as pool:
            seeder = _Seeder(client, layout, pool)
            run_id, emails = seeder.seed(run_name, count, reset)
    finally:
        client.close()
    return SeedResult(layout.slug, run_id, run_name, emails, layout.leader.email, seeder.users_created,
                      time.monotonic() - started)


def seed_game(games_url: str, auth: tuple[str, str] | str, *, game: str = "calc", run_name: str = "a",
              players: int | None = None, reset: bool = False) -> list[str]:
    """Seed one run of `game` and return the players' emails in order (password = local part)."""
    return seed(games_url, auth, game=game, run_name=run_name, players=players, reset=reset).emails


def parse_auth(auth: tuple[str, str] | list[str] | str) -> tuple[str, str]:
    """(email, password) from a pair or an `email:password` string (the SIMPL_GAMES_AUTH form)."""
    if isinstance(auth, (tuple, list)) and len(auth) == 2 and all(isinstance(part, str) for part in auth):
        email, password = auth
    elif isinstance(auth, str) and ":" in auth:
        email, _, password = auth.partition(":")
    else:
        raise SeedError("games API credentials must be 'email:password' (SIMPL_GAMES_AUTH) or an (email, password) pair")
    if not email or not password:
        raise SeedError("games API credentials need both an email and a password ('email:password')")
    return email, password
