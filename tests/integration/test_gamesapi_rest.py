"""The games API's REST semantics (simpl-interfaces.md §A), against a real gunicorn on a free port."""
import uuid

import pytest


pytestmark = pytest.mark.integration

GAME_KEYS = {"id", "name", "slug", "active", "data", "created", "updated"}
RUNUSER_KEYS = {"id", "user", "run", "world", "role", "leader", "active", "data", "email", "first_name",
                "last_name", "run_active", "created", "updated"}




@pytest.fixture
def tree(staff):
    """A fresh game with a run, a world scenario, a player with a private scenario, and periods."""
    post = lambda res, body: staff.request("POST", f"{res}/", body=body, expect=(201,))  # noqa: E731
    tag = uuid.uuid4().hex[:8]
    game = post("games", {"name": f"Game {tag}"})
    phase = post("phases", {"game": game["id"], "name": "Play", "order": 1})
    role = post("roles", {"game": game["id"], "name": "Dividend"})
    run = post("runs", {"game": game["id"], "name": "a", "phase": phase["id"]})
    world = post("worlds", {"run": run["id"], "name": "World 1"})
    user = post("users", {"email": f"p{tag}@calc.edu", "first_name": "Ann", "last_name": "Lee", "password": "p"})
    runuser = post("runusers", {"user": user["id"], "run": run["id"], "world": world["id"], "role": role["id"]})
    world_scenario = post("scenarios", {"world": world["id"], "name": "World Scenario 1"})
    own_scenario = post("scenarios", {"runuser": runuser["id"], "name": "Scenario 1"})
    world_period = post("periods", {"scenario": world_scenario["id"], "order": 1})
    own_period = post("periods", {"scenario": own_scenario["id"], "order": 1})
    return dict(game=game, phase=phase, role=role, run=run, world=world, user=user, runuser=runuser,
                world_scenario=world_scenario, own_scenario=own_scenario, world_period=world_period,
                own_period=own_period, tag=tag)


def test_api_root_lists_the_game_resources(staff, api):
    root = staff.request("GET", "")
    assert sorted(root) == ["decisions", "games", "periods", "phases", "results", "roles", "runs",
                            "runusers", "scenarios", "worlds"]
    assert root["runs"] == f"{api.url}/runs/"


def test_a_get_without_the_trailing_slash_is_redirected(staff):
    response = staff.send("GET", "games")
    assert response.status == 301 and response.headers["location"].endswith("/apis/games/")


def test_games_are_looked_up_by_slug_and_get_a_slug_from_their_name(staff, tree):
    game = tree["game"]
    assert set(game) == GAME_KEYS
    assert game["slug"] == f"game-{tree['tag']}" and game["active"] is True and game["data"] == {}
    assert game["created"].endswith("Z")
    assert staff.request("GET", f"games/{game['slug']}/") == game
    missing = staff.send("GET", "games/no-such-game/")
    assert missing.status == 404 and missing.json() == {"detail": "Not found."}
    assert staff.send("GET", "runs/999999/").json() == {"detail": "Not found."}


def test_run_and_runuser_have_the_reference_keys(staff, tree):
    run = staff.request("GET", f"runs/{tree['run']['id']}/")
    assert set(run) == {"id", "name", "active", "game", "data", "phase", "created", "updated"}
    runuser = tree["runuser"]
    assert set(runuser) == RUNUSER_KEYS | {"role_name"}
    assert (runuser["email"], runuser["first_name"], runuser["last_name"]) == (tree["user"]["email"], "Ann", "Lee")
    assert runuser["role_name"] == "Dividend" and runuser["run_active"] is True and runuser["leader"] is False


def test_role_name_is_left_out_when_the_runuser_has_no_role(staff, tree):
    leader = staff.request("POST", "users/", expect=(201,), body={
        "email": f"lead{tree['tag']}@calc.edu", "first_name": "", "last_name": ""})
    runuser = staff.request("POST", "runusers/", expect=(201,),
                            body={"user": leader["id"], "run": tree["run"]["id"], "leader": True})
    assert set(runuser) == RUNUSER_KEYS and runuser["role"] is None and runuser["world"] is None


def test_run_active_follows_the_run(staff, tree):
    paths = [("worlds", tree["world"]), ("scenarios", tree["own_scenario"]), ("periods", tree["world_period"])]
    assert all(staff.request("GET", f"{res}/{obj['id']}/")["run_active"] is True for res, obj in paths)
    staff.request("PATCH", f"runs/{tree['run']['id']}/", body={"active": False})
    assert all(staff.request("GET", f"{res}/{obj['id']}/")["run_active"] is False for res, obj in paths)
    assert staff.request("GET", "periods/", params={"run": tree["run"]["id"], "run_active": "true"}) == []


def test_status_codes_of_the_crud_verbs(staff, tree):
    period = tree["own_period"]["id"]
    created = staff.send("POST", "decisions/", body={"period": period, "name": "decision", "data": {"operand": 3}})
    assert created.status == 201 and created.json()["role"] is None
    decision = created.json()
    put = staff.send("PUT", f"decisions/{decision['id']}/", body={**decision, "data": {"operand": 4}, "id": 999})
    assert put.status == 200 and put.json()["data"] == {"operand": 4} and put.json()["id"] == decision["id"]
    patch = staff.send("PATCH", f"decisions/{decision['id']}/", body={"name": "renamed"})
    assert patch.status == 200 and patch.json()["name"] == "renamed"
    assert staff.send("DELETE", f"decisions/{decision['id']}/").status == 204
    assert staff.send("DELETE", f"decisions/{decision['id']}/").status == 404
    assert staff.send("DELETE", "decisions/").status == 405
    bad = staff.send("POST", "decisions/", body={"name": "x"})
    assert bad.status == 400 and bad.json() == {"period": ["This field is required."]}
    assert staff.send("POST", "decisions/", body=[{"period": period, "name": "y"}]).status == 400


