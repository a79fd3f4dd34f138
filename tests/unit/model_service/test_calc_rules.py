"""simpl-calc submit_decision (§D.2) against the in-memory games API."""
import asyncio

import pytest

from demo.model_service.errors import CallerError
from demo.model_service.games import calc
from demo.model_service.scopes import GameRef, load_lineage
from demo.model_service.uris import ScopeRef

from .conftest import seed_calc

ROOT = "world.simpl.sims.simpl-calc"


def submit(api, make_context, world, player, period_id, operand):
    async def go():
        lineage = await load_lineage(api, GameRef(api, "simpl-calc"), ScopeRef("period", period_id))
        ctx = make_context("simpl-calc", lineage, world.users[player], world.runusers[player])
        return await calc.submit_decision(ctx, operand)
    return asyncio.run(go())


def test_first_decision_writes_decision_total_and_next_period(api, make_context, published):
    world = seed_calc(api)
    period = world.periods[0]
    assert submit(api, make_context, world, 0, period["id"], 1) == "ok"
    [decision] = api.all("decision", period=period["id"])
    assert (decision["name"], decision["role"], decision["data"]) == ("decision", None, {"operand": 1})
    [result] = api.all("result", period=period["id"])
    assert (result["name"], result["data"]) == ("results", {"total": 1})
    periods = sorted(api.all("period", scenario=period["scenario"]), key=lambda p: p["order"])
    assert [p["order"] for p in periods] == [1, 2]
    # each new scope is announced on the (private scenario's) runuser topic only
    topic = f"{ROOT}.model.runuser.{world.runusers[0]['id']}.add_child"
    assert [(t, args[1]) for t, args, _ in published] == [
        (topic, "decision"), (topic, "result"), (topic, "period")]
    assert published[0][1] == (decision["id"], "decision", decision)
    assert published[0][2] == {"resource_name": "decision", "pk": decision["id"]}


def test_second_decision_accumulates_the_total(api, make_context):
    world = seed_calc(api)
    first = world.periods[1]
    submit(api, make_context, world, 1, first["id"], 2)
    second = api.all("period", scenario=first["scenario"], order=2)[0]
    assert submit(api, make_context, world, 1, second["id"], 5) == "ok"
    assert api.all("result", period=second["id"])[0]["data"] == {"total": 7}
    assert len(api.all("period", scenario=first["scenario"])) == 3


def test_an_existing_decision_is_kept(api, make_context):
    world = seed_calc(api)
    period = world.periods[0]
    submit(api, make_context, world, 0, period["id"], 3)
    with pytest.raises(CallerError, match="has no decision"):
        # the reference steps the scenario's LAST period, which has no decision yet
        submit(api, make_context, world, 0, period["id"], 4)
    assert [d["data"] for d in api.all("decision", period=period["id"])] == [{"operand": 3}]


@pytest.mark.parametrize("operand", ["1", None, True, [1]])
def test_operand_must_be_a_number(api, make_context, operand):
    world = seed_calc(api)
    with pytest.raises(CallerError, match="operand must be a number"):
        submit(api, make_context, world, 0, world.periods[0]["id"], operand)
    assert api.all("decision") == []
