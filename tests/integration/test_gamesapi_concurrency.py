"""Uniqueness and concurrent writes: several gunicorn workers writing one SQLite file at once."""
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from demo.seed import GamesApiClient

pytestmark = pytest.mark.integration

THREADS = 8




@pytest.fixture
def game(staff):
    post = lambda res, body: staff.request("POST", f"{res}/", body=body, expect=(201,))  # noqa: E731
    game = post("games", {"name": f"Race {uuid.uuid4().hex[:8]}"})
    run = post("runs", {"game": game["id"], "name": "a"})
    world = post("worlds", {"run": run["id"], "name": "World 1"})
    scenario = post("scenarios", {"world": world["id"], "name": "S"})
    periods = staff.request("POST", "bulk/periods/", expect=(201,),
                            body=[{"scenario": scenario["id"], "order": n} for n in range(1, THREADS + 1)])
    roles = staff.request("POST", "bulk/roles/", expect=(201,),
                          body=[{"game": game["id"], "name": "Dividend"}, {"game": game["id"], "name": "Divisor"}])
    return {"game": game, "run": run, "periods": periods, "roles": roles}


def _all_at_once(api, count, job):
    """Run job(client, index) in `count` threads released together; each thread has its own connection."""
    start = threading.Barrier(count)
    clients = [GamesApiClient(api.url, api.staff_auth) for _ in range(count)]

    def run(index):
        start.wait(timeout=30)
        return job(clients[index], index)
    try:
        with ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(run, range(count)))
    finally:
        for client in clients:
            client.close()


def test_a_second_null_role_result_is_refused(staff, game):
    period = game["periods"][0]["id"]
    body = {"period": period, "name": "result", "role": None}
    assert staff.send("POST", "results/", body=body).status == 201
    again = staff.send("POST", "results/", body=body)
    assert again.status == 400
    assert again.json() == {"non_field_errors": ["The fields name, period, role must make a unique set."]}
    # Same name with a role is a different row; twice with that role is not.
    dividend = game["roles"][0]["id"]
    assert staff.send("POST", "results/", body={**body, "role": dividend}).status == 201
    assert staff.send("POST", "results/", body={**body, "role": dividend}).status == 400


def test_racing_null_role_creates_leave_exactly_one_row(api, staff, game):
    period = game["periods"][0]["id"]

    statuses = _all_at_once(api, THREADS, lambda client, i: client.send(
        "POST", "results/", body={"period": period, "name": "result", "role": None, "data": {"i": i}}).status)

    assert sorted(statuses) == [201] + [400] * (THREADS - 1)
    assert len(staff.request("GET", "results/", params={"period": period})) == 1


def test_racing_updates_of_one_period_never_fail(api, staff, game):
    period = game["periods"][0]

    def update(client, index):
        return [client.send("PUT", f"periods/{period['id']}/", body={**period, "data": {"by": index, "n": n}}).status
                for n in range(10)]

    statuses = [status for per_thread in _all_at_once(api, THREADS, update) for status in per_thread]
    assert statuses == [200] * (THREADS * 10)


def test_hammering_concurrent_writes_gives_no_5xx_and_no_locked_database(api, staff, game):
    per_thread = 40

    def write(client, index):
        period = game["periods"][index]["id"]
        statuses = []
        for n in range(per_thread):
            created = client.send("POST", "decisions/", body={"period": period, "name": f"d{n}",
                                                              "data": {"operand": n}})
            statuses.append(created.status)
            if n % 10 == 9:  # mix in bulk writes and deletes, which take longer write transactions
                rows = [{"period": period, "name": f"bulk{n}-{k}"} for k in range(20)]
                statuses.append(client.send("POST", "bulk/results/", body=rows).status)
                statuses.append(client.send("DELETE", "bulk/results/",
                                            params={"period": period, "name": f"bulk{n}-0"}).status)
        return statuses

    statuses = [status for one in _all_at_once(api, THREADS, write) for status in one]

    assert not [s for s in statuses if s >= 500], "server errors under concurrent writes"
    assert set(statuses) == {201, 204}
    decisions = staff.list_all("decisions/", {"run": game["run"]["id"]})
    assert len(decisions) == THREADS * per_thread
    assert "database is locked" not in api.log_path.read_text()
