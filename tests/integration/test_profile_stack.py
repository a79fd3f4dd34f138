"""The profile command against the real local Simpl stack (fixture `simpl_stack`): decisions land.

Each test seeds its own run, runs `manage.py profile` in a subprocess with the stack's
environment, and then checks through the games API (not the profiler's own word) that every
player's decision was stored: the reference tasks swallow their errors, so exit 0 alone proves
little. Covered: 300 calc players from one users file in one process (ticket auth), the
legacy-style task files of tests/fixtures/legacy_tasks run unchanged (calc and div), the div
example with two players a world, and players logging in with WAMP-CRA.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from demo.seed import seed_game
from modelservice.simpl import sync
from tests.conftest import write_task_package

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
# The demo model service reads through to the games API on every call: hundreds of players
# at once take minutes, not seconds, on a 2-core machine.
RUN_DEADLINE = 900


def seed(stack, game, run_name, players, tmp_path, *, lines=None):
    emails = seed_game(stack.env["SIMPL_GAMES_URL"], stack.env["SIMPL_GAMES_AUTH"], game=game,
                       run_name=run_name, players=players, reset=True)
    path = tmp_path / f"{game}-{run_name}.txt"
    path.write_text("".join(f"{line}\n" for line in (lines(emails) if lines else emails)))
    return emails, str(path)


def profile(stack, game_slug, *args):
    env = dict(os.environ, **stack.env, GAME_SLUG=game_slug, PYTHONUNBUFFERED="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("ROOT_TOPIC", None)
    return subprocess.run([sys.executable, "manage.py", "profile", "-g", "1", "--task-timeout", "12m",
                           "--join-timeout", "2m", *args],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_DEADLINE)


def games_api(stack):
    return sync.games_client_factory(stack.env["SIMPL_GAMES_URL"], stack.env["SIMPL_GAMES_AUTH"])


def calc_outcomes(stack, run_name):
    """{email: (periods in the player's scenario, operand decided, result total)} for a calc run."""
    with games_api(stack) as api:
        run = api.runs.get(game_slug="simpl-calc", name=run_name)
        runusers = {ru.id: ru for ru in api.runusers.filter(run=run.id) if not ru.leader}
        scenarios = {s.id: s for s in api.scenarios.filter(run=run.id) if s.runuser in runusers}
        periods = [p for p in api.periods.filter(run=run.id) if p.scenario in scenarios]
        decisions = {d.period: d for d in api.decisions.filter(run=run.id)}
        results = {r.period: r for r in api.results.filter(run=run.id)}
    outcomes = {}
    for scenario_id, scenario in scenarios.items():
        own = sorted((p for p in periods if p.scenario == scenario_id), key=lambda p: p.order)
        first = own[0].id if own else None
        decision, result = decisions.get(first), results.get(first)
        outcomes[runusers[scenario.runuser].email] = (
            len(own),
            decision.data.get("operand") if decision else None,
            result.data.get("total") if result else None)
    return outcomes


def expected_calc(emails, run_name):
    return {email: (2, int(email.split("@")[0][len(run_name):]), int(email.split("@")[0][len(run_name):]))
            for email in emails}


@pytest.mark.timeout(RUN_DEADLINE + 120)
def test_300_calc_players_from_one_users_file_in_one_process(simpl_stack, tmp_path):
    """The issue's words: `-m profilers` (every example; the div one skips itself for simpl-calc)."""
    emails, users = seed(simpl_stack, "calc", "load", 300, tmp_path)
    done = profile(simpl_stack, "simpl-calc", "-m", "profilers", "--users-file", users)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "- Skipping task 'profilers.div.profile_div.ProfileDiv.profile_submit_decision'" in done.stdout
    assert "Running task 'profilers.anonymous.profile_game.ProfileGame.profile_get_phases'" in done.stdout
    assert ("→ Running task 'profilers.calc.profile_calc.ProfileCalc.profile_submit_decision' "
            "on group 0 (300 players)") in done.stdout
    assert calc_outcomes(simpl_stack, "load") == expected_calc(emails, "load")


@pytest.mark.timeout(RUN_DEADLINE + 120)
def test_legacy_calc_task_file_runs_unchanged_and_every_decision_is_stored(simpl_stack, tmp_path):
    emails, users = seed(simpl_stack, "calc", "c", 20, tmp_path)
    done = profile(simpl_stack, "simpl-calc", "-m", "tests.fixtures.legacy_tasks.calc", "--users-file", users)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    # The legacy task prints instead of failing; a printed error would mean a swallowed failure.
    assert "ERROR" not in done.stdout and "Traceback" not in done.stdout
    assert calc_outcomes(simpl_stack, "c") == expected_calc(emails, "c")


def div_outcomes(stack, run_name):
    """{world name: (decisions in the world's period, quotients of its results)} for a div run."""
    with games_api(stack) as api:
        run = api.runs.get(game_slug="simpl-div", name=run_name)
        worlds = {w.id: w.name for w in api.worlds.filter(run=run.id)}
        scenarios = {s.id: s.world for s in api.scenarios.filter(run=run.id) if s.world in worlds}
        periods = {p.id: scenarios[p.scenario] for p in api.periods.filter(run=run.id) if p.scenario in scenarios}
        outcome = {name: ([], []) for name in worlds.values()}
        for decision in api.decisions.filter(run=run.id):
            if decision.period in periods:
                outcome[worlds[periods[decision.period]]][0].append(decision.data.get("operand"))
        for result in api.results.filter(run=run.id):
            if result.period in periods:
                outcome[worlds[periods[result.period]]][1].append(result.data.get("quotient"))
    return {name: (sorted(operands), quotients) for name, (operands, quotients) in outcome.items()}


@pytest.mark.parametrize("module, run_name", [("tests.fixtures.legacy_tasks.div", "d"),
                                              ("profilers.div", "divs")])
@pytest.mark.timeout(RUN_DEADLINE + 120)
def test_div_tasks_store_both_decisions_and_one_quotient_per_world(simpl_stack, tmp_path, module, run_name):
    emails, users = seed(simpl_stack, "div", run_name, 4, tmp_path)
    done = profile(simpl_stack, "simpl-div", "-m", module, "--users-file", users)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "ERROR" not in done.stdout
    assert div_outcomes(simpl_stack, run_name) == {"World 1": ([1.0, 2.0], [0.5]),
                                                   "World 2": ([3.0, 4.0], [0.75])}


@pytest.mark.timeout(RUN_DEADLINE + 120)
def test_wampcra_players_log_in_as_themselves_and_submit(simpl_stack, tmp_path):
    # Half the lines give the password explicitly; the rest rely on the local-part default.
    emails, users = seed(simpl_stack, "calc", "cra", 6, tmp_path,
                         lines=lambda emails: [f"{e},{e.split('@')[0]}" if i % 2 else e
                                               for i, e in enumerate(emails)])
    done = profile(simpl_stack, "simpl-calc", "-m", "profilers.calc", "--auth", "wampcra", "--users-file", users)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert calc_outcomes(simpl_stack, "cra") == expected_calc(emails, "cra")


def test_wampcra_with_a_wrong_password_is_one_clear_refusal(simpl_stack, tmp_path):
    emails, users = seed(simpl_stack, "calc", "bad", 2, tmp_path,
                         lines=lambda emails: [emails[0], f"{emails[1]},not-the-password"])
    done = profile(simpl_stack, "simpl-calc", "-m", "profilers.calc", "--auth", "wampcra", "--users-file", users)
    assert done.returncode == 2
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"refused the login of {emails[1]}" in lines[0], done.stderr


WHO_AM_I_TASK = """
import os

from django.conf import settings

from modelservice.profiler import ProfileCase
from modelservice.simpl import games_client_factory


def runuser_emails(tree):
    # A run's tree shows each caller only its own runuser node (B.7): it tells who called.
    return [child["data"]["email"] for child in tree["children"] if child["resource_name"] == "runuser"]


class WhoAmI(ProfileCase):
    async def profile_call_as(self):
        async with games_client_factory() as api:
            run = await api.runs.get(game_slug=settings.GAME_SLUG, name=os.environ["WHO_RUN"])
        other = os.environ["WHO_OTHER"]
        uri = f"{settings.ROOT_TOPIC}.model.run.{run.id}.get_scope_tree"
        assert runuser_emails(await self.call(uri)) == [self.user_email]
        assert runuser_emails(await self.call_as(other, other.split("@")[0], uri)) == [other]
        assert runuser_emails(await self.call(uri)) == [self.user_email]
"""


def test_wampcra_call_as_uses_that_users_own_login(simpl_stack, tmp_path):
    emails, _ = seed(simpl_stack, "calc", "who", 2, tmp_path)
    write_task_package(tmp_path, "who_tasks", WHO_AM_I_TASK)
    env = dict(os.environ, **simpl_stack.env, GAME_SLUG="simpl-calc", WHO_RUN="who", WHO_OTHER=emails[1],
               PYTHONPATH=os.pathsep.join([str(REPO), str(tmp_path)]))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("ROOT_TOPIC", None)
    done = subprocess.run([sys.executable, "manage.py", "profile", "-m", "who_tasks", "--auth", "wampcra",
                           "--user-email", emails[0], "-v", "2"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_DEADLINE)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]


def profile_sh(stack, game_slug, *args):
    """scripts/profile.sh from the game directory (here the repo, which has manage.py), one process a player."""
    venv_bin = str(Path(sys.executable).parent)
    env = dict(os.environ, **stack.env, GAME_SLUG=game_slug, PYTHONUNBUFFERED="1",
               PATH=os.pathsep.join([venv_bin, os.environ.get("PATH", "")]))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("ROOT_TOPIC", None)
    return subprocess.run([str(REPO / "scripts" / "profile.sh"), *args, "-U", stack.router_url],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=RUN_DEADLINE)


@pytest.mark.timeout(RUN_DEADLINE + 120)
def test_legacy_task_files_run_unchanged_through_profile_sh(simpl_stack, tmp_path):
    """The issue's own words: `profile.sh -m <module> -u emails.txt -g 1`, every decision stored."""
    emails, users = seed(simpl_stack, "calc", "p", 3, tmp_path)
    done = profile_sh(simpl_stack, "simpl-calc", "-m", "tests.fixtures.legacy_tasks.calc", "-u", users, "-g", "1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "workers=3" in done.stdout and "ERROR" not in done.stdout
    assert calc_outcomes(simpl_stack, "p") == expected_calc(emails, "p")

    emails, users = seed(simpl_stack, "div", "q", 4, tmp_path)
    done = profile_sh(simpl_stack, "simpl-div", "-m", "tests.fixtures.legacy_tasks.div", "-u", users, "-g", "1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert div_outcomes(simpl_stack, "q") == {"World 1": ([1.0, 2.0], [0.5]),
                                              "World 2": ([3.0, 4.0], [0.75])}
