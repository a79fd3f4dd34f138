"""The run's options: command-line arguments, their checks, and the `RunConfig` they produce.

`add_arguments(parser)` declares every option (any argparse parser: the Django command's, or
another entry point's). Each option has a metavar, a default from settings or the environment
(through modelservice.conf), and a small `type=` function that rejects a bad value with a message
saying what is expected, so `--task-timeout 0` fails at parse time, before anything starts.
`RunConfig.from_options(options)` turns the parsed values into the engine's configuration and
checks the combinations argparse cannot (e.g. wampcra needs emails).

Not for: reading settings (modelservice/conf.py) or running anything (engine.py).
"""
from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass, field
from typing import Any

from modelservice import conf

from .coordination import check_run_id
from .errors import ConfigurationError
from .identities import is_email
from .players import AUTH_METHODS, AUTH_TICKET, AUTH_WAMPCRA

LOG_LEVELS = ("debug", "info", "warn", "error", "critical")
DEFAULT_TASK_TIMEOUT = "120s"
DEFAULT_JOIN_TIMEOUT = "60s"
DEFAULT_LOG_LEVEL = "warn"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*(ms|s|m|h)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}


# -- type functions (argparse reports their ArgumentTypeError next to the option's name) ----------

def positive_int(value: str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value!r}")
    return number


def duration(value: str) -> float:
    """Seconds from `30`, `30s`, `1.5s`, `500ms`, `2m` or `1h`; must be > 0."""
    match = _DURATION.match(str(value))
    if not match:
        raise argparse.ArgumentTypeError(
            f"expected a duration like 30, 30s, 500ms or 2m, got {value!r}")
    seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if not seconds > 0 or math.isinf(seconds):
        raise argparse.ArgumentTypeError(f"expected a duration greater than zero, got {value!r}")
    return seconds


def router_url(value: str) -> str:
    value = str(value).strip()
    if not re.match(r"^wss?://[^/\s]+", value):
        raise argparse.ArgumentTypeError(
            f"expected a WebSocket URL like ws://127.0.0.1:8080/ws, got {value!r}")
    return value


def email(value: str) -> str:
    value = str(value).strip()
    if not is_email(value):
        raise argparse.ArgumentTypeError(f"expected an email address like a1@calc.edu, got {value!r}")
    return value


def non_empty(value: str) -> str:
    value = str(value).strip()
    if not value:
        raise argparse.ArgumentTypeError("expected a non-empty value")
    return value


