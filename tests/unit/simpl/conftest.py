"""Fixtures for the games-API client's unit tests: the fake API on a free port, settings."""
from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest

from .fake_api import FakeGamesApi


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeGamesApi]:
    credentials = (f"staff-{secrets.token_hex(4)}@example.edu", secrets.token_urlsafe(16))
    with FakeGamesApi(credentials) as api:
        yield api


@pytest.fixture
def api(fake_api: FakeGamesApi, monkeypatch: pytest.MonkeyPatch) -> FakeGamesApi:
    """The fake API, emptied, with SIMPL_GAMES_URL and SIMPL_GAMES_AUTH pointing at it."""
    fake_api.reset()
    monkeypatch.setenv("SIMPL_GAMES_URL", fake_api.url)
    monkeypatch.setenv("SIMPL_GAMES_AUTH", ":".join(fake_api.state.credentials))
    monkeypatch.delenv("SIMPL_GAMES_TIMEOUT", raising=False)
    return fake_api
