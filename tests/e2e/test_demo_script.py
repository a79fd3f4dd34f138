"""scripts/demo.sh run for real (small player counts, free ports): it profiles both games
and stops the stack, also when interrupted."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from demo.processes import group_members, pid_alive

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def demo_env(run_dir: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "SIMPL_API_PORT": "0", "SIMPL_ROUTER_PORT": "0", "SIMPL_DEMO_RUN_DIR": str(run_dir),
            "SIMPL_DEMO_PLAYERS": "3", "SIMPL_DEMO_DIV_PLAYERS": "2", **extra}


def assert_stack_gone(run_dir: Path, state: dict) -> None:
    assert not (run_dir / "stack.pid").exists()
    assert not pid_alive(state["pid"])
    assert not [g for g in state["groups"] if group_members(g)]


def test_demo_profiles_both_games_and_stops_the_stack(tmp_path):
    run_dir = tmp_path / "demo"
    states = []
    output = []
    with subprocess.Popen([str(REPO / "scripts" / "demo.sh")], cwd=REPO, env=demo_env(run_dir),
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        for line in process.stdout:  # read as it comes, to catch the stack's record while it runs
            output.append(line)
            if not states and (run_dir / "stack.json").exists():
                states.append(json.loads((run_dir / "stack.json").read_text()))
    assert process.returncode == 0, "".join(output)
    text = "".join(output)
    assert "Simpl stack ready in" in text and "all its processes are gone" in text
    for game in ("calc", "div"):
        report = json.loads((run_dir / f"{game}-report.json").read_text())
        assert report, f"empty {game} report"
    assert states, "the stack never recorded itself as ready"
    assert_stack_gone(run_dir, states[0])


def test_ctrl_c_stops_the_stack(tmp_path):
    run_dir = tmp_path / "demo"
    # Many players so that the script is still busy (seeding/profiling) when interrupted.
    with subprocess.Popen([str(REPO / "scripts" / "demo.sh")], cwd=REPO,
                          env=demo_env(run_dir, SIMPL_DEMO_PLAYERS="400"),
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as process:
        deadline = time.monotonic() + 120
        while not (run_dir / "stack.json").exists():
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the stack did not become ready"
            time.sleep(0.1)
        state = json.loads((run_dir / "stack.json").read_text())
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        errors = process.communicate(timeout=60)[1]
    assert process.returncode != 0
    assert "stopping the stack" in errors
    assert_stack_gone(run_dir, state)
