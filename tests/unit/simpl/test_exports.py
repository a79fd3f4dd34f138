"""Pins the public names of modelservice.simpl and modelservice.simpl.sync."""
from __future__ import annotations

import modelservice.simpl
import modelservice.simpl.sync

PUBLIC = [
    "games_client_factory", "games_client", "GamesClient", "SharedGamesClient", "Endpoint",
    "BulkEndpoint", "Resource", "RESOURCES", "BULK_RESOURCES",
    "HttpBinding", "Observer", "bind_http", "current_http_binding", "player_http_session",
    "SimplApiError", "ResourceNotFound", "MultipleResourcesFound", "HTTPError",
    "BadRequestError", "NotAuthenticatedError", "TransportError", "RequestTimeout",
]

SYNC_PUBLIC = [
    "games_client_factory", "games_client", "SyncGamesClient", "SyncResource",
    "SimplApiError", "ResourceNotFound", "MultipleResourcesFound", "HTTPError",
    "BadRequestError", "NotAuthenticatedError", "TransportError", "RequestTimeout",
]


def test_public_names_are_pinned() -> None:
    assert modelservice.simpl.__all__ == PUBLIC
    assert modelservice.simpl.sync.__all__ == SYNC_PUBLIC


def test_every_public_name_exists() -> None:
    for module in (modelservice.simpl, modelservice.simpl.sync):
        for name in module.__all__:
            assert hasattr(module, name), f"{module.__name__}.{name} is missing"


def test_errors_are_shared_between_async_and_sync() -> None:
    for name in SYNC_PUBLIC[4:]:
        assert getattr(modelservice.simpl.sync, name) is getattr(modelservice.simpl, name)


def test_the_hierarchy_the_docstring_draws() -> None:
    s = modelservice.simpl
    assert issubclass(s.BadRequestError, s.HTTPError)
    assert issubclass(s.NotAuthenticatedError, s.HTTPError)
    assert issubclass(s.RequestTimeout, s.TransportError)
    for name in ("ResourceNotFound", "MultipleResourcesFound", "HTTPError", "TransportError"):
        assert getattr(s, name).__mro__[1] is s.SimplApiError
