"""Fixtures: the reference games' default runs (§D.2, §D.3) seeded into a FakeGamesApi."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from demo.model_service.context import CallContext, KeyedLocks, Presence
from demo.model_service.publications import ScopePublisher
from demo.model_service.scopes import GameRef, Lineage
from demo.model_service.tree import Viewer

from .fake_api import FakeGamesApi, recording_publish


def seed_calc(api: FakeGamesApi, run_name: str = "a", players: int = 2) -> SimpleNamespace:
    game = api.add("game", name="Simpl Calc", slug="simpl-calc")
    play = api.add("phase", name="Play", slug="", game=game["id"], order=1)
    run = api.add("run", name=run_name, game=game["id"], active=True, phase=play["id"])
    leader_user = api.add("user", email="leader@calc.edu")
    leader = api.add("runuser", user=leader_user["id"], run=run["id"], world=None, role=None,
                     leader=True)
    users, runusers, periods = [], [], []
    for n in range(1, players + 1):
        user = api.add("user", email=f"{run_name}{n}@calc.edu")
        ru = api.add("runuser", user=user["id"], run=run["id"], world=None, role=None,
                     leader=False)
        scenario = api.add("scenario", name="Scenario 1", runuser=ru["id"], world=None)
        periods.append(api.add("period", scenario=scenario["id"], order=1))
        users.append(user)
        runusers.append(ru)
    return SimpleNamespace(game=game, run=run, play=play, leader=leader, leader_user=leader_user,
                           users=users, runusers=runusers, periods=periods)


def seed_div(api: FakeGamesApi, run_name: str = "a", worlds: int = 2) -> SimpleNamespace:
    game = api.add("game", name="Simpl Div", slug="simpl-div")
    dividend = api.add("role", name="Dividend", slug="", game=game["id"])
    divisor = api.add("role", name="Divisor", slug="", game=game["id"])
    play = api.add("phase", name="Play", slug="", game=game["id"], order=1)
    debrief = api.add("phase", name="Debrief", slug="", game=game["id"], order=2)
    run = api.add("run", name=run_name, game=game["id"], active=True, phase=play["id"])
    leader_user = api.add("user", email="leader@div.edu")
    leader = api.add("runuser", user=leader_user["id"], run=run["id"], world=None, role=None,
                     leader=True)
    out = SimpleNamespace(game=game, run=run, play=play, debrief=debrief, leader=leader,
                          leader_user=leader_user, dividend=dividend, divisor=divisor,
                          worlds=[], world_periods=[], users=[], runusers=[])
    for k in range(1, worlds + 1):
        world = api.add("world", name=f"World {k}", run=run["id"])
        scenario = api.add("scenario", name="World Scenario 1", world=world["id"], runuser=None)
        out.world_periods.append(api.add("period", scenario=scenario["id"], order=1))
        out.worlds.append(world)
        for offset, role in enumerate((dividend, divisor)):
            num = 1 + (k - 1) * 2 + offset
            user = api.add("user", email=f"{run_name}{num}@div.edu")
            ru = api.add("runuser", user=user["id"], run=run["id"], world=world["id"],
                         role=role["id"], leader=False, role_name=role["name"])
            test_scenario = api.add("scenario", name="Test Scenario 1", runuser=ru["id"],
                                    world=None)
            api.add("period", scenario=test_scenario["id"], order=1)
            out.users.append(user)
            out.runusers.append(ru)
    return out


@pytest.fixture
def api() -> FakeGamesApi:
    return FakeGamesApi()


@pytest.fixture
def published() -> list:
    return []


@pytest.fixture
def make_context(api, published):
    """make_context(slug, lineage, user=None, runuser=None) -> CallContext on the fake API."""
    locks, presence = KeyedLocks(), Presence()

    def make(slug: str, lineage: Lineage, user=None, runuser=None, own=None) -> CallContext:
        root = f"world.simpl.sims.{slug}"
        return CallContext(
            api=api, game=GameRef(api, slug), root=root, lineage=lineage, user=user,
            runuser=runuser, viewer=Viewer(user["id"] if user else None, own or runuser),
            publisher=ScopePublisher(api, root, recording_publish(published)),
            presence=presence, locks=locks)
    return make
