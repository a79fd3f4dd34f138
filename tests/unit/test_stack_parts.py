"""Small pieces of the stack's supervision: log summaries, env files, option parsing,
dependency checks. The processes themselves are exercised in tests/integration."""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time

import pytest

from demo.errors import ChildDied, MissingDependency, PortInUse
from demo.processes import (ManagedProcess, ensure_port_free, failure_summary, group_members, pid_alive,
                            wait_until)
from demo.stack import core
from demo.stack.__main__ import port, seconds


def test_failure_summary_brings_back_the_error_hidden_by_shutdown_noise(tmp_path):
    log = tmp_path / "router.log"
    lines = ["booting"] + ["AttributeError: _ARRAY_API not found"] + \
            ["Invalid router realm configuration: bad name"] + [f"shutdown step {n}" for n in range(30)]
    log.write_text("\n".join(lines) + "\n")
    summary = failure_summary(log, last_lines=5).splitlines()
    assert summary[0] == "Invalid router realm configuration: bad name"
    assert summary[1] == "..."
    assert summary[2:] == [f"shutdown step {n}" for n in range(25, 30)]


def test_failure_summary_of_a_missing_log_is_empty(tmp_path):
    assert failure_summary(tmp_path / "nothing.log") == ""


def test_env_file_quotes_values_for_the_shell(tmp_path):
    path = tmp_path / "stack.env"
    tricky = "it's $HOME `x` \"y\""
    core.write_env_file(path, {"SIMPL_GAMES_AUTH": f"a@b.c:{tricky}"})
    assert path.stat().st_mode & 0o777 == 0o600
    shown = subprocess.run(["bash", "-c", f'source "{path}"; printf %s "$SIMPL_GAMES_AUTH"'],
                           capture_output=True, text=True, check=True)
    assert shown.stdout == f"a@b.c:{tricky}"


def test_secret_from_prefers_the_environment():
    assert core.secret_from({"SIMPL_SERVICE_TICKET": "given"}, "SIMPL_SERVICE_TICKET") == "given"
    made = {core.secret_from({}, "SIMPL_SERVICE_TICKET") for _ in range(3)}
    assert len(made) == 3 and all(len(secret) >= 32 for secret in made)


def test_missing_package_points_to_bootstrap(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "gunicorn" else real(name, *a))
    with pytest.raises(MissingDependency) as missing:
        core.check_dependencies()
    assert str(missing.value) == ("gunicorn is not installed; run ./scripts/bootstrap.sh "
                                  "(it installs the demo stack's dependencies)")


def test_missing_crossbar_points_to_bootstrap(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    monkeypatch.setenv("PATH", str(tmp_path))
    from demo.router.server import crossbar_executable
    with pytest.raises(MissingDependency, match=r"^crossbar is not installed; run ./scripts/bootstrap.sh"):
        crossbar_executable()


@pytest.mark.parametrize("text, value", [("0", 0), ("8100", 8100), ("65535", 65535)])
def test_port_option_accepts(text, value):
    assert port(text) == value


@pytest.mark.parametrize("text", ["-1", "65536", "http", ""])
def test_port_option_rejects_with_a_reason(text):
    with pytest.raises(argparse.ArgumentTypeError, match="give a number 0-65535"):
        port(text)


def test_seconds_option():
    assert seconds("45") == 45.0 and seconds("45s") == 45.0
    for bad in ("0", "soon"):
        with pytest.raises(argparse.ArgumentTypeError):
            seconds(bad)


def test_port_in_use_message(tmp_path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        number = taken.getsockname()[1]
        with pytest.raises(PortInUse, match=f"^port {number} is in use; pass --api-port or stop the other server$"):
            ensure_port_free(number, option="--api-port")


def test_managed_process_stops_its_whole_group(tmp_path):
    # The child spawns a grandchild; both are in the child's own process group.
    script = ("import subprocess, sys, time; "
              "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)")
    process = ManagedProcess("sleeper", [sys.executable, "-c", script], log_path=tmp_path / "sleeper.log").start()
    try:
        wait_until(lambda: len(group_members(process.pid)) == 2, deadline=time.monotonic() + 10,
                   what="the grandchild", watch=[process])
    finally:
        process.stop(timeout=5)
    assert group_members(process.pid) == [] and not pid_alive(process.pid)


def test_managed_process_reports_its_death_with_the_log(tmp_path):
    process = ManagedProcess("failing", [sys.executable, "-c", "import sys; print('ValueError: boom'); sys.exit(3)"],
                             log_path=tmp_path / "failing.log").start()
    process._popen.wait(10)
    with pytest.raises(ChildDied) as died:
        process.check()
    assert str(died.value).startswith(f"failing exited with code 3 (log: {tmp_path / 'failing.log'})")
    assert "ValueError: boom" in str(died.value)
