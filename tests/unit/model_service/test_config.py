"""Settings from the environment, and the option parsers: bad values say what to fix."""
import argparse

import pytest

from demo.model_service.config import ServiceConfig, parse_duration, parse_games_auth
from demo.model_service.errors import ConfigurationError

GOOD = {"SIMPL_GAMES_AUTH": "staff@x.org:pa:ss", "SIMPL_SERVICE_TICKET": "t0k3n"}


def test_defaults_and_password_with_colon():
    config = ServiceConfig.from_env(GOOD)
    assert config.games_auth == ("staff@x.org", "pa:ss")
    assert config.router_url == "ws://127.0.0.1:8080/ws"
    assert config.realm == "realm1"
    assert config.service_authid == "modelservice"


def test_repr_hides_secrets():
    text = repr(ServiceConfig.from_env(GOOD))
    assert "pa:ss" not in text and "t0k3n" not in text


@pytest.mark.parametrize("env, message", [
    ({"SIMPL_SERVICE_TICKET": "t"}, "SIMPL_GAMES_AUTH is not set"),
    ({**GOOD, "SIMPL_GAMES_AUTH": "nocolon"}, "must be 'email:password'"),
    ({"SIMPL_GAMES_AUTH": "a:b"}, "SIMPL_SERVICE_TICKET is not set"),
    ({**GOOD, "MODEL_SERVICE_WS": "http://127.0.0.1:1/ws"}, "not a ws(s) URL"),
    ({**GOOD, "MODEL_SERVICE_WS": "ws://127.0.0.1:99999/ws"}, "invalid port"),
    ({**GOOD, "SIMPL_GAMES_URL": "127.0.0.1:8100"}, "not an http(s) URL"),
])
def test_bad_environment_is_one_clear_message(env, message):
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        ServiceConfig.from_env(env)


def test_games_auth_needs_both_parts():
    with pytest.raises(ConfigurationError):
        parse_games_auth(":pw")


@pytest.mark.parametrize("text, seconds", [("30", 30.0), ("30s", 30.0), ("2m", 120.0),
                                           ("500ms", 0.5), ("1.5", 1.5)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "-1", "0", "5h"])
def test_bad_durations(text):
    with pytest.raises(argparse.ArgumentTypeError):
        parse_duration(text)
