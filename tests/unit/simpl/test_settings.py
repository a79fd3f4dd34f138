"""The games-API settings the client reads through modelservice.conf."""
from __future__ import annotations

import pytest

from modelservice import conf
from modelservice.simpl import games_client_factory


def test_timeout_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIMPL_GAMES_TIMEOUT", raising=False)
    assert conf.games_timeout() == 30.0
    monkeypatch.setenv("SIMPL_GAMES_TIMEOUT", "2.5")
    assert conf.games_timeout() == 2.5


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_bad_timeout_is_refused_with_advice(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SIMPL_GAMES_TIMEOUT", value)
    with pytest.raises(conf.ImproperlyConfigured, match="positive number of seconds"):
        conf.games_timeout()


def test_client_reads_url_auth_and_timeout_from_the_environment(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMPL_GAMES_URL", "http://127.0.0.1:9/apis/")
    monkeypatch.setenv("SIMPL_GAMES_AUTH", "staff@simpl.world:s3cret")
    monkeypatch.setenv("SIMPL_GAMES_TIMEOUT", "4")
    client = games_client_factory()
    transport = client._transport
    assert client.base_url == "http://127.0.0.1:9/apis/" and transport.base_path == "/apis/"
    assert transport.headers["Authorization"] == "Basic c3RhZmZAc2ltcGwud29ybGQ6czNjcmV0"
    assert transport.timeout.total == 4


def test_bad_auth_setting_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIMPL_GAMES_AUTH", "no-colon")
    with pytest.raises(conf.ImproperlyConfigured, match="email:password"):
        games_client_factory("http://127.0.0.1:9/apis")
