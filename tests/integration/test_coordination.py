"""Several `manage.py profile` processes, started separately, sharing one run through a real router.

The stack (games API, router, authenticator, simpl-calc) runs on free loopback ports. Tasks are
the real calc example (decisions must be stored) or a small probe package written to a temporary
directory, whose task marks a file when it starts (so a test can wait for "the task is running"
instead of sleeping) and can be told to hang.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from demo.router.client import wamp_session
from demo.seed import seed_game
from demo.seed._http import GamesApiClient
from tests.conftest import write_probe_package, write_task_package

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

REPO = Path(__file__).resolve().parents[2]

PROBE_TASK = textwrap.dedent('''
    import asyncio, os, pathlib
    from modelservice.profiler import ProfileCase

    class Probe(ProfileCase):
        async def profile_probe(self):
            marks = pathlib.Path(os.environ["PROBE_MARKS"])
            name = self.worker_name
            (marks / f"started-{name}").write_text(f"{self.workers_count}")
            if name in os.environ.get("PROBE_HANG", "").split(","):
                await asyncio.sleep(600)
''')


@pytest.fixture(scope="module")
def stack(simpl_stack):
    """The session's shared stack (tests/conftest.py); runs here use their own run ids."""
    return simpl_stack


@pytest.fixture
def probe(tmp_path):
    return write_probe_package(tmp_path, PROBE_TASK)


