"""`python -m demo.stack start|status|stop` run for real in subprocesses, on free ports."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from demo.processes import free_port, group_members, pid_alive

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


def stack_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "demo.stack", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)


def test_start_status_stop_in_the_background(tmp_path):
    run_dir = tmp_path / "run"
    api_port, router_port = free_port(), free_port()
    started = stack_cli("start", "--run-dir", str(run_dir), "--api-port", str(api_port),
                        "--router-port", str(router_port))
    try:
        assert started.returncode == 0, started.stderr
        assert "Simpl stack ready in" in started.stdout
        assert f"http://127.0.0.1:{api_port}/apis" in started.stdout
        assert f"ws://127.0.0.1:{router_port}/ws" in started.stdout
        state = json.loads((run_dir / "stack.json").read_text())
        assert pid_alive(state["pid"]) and all(group_members(g) for g in state["groups"])
        assert (run_dir / "stack.env").stat().st_mode & 0o777 == 0o600

        status = stack_cli("status", "--run-dir", str(run_dir))
        assert status.returncode == 0 and f"running (pid {state['pid']})" in status.stdout

        again = stack_cli("start", "--run-dir", str(run_dir), "--api-port", "0", "--router-port", "0")
        assert again.returncode == 1
        assert again.stderr.startswith(f"stack: error: a stack is already running from {run_dir}")
    finally:
        stopped = stack_cli("stop", "--run-dir", str(run_dir))
    assert stopped.returncode == 0, stopped.stderr
    assert "all its processes are gone" in stopped.stdout
    assert not pid_alive(state["pid"])
    assert not [g for g in state["groups"] if group_members(g)]
    assert stack_cli("status", "--run-dir", str(run_dir)).returncode == 1
    assert "nothing to stop" in stack_cli("stop", "--run-dir", str(run_dir)).stdout


@pytest.mark.parametrize("option", ["--api-port", "--router-port"])
def test_port_in_use_gives_one_clear_line(tmp_path, option):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        other = "--router-port" if option == "--api-port" else "--api-port"
        result = stack_cli("start", "--run-dir", str(tmp_path), option, str(port), other, "0")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"stack: error: port {port} is in use; pass {option} or stop the other server"]
    assert not (tmp_path / "stack.pid").exists()


def test_foreground_up_reports_port_in_use_too(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = stack_cli("up", "--run-dir", str(tmp_path), "--api-port", str(port), "--router-port", "0")
    assert result.returncode == 1
    assert result.stderr.strip() == f"stack: error: port {port} is in use; pass --api-port or stop the other server"


def test_bad_port_is_a_usage_error(tmp_path):
    result = stack_cli("start", "--run-dir", str(tmp_path), "--api-port", "http")
    assert result.returncode == 2
    assert "invalid port 'http': give a number 0-65535" in result.stderr
    assert "Traceback" not in result.stderr


def _wait_for_state(run_dir: Path, process: subprocess.Popen, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while not (run_dir / "stack.json").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the stack did not become ready"
        time.sleep(0.1)
    return json.loads((run_dir / "stack.json").read_text())


def test_foreground_up_stops_everything_on_ctrl_c(tmp_path):
    with subprocess.Popen([sys.executable, "-m", "demo.stack", "up", "--run-dir", str(tmp_path),
                           "--api-port", "0", "--router-port", "0"], cwd=REPO, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as up:
        state = _wait_for_state(tmp_path, up)
        up.send_signal(signal.SIGINT)
        out, err = up.communicate(timeout=60)
    assert up.returncode == 0, err
    assert "Ctrl-C stops it." in out and out.rstrip().endswith("stack: stopped")
    assert not [g for g in state["groups"] if group_members(g)]
    assert not (tmp_path / "stack.pid").exists()


def test_a_dying_child_ends_the_background_stack_with_its_name(tmp_path):
    started = stack_cli("start", "--run-dir", str(tmp_path), "--api-port", "0", "--router-port", "0")
    assert started.returncode == 0, started.stderr
    state = json.loads((tmp_path / "stack.json").read_text())
    calc_pid = next(p for p in state["groups"]
                    if b"simpl-calc" in Path(f"/proc/{p}/cmdline").read_bytes())
    os.killpg(calc_pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while pid_alive(state["pid"]):
        assert time.monotonic() < deadline, "the stack did not notice its dead model service"
        time.sleep(0.1)
    log = (tmp_path / "stack.log").read_text()
    assert "stack: error: simpl-calc model service exited with code -9" in log
    assert not [g for g in state["groups"] if group_members(g)]
    assert stack_cli("status", "--run-dir", str(tmp_path)).returncode == 1


@pytest.mark.parametrize("module", ["autobahn", "gunicorn"])
def test_missing_dependency_is_one_line_pointing_to_bootstrap(tmp_path, module):
    # Hide the package from the child's imports, as if it were not installed.
    code = (f"import sys, runpy; sys.modules[{module!r}] = None; "
            f"sys.argv = ['demo.stack', 'up', '--run-dir', {str(tmp_path)!r}, '--api-port', '0', "
            f"'--router-port', '0']; runpy.run_module('demo.stack', run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == (f"stack: error: {module} is not installed; run ./scripts/bootstrap.sh "
                                     "(it installs the demo stack's dependencies)")


def test_no_process_is_left_by_the_cli(tmp_path):
    # Runs last in this module: every `demo.stack up` started above must be gone.
    mine = [p for p in psutil.process_iter(["cmdline"])
            if p.info["cmdline"] and "demo.stack" in p.info["cmdline"] and str(tmp_path.parent.parent)
            in " ".join(p.info["cmdline"])]
    assert not mine
