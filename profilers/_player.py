"""Helpers shared by the example tasks: who the player is in the seeded run, and the login calls.

Not a task file (its name does not start with `profile`), so discovery does not load it as one.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings


def run_name_and_number(email: str) -> tuple[str, int]:
    """`load12@calc.edu` -> ("load", 12): the seeded run's name is the local part minus its digits."""
    local = email.partition("@")[0]
    name = local.rstrip("0123456789")
    if not name or name == local:
        raise ValueError(f"{email}: expected <run name><player number>@..., like a1@calc.edu")
    return name, int(local[len(name):])


def model_topic() -> str:
    """`<ROOT_TOPIC>.model`: the prefix of every scope's procedures."""
    return f"{settings.ROOT_TOPIC}.model"


async def find_runuser(games_client: Any, email: str) -> Any:
    """The player's runuser in its run, found through the games API as a model service would."""
    run_name, _ = run_name_and_number(email)
    async with games_client as api:
        run = await api.runs.get(game_slug=settings.GAME_SLUG, name=run_name)
        user = await api.users.get(email=email)
        return await api.runusers.get(run=run.id, user=user.id)


async def log_in(case: Any, topic: str, runuser_topic: str) -> dict:
    """The calls a browser makes on login (simpl-react's `simpl()` decorator); returns the scope tree."""
    await case.call(f"{topic}.get_active_runusers")
    run_and_phase = await case.call(f"{topic}.get_current_run_and_phase")
    tree = await case.call(f"{topic}.get_scope_tree")
    await case.call(f"{runuser_topic}.get_scenarios")
    await case.call(f"{model_topic()}.game.get_phases")
    await case.call(f"{model_topic()}.game.get_roles")
    return {"tree": tree, "run_and_phase": run_and_phase}
