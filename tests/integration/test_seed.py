"""Seeding calc and div runs through the real games API (gunicorn, 3 workers), from Python and the CLI."""
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from demo.seed import GamesApiClient, SeedError, read_emails_file, seed, seed_game

pytestmark = pytest.mark.integration

REPO_DIR = Path(__file__).resolve().parents[2]



def _run(staff, slug, name):
    runs = staff.request("GET", "runs/", params={"game_slug": slug, "name": name})
    assert len(runs) == 1
    return runs[0]


def test_300_calc_players_seed_in_well_under_30_seconds(api, staff):
    started = time.monotonic()
    emails = seed_game(api.url, api.staff_auth, game="calc", run_name="c", players=300)
    elapsed = time.monotonic() - started

    assert elapsed < 30, f"seeding 300 players took {elapsed:.1f} s"
    assert emails == [f"c{n}@calc.edu" for n in range(1, 301)]
    run = _run(staff, "simpl-calc", "c")
    phase = staff.request("GET", f"phases/{run['phase']}/")
    assert (phase["name"], phase["order"]) == ("Play", 1)

    runusers = staff.list_all("runusers/", {"run": run["id"]})
    players = [r for r in runusers if not r["leader"]]
    assert [r["email"] for r in runusers if r["leader"]] == ["leader@calc.edu"]
    assert sorted(r["email"] for r in players) == sorted(emails)
    assert all(r["role"] is None and r["world"] is None for r in players)
    scenarios = staff.list_all("scenarios/", {"run": run["id"]})
    assert Counter(s["runuser"] for s in scenarios) == Counter(r["id"] for r in players)
    assert {s["name"] for s in scenarios} == {"Scenario 1"}
    periods = staff.list_all("periods/", {"run": run["id"]})
    assert Counter(p["scenario"] for p in periods) == Counter(s["id"] for s in scenarios)
    assert {p["order"] for p in periods} == {1}


def test_seeded_players_log_in_with_their_local_part(api):
    seed_game(api.url, api.staff_auth, game="calc", run_name="pw", players=2)
    for email in ("pw1@calc.edu", "pw2@calc.edu", "leader@calc.edu"):
        password = email.split("@")[0]
        client = GamesApiClient(api.url, (email, password))
        try:
            assert client.send("GET", "games/simpl-calc/").status == 200, email
        finally:
            client.close()


def test_div_seeds_worlds_of_a_dividend_and_a_divisor(api, staff):
    emails = seed_game(api.url, api.staff_auth, game="div", run_name="d")

    assert emails == ["d1@div.edu", "d2@div.edu", "d3@div.edu", "d4@div.edu"]
    run = _run(staff, "simpl-div", "d")
    assert staff.request("GET", f"phases/{run['phase']}/")["name"] == "Play"
    phases = staff.request("GET", "phases/", params={"game_slug": "simpl-div"})
    assert sorted((p["name"], p["order"]) for p in phases) == [("Debrief", 2), ("Play", 1)]
    worlds = {w["id"]: w["name"] for w in staff.request("GET", "worlds/", params={"run": run["id"]})}
    assert sorted(worlds.values()) == ["World 1", "World 2"]
    runusers = {r["email"]: r for r in staff.request("GET", "runusers/", params={"run": run["id"]})}
    placed = {email: (worlds.get(r["world"]), r.get("role_name")) for email, r in runusers.items()}
    assert placed == {"d1@div.edu": ("World 1", "Dividend"), "d2@div.edu": ("World 1", "Divisor"),
                      "d3@div.edu": ("World 2", "Dividend"), "d4@div.edu": ("World 2", "Divisor"),
                      "leader@div.edu": (None, None)}
    assert runusers["leader@div.edu"]["leader"] is True
    for world_id in worlds:
        scenarios = staff.request("GET", "scenarios/", params={"world": world_id})
        assert [s["name"] for s in scenarios] == ["World Scenario 1"]
        periods = staff.request("GET", "periods/", params={"scenario": scenarios[0]["id"]})
        assert [p["order"] for p in periods] == [1]
    own = staff.request("GET", "scenarios/", params={"runuser__run": run["id"]})
    assert sorted(s["name"] for s in own) == ["Test Scenario 1"] * 4


def test_an_existing_run_needs_reset_and_reset_rebuilds_it(api, staff):
    seed_game(api.url, api.staff_auth, game="calc", run_name="r", players=2)
    first = _run(staff, "simpl-calc", "r")
    period = staff.request("GET", "periods/", params={"run": first["id"]})[0]
    staff.request("POST", "periods/", body={"scenario": period["scenario"], "order": 2}, expect=(201,))

    with pytest.raises(SeedError, match="already has a run named 'r'.*--reset"):
        seed_game(api.url, api.staff_auth, game="calc", run_name="r", players=2)

    result = seed(api.url, api.staff_auth, game="calc", run_name="r", players=3, reset=True)
    second = _run(staff, "simpl-calc", "r")
    assert second["id"] != first["id"] and result.run_id == second["id"]
    assert result.users_created == 1  # r1, r2 and the leader already existed
    periods = staff.request("GET", "periods/", params={"run": second["id"]})
    assert len(periods) == 3 and {p["order"] for p in periods} == {1}


def test_a_non_staff_account_is_told_it_must_be_staff(api):
    seed_game(api.url, api.staff_auth, game="calc", run_name="ns", players=1)
    with pytest.raises(SeedError, match="403 .*must be a staff account"):
        seed_game(api.url, ("ns1@calc.edu", "ns1"), game="calc", run_name="other", players=1)


def _cli(api, *args, auth=None):
    env = {**os.environ, **api.client_env}
    if auth is not None:
        env["SIMPL_GAMES_AUTH"] = auth
    return subprocess.run([sys.executable, "-m", "demo.seed", *args], cwd=REPO_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_cli_seeds_writes_the_emails_file_and_prints_one_summary_line(api, tmp_path):
    emails_file = tmp_path / "emails.txt"
    done = _cli(api, "div", "-n", "k", "--players", "6", "--emails-file", str(emails_file))

    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 1
    assert "seeded simpl-div run 'k'" in done.stdout and "6 players" in done.stdout and " s;" in done.stdout
    assert read_emails_file(emails_file) == [f"k{n}@div.edu" for n in range(1, 7)]

    again = _cli(api, "div", "-n", "k", "--players", "6", "--emails-file", str(emails_file))
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.startswith("seed: error: simpl-div already has a run named 'k'")
    assert again.stderr.count("\n") == 1
    assert _cli(api, "div", "-n", "k", "--players", "2", "--reset", "--emails-file", str(emails_file)).returncode == 0
    assert read_emails_file(emails_file) == ["k1@div.edu", "k2@div.edu"]


def test_cli_errors_are_one_line(api):
    wrong = _cli(api, "calc", "-n", "w", auth=f"{api.staff_auth[0]}:not-the-password")
    assert wrong.returncode == 1 and wrong.stderr.count("\n") == 1
    assert "answered 401" in wrong.stderr and "check SIMPL_GAMES_AUTH" in wrong.stderr
    closed_port = _cli(api, "calc", "-n", "w", "--url", "http://127.0.0.1:9/apis")
    assert closed_port.returncode == 1 and closed_port.stderr.count("\n") == 1
    assert "cannot reach the games API at http://127.0.0.1:9/apis" in closed_port.stderr
