"""Fixtures for tests that need only the games API: one real gunicorn for the whole session.

`api` is a `demo.gamesapi.server.GamesApiServer` on a free port (3 threaded workers, so clients'
keep-alive connections are reused as in the stack); `staff` is a keep-alive client with the staff
account. A module that needs a differently configured server overrides `api` with its own.
Tests share the database, so each creates what it needs under names no other test uses.
"""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def api(tmp_path_factory):
    from demo.gamesapi.server import GamesApiServer

    with GamesApiServer(tmp_path_factory.mktemp("gamesapi"), workers=3, threads=2) as server:
        yield server


@pytest.fixture(scope="module")
def staff(api):
    from demo.seed import GamesApiClient

    client = GamesApiClient(api.url, api.staff_auth)
    yield client
    client.close()
