"""Client of the Simpl games API (`/apis/...`) on aiohttp, with the surface of simpl-client.

Task files use it as they used the original::

    from modelservice.simpl import games_client_factory

    async with games_client_factory() as s:
        run = await s.runs.get(game_slug="simpl-calc", name="a")
        user = await s.users.get(email="a1@calc.edu")
        runuser = await s.runusers.get(run=run.id, user=user.id)
        print(runuser.world, runuser["role"])

Settings (through `modelservice.conf`): SIMPL_GAMES_URL, SIMPL_GAMES_AUTH, SIMPL_GAMES_TIMEOUT.
The profiling engine binds each simulated player's requests to its own keep-alive pool and
metrics with `HttpBinding` and `bind_http` (see `_binding`). `modelservice.simpl.sync` offers
the same calls, blocking, for scripts.

Not for: the WAMP side of a game (the profiler's players), or the demo stack's server code.
"""
from ._binding import HttpBinding, Observer, bind_http, current_http_binding, player_http_session
from ._client import (
    BULK_RESOURCES,
    RESOURCES,
    GamesClient,
    SharedGamesClient,
    games_client,
    games_client_factory,
)
from ._endpoint import BulkEndpoint, Endpoint
from ._exceptions import (
    BadRequestError,
    HTTPError,
    MultipleResourcesFound,
    NotAuthenticatedError,
    RequestTimeout,
    ResourceNotFound,
    SimplApiError,
    TransportError,
)
from ._resource import Resource

__all__ = [
    # clients
    "games_client_factory",
    "games_client",
    "GamesClient",
    "SharedGamesClient",
    "Endpoint",
    "BulkEndpoint",
    "Resource",
    "RESOURCES",
    "BULK_RESOURCES",
    # binding to a simulated player
    "HttpBinding",
    "Observer",
    "bind_http",
    "current_http_binding",
    "player_http_session",
    # errors
    "SimplApiError",
    "ResourceNotFound",
    "MultipleResourcesFound",
    "HTTPError",
    "BadRequestError",
    "NotAuthenticatedError",
    "TransportError",
    "RequestTimeout",
]
