"""`python -m demo.seed calc|div -n NAME [--players N] [--reset] [--emails-file PATH] [--url URL]`.

Seeds one run through the games API (staff credentials from SIMPL_GAMES_AUTH, `email:password`),
writes the players' emails one a line, and prints a one-line summary with the time it took.
Exit 0 on success, 1 when seeding fails, 2 on bad options; the error is one line on stderr.

Not for: the seeding itself (demo.seed.seed), which other code calls directly.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ._layout import GAMES, MAX_PLAYERS
from ._seeder import seed
from .emails import write_emails_file
from .errors import SeedError

REPO_DIR = Path(__file__).resolve().parents[2]
DEFAULT_GAMES_URL = "http://127.0.0.1:8100/apis"


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_PLAYERS:
        raise argparse.ArgumentTypeError(f"{value} is not between 1 and {MAX_PLAYERS}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m demo.seed",
        description="Seed a run of a demo game (players, worlds, scenarios) into the games API.",
        epilog="Environment: SIMPL_GAMES_URL (default %s), SIMPL_GAMES_AUTH=email:password "
               "(the staff account; required)." % DEFAULT_GAMES_URL)
    parser.add_argument("game", choices=sorted(GAMES), help="which game to seed")
    parser.add_argument("-n", "--name", metavar="NAME", default="a",
                        help="run name; players are <NAME><n>@<game>.edu (default: a)")
    parser.add_argument("--players", metavar="N", type=positive_int,
                        help="number of players (default: %s)" % ", ".join(
                            f"{key} {layout.default_players}" for key, layout in sorted(GAMES.items())))
    parser.add_argument("--reset", action="store_true",
                        help="delete an existing run of that name first (no prompt)")
    parser.add_argument("--emails-file", metavar="PATH", type=Path,
                        help="where to write the emails, one a line (default: run/emails-<game>-<NAME>.txt)")
    parser.add_argument("--url", metavar="URL", default=os.environ.get("SIMPL_GAMES_URL") or DEFAULT_GAMES_URL,
                        help="games API base URL (default: env SIMPL_GAMES_URL or %s)" % DEFAULT_GAMES_URL)
    return parser


def main(argv: list[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    auth = os.environ.get("SIMPL_GAMES_AUTH")
    if not auth:
        print("seed: error: SIMPL_GAMES_AUTH is not set; export it as the games API staff "
              "account, e.g. SIMPL_GAMES_AUTH=simpl@simpl.world:<password>", file=sys.stderr)
        return 2
    emails_file = options.emails_file or REPO_DIR / "run" / f"emails-{options.game}-{options.name}.txt"
    try:
        result = seed(options.url, auth, game=options.game, run_name=options.name,
                      players=options.players, reset=options.reset)
        written = write_emails_file(emails_file, result.emails)
    except SeedError as exc:
        print(f"seed: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("seed: interrupted; the run may be half made, seed again with --reset", file=sys.stderr)
        return 130
    print(f"{result.summary()}; emails in {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
