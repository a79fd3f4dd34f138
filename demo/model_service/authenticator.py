"""`python -m demo.model_service.authenticator`: the router's dynamic WAMP-CRA authenticator.

For: registering `world.simpl.authenticate(realm, authid, details)` as the `modelservice`
principal and answering it from the games API: `POST /apis/wampcra/ {"authid": ...}` gives the
user's PBKDF2 salt, iterations, key length and Django digest (= derive_key(password, salt,
iterations, keylen)); we return them with role `browser`, so no plaintext password is stored
or sent. An unknown or inactive user is refused with `wamp.error.not_authorized`.
Not for: checking the challenge signature (the router does that) or ticket principals.

Client side, measured against Crossbar 26.10: when the principal has a salt, Crossbar runs
PBKDF2 over the returned secret once more before signing (crossbar/router/auth/wampcra.py,
`_compute_challenge`). A browser must therefore sign with
`derive_key(derive_key(password, salt, iterations, keylen), salt, iterations, keylen)`; the
usual single `derive_key(password, ...)` is refused ("WAMP-CRA client signature is invalid").
Without the plaintext there is no secret we could return that makes a single derivation work.
"""
from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.types import RegisterOptions

from .config import ServiceConfig
from .errors import NOT_AUTHORIZED, ApiNotFound, ConfigurationError, ModelServiceError
from .games_api import GamesApi
from .runner import add_process_arguments, check_games_api, run_process, serve

AUTHENTICATE = "world.simpl.authenticate"
BROWSER_ROLE = "browser"
NAME = "authenticator"

log = logging.getLogger(__name__)


class WampCraAuthenticator:
    """Answers the router's dynamic-authenticator calls from the games API."""

    def __init__(self, api: GamesApi) -> None:
        self.api = api

    async def authenticate(self, realm: str, authid: str, details: Any = None) -> dict[str, Any]:
        """WAMP-CRA principal for `authid` (a user id or email), or not_authorized."""
        if not isinstance(authid, str) or not authid:
            raise ApplicationError(NOT_AUTHORIZED, "an authid (user id or email) is required")
        try:
            row = await self.api.post("wampcra", {"authid": authid})
        except ApiNotFound as exc:
            raise ApplicationError(NOT_AUTHORIZED, f"no active user {authid!r}") from exc
        except ModelServiceError as exc:
            log.error("cannot authenticate %r: %s", authid, exc)
            raise ApplicationError("wamp.error.authentication_failed",
                                   "the games API could not be asked") from exc
        return {"secret": row["secret"], "salt": row["salt"], "iterations": row["iterations"],
                "keylen": row["keylen"], "role": BROWSER_ROLE}

    async def attach(self, session: Any) -> None:
        """Register `world.simpl.authenticate` on a joined session."""
        await session.register(self.authenticate, AUTHENTICATE,
                               options=RegisterOptions(match="exact"))
        log.info("registered %s", AUTHENTICATE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.model_service.authenticator",
                                     description="WAMP-CRA authenticator backed by the games API.")
    add_process_arguments(parser)
    options = parser.parse_args(argv)
    try:
        config = ServiceConfig.from_env()
    except ConfigurationError as exc:
        print(f"{NAME}: {exc}", file=sys.stderr)
        return 2

    async def run() -> int:
        async with GamesApi(config.games_url, config.games_auth) as api:
            return await serve(config, setup=WampCraAuthenticator(api).attach,
                               preflight=check_games_api(api),
                               connect_timeout=options.connect_timeout, name=NAME)

    return run_process(run, name=NAME, log_level=options.log_level)


if __name__ == "__main__":
    sys.exit(main())
