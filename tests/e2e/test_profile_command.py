"""`manage.py profile` in a subprocess: exit codes and the one-line errors a user sees.

A real router (demo.router.RouterServer on a free port) serves the runs; the task packages are
written into a temporary directory put on PYTHONPATH. Nothing here needs the games API or model
services: these tasks only succeed, raise, hang or print.
"""
from __future__ import annotations

import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from demo.router import RouterServer

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
DEADLINE = 60


@pytest.fixture(scope="module")
def router(tmp_path_factory):
    tickets = {"service_ticket": secrets.token_urlsafe(16), "profiler_ticket": secrets.token_urlsafe(16)}
    with RouterServer(tmp_path_factory.mktemp("router"), port=0, **tickets) as server:
        yield server


@pytest.fixture(scope="module")
def tasks_dir(tmp_path_factory):
    """Packages e2e_ok (succeeds), e2e_raises (one player raises), e2e_hangs, e2e_broken (import error),
    e2e_skips (one task skipped by a unittest decorator), e2e_all_skipped."""
    root = tmp_path_factory.mktemp("tasks")
    sources = {
        "e2e_ok": """
            from modelservice.profiler import ProfileCase

            class ProfileOk(ProfileCase):
                async def profile_hello(self):
                    self.publish_stat("players", 1, fmt="{stats.total} said hello")
        """,
        "e2e_raises": """
            from modelservice.profiler import ProfileCase

            class ProfileRaises(ProfileCase):
                async def profile_breaks_for_one(self):
                    if self.user_email == "b2@calc.edu":
                        raise ValueError("decision refused for b2")
        """,
        "e2e_hangs": """
            import asyncio
            from modelservice.profiler import ProfileCase

            class ProfileHangs(ProfileCase):
                async def profile_forever(self):
                    await asyncio.Event().wait()
        """,
        "e2e_broken": """
            import not_installed_anywhere_e2e
        """,
        "e2e_skips": """
            import unittest
            from modelservice.profiler import ProfileCase

            @unittest.skip("a task of another game")
            class ProfileOtherGame(ProfileCase):
                async def profile_never(self):
                    raise AssertionError("a skipped task ran")

            class ProfileThisGame(ProfileCase):
                async def profile_runs(self):
                    pass
        """,
        "e2e_all_skipped": """
            import unittest
            from modelservice.profiler import ProfileCase

            class ProfileNothing(ProfileCase):
                @unittest.skip("nothing to do here")
                async def profile_never(self):
                    pass
        """,
    }
    for package, source in sources.items():
        (root / package).mkdir()
        (root / package / "__init__.py").write_text("")
        (root / package / "profile_tasks.py").write_text(textwrap.dedent(source))
    return root


def users_file(tmp_path, text):
    path = tmp_path / "users.txt"
    path.write_text(text)
    return str(path)


def command(router, tasks_dir, *args):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tasks_dir), str(REPO)]),
               SIMPL_PROFILER_TICKET=router.profiler_ticket, PYTHONUNBUFFERED="1")
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's default: demo.profiler_settings
    argv = [sys.executable, "manage.py", "profile", "-u", router.url, *args]
    return argv, env


def profile(router, tasks_dir, *args, timeout=DEADLINE):
    argv, env = command(router, tasks_dir, *args)
    started = time.monotonic()
    done = subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout)
    done.seconds = time.monotonic() - started
    return done


def one_error_line(done):
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


def test_a_successful_run_exits_0_and_prints_progress_and_summary(router, tasks_dir, tmp_path):
    done = profile(router, tasks_dir, "-m", "e2e_ok", "--users-file",
                   users_file(tmp_path, "b1@calc.edu\nb2@calc.edu\nb3@calc.edu\n"))
    assert done.returncode == 0, done.stderr
    assert "→ Running task 'e2e_ok.profile_tasks.ProfileOk.profile_hello' on group 0 (3 players)" in done.stdout
    assert "ℹ 3 said hello" in done.stdout
    assert "✓ Task 'e2e_ok.profile_tasks.ProfileOk.profile_hello' on group 0 done in" in done.stdout
    assert "All tasks done in" in done.stdout and "Tasks (duration in ms, slowest first)" in done.stdout
    assert done.stderr.strip() == ""


def test_skipped_tasks_are_named_and_not_run(router, tasks_dir):
    done = profile(router, tasks_dir, "-m", "e2e_skips", "--user-email", "b1@calc.edu")
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("- Skipping task 'e2e_skips.profile_tasks.ProfileOtherGame.profile_never': "
            "a task of another game") in done.stdout
    assert "Running task 'e2e_skips.profile_tasks.ProfileThisGame.profile_runs'" in done.stdout
    assert "ProfileOtherGame.profile_never' on group" not in done.stdout


def test_a_module_whose_every_task_is_skipped_is_a_configuration_error(router, tasks_dir):
    done = profile(router, tasks_dir, "-m", "e2e_all_skipped", "--user-email", "b1@calc.edu")
    assert done.returncode == 2
    assert "every task in e2e_all_skipped is skipped" in one_error_line(done)


def test_a_task_that_raises_exits_1_and_names_the_player(router, tasks_dir, tmp_path):
    done = profile(router, tasks_dir, "-m", "e2e_raises", "--users-file",
                   users_file(tmp_path, "b1@calc.edu\nb2@calc.edu\n"))
    assert done.returncode == 1
    assert ("failed: 1 of 2 players failed" in done.stdout
            and "b2@calc.edu (ValueError: decision refused for b2)" in done.stdout), done.stdout
    assert one_error_line(done).startswith("CommandError: 1 player task run(s) failed")


