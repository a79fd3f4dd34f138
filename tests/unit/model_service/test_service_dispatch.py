"""ModelService.invoke: identity, scope lookup, procedures and error URIs, on the fake API."""
import asyncio
from types import SimpleNamespace

import pytest
from autobahn.wamp.exception import ApplicationError

from demo.model_service.games import rules_for
from demo.model_service.service import ModelService

from .conftest import seed_calc, seed_div
from .fake_api import recording_publish


def make_service(api, slug, published):
    service = ModelService(api, rules_for(slug))
    service._session = SimpleNamespace(publish=recording_publish(published))
    return service


def call(service, uri, *args, role="profiler", authid="profiler", **kwargs):
    resource, name = (uri.split(".")[0], uri.split(".")[-1])
    procedure = service.procedures[resource][name]
    details = SimpleNamespace(procedure=f"{service.root}.model.{uri}", caller_authrole=role,
                              caller_authid=authid)
    return asyncio.run(service.invoke(resource, name, procedure, args, kwargs, details))


def test_profiler_gets_the_players_tree_by_user_email(api, published):
    calc = seed_calc(api)
    service = make_service(api, "simpl-calc", published)
    ru = calc.runusers[0]
    tree = call(service, f"runuser.{ru['id']}.get_scope_tree", user_email="a1@calc.edu")
    assert tree["children"][0]["children"][0]["pk"] == calc.periods[0]["id"]


def test_submit_decision_through_the_dispatcher(api, published):
    calc = seed_calc(api)
    service = make_service(api, "simpl-calc", published)
    period = calc.periods[1]
    assert call(service, f"period.{period['id']}.submit_decision", 2, user_email="a2@calc.edu") == "ok"


@pytest.mark.parametrize("uri", ["runuser.999.get_scope", "runuser.x1.get_scope"])
def test_unknown_scope_is_no_such_procedure_and_not_published(api, published, uri):
    seed_calc(api)
    service = make_service(api, "simpl-calc", published)
    with pytest.raises(ApplicationError) as error:
        call(service, uri, user_email="a1@calc.edu")
    assert error.value.error == "wamp.error.no_such_procedure"
    assert published == []


def test_caller_outside_the_run_gets_a_runtime_error_published_on_their_error_topic(api, published):
    div = seed_div(api)
    stranger = api.add("user", email="stranger@div.edu")
    service = make_service(api, "simpl-div", published)
    with pytest.raises(ApplicationError) as error:
        call(service, f"world.{div.worlds[0]['id']}.get_scope_tree", role="browser",
             authid=str(stranger["id"]))
    assert error.value.error == "wamp.error.runtime_error"
    assert "has no runuser in run" in error.value.args[0]
    [(topic, args, kwargs)] = published
    assert topic == f"world.simpl.sims.simpl-div.error.{stranger['id']}"
    assert kwargs == {"error": "CallerError"}


def test_unknown_user_email_is_a_runtime_error(api, published):
    calc = seed_calc(api)
    service = make_service(api, "simpl-calc", published)
    with pytest.raises(ApplicationError) as error:
        call(service, f"runuser.{calc.runusers[0]['id']}.get_scope", user_email="nobody@calc.edu")
    assert error.value.error == "wamp.error.runtime_error"
    assert error.value.args == ("no user with email 'nobody@calc.edu'",)


def test_wrong_arguments_are_a_runtime_error(api, published):
    calc = seed_calc(api)
    service = make_service(api, "simpl-calc", published)
    with pytest.raises(ApplicationError) as error:
        call(service, f"runuser.{calc.runusers[0]['id']}.get_scope", 1, 2)
    assert error.value.error == "wamp.error.runtime_error"


def test_game_procedures(api, published):
    div = seed_div(api)
    service = make_service(api, "simpl-div", published)
    assert [p["name"] for p in call(service, "game.get_phases")] == ["Play", "Debrief"]
    assert [r["name"] for r in call(service, "game.get_roles")] == ["Dividend", "Divisor"]
    assert call(service, "game.get_scope")["pk"] == div.game["id"]
    with pytest.raises(ApplicationError) as error:
        call(service, "game.get_scope_tree")
    assert error.value.error == "wamp.error.runtime_error"


