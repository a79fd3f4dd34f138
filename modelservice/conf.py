"""The one place where the profiler reads settings and the environment.

Every value is looked up first in Django settings (when Django is configured: a game's
`settings.py`, or the small settings module used against a deployed game), then in the
environment, then falls back to a default. Nothing else in the package reads `os.environ`
or `django.conf.settings` for these names, so a reader can see here every knob there is.

Not for: command-line options (the command owns those) or the demo stack's settings.

| setting            | environment variable   | meaning                                            |
|--------------------|------------------------|----------------------------------------------------|
| GAME_SLUG          | GAME_SLUG              | slug of the game under test (`simpl-calc`)         |
| ROOT_TOPIC         | ROOT_TOPIC             | WAMP prefix, default `world.simpl.sims.<slug>`     |
| SIMPL_GAMES_URL    | SIMPL_GAMES_URL        | games API base, default `http://localhost:8100/apis` |
| SIMPL_GAMES_AUTH   | SIMPL_GAMES_AUTH       | `(email, password)`; env form `email:password`     |
| SIMPL_GAMES_TIMEOUT| SIMPL_GAMES_TIMEOUT    | seconds one games-API request may take, default 30 |
| MODEL_SERVICE_WS   | MODEL_SERVICE_WS       | router URL, default `ws://localhost:8080/ws`       |
| PROFILER_REALM     | SIMPL_REALM            | WAMP realm, default `realm1`                       |
| PROFILER_AUTHID    | SIMPL_PROFILER_AUTHID  | ticket principal of the profiler, default `profiler` |
| PROFILER_TICKET    | SIMPL_PROFILER_TICKET  | the profiler's ticket secret (no default)          |
| PROFILER_MODULE    | PROFILER_MODULE        | default `-m`: dotted package of the tasks (none)   |
| PROFILER_AUTH      | PROFILER_AUTH          | default `--auth`: `ticket` or `wampcra`            |
| PROFILER_TASK_TIMEOUT | PROFILER_TASK_TIMEOUT | default `--task-timeout`, e.g. `120s`           |
| PROFILER_JOIN_TIMEOUT | PROFILER_JOIN_TIMEOUT | default `--join-timeout`, e.g. `60s`            |
| WORKER_NAME        | WORKER_NAME            | default `--name` of a single-player process        |
| PROFILER_RUN_ID    | SIMPL_PROFILER_RUN_ID  | default `--run-id` of processes sharing one run    |

The profiler's option defaults are returned as given (strings); the `profile` command's option
types validate them, so a bad environment value is reported like a bad option.
"""
from __future__ import annotations

import os
from typing import Any

DEFAULT_GAMES_URL = "http://localhost:8100/apis"
DEFAULT_ROUTER_URL = "ws://localhost:8080/ws"
DEFAULT_GAMES_TIMEOUT = 30.0
DEFAULT_REALM = "realm1"
DEFAULT_PROFILER_AUTHID = "profiler"


class ImproperlyConfigured(ValueError):
    """A setting or environment variable has a value the profiler cannot use."""


def _from_settings(name: str) -> Any:
    """The Django setting `name`, or None when Django is absent, unconfigured or lacks it."""
    try:
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency, but keep conf usable alone
        return None
    if not settings.configured:
        return None
    return getattr(settings, name, None)


def _lookup(setting: str, env: str, default: Any = None) -> Any:
    value = _from_settings(setting)
    if value in (None, ""):
        value = os.environ.get(env) or None
    return default if value is None else value


def game_slug() -> str | None:
    return _lookup("GAME_SLUG", "GAME_SLUG")


def root_topic() -> str | None:
    explicit = _lookup("ROOT_TOPIC", "ROOT_TOPIC")
    if explicit:
        return explicit
    slug = game_slug()
    return f"world.simpl.sims.{slug}" if slug else None


def games_url() -> str:
    return str(_lookup("SIMPL_GAMES_URL", "SIMPL_GAMES_URL", DEFAULT_GAMES_URL))


def games_auth() -> tuple[str, str] | None:
    """Basic-auth credentials for the games API, from a tuple setting or `email:password`."""
    value = _lookup("SIMPL_GAMES_AUTH", "SIMPL_GAMES_AUTH")
    return parse_games_auth(value)


def parse_games_auth(value: Any) -> tuple[str, str] | None:
    if value is None:
        return None
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ImproperlyConfigured(
                "SIMPL_GAMES_AUTH must be a pair (email, password); got %d items" % len(value))
        return str(value[0]), str(value[1])
    email, sep, password = str(value).partition(":")
    if not sep or not email:
        raise ImproperlyConfigured(
            "SIMPL_GAMES_AUTH must look like 'email:password' (got no ':'); "
            "set it to the games API staff account")
    return email, password


def games_timeout() -> float:
    """Seconds a single games-API request (connect, send, read the whole body) may take."""
    value = _lookup("SIMPL_GAMES_TIMEOUT", "SIMPL_GAMES_TIMEOUT", DEFAULT_GAMES_TIMEOUT)
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise ImproperlyConfigured(
            f"SIMPL_GAMES_TIMEOUT must be a positive number of seconds (got {value!r}); "
            "unset it for the default of 30")
    return seconds


def router_url() -> str:
    return str(_lookup("MODEL_SERVICE_WS", "MODEL_SERVICE_WS", DEFAULT_ROUTER_URL))


def realm() -> str:
    return str(_lookup("PROFILER_REALM", "SIMPL_REALM", DEFAULT_REALM))


def profiler_authid() -> str:
    return str(_lookup("PROFILER_AUTHID", "SIMPL_PROFILER_AUTHID", DEFAULT_PROFILER_AUTHID))


def profiler_ticket() -> str | None:
    return _lookup("PROFILER_TICKET", "SIMPL_PROFILER_TICKET")


def profiler_module() -> str | None:
    return _lookup("PROFILER_MODULE", "PROFILER_MODULE")


def profiler_auth() -> str | None:
    return _lookup("PROFILER_AUTH", "PROFILER_AUTH")


def profiler_task_timeout() -> str | None:
    value = _lookup("PROFILER_TASK_TIMEOUT", "PROFILER_TASK_TIMEOUT")
    return None if value is None else str(value)


def profiler_join_timeout() -> str | None:
    value = _lookup("PROFILER_JOIN_TIMEOUT", "PROFILER_JOIN_TIMEOUT")
    return None if value is None else str(value)


def worker_name() -> str | None:
    return _lookup("WORKER_NAME", "WORKER_NAME")


def profiler_run_id() -> str | None:
    """Default --run-id: processes with the same id meet as one run (coordination.py)."""
    return _lookup("PROFILER_RUN_ID", "SIMPL_PROFILER_RUN_ID")