def run_id(value: str) -> str:
    try:
        return check_run_id(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def choice_of(choices: tuple[str, ...]):
    """A type function accepting one of `choices` (case-insensitive), for values from the environment too."""
    def parse(value: str) -> str:
        lowered = str(value).strip().lower()
        if lowered not in choices:
            raise argparse.ArgumentTypeError(f"expected one of {', '.join(choices)}, got {value!r}")
        return lowered
    parse.__name__ = "choice"
    return parse


# -- the options -----------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the profile options on `parser` (defaults read through modelservice.conf)."""
    add = parser.add_argument
    add("-m", "--module", metavar="PACKAGE", type=non_empty, default=conf.profiler_module(),
        help="dotted package (or module) holding the profile*.py task files, e.g. profilers.calc "
             "(default: setting/env PROFILER_MODULE; required if that is unset)")
    add("-u", "--url", metavar="WS_URL", type=router_url, default=conf.router_url(),
        help="router WebSocket URL (default: setting/env MODEL_SERVICE_WS, %(default)s)")
    add("-r", "--realm", metavar="REALM", type=non_empty, default=conf.realm(),
        help="WAMP realm (default: setting PROFILER_REALM / env SIMPL_REALM, %(default)s)")
    add("-w", "--workers", metavar="N", type=positive_int, default=None,
        help="players in the whole run; default: the players of this process (its users file, or 1)")
    add("-g", "--groups", metavar="N", type=positive_int, default=1,
        help="groups: each task runs once per group; group 0 has one player and later groups "
             "grow to all players (default 1: every player in group 0)")
    add("-n", "--name", metavar="NAME", type=non_empty, default=conf.worker_name(),
        help="name of this process's single player (default: env WORKER_NAME, else the email, "
             "else 'worker')")
    add("--user-email", metavar="EMAIL", type=email, default=None,
        help="the user this process's single player acts as")
    add("--users-file", metavar="FILE", default=None,
        help="file of players, one 'email' or 'email,password' per line; this process runs "
             "them all concurrently (password default: the email's local part)")
    add("--auth", metavar="METHOD", type=choice_of(AUTH_METHODS), default=conf.profiler_auth() or AUTH_TICKET,
        help="ticket: join as the profiler principal and act through user_email; wampcra: each "
             "player logs in as its user (default: env PROFILER_AUTH, else ticket)")
    add("--ticket", metavar="SECRET", default=None,
        help="the profiler principal's ticket (default: setting PROFILER_TICKET / env "
             "SIMPL_PROFILER_TICKET)")
    add("--task-timeout", metavar="DURATION", type=duration,
        default=conf.profiler_task_timeout() or DEFAULT_TASK_TIMEOUT,
        help="a player still running a task after this fails it (default: env "
             "PROFILER_TASK_TIMEOUT, else %(default)s)")
    add("--join-timeout", metavar="DURATION", type=duration,
        default=conf.profiler_join_timeout() or DEFAULT_JOIN_TIMEOUT,
        help="all players must have joined the router within this (default: env "
             "PROFILER_JOIN_TIMEOUT, else %(default)s)")
    add("--run-id", metavar="ID", type=run_id, default=conf.profiler_run_id(),
        help="processes started separately with the same id (and -w) share one run through the "
             "router; concurrent runs need distinct ids (default: env SIMPL_PROFILER_RUN_ID, else "
             "one derived from -m and -w)")
    add("--log-level", metavar="LEVEL", type=choice_of(LOG_LEVELS), default=DEFAULT_LOG_LEVEL,
        help=f"autobahn/txaio log level: {', '.join(LOG_LEVELS)} (default %(default)s)")


@dataclass(frozen=True)
class RunConfig:
    """Everything the engine needs to know about a run, checked."""

    module: str
    url: str
    realm: str
    workers: int | None = None
    groups: int = 1
    name: str | None = None
    user_email: str | None = None
    users_file: str | None = None
    auth: str = AUTH_TICKET
    ticket: str | None = field(default=None, repr=False)
    ticket_authid: str = "profiler"
    task_timeout: float = 120.0
    join_timeout: float = 60.0
    log_level: str = DEFAULT_LOG_LEVEL
    run_id: str | None = None

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> RunConfig:
        """The configuration for parsed `options`, or ConfigurationError naming what to fix."""
        module = options.get("module")
        if not module:
            raise ConfigurationError(
                "no task module: pass -m/--module (e.g. -m profilers.calc) or set PROFILER_MODULE")
        if options.get("users_file") and options.get("user_email"):
            raise ConfigurationError("give either --users-file or --user-email, not both")
        auth = options.get("auth") or AUTH_TICKET
        ticket = options.get("ticket") or conf.profiler_ticket()
        if auth == AUTH_TICKET and not ticket:
            raise ConfigurationError(
                "no profiler ticket: set SIMPL_PROFILER_TICKET (or PROFILER_TICKET in settings) "
                "or pass --ticket")
        if auth == AUTH_WAMPCRA and not (options.get("users_file") or options.get("user_email")):
            raise ConfigurationError(
                "--auth wampcra logs each player in as its user: pass --users-file or --user-email")
        return cls(
            module=module,
            url=options.get("url") or conf.router_url(),
            realm=options.get("realm") or conf.realm(),
            workers=options.get("workers"),
            groups=options.get("groups") or 1,
            name=options.get("name"),
            user_email=options.get("user_email"),
            users_file=options.get("users_file"),
            auth=auth,
            ticket=ticket,
            ticket_authid=conf.profiler_authid(),
            task_timeout=options.get("task_timeout") or duration(DEFAULT_TASK_TIMEOUT),
            join_timeout=options.get("join_timeout") or duration(DEFAULT_JOIN_TIMEOUT),
            log_level=options.get("log_level") or DEFAULT_LOG_LEVEL,
            run_id=options.get("run_id"),
        )