def test_unknown_params_and_bad_booleans_are_ignored(staff, tree):
    run_id = tree["run"]["id"]
    everything = staff.request("GET", "runusers/", params={"run": run_id})
    assert len(everything) == 1
    for params in ({"password": "x", "ordering": "-id"}, {"active": "maybe"}, {"leader": ""}):
        assert staff.request("GET", "runusers/", params={"run": run_id, **params}) == everything
    for value in ("True", "TRUE", "1", "true"):
        assert staff.request("GET", "runusers/", params={"run": run_id, "active": value}) == everything
    assert staff.request("GET", "runusers/", params={"run": run_id, "active": "False"}) == []


def test_foreign_key_filters_refuse_unknown_pks(staff):
    for value in ("999999", "None", "abc"):
        response = staff.send("GET", "runusers/", params={"run": value})
        assert response.status == 400
        assert response.json() == {"run": ["Select a valid choice. That choice is not one of the available choices."]}


def test_numeric_run_filter_is_a_number_and_finds_nothing_for_an_unknown_run(staff, tree):
    assert staff.send("GET", "periods/", params={"run": "abc"}).json() == {"run": ["Enter a number."]}
    assert staff.request("GET", "periods/", params={"run": 999999}) == []
    periods = staff.request("GET", "periods/", params={"run": tree["run"]["id"]})
    assert [p["id"] for p in periods] == [tree["world_period"]["id"], tree["own_period"]["id"]]


def test_game_slug_reaches_through_worlds_and_runusers(staff, tree):
    slug = tree["game"]["slug"]
    scenarios = staff.request("GET", "scenarios/", params={"game_slug": slug})
    assert {s["id"] for s in scenarios} == {tree["world_scenario"]["id"], tree["own_scenario"]["id"]}
    for resource in ("phases", "roles", "runs", "worlds", "runusers", "periods"):
        assert len(staff.request("GET", f"{resource}/", params={"game_slug": slug})) >= 1, resource
    assert staff.request("GET", "periods/", params={"game_slug": "no-such-game"}) == []
    by_path = staff.request("GET", "periods/", params={"scenario__runuser__run": tree["run"]["id"]})
    assert [p["id"] for p in by_path] == [tree["own_period"]["id"]]


def test_run_and_user_filters_as_the_profile_tasks_use_them(staff, tree):
    runs = staff.request("GET", "runs/", params={"game_slug": tree["game"]["slug"], "name": "a"})
    assert [r["id"] for r in runs] == [tree["run"]["id"]]
    users = staff.request("GET", "users/", params={"email": tree["user"]["email"]})
    assert [u["id"] for u in users] == [tree["user"]["id"]]
    assert staff.request("GET", "users/", params={"email": tree["user"]["email"].upper()}) == []
    runusers = staff.request("GET", "runusers/", params={"run": tree["run"]["id"], "user": tree["user"]["id"]})
    assert [(r["id"], r["world"]) for r in runusers] == [(tree["runuser"]["id"], tree["world"]["id"])]


def test_deleting_a_run_cascades_to_everything_under_it(staff, tree):
    staff.request("POST", "results/", body={"period": tree["own_period"]["id"], "name": "results"}, expect=(201,))
    assert staff.send("DELETE", f"runs/{tree['run']['id']}/").status == 204
    for resource in ("worlds", "runusers", "scenarios", "periods", "results"):
        assert staff.request("GET", f"{resource}/", params={"game_slug": tree["game"]["slug"]}) == [], resource
    assert staff.send("GET", f"users/{tree['user']['id']}/").status == 200  # users stay


def test_rewind_deletes_later_periods_and_the_last_periods_records(staff, tree):
    scenario = tree["own_scenario"]["id"]
    first = tree["own_period"]["id"]
    second = staff.request("POST", "periods/", body={"scenario": scenario, "order": 2}, expect=(201,))
    for period in (first, second["id"]):
        staff.request("POST", "decisions/", body={"period": period, "name": "decision"}, expect=(201,))
        staff.request("POST", "results/", body={"period": period, "name": "results"}, expect=(201,))

    response = staff.send("POST", f"scenarios/{scenario}/rewind/",
                          body={"last_period_order": 1, "delete_last_period_results": False})

    assert response.status == 204 and response.body == b""
    assert [p["id"] for p in staff.request("GET", "periods/", params={"scenario": scenario})] == [first]
    assert staff.request("GET", "decisions/", params={"period": first}) == []
    assert len(staff.request("GET", "results/", params={"period": first})) == 1


def test_rewind_to_a_missing_period_is_a_400_not_a_500(staff, tree):
    response = staff.send("POST", f"scenarios/{tree['own_scenario']['id']}/rewind/", body={})
    assert response.status == 400
    assert "has no period with order 0" in response.json()["last_period_order"][0]
