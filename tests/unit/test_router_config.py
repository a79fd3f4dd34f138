"""The generated router configuration, checked as data (the router itself: tests/integration)."""
from __future__ import annotations

import json

import pytest

from demo.router.config import build_config, write_config, ws_url


def realm_of(config):
    return config["workers"][0]["realms"][0]


def permissions(config, role):
    return next(r for r in realm_of(config)["roles"] if r["name"] == role)["permissions"]


def ws_path(config):
    return config["workers"][0]["transports"][0]["paths"]["ws"]


def test_version_2_one_router_bound_to_loopback():
    config = build_config(port=18080)
    assert config["version"] == 2
    endpoint = config["workers"][0]["transports"][0]["endpoint"]
    assert endpoint == {"type": "tcp", "interface": "127.0.0.1", "port": 18080, "backlog": 1024}


def test_realm_is_configurable_and_used_by_the_authenticator():
    config = build_config(port=18080, realm="classroom")
    assert realm_of(config)["name"] == "classroom"
    assert ws_path(config)["auth"]["wampcra"]["authenticator-realm"] == "classroom"


def test_no_anonymous_role_or_auth():
    config = build_config(port=18080)
    assert [r["name"] for r in realm_of(config)["roles"]] == ["service", "profiler", "browser"]
    assert set(ws_path(config)["auth"]) == {"ticket", "wampcra"}


def test_tickets_come_from_the_environment_not_literals():
    principals = ws_path(build_config(port=18080))["auth"]["ticket"]["principals"]
    assert principals == {
        "modelservice": {"ticket": "${SIMPL_SERVICE_TICKET}", "role": "service"},
        "profiler": {"ticket": "${SIMPL_PROFILER_TICKET}", "role": "profiler"},
    }


def test_role_permissions():
    config = build_config(port=18080)
    service, = permissions(config, "service")
    assert (service["uri"], service["match"]) == ("", "prefix") and all(service["allow"].values())
    anything, coordination = permissions(config, "profiler")
    assert anything["uri"] == "" and anything["allow"]["register"] is False
    assert all(anything["allow"][verb] for verb in ("call", "publish", "subscribe"))
    assert coordination["uri"] == "simpl.profiler." and coordination["allow"]["register"] is True
    browser, = permissions(config, "browser")
    assert browser["uri"] == "world.simpl.sims." and browser["allow"]["register"] is False
    every = [p for role in realm_of(config)["roles"] for p in role["permissions"]]
    assert all(p["disclose"] == {"caller": True, "publisher": True} for p in every)


def test_websocket_options_bound_message_size_and_ping():
    options = ws_path(build_config(port=18080))["options"]
    assert options["max_message_size"] == 1024 * 1024
    assert options["auto_ping_interval"] > 0 and 12 <= options["auto_ping_size"] <= 125


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_bad_port_is_refused(port):
    with pytest.raises(ValueError, match="router port must be 1..65535"):
        build_config(port=port)


def test_written_file_is_owner_only(tmp_path):
    path = write_config(tmp_path / "router", build_config(port=18080))
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["version"] == 2


def test_ws_url():
    assert ws_url("127.0.0.1", 8080) == "ws://127.0.0.1:8080/ws"
