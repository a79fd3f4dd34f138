"""`python -m demo.model_service --game simpl-calc|simpl-div`: run one game's model service.

For: parsing options (the environment is read by `config`), then handing over to `runner`.
Not for: the authenticator (`python -m demo.model_service.authenticator`).
"""
from __future__ import annotations

import argparse
import sys

from .config import ServiceConfig
from .errors import ConfigurationError
from .games import known_games, rules_for
from .games_api import GamesApi
from .runner import add_process_arguments, check_games_api, run_process, serve
from .service import ModelService


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of a model-service process (shared with any other entry point)."""
    parser.add_argument("--game", required=True, choices=sorted(known_games()), metavar="SLUG",
                        help="game to serve: %(choices)s")
    add_process_arguments(parser)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.model_service",
                                     description="Serve a Simpl game's WAMP model procedures.")
    add_arguments(parser)
    options = parser.parse_args(argv)
    name = f"model service {options.game}"
    try:
        config = ServiceConfig.from_env()
    except ConfigurationError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return 2
    rules = rules_for(options.game)

    async def run() -> int:
        async with GamesApi(config.games_url, config.games_auth) as api:
            service = ModelService(api, rules)
            return await serve(config, setup=service.attach,
                               preflight=check_games_api(api),
                               connect_timeout=options.connect_timeout, name=name)

    return run_process(run, name=name, log_level=options.log_level)


if __name__ == "__main__":
    sys.exit(main())