@pytest.fixture
def launch(stack):
    """Start profile processes; any still running at teardown is killed (nothing left behind)."""
    started: list[subprocess.Popen] = []

    def start(*args: str, extra_path: Path | None = None, env: dict | None = None) -> subprocess.Popen:
        environ = {**os.environ, **stack.env, "GAME_SLUG": "simpl-calc", "PYTHONUNBUFFERED": "1",
                   "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), str(extra_path or "")])),
                   **(env or {})}
        environ.pop("DJANGO_SETTINGS_MODULE", None)
        process = subprocess.Popen([sys.executable, str(REPO / "manage.py"), "profile", *args],
                                   cwd=REPO, env=environ, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def finish(process: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def wait_until_leader(stack, rid: str, timeout: float = 40) -> None:
    """Wait until some process holds the run's leader procedure (so the next one is a worker)."""
    async def registered() -> bool:
        async with wamp_session(stack.router_url, "realm1", authid="profiler",
                                ticket=stack.profiler_ticket) as session:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if await session.call("wamp.registration.lookup", f"simpl.profiler.{rid}.leader"):
                    return True
                await asyncio.sleep(0.05)
        return False

    assert asyncio.run(registered()), f"no leader registered for run {rid}"


def run_id() -> str:
    return "t_" + uuid.uuid4().hex[:12]


def operands(stack) -> list[int]:
    client = GamesApiClient(stack.games_url, stack.staff_auth)
    try:
        return sorted(d["data"]["operand"] for d in client.list_all("decisions/"))
    finally:
        client.close()


def test_three_processes_share_one_run_and_every_decision_is_stored(stack, launch):
    emails = seed_game(stack.games_url, stack.staff_auth, game="calc", run_name="co", players=3,
                       reset=True)
    before = operands(stack)
    rid = run_id()
    processes = [launch("-m", "profilers.calc", "-w", "3", "--user-email", email, "--run-id", rid,
                        "--join-timeout", "30s", "--log-level", "error") for email in emails]
    results = [finish(process) for process in processes]
    assert [code for code, _ in results] == [0, 0, 0], results
    leaders = [out for _, out in results if "All tasks done" in out]
    assert len(leaders) == 1, results  # exactly one leader printed the run
    assert "on group 0 (3 players)" in leaders[0]
    assert "Running task" not in "".join(out for _, out in results if out is not leaders[0])
    after = operands(stack)
    added = list(after)
    for value in before:
        added.remove(value)
    assert sorted(added) == [1, 2, 3]


def test_groups_ramp_over_players_of_all_processes(stack, launch, probe):
    path, marks = probe
    rid = run_id()
    processes = [launch("-m", "probe_tasks", "-w", "3", "-g", "2", "-n", name, "--run-id", rid,
                        "--join-timeout", "30s", extra_path=path, env={"PROBE_MARKS": str(marks)})
                 for name in ("p1", "p2", "p3")]
    results = [finish(process) for process in processes]
    assert [code for code, _ in results] == [0, 0, 0], results
    leader = next(out for _, out in results if "All tasks done" in out)
    assert "on group 0 (1 players)" in leader and "on group 1 (3 players)" in leader
    assert sorted(p.name for p in marks.iterdir()) == ["started-p1", "started-p2", "started-p3"]


def test_worker_killed_mid_task_is_named_and_the_run_fails(stack, launch, probe):
    path, marks = probe
    rid = run_id()
    env = {"PROBE_MARKS": str(marks), "PROBE_HANG": "victim"}
    common = ("-m", "probe_tasks", "-w", "2", "--run-id", rid, "--task-timeout", "60s",
              "--join-timeout", "30s")
    leader = launch(*common, "-n", "boss", extra_path=path, env=env)
    wait_until_leader(stack, rid)
    victim = launch(*common, "-n", "victim", extra_path=path, env=env)
    wait_for(lambda: (marks / "started-victim").exists(), 40, "the victim's task to start")
    killed_at = time.monotonic()
    victim.send_signal(signal.SIGKILL)
    code, output = finish(leader, timeout=30)
    assert time.monotonic() - killed_at < 15, "the leader waited for a dead worker"
    assert code == 1, output
    assert "'victim'" in output and "was lost" in output
    assert "victim (worker 'victim'" in output  # the ✗ line names the player and its worker


def test_leader_gone_makes_the_worker_exit_non_zero(stack, launch, probe):
    path, marks = probe
    rid = run_id()
    env = {"PROBE_MARKS": str(marks), "PROBE_HANG": "boss,helper"}
    common = ("-m", "probe_tasks", "-w", "2", "--run-id", rid, "--join-timeout", "30s")
    first = launch(*common, "-n", "boss", extra_path=path, env=env)
    wait_until_leader(stack, rid)
    second = launch(*common, "-n", "helper", extra_path=path, env=env)
    wait_for(lambda: len(list(marks.iterdir())) == 2, 40, "both tasks to start")
    killed_at = time.monotonic()
    first.send_signal(signal.SIGKILL)
    code, output = finish(second, timeout=30)
    first.communicate(timeout=10)
    assert time.monotonic() - killed_at < 15
    assert code == 1, output
    assert "the leader 'boss'" in output and "left the router before the run ended" in output


def test_missing_worker_is_reported_within_the_join_timeout(stack, launch, probe):
    path, marks = probe
    began = time.monotonic()
    alone = launch("-m", "probe_tasks", "-w", "3", "-n", "only", "--run-id", run_id(),
                   "--join-timeout", "3s", extra_path=path, env={"PROBE_MARKS": str(marks)})
    code, output = finish(alone, timeout=30)
    assert code == 2, output
    assert "only 1 of 3 players joined" in output and "2 missing" in output and "only" in output
    assert time.monotonic() - began < 20
    assert not list(marks.iterdir())  # no task ran


def test_two_runs_with_distinct_ids_do_not_meet(stack, launch, probe):
    path, marks = probe
    runs = {run_id(): ("a1", "a2"), run_id(): ("b1", "b2")}
    processes = {rid: [launch("-m", "probe_tasks", "-w", "2", "-n", name, "--run-id", rid,
                              "--join-timeout", "30s", extra_path=path, env={"PROBE_MARKS": str(marks)})
                       for name in names]
                 for rid, names in runs.items()}
    for rid, started in processes.items():
        results = [finish(process) for process in started]
        assert [code for code, _ in results] == [0, 0], results
        leader = [out for _, out in results if "All tasks done" in out]
        assert len(leader) == 1 and "on group 0 (2 players)" in leader[0]
    assert sorted(p.name for p in marks.iterdir()) == [f"started-{n}" for n in ("a1", "a2", "b1", "b2")]


def test_a_process_too_many_is_refused_with_a_clear_line(stack, launch, probe):
    path, marks = probe
    rid = run_id()
    env = {"PROBE_MARKS": str(marks), "PROBE_HANG": "x1"}
    common = ("-m", "probe_tasks", "-w", "1", "--run-id", rid, "--join-timeout", "30s")
    first = launch(*common, "-n", "x1", extra_path=path, env=env)
    wait_for(lambda: (marks / "started-x1").exists(), 40, "the first run's task to start")
    extra = launch(*common, "-n", "x2", extra_path=path, env=env)
    code, output = finish(extra, timeout=30)
    assert code == 2, output
    assert "has already started" in output and rid in output
    first.send_signal(signal.SIGTERM)
    assert finish(first, timeout=30)[0] == 130


COUNTED_TASK = textwrap.dedent('''
    from django.conf import settings
    from modelservice.profiler import ProfileCase
    from modelservice.simpl import games_client_factory

    class Counted(ProfileCase):
        async def profile_counted(self):
            for _ in range(3):
                await self.call(f"{settings.ROOT_TOPIC}.model.game.get_phases")
            async with games_client_factory() as api:
                await api.games.get(slug=settings.GAME_SLUG)
''')


def operation_counts(report: Path) -> dict[str, int]:
    document = json.loads(report.read_text())
    return {entry["name"]: entry["count"] for entry in document["operations"]}


def test_a_run_split_over_two_processes_reports_what_one_process_reports(stack, launch, tmp_path):
    """Histograms merge exactly: the leader's report equals the single-process report's counts."""
    write_task_package(tmp_path, "counted_tasks", COUNTED_TASK)
    emails = seed_game(stack.games_url, stack.staff_auth, game="calc", run_name="split", players=4,
                       reset=True)
    halves = []
    for index, part in enumerate((emails, emails[:2], emails[2:])):
        users = tmp_path / f"users{index}.txt"
        users.write_text("\n".join(part) + "\n")
        halves.append(users)
    common = ("-m", "counted_tasks", "--join-timeout", "30s", "--log-level", "error")

    code, output = finish(launch(*common, "--users-file", str(halves[0]),
                                 "--report", str(tmp_path / "one.json"), extra_path=tmp_path))
    assert code == 0, output
    rid = run_id()
    split = [launch(*common, "--users-file", str(halves[n]), "-w", "4", "--run-id", rid,
                    "--report", str(tmp_path / f"part{n}.json"), extra_path=tmp_path) for n in (1, 2)]
    results = [finish(process) for process in split]
    assert [code for code, _ in results] == [0, 0], results

    written = [tmp_path / f"part{n}.json" for n in (1, 2) if (tmp_path / f"part{n}.json").exists()]
    assert len(written) == 1, "only the leader writes the run's report"
    assert json.loads(written[0].read_text())["run"]["players"] == 4
    single, merged = operation_counts(tmp_path / "one.json"), operation_counts(written[0])
    assert merged == single
    assert single["world.simpl.sims.simpl-calc.model.game.get_phases"] == 4 * 3
    assert single["GET /apis/games/{id}/"] == 4


PROGRESS_TASK = textwrap.dedent('''
    import asyncio, os, pathlib, time
    from django.conf import settings
    from modelservice.profiler import ProfileCase

    class Split(ProfileCase):
        async def profile_split(self):
            if self.worker_name == "boss":
                # The leader's own player makes no call and waits until the test has seen enough
                # progress (30 s at most, so that a broken run ends instead of hanging).
                release = pathlib.Path(os.environ["PROBE_RELEASE"])
                deadline = time.monotonic() + 30
                while not release.exists() and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
                return
            began = time.monotonic()
            while time.monotonic() - began < 2.5:
                await self.call(f"{settings.ROOT_TOPIC}.model.game.get_phases")
''')


def test_the_leader_s_live_progress_covers_the_workers_players(stack, launch, tmp_path):
    """The worker's player is counted as joined and done, and its calls make the leader's rate."""
    seed_game(stack.games_url, stack.staff_auth, game="calc", run_name="prog", players=1, reset=True)
    write_task_package(tmp_path, "split_tasks", PROGRESS_TASK)
    release = tmp_path / "release"
    env = {"PROBE_RELEASE": str(release)}
    rid = run_id()
    common = ("-m", "split_tasks", "-w", "2", "--run-id", rid, "--join-timeout", "30s",
              "--progress", "lines", "--progress-interval", "0.3s")
    leader = launch(*common, "-n", "boss", extra_path=tmp_path, env=env)
    wait_until_leader(stack, rid)
    worker = launch(*common, "-n", "w1", extra_path=tmp_path, env=env)
    seen: list[str] = []
    with_rate = worker_done = False
    assert leader.stdout is not None
    for line in leader.stdout:  # ends at the latest when the boss's task gives up waiting
        seen.append(line)
        if line.startswith("progress ") and "profile_split group 0: 2/2 joined" in line:
            rate = re.search(r"; (\d+) calls/s", line)
            with_rate = with_rate or (rate is not None and int(rate.group(1)) > 0)
            worker_done = worker_done or "1 running, 1 done, 0 failed" in line
        if with_rate and worker_done:
            release.touch()
            break
    code, output = finish(leader)
    output = "".join(seen) + output
    assert with_rate and worker_done, output
    assert code == 0, output
    worker_code, worker_output = finish(worker)
    assert worker_code == 0, worker_output
    assert "progress " not in worker_output  # a worker leaves the progress to its leader