def test_a_task_that_hangs_fails_at_the_task_timeout(router, tasks_dir):
    done = profile(router, tasks_dir, "-m", "e2e_hangs", "--user-email", "b1@calc.edu",
                   "--task-timeout", "2s")
    assert done.returncode == 1
    assert "b1@calc.edu (TaskTimeout: still running after 2 s (--task-timeout))" in done.stdout
    assert done.seconds < 2 + 15  # interpreter start-up, Django, joining, leaving


def test_router_unreachable(router, tasks_dir):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = profile(router, tasks_dir, "-m", "e2e_ok", "-u", f"ws://127.0.0.1:{port}/ws")
    assert done.returncode == 2
    assert one_error_line(done).startswith(f"CommandError: cannot reach the router at ws://127.0.0.1:{port}/ws")


def test_wrong_ticket(router, tasks_dir):
    done = profile(router, tasks_dir, "-m", "e2e_ok", "--ticket", "not-the-ticket")
    assert done.returncode == 2
    assert "refused the profiler's ticket for authid 'profiler'" in one_error_line(done)


def test_unknown_module(router, tasks_dir):
    done = profile(router, tasks_dir, "-m", "no_such_tasks_e2e")
    assert done.returncode == 2
    assert one_error_line(done).startswith("CommandError: task module 'no_such_tasks_e2e' not found")


def test_import_error_in_a_task_file_shows_its_traceback(router, tasks_dir):
    done = profile(router, tasks_dir, "-m", "e2e_broken")
    assert done.returncode == 2
    assert "CommandError: a task file in e2e_broken failed to import" in done.stderr
    assert "not_installed_anywhere_e2e" in done.stderr


def test_missing_users_file(router, tasks_dir, tmp_path):
    done = profile(router, tasks_dir, "-m", "e2e_ok", "--users-file", str(tmp_path / "absent.txt"))
    assert done.returncode == 2
    assert "absent.txt does not exist" in one_error_line(done)


def test_empty_users_file(router, tasks_dir, tmp_path):
    done = profile(router, tasks_dir, "-m", "e2e_ok", "--users-file", users_file(tmp_path, "\n\n"))
    assert done.returncode == 2
    assert "has no email lines" in one_error_line(done)


def test_bad_email_line(router, tasks_dir, tmp_path):
    path = users_file(tmp_path, "b1@calc.edu\nb2 at calc.edu\n")
    done = profile(router, tasks_dir, "-m", "e2e_ok", "--users-file", path)
    assert done.returncode == 2
    assert f"{path}:2: 'b2 at calc.edu' is not 'email' or 'email,password'" in one_error_line(done)


def test_bad_option_value_is_a_usage_error(router, tasks_dir):
    done = profile(router, tasks_dir, "-m", "e2e_ok", "--task-timeout", "0")
    assert done.returncode == 2
    assert "argument --task-timeout: expected a duration greater than zero" in done.stderr
    assert "Traceback" not in done.stderr


def test_ctrl_c_stops_the_players_prints_the_summary_and_exits_130(router, tasks_dir):
    argv, env = command(router, tasks_dir, "-m", "e2e_hangs", "--user-email", "b1@calc.edu",
                        "--task-timeout", "5m")
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        first = _read_line(process, deadline=time.monotonic() + DEADLINE)
        assert first.startswith("→ Running task 'e2e_hangs."), first
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    assert process.returncode == 130, err
    assert "b1@calc.edu (PlayerStopped: interrupted after" in out
    assert "Interrupted after" in out and "Tasks (duration in ms, slowest first)" in out
    assert err.strip().splitlines() == ["CommandError: interrupted; players stopped (the summary above "
                                        "covers what ran)"]


def _read_line(process, *, deadline):
    """The next stdout line of `process`, waiting at most until `deadline`."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], deadline - time.monotonic())
        if ready:
            return process.stdout.readline()
    raise AssertionError("the profile command printed nothing before the deadline")


SMALL_SETTINGS = """
INSTALLED_APPS = ["modelservice"]
GAME_SLUG = "simpl-calc"
ROOT_TOPIC = "world.simpl.sims.simpl-calc"
SIMPL_GAMES_URL = "http://127.0.0.1:9/apis"
SIMPL_GAMES_AUTH = ("staff@calc.edu", "unused-here")
MODEL_SERVICE_WS = "{url}"
"""


def test_django_admin_runs_it_with_only_a_small_settings_module(router, tasks_dir, tmp_path):
    """As against a deployed game: no manage.py, the router URL taken from the settings."""
    (tmp_path / "deployed_settings.py").write_text(SMALL_SETTINGS.format(url=router.url))
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="deployed_settings", PYTHONUNBUFFERED="1",
               SIMPL_PROFILER_TICKET=router.profiler_ticket,
               PYTHONPATH=os.pathsep.join([str(tmp_path), str(tasks_dir), str(REPO)]))
    env.pop("MODEL_SERVICE_WS", None)
    django_admin = Path(sys.executable).with_name("django-admin")
    done = subprocess.run([str(django_admin), "profile", "-m", "e2e_ok", "--user-email", "b1@calc.edu"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=DEADLINE)
    assert done.returncode == 0, done.stderr
    assert "✓ Task 'e2e_ok.profile_tasks.ProfileOk.profile_hello' on group 0 done in" in done.stdout


def test_help_lists_the_options_with_metavars(router, tasks_dir):
    done = profile(router, tasks_dir, "--help")
    assert done.returncode == 0
    for option in ("--users-file FILE", "--auth METHOD", "--task-timeout DURATION", "--join-timeout DURATION",
                   "-w N, --workers N", "-g N, --groups N", "--user-email EMAIL", "--ticket SECRET"):
        assert option in done.stdout, option
