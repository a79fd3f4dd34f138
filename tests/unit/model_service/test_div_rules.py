"""simpl-div submit_decision (§D.3): roles, zero divisors, and a quotient written exactly once."""
import asyncio

import pytest

from demo.model_service.errors import CallerError
from demo.model_service.games import div
from demo.model_service.scopes import GameRef, load_lineage
from demo.model_service.uris import ScopeRef

from .conftest import seed_div

ROOT = "world.simpl.sims.simpl-div"


async def submit(api, make_context, world, player, operand, world_index=None):
    ru = world.runusers[player]
    index = world_index if world_index is not None else player // 2
    lineage = await load_lineage(api, GameRef(api, "simpl-div"),
                                 ScopeRef("period", world.world_periods[index]["id"]))
    ctx = make_context("simpl-div", lineage, world.users[player], ru)
    return await div.submit_decision(ctx, operand)


def results(api, world, index=0):
    return api.all("result", period=world.world_periods[index]["id"])


def test_quotient_once_both_roles_decided(api, make_context, published):
    world = seed_div(api)
    assert asyncio.run(submit(api, make_context, world, 0, 1)) == "ok"   # a1: Dividend 1
    assert results(api, world) == []
    assert asyncio.run(submit(api, make_context, world, 1, 2)) == "ok"   # a2: Divisor 2
    [result] = results(api, world)
    assert (result["name"], result["role"], result["data"]) == ("result", None, {"quotient": 0.5})
    decisions = api.all("decision", period=world.world_periods[0]["id"])
    assert {d["role"]: d["data"]["operand"] for d in decisions} == {
        world.dividend["id"]: 1.0, world.divisor["id"]: 2.0}
    # world-owned: announced on the world topic and on each world member's runuser topic
    w, r1, r2 = world.worlds[0]["id"], world.runusers[0]["id"], world.runusers[1]["id"]
    expected = {f"{ROOT}.model.world.{w}.add_child", f"{ROOT}.model.runuser.{r1}.add_child",
                f"{ROOT}.model.runuser.{r2}.add_child"}
    result_topics = {t for t, args, _ in published if args[1] == "result"}
    assert result_topics == expected


def test_simultaneous_submissions_compute_the_quotient_exactly_once(api, make_context):
    world = seed_div(api)
    api.latency = 0.002  # every request takes time, so the two players' steps interleave

    async def both_worlds():
        return await asyncio.gather(*(submit(api, make_context, world, p, p + 3) for p in range(4)))

    assert asyncio.run(both_worlds()) == ["ok"] * 4
    assert [r["data"] for r in results(api, world, 0)] == [{"quotient": 3 / 4}]
    assert [r["data"] for r in results(api, world, 1)] == [{"quotient": 5 / 6}]
    assert api.requests[("POST", "result")] == 2


def test_duplicate_refused_by_the_api_counts_as_already_computed(api, make_context):
    world = seed_div(api)
    asyncio.run(submit(api, make_context, world, 0, 8))
    # another process got there first: the row exists although our lock never saw it
    api.add("result", name="result", period=world.world_periods[0]["id"], role=None,
            data={"quotient": 4.0})
    assert asyncio.run(submit(api, make_context, world, 1, 2)) == "ok"
    assert [r["data"] for r in results(api, world)] == [{"quotient": 4.0}]


def test_divisor_zero_is_refused_without_a_decision(api, make_context):
    world = seed_div(api)
    assert asyncio.run(submit(api, make_context, world, 1, 0)) == "Cannot divide by zero"
    assert api.all("decision") == []
    assert asyncio.run(submit(api, make_context, world, 0, 0)) == "ok"  # a zero dividend is fine


def test_a_change_of_mind_updates_the_same_rows(api, make_context, published):
    world = seed_div(api)
    asyncio.run(submit(api, make_context, world, 0, 6))
    asyncio.run(submit(api, make_context, world, 1, 3))
    asyncio.run(submit(api, make_context, world, 1, 2))
    assert [r["data"] for r in results(api, world)] == [{"quotient": 3.0}]
    assert len(api.all("decision", period=world.world_periods[0]["id"])) == 2
    assert {args[1] for t, args, _ in published if t.endswith(".update_child")} == {"decision", "result"}


def test_caller_without_a_role_cannot_decide(api, make_context):
    world = seed_div(api)

    async def as_leader():
        lineage = await load_lineage(api, GameRef(api, "simpl-div"),
                                     ScopeRef("period", world.world_periods[0]["id"]))
        ctx = make_context("simpl-div", lineage, world.leader_user, world.leader)
        return await div.submit_decision(ctx, 1)

    with pytest.raises(CallerError, match="no Dividend or Divisor role"):
        asyncio.run(as_leader())


def test_a_service_caller_has_no_runuser(api, make_context):
    world = seed_div(api)

    async def as_service():
        lineage = await load_lineage(api, GameRef(api, "simpl-div"),
                                     ScopeRef("period", world.world_periods[0]["id"]))
        return await div.submit_decision(make_context("simpl-div", lineage), 1)

    with pytest.raises(CallerError, match="needs a player"):
        asyncio.run(as_service())
