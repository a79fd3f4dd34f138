"""Seeding of demo runs (players, worlds, scenarios) into the games API, like `create_default_env`.

    from demo.seed import seed_game
    emails = seed_game("http://127.0.0.1:8100/apis", ("simpl@simpl.world", "secret"),
                       game="calc", run_name="a", players=300, reset=True)

Command line: `python -m demo.seed calc|div -n NAME [--players N] [--reset] [--emails-file PATH]
[--url URL]`, with the URL and staff credentials from SIMPL_GAMES_URL and SIMPL_GAMES_AUTH.
Player `n` of run `a` is `a<n>@calc.edu` (or `@div.edu`) with password `a<n>`.

Not for: starting the games API (demo.gamesapi.server) or the model services.
"""
from ._http import ApiResponse, GamesApiClient
from ._layout import GAMES, GameLayout, UserSpec
from ._seeder import SeedResult, parse_auth, seed, seed_game
from .errors import ApiRequestFailed, ApiUnreachable, SeedError
from .emails import read_emails_file, write_emails_file

__all__ = [
    "GAMES",
    "ApiRequestFailed",
    "ApiResponse",
    "ApiUnreachable",
    "GameLayout",
    "GamesApiClient",
    "SeedError",
    "SeedResult",
    "UserSpec",
    "parse_auth",
    "read_emails_file",
    "seed",
    "seed_game",
    "write_emails_file",
]
