"""Bulk endpoints and Link-header pagination of the games API, against a real gunicorn."""
import uuid

import pytest

from demo.seed import GamesApiClient
from demo.seed._http import next_link

pytestmark = pytest.mark.integration




@pytest.fixture
def period(staff):
    post = lambda res, body: staff.request("POST", f"{res}/", body=body, expect=(201,))  # noqa: E731
    game = post("games", {"name": f"Bulk {uuid.uuid4().hex[:8]}"})
    run = post("runs", {"game": game["id"], "name": "a"})
    world = post("worlds", {"run": run["id"], "name": "World 1"})
    scenario = post("scenarios", {"world": world["id"], "name": "S"})
    return post("periods", {"scenario": scenario["id"], "order": 1})


def test_bulk_create_answers_201_with_the_rows_in_order(staff, period):
    rows = [{"period": period["id"], "name": f"d{i}", "data": {"i": i}} for i in range(5)]
    response = staff.send("POST", "bulk/decisions/", body=rows)
    assert response.status == 201
    created = response.json()
    assert [(d["name"], d["data"]) for d in created] == [(r["name"], r["data"]) for r in rows]
    assert len({d["id"] for d in created}) == 5 and all(d["run_active"] is True for d in created)
    listed = staff.request("GET", "bulk/decisions/", params={"period": period["id"]})
    assert listed == staff.request("GET", "decisions/", params={"period": period["id"]}) == created


def test_a_single_object_is_a_normal_create(staff, period):
    response = staff.send("POST", "bulk/results/", body={"period": period["id"], "name": "results"})
    assert response.status == 201 and response.json()["name"] == "results"


def test_one_bad_item_creates_nothing(staff, period):
    rows = [{"period": period["id"], "name": "ok"}, {"period": period["id"]}]
    response = staff.send("POST", "bulk/decisions/", body=rows)
    # DRF 3.18 keys the errors by item index (the reference's DRF 3.12 sent a list).
    assert response.status == 400 and response.json() == {"1": {"name": ["This field is required."]}}
    assert staff.request("GET", "decisions/", params={"period": period["id"]}) == []


def test_duplicates_inside_one_request_create_nothing(staff, period):
    rows = [{"period": period["id"], "name": "same"}, {"period": period["id"], "name": "same"}]
    response = staff.send("POST", "bulk/results/", body=rows)
    assert response.status == 400 and "non_field_errors" in response.json()
    assert staff.request("GET", "results/", params={"period": period["id"]}) == []


def test_bulk_delete_needs_a_recognised_filter(staff, period):
    staff.request("POST", "bulk/decisions/", expect=(201,),
                  body=[{"period": period["id"], "name": f"d{i}"} for i in range(3)])
    for params in (None, {"foo": "1"}, {"name": ""}, {"ordering": "id"}):
        response = staff.send("DELETE", "bulk/decisions/", params=params)
        assert response.status == 400, params
        assert "at least one recognised filter" in response.json()["detail"]
    assert len(staff.request("GET", "decisions/", params={"period": period["id"]})) == 3


def test_bulk_delete_removes_exactly_the_matching_rows(staff, period):
    staff.request("POST", "bulk/decisions/", expect=(201,),
                  body=[{"period": period["id"], "name": f"d{i}"} for i in range(3)])
    response = staff.send("DELETE", "bulk/decisions/", params={"period": period["id"], "name": "d1"})
    assert response.status == 204 and response.body == b""
    left = staff.request("GET", "decisions/", params={"period": period["id"]})
    assert [d["name"] for d in left] == ["d0", "d2"]
    assert staff.send("DELETE", "bulk/decisions/", params={"period": "999999"}).status == 400


def test_bulk_routes_that_do_not_exist(staff):
    assert staff.send("PUT", "bulk/decisions/", body=[]).status == 405
    assert staff.send("PATCH", "bulk/decisions/", body=[]).status == 405
    assert staff.send("GET", "bulk/games/").status == 404
    assert staff.send("GET", "bulk/decisions/1/").status == 404
    assert "runusers" in staff.request("GET", "bulk/")


def test_bulk_users_are_staff_only_and_get_hashed_passwords(api, staff):
    tag = uuid.uuid4().hex[:8]
    users = [{"email": f"u{i}{tag}@calc.edu", "first_name": f"S{i}", "last_name": "U", "password": f"pw{i}"}
             for i in range(3)]
    created = staff.request("POST", "bulk/users/", body=users, expect=(201,))
    assert [u["email"] for u in created] == [u["email"] for u in users]
    assert all("password" not in u for u in created)
    player = GamesApiClient(api.url, (users[1]["email"], "pw1"))
    try:
        assert player.send("GET", "games/").status == 200
        refused = player.send("POST", "bulk/users/", body=[{"email": f"x{tag}@calc.edu", "first_name": "",
                                                             "last_name": "", "password": "x"}])
        assert refused.status == 403
    finally:
        player.close()
    found = staff.request("GET", "users/", params={"email__in": f"{users[0]['email']},{users[2]['email']}"})
    assert [u["email"] for u in found] == [users[0]["email"], users[2]["email"]]


def test_lists_page_at_500_with_a_link_header(staff, period):
    rows = [{"period": period["id"], "name": f"n{i:03d}"} for i in range(501)]
    staff.request("POST", "bulk/decisions/", body=rows, expect=(201,))

    first = staff.send("GET", "decisions/", params={"period": period["id"]})
    assert first.status == 200 and len(first.json()) == 500
    assert first.headers["link"].endswith('rel="next"') and "page=2" in first.headers["link"]
    second = staff.send("GET", next_link(first.headers["link"]))
    assert [d["name"] for d in second.json()] == ["n500"]
    link = second.headers["link"]
    assert 'rel="prev"' in link and "page=" not in link and 'rel="next"' not in link
    assert len(staff.list_all("decisions/", {"period": period["id"]})) == 501


def test_page_size_override_and_bad_values(staff, period):
    staff.request("POST", "bulk/decisions/", expect=(201,),
                  body=[{"period": period["id"], "name": f"p{i}"} for i in range(5)])
    base = {"period": period["id"]}
    middle = staff.send("GET", "decisions/", params={**base, "page_size": 2, "page": 2})
    assert [d["name"] for d in middle.json()] == ["p2", "p3"]
    assert 'rel="next"' in middle.headers["link"] and 'rel="prev"' in middle.headers["link"]
    for bad in ("0", "-3", "abc"):
        whole = staff.send("GET", "decisions/", params={**base, "page_size": bad})
        assert len(whole.json()) == 5 and "link" not in whole.headers
    beyond = staff.send("GET", "decisions/", params={**base, "page": 9})
    assert beyond.status == 404 and beyond.json() == {"detail": "Invalid page."}
