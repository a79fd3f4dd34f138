"""Loading a scope with its lineage, and deciding that it does not exist in this game."""
import asyncio

import pytest

from demo.model_service.errors import NoSuchScope
from demo.model_service.scopes import GameRef, load_lineage
from demo.model_service.uris import ScopeRef

from .conftest import seed_calc, seed_div


def lineage(api, slug, resource, pk=None):
    return asyncio.run(load_lineage(api, GameRef(api, slug), ScopeRef(resource, pk)))


def test_decision_lineage_reaches_its_world_and_run(api):
    div = seed_div(api)
    decision = api.add("decision", name="decision", period=div.world_periods[1]["id"],
                       role=div.dividend["id"])
    found = lineage(api, "simpl-div", "decision", decision["id"])
    assert found.scope.data == decision
    assert found.run["id"] == div.run["id"]
    assert found.owner_world == div.worlds[1]["id"]
    assert found.owner_runuser is None


def test_private_period_lineage_has_its_runuser(api):
    calc = seed_calc(api)
    found = lineage(api, "simpl-calc", "period", calc.periods[1]["id"])
    assert found.owner_runuser["id"] == calc.runusers[1]["id"]
    assert found.owner_world is None


def test_game_scope_is_the_game_row(api):
    calc = seed_calc(api)
    found = lineage(api, "simpl-calc", "game")
    assert found.scope.export() == {"pk": calc.game["id"], "resource_name": "game",
                                    "data": calc.game}


def test_unknown_pk_is_a_missing_scope(api):
    seed_calc(api)
    with pytest.raises(NoSuchScope):
        lineage(api, "simpl-calc", "runuser", 9999)


def test_another_games_rows_are_missing_scopes(api):
    calc = seed_calc(api)
    div = seed_div(api)
    with pytest.raises(NoSuchScope):
        lineage(api, "simpl-calc", "world", div.worlds[0]["id"])
    with pytest.raises(NoSuchScope):
        lineage(api, "simpl-div", "phase", calc.play["id"])
    assert lineage(api, "simpl-calc", "phase", calc.play["id"]).scope.pk == calc.play["id"]


def test_scopes_of_an_inactive_run_are_missing(api):
    calc = seed_calc(api)
    asyncio.run(api.update("run", calc.run["id"], {"active": False}))
    for resource, pk in (("run", calc.run["id"]), ("period", calc.periods[0]["id"])):
        with pytest.raises(NoSuchScope):
            lineage(api, "simpl-calc", resource, pk)


def test_game_id_is_reread_when_the_game_was_recreated(api):
    calc = seed_calc(api)
    ref = GameRef(api, "simpl-calc")
    assert asyncio.run(ref.owns(calc.game["id"]))
    del api.rows["game"][calc.game["id"]]
    new_game = api.add("game", name="Simpl Calc", slug="simpl-calc")
    assert asyncio.run(ref.owns(new_game["id"]))
    assert not asyncio.run(ref.owns(calc.game["id"]))
