"""Demo model services for simpl-calc and simpl-div, and the WAMP-CRA authenticator.

Processes (see docs/stack-contracts.md):
    python -m demo.model_service --game simpl-calc|simpl-div
    python -m demo.model_service.authenticator

Each game process joins the router as the `modelservice` ticket principal and serves the
reference modelservice's WAMP surface for `world.simpl.sims.<slug>` (procedures, return shapes,
error URIs and add/update/remove_child publications), so a browser client or the reference
profile tasks cannot tell the difference.

Design choice: the service keeps NO in-memory copy of game state and needs no webhooks. Every
call reads through to the games API (one pooled aiohttp session), so answers are always those
of the database, runs created or reset while the service runs need nothing special, and a
restart loses no game state (only who is online, which browsers announce again). The price is a few HTTP requests per call, as the reference already paid
(its cache was a DummyCache). Procedures are registered once per resource and name as
wildcard patterns (`<root>.model.runuser..get_scope_tree`) instead of once per scope; a pk the
database does not have in this game (or whose run is inactive) answers
`wamp.error.no_such_procedure`, as an unloaded scope did in the reference. The only memory the
service keeps is presence (which runusers announced `connected`) and per-period locks that
make simpl-div's quotient be computed exactly once.

Not for: the profiler library (`modelservice/`), the games API (`demo/gamesapi/`) or the router
configuration (`demo/router/`).
"""
from .config import ServiceConfig
from .errors import (
    ApiBadRequest,
    ApiNotAuthenticated,
    ApiNotFound,
    CallerError,
    ConfigurationError,
    GamesApiError,
    GamesApiUnavailable,
    ModelServiceError,
    NoSuchScope,
    RouterUnavailable,
)
from .games import GameRules, known_games, rules_for
from .games_api import GamesApi
from .service import ModelService

__all__ = [
    "ApiBadRequest",
    "ApiNotAuthenticated",
    "ApiNotFound",
    "CallerError",
    "ConfigurationError",
    "GameRules",
    "GamesApi",
    "GamesApiError",
    "GamesApiUnavailable",
    "ModelService",
    "ModelServiceError",
    "NoSuchScope",
    "RouterUnavailable",
    "ServiceConfig",
    "known_games",
    "rules_for",
]
