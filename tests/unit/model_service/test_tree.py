"""Scope trees: shape, stable order, exclusion, and the reference's access rules."""
import asyncio

import pytest

from demo.model_service import tree
from demo.model_service.tree import Viewer, can_see, load_tree

from .conftest import seed_calc, seed_div


def pks(node):
    return [child["pk"] for child in node["children"]]


@pytest.mark.parametrize("viewer, visible", [
    (Viewer(None), True),                                              # trusted service
    (Viewer(7, None), False),                                          # not in the run
    (Viewer(7, {"user": 7, "world": 1, "leader": False}), True),       # member of world 1
    (Viewer(7, {"user": 7, "world": 2, "leader": False}), False),      # member of world 2
    (Viewer(7, {"user": 7, "world": None, "leader": True}), True),     # run leader
])
def test_world_owned_nodes(viewer, visible):
    assert can_see(viewer, "period", {"id": 50, "scenario": 3}, owner_world=1) is visible
    assert can_see(viewer, "world", {"id": 1, "run": 1}, owner_world=None) is visible


def test_runuser_nodes_only_for_their_own_user_even_for_leaders():
    leader = Viewer(7, {"user": 7, "world": None, "leader": True})
    assert can_see(leader, "runuser", {"id": 3, "user": 8}, None) is False
    assert can_see(leader, "runuser", {"id": 2, "user": 7}, None) is True


def test_private_scenarios_are_visible_to_every_run_member():
    other = Viewer(9, {"user": 9, "world": None, "leader": False})
    assert can_see(other, "scenario", {"id": 4, "runuser": 3, "world": None}, None) is True


def test_calc_runuser_tree_has_the_players_period_at_children_0_children_0(api):
    calc = seed_calc(api)
    ru, user = calc.runusers[0], calc.users[0]
    result = asyncio.run(load_tree(api, "runuser", ru, viewer=Viewer(user["id"], ru),
                                   run_id=calc.run["id"], owner_world=None))
    assert result["pk"] == ru["id"] and result["resource_name"] == "runuser"
    assert result["data"] == ru
    scenario = result["children"][0]
    assert scenario["resource_name"] == "scenario"
    assert scenario["children"][0]["pk"] == calc.periods[0]["id"]
    assert scenario["children"][0]["children"] == []


def test_period_children_are_decisions_then_results_each_by_pk(api):
    calc = seed_calc(api)
    period = calc.periods[0]
    r2 = api.add("result", name="b", period=period["id"], role=None)
    d1 = api.add("decision", name="x", period=period["id"], role=None)
    r1 = api.add("result", name="a", period=period["id"], role=None)
    d0 = api.add("decision", name="y", period=period["id"], role=None)
    node = asyncio.run(load_tree(api, "period", period, viewer=Viewer(None),
                                 run_id=calc.run["id"], owner_world=None))
    assert pks(node) == [d1["id"], d0["id"], r2["id"], r1["id"]]
    assert [c["resource_name"] for c in node["children"]] == ["decision"] * 2 + ["result"] * 2


def test_div_run_tree_player_sees_own_runuser_and_own_world_only(api):
    div = seed_div(api)
    ru, user = div.runusers[2], div.users[2]  # a3: Dividend of World 2
    node = asyncio.run(load_tree(api, "run", div.run, viewer=Viewer(user["id"], ru),
                                 run_id=div.run["id"], owner_world=None))
    assert [(c["resource_name"], c["pk"]) for c in node["children"]] == [
        ("runuser", ru["id"]), ("world", div.worlds[1]["id"])]
    world_node = node["children"][1]
    assert world_node["children"][0]["children"][0]["pk"] == div.world_periods[1]["id"]


def test_div_run_tree_leader_sees_all_worlds_but_only_own_runuser(api):
    div = seed_div(api)
    node = asyncio.run(load_tree(api, "run", div.run,
                                 viewer=Viewer(div.leader_user["id"], div.leader),
                                 run_id=div.run["id"], owner_world=None))
    assert [(c["resource_name"], c["pk"]) for c in node["children"]] == [
        ("runuser", div.leader["id"]), ("world", div.worlds[0]["id"]), ("world", div.worlds[1]["id"])]


def test_world_tree_is_empty_for_a_member_of_another_world(api):
    div = seed_div(api)
    outsider = div.runusers[2]
    node = asyncio.run(load_tree(api, "world", div.worlds[0], viewer=Viewer(outsider["user"], outsider),
                                 run_id=div.run["id"], owner_world=div.worlds[0]["id"]))
    assert node["pk"] == div.worlds[0]["id"] and node["children"] == []


def test_exclude_keeps_excluded_nodes_as_leaves(api):
    div = seed_div(api)
    node = asyncio.run(load_tree(api, "run", div.run, viewer=Viewer(None), run_id=div.run["id"],
                                 owner_world=None, exclude=["world", "runuser"]))
    assert len(node["children"]) == 5 + 2  # leader + 4 players, then 2 worlds
    assert all(child["children"] == [] for child in node["children"])


def test_many_parents_are_loaded_with_run_wide_queries(api):
    calc = seed_calc(api, players=tree.PER_PARENT_QUERY_LIMIT + 4)
    api.requests.clear()
    node = asyncio.run(load_tree(api, "run", calc.run, viewer=Viewer(None), run_id=calc.run["id"],
                                 owner_world=None))
    runuser_nodes = [c for c in node["children"] if c["resource_name"] == "runuser"]
    assert len(runuser_nodes) == tree.PER_PARENT_QUERY_LIMIT + 5
    assert sum(len(r["children"]) for r in runuser_nodes) == tree.PER_PARENT_QUERY_LIMIT + 4
    # one query per level and child type, not one per parent
    assert api.requests[("LIST", "scenario")] == 1
    assert api.requests[("LIST", "period")] == 1