def test_current_run_and_phase_and_advance(api, published):
    div = seed_div(api)
    service = make_service(api, "simpl-div", published)
    world_uri = f"world.{div.worlds[0]['id']}"
    current = call(service, f"{world_uri}.get_current_run_and_phase", user_email="a1@div.edu")
    assert current["run"]["pk"] == div.run["id"]
    assert current["phase"]["data"]["name"] == "Play"
    assert call(service, f"run.{div.run['id']}.advance_phase",
                user_email="leader@div.edu") is None
    assert api.rows["run"][div.run["id"]]["phase"] == div.debrief["id"]
    topics = {t for t, _, _ in published}
    assert f"{service.root}.model.world.{div.worlds[1]['id']}.update_child" in topics
    assert f"{service.root}.model.runuser.{div.runusers[3]['id']}.update_child" in topics
    with pytest.raises(ApplicationError) as error:
        call(service, f"run.{div.run['id']}.advance_phase", user_email="leader@div.edu")
    assert error.value.args == ("There isn't any phase available after Debrief",)


def test_active_runusers_of_a_world_and_of_a_leader(api, published):
    div = seed_div(api)
    service = make_service(api, "simpl-div", published)
    world_uri = f"world.{div.worlds[0]['id']}.get_active_runusers"
    members = call(service, world_uri, user_email="a1@div.edu")
    assert [m["pk"] for m in members] == [div.runusers[0]["id"], div.runusers[1]["id"]]
    assert all(m["resource_name"] == "runuser" and m["data"]["online"] is False for m in members)
    everyone = call(service, world_uri, user_email="leader@div.edu")
    assert len(everyone) == 5
    leaders = call(service, world_uri, True, user_email="leader@div.edu")
    assert [m["pk"] for m in leaders] == [div.leader["id"]]


def test_connected_marks_the_runuser_online_and_publishes(api, published):
    div = seed_div(api)
    service = make_service(api, "simpl-div", published)
    ru, user = div.runusers[1], div.users[1]
    topic = f"{service.root}.model.runuser.{ru['id']}.connected"
    details = SimpleNamespace(topic=topic, publisher_authrole="browser",
                              publisher_authid=str(user["id"]))
    asyncio.run(service._on_connected(details=details))
    assert ru["id"] in service.presence
    [(t, args, _)] = published
    assert t == f"{service.root}.model.runuser.{ru['id']}.update_child"
    assert args[2]["online"] is True
    members = call(service, f"world.{div.worlds[0]['id']}.get_active_runusers", user_email="a1@div.edu")
    assert [m["data"]["online"] for m in members] == [False, True]

    published.clear()
    details.topic = topic.replace(".connected", ".disconnected")
    asyncio.run(service._on_disconnected(details=details))
    assert ru["id"] not in service.presence
    assert {t for t, _, _ in published} == {
        f"{service.root}.model.world.{div.worlds[0]['id']}.update_child",
        f"{service.root}.model.run.{div.run['id']}.update_child"}


def test_every_scope_type_has_the_common_procedures_and_period_has_the_rule(api, published):
    service = make_service(api, "simpl-calc", published)
    for resource, table in service.procedures.items():
        assert {"get_scope", "get_scope_tree", "get_active_runusers"} <= set(table), resource
    assert "submit_decision" in service.procedures["period"]
    assert "submit_decision" not in service.procedures["runuser"]
    assert set(service.procedures["run"]) >= {"get_run_data", "advance_phase",
                                              "get_current_run_and_phase"}


def test_run_data_for_a_leader(api, published):
    calc = seed_calc(api)
    service = make_service(api, "simpl-calc", published)
    data = call(service, f"run.{calc.run['id']}.get_run_data", True, user_email="leader@calc.edu")
    assert data["pk"] == calc.run["id"]
    assert [c["pk"] for c in data["children"]] == [calc.leader["id"]]  # only the own runuser node
    assert [r["pk"] for r in data["runusers"]] == [calc.leader["id"]] + [r["id"] for r in calc.runusers]
    assert [s["children"][0]["pk"] for s in data["player_scenarios"]] == [p["id"] for p in calc.periods]
    assert call(service, f"run.{calc.run['id']}.get_run_data",
                user_email="leader@calc.edu")["player_scenarios"] == []
