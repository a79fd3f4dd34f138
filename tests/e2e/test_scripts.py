"""scripts/profile.sh and scripts/aws_profile.sh run for real, against a real stack on free ports.

The task is a probe package written to a temporary directory: it marks a file named after its
player when it starts (so tests wait on files, not on sleeps) and can be told to hang.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest
from tests.conftest import write_probe_package


pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
PROFILE_SH = REPO / "scripts" / "profile.sh"
AWS_PROFILE_SH = REPO / "scripts" / "aws_profile.sh"

PROBE_TASK = textwrap.dedent('''
    import asyncio, os, pathlib
    from modelservice.profiler import ProfileCase

    class Probe(ProfileCase):
        async def profile_probe(self):
            marks = pathlib.Path(os.environ["PROBE_MARKS"])
            (marks / f"started-{self.worker_name}").write_text(self.user_email or "")
            if os.environ.get("PROBE_HANG"):
                await asyncio.sleep(600)
''')
ODD_EMAILS = ["first.last+x_y-z@calc.edu", "a1@calc.edu", "o_k-2@div.example.org"]


@pytest.fixture(scope="module")
def stack(simpl_stack):
    """The session's shared stack (tests/conftest.py); runs here use their own run ids."""
    return simpl_stack


@pytest.fixture
def probe(tmp_path):
    return write_probe_package(tmp_path, PROBE_TASK)


def script_env(stack, path: Path, marks: Path, **extra: str) -> dict:
    env = {**os.environ, **stack.env, "GAME_SLUG": "simpl-calc", "PROBE_MARKS": str(marks),
           "PYTHONPATH": os.pathsep.join([str(REPO), str(path)]),
           "PATH": os.pathsep.join([str(VENV_BIN), os.environ.get("PATH", "")])}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # ./manage.py picks its own; aws tests pass one
    return {**env, **extra}


def users_file(path: Path) -> Path:
    users = path / "users.txt"
    lines = ["", ODD_EMAILS[0] + "   ", "", "  " + ODD_EMAILS[1], "# a comment", ODD_EMAILS[2] + "\t "]
    users.write_bytes(("\r\n".join(lines) + "\r\n\r\n").encode())
    return users


def test_profile_sh_runs_one_process_per_email_of_a_messy_users_file(stack, probe):
    path, marks = probe
    result = subprocess.run([str(PROFILE_SH), "-m", "probe_tasks", "-u", str(users_file(path)),
                             "-U", stack.router_url], cwd=REPO, env=script_env(stack, path, marks),
                            capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "module=probe_tasks" in out and "workers=3" in out and f"wsurl={stack.router_url}" in out
    assert "on group 0 (3 players)" in out and "All tasks done" in out
    assert "\nseconds=" in out
    assert sorted(p.read_text() for p in marks.iterdir()) == sorted(ODD_EMAILS)


def test_profile_sh_passes_options_after_dashes_and_only_the_leader_reports(stack, probe):
    path, marks = probe
    report = path / "run.json"
    result = subprocess.run([str(PROFILE_SH), "-m", "probe_tasks", "-u", str(users_file(path)),
                             "-U", stack.router_url, "--", "--report", str(report)],
                            cwd=REPO, env=script_env(stack, path, marks), capture_output=True, text=True,
                            timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    document = json.loads(report.read_text())
    assert document["run"]["players"] == 3
    assert [(group["players"], group["succeeded"]) for group in document["groups"]] == [(3, 3)]
    assert result.stdout.count("Reports written:") == 1
    assert result.stdout.count("worker of a coordinated run") == 2


def test_profile_sh_without_users_file_runs_w_named_workers(stack, probe):
    path, marks = probe
    result = subprocess.run([str(PROFILE_SH), "-m", "probe_tasks", "-w", "2", "-g", "2"],
                            cwd=REPO, env=script_env(stack, path, marks),
                            capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "on group 1 (2 players)" in result.stdout
    assert sorted(p.name for p in marks.iterdir()) == ["started-1", "started-2"]


def test_profile_sh_reports_failed_processes_and_exits_non_zero(stack, probe):
    path, marks = probe
    result = subprocess.run([str(PROFILE_SH), "-m", "no_such_tasks", "-w", "2"], cwd=REPO,
                            env=script_env(stack, path, marks), capture_output=True, text=True,
                            timeout=90)
    assert result.returncode == 2
    assert "profile.sh: 2 of 2 process(es) failed: worker 1" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["-u", "/no/such/users.txt"], "users file '/no/such/users.txt' does not exist"),
    (["-w", "zero"], "-w expects a whole number >= 1"),
    (["-x"], "unknown option -x"),
])
def test_profile_sh_bad_input_is_one_line_and_exit_2(tmp_path, args, message):
    result = subprocess.run([str(PROFILE_SH), "-m", "probe_tasks", *args], cwd=REPO,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"profile.sh: {result.stderr.split(': ', 1)[1].strip()}"]
    assert message in result.stderr


def test_aws_profile_sh_runs_from_another_directory(stack, probe):
    path, marks = probe
    elsewhere = path / "elsewhere"
    elsewhere.mkdir()
    env = script_env(stack, path, marks, DJANGO_SETTINGS_MODULE="demo.profiler_settings")
    result = subprocess.run([str(AWS_PROFILE_SH), "-m", "probe_tasks", "-u", str(users_file(path))],
                            cwd=elsewhere, env=env, capture_output=True, text=True, timeout=90)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"wsurl={stack.router_url}" in result.stdout  # from MODEL_SERVICE_WS
    assert len(list(marks.iterdir())) == 3


def test_aws_profile_sh_without_a_url_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MODEL_SERVICE_WS"}
    env["DJANGO_SETTINGS_MODULE"] = "demo.profiler_settings"
    result = subprocess.run([str(AWS_PROFILE_SH), "-m", "probe_tasks"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert result.stderr.strip() == ("aws_profile.sh: no router URL: pass -U ws://host:port/ws "
                                     "or set MODEL_SERVICE_WS")


def test_ctrl_c_to_profile_sh_leaves_no_child(stack, probe):
    path, marks = probe
    script = subprocess.Popen([str(PROFILE_SH), "-m", "probe_tasks", "-w", "3"], cwd=REPO,
                              env=script_env(stack, path, marks, PROBE_HANG="1"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(list(marks.iterdir())) < 3:
            assert script.poll() is None and time.monotonic() < deadline, "tasks did not start"
            time.sleep(0.05)
        children = psutil.Process(script.pid).children(recursive=True)
        assert len(children) >= 3
        script.send_signal(signal.SIGINT)
        _, err = script.communicate(timeout=30)
    finally:
        if script.poll() is None:
            script.kill()
            script.communicate()
    assert script.returncode == 130
    assert "interrupted" in err
    gone, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"left behind: {alive}"
