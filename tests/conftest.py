"""Shared fixtures: one real local Simpl stack for the whole test session, and seeded runs.

`write_task_package` writes a throwaway task package for a test to run.
`simpl_stack` starts `demo.stack.SimplStack` once (games API, router, authenticator, both
model services) on free loopback ports in a temporary folder, and stops it at the end of
the session. `seeded_calc(n)` / `seeded_div(n)` seed a fresh run with a name no other test
uses and return its players' emails (each player's password is the email's local part).
The logic lives in `demo/`; this file only wires it to pytest.
"""
from __future__ import annotations

import itertools
import string
import textwrap
from pathlib import Path
from typing import Callable

import pytest

_run_numbers = itertools.count()


def unique_run_name() -> str:
    """`runa`, `runb`, ... `runba`: letters only, because emails are `<run><n>@...`."""
    number, letters = next(_run_numbers), ""
    while True:
        number, digit = divmod(number, 26)
        letters = string.ascii_lowercase[digit] + letters
        if number == 0:
            return "run" + letters
        number -= 1


def write_task_package(root: Path, name: str, source: str) -> Path:
    """A task package `name` under `root` with one task file holding `source`; returns `root`.

    Put `root` on the PYTHONPATH of the profile command and pass `-m name`.
    """
    package = root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / f"profile_{name}.py").write_text(textwrap.dedent(source))
    return root


def write_probe_package(root: Path, source: str) -> tuple[Path, Path]:
    """Task package `probe_tasks` holding `source`, and the empty `marks` folder its task writes
    into (so a test waits for a mark instead of sleeping); returns (root, marks)."""
    write_task_package(root, "probe_tasks", source)
    marks = root / "marks"
    marks.mkdir()
    return root, marks


@pytest.fixture(scope="session")
def simpl_stack(tmp_path_factory):
    """The whole local stack, started once per session; `.env` has its URLs and secrets."""
    from demo.stack import SimplStack

    with SimplStack(tmp_path_factory.mktemp("stack"), api_port=0, router_port=0) as stack:
        yield stack


def _seeder(stack, game: str) -> Callable[..., list[str]]:
    from demo.seed import seed_game

    def seed(players: int = 2) -> list[str]:
        return seed_game(stack.games_url, stack.staff_auth, game=game,
                         run_name=unique_run_name(), players=players)

    return seed


@pytest.fixture
def seeded_calc(simpl_stack) -> Callable[..., list[str]]:
    """`seeded_calc(n)`: a new simpl-calc run with n players; returns their emails."""
    return _seeder(simpl_stack, "calc")


@pytest.fixture
def seeded_div(simpl_stack) -> Callable[..., list[str]]:
    """`seeded_div(n)`: a new simpl-div run with n players (n >= 2); returns their emails."""
    return _seeder(simpl_stack, "div")
