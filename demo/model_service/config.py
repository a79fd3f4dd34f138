"""Settings of the demo model-service processes, read from the environment in one place.

For: turning the environment variables of docs/stack-contracts.md into one validated,
immutable `ServiceConfig`, and the small option parsers both entry points share.
Not for: the profiler library's settings (`modelservice/conf.py`) or the games API's.

| environment variable   | default                          | meaning                                  |
|------------------------|----------------------------------|------------------------------------------|
| SIMPL_GAMES_URL        | http://127.0.0.1:8100/apis       | games API base URL                       |
| SIMPL_GAMES_AUTH       | (required)                       | staff credentials, `email:password`      |
| MODEL_SERVICE_WS       | ws://127.0.0.1:8080/ws           | router WebSocket URL                     |
| SIMPL_REALM            | realm1                           | WAMP realm                               |
| SIMPL_SERVICE_TICKET   | (required)                       | ticket of the `modelservice` principal   |
"""
from __future__ import annotations

import argparse
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from .errors import ConfigurationError

DEFAULT_GAMES_URL = "http://127.0.0.1:8100/apis"
DEFAULT_ROUTER_URL = "ws://127.0.0.1:8080/ws"
DEFAULT_REALM = "realm1"
SERVICE_AUTHID = "modelservice"


@dataclass(frozen=True)
class ServiceConfig:
    """Where the games API and the router are, and the secrets to use with them."""

    games_url: str
    games_auth: tuple[str, str]
    router_url: str
    realm: str
    service_ticket: str
    service_authid: str = SERVICE_AUTHID

    def __repr__(self) -> str:
        # Never print secrets, even in a debug log.
        return (f"ServiceConfig(games_url={self.games_url!r}, games_user={self.games_auth[0]!r}, "
                f"router_url={self.router_url!r}, realm={self.realm!r})")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ServiceConfig:
        """Read and validate the environment; raise ConfigurationError saying what to fix."""
        env = os.environ if environ is None else environ
        games_url = _http_url(env.get("SIMPL_GAMES_URL") or DEFAULT_GAMES_URL, "SIMPL_GAMES_URL")
        router_url = _ws_url(env.get("MODEL_SERVICE_WS") or DEFAULT_ROUTER_URL, "MODEL_SERVICE_WS")
        return cls(
            games_url=games_url,
            games_auth=parse_games_auth(env.get("SIMPL_GAMES_AUTH")),
            router_url=router_url,
            realm=env.get("SIMPL_REALM") or DEFAULT_REALM,
            service_ticket=_required(env, "SIMPL_SERVICE_TICKET",
                                     "the ticket of the router's `modelservice` principal"),
        )


def parse_games_auth(value: str | None) -> tuple[str, str]:
    """`email:password` -> (email, password); the password may itself contain ':'."""
    if not value:
        raise ConfigurationError(
            "SIMPL_GAMES_AUTH is not set: set it to the games API staff account as 'email:password'")
    email, sep, password = value.partition(":")
    if not sep or not email or not password:
        raise ConfigurationError(
            "SIMPL_GAMES_AUTH must be 'email:password' (staff account of the games API)")
    return email, password


def parse_duration(value: str) -> float:
    """`30`, `30s`, `2m`, `500ms` -> seconds (float > 0); argparse `type=` for durations."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*", value or "")
    if not match:
        raise argparse.ArgumentTypeError(
            f"invalid duration {value!r}: use a number of seconds like 30, 30s, 2m or 500ms")
    number = float(match.group(1))
    seconds = number * {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}[match.group(2)]
    if seconds <= 0:
        raise argparse.ArgumentTypeError(f"invalid duration {value!r}: it must be more than 0")
    return seconds


def _required(env: Mapping[str, str], name: str, what: str) -> str:
    value = env.get(name)
    if not value:
        raise ConfigurationError(f"{name} is not set: set it to {what}")
    return value


def _http_url(value: str, name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"{name}={value!r} is not an http(s) URL like {DEFAULT_GAMES_URL}")
    return value.rstrip("/")


def _ws_url(value: str, name: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ConfigurationError(f"{name}={value!r} is not a ws(s) URL like {DEFAULT_ROUTER_URL}")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigurationError(f"{name}={value!r} has an invalid port") from exc
    return value
