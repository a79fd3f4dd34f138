"""Model-service processes start, fail and stop as the stack expects.

Real games API and router on free ports; each test runs `python -m demo.model_service ...`
(or the authenticator) and checks its exit status and what it printed.
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time

import pytest

from demo.router import RouterServer

from ._helpers_model_service import REPO_DIR, running_backend, wait_ready

pytestmark = pytest.mark.integration

CALC_READY = "world.simpl.sims.simpl-calc.ready"


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    with running_backend(tmp_path_factory.mktemp("model-service-lifecycle")) as backend:
        yield backend


def run_to_exit(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], env=env, cwd=REPO_DIR, timeout=timeout,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def one_clear_line(stderr: str, prefix: str) -> str:
    assert "Traceback" not in stderr, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith(prefix), stderr
    return last


@pytest.mark.parametrize("module", [["demo.model_service", "--game", "simpl-calc"],
                                    ["demo.model_service.authenticator"]],
                         ids=["simpl-calc", "authenticator"])
def test_sigterm_leaves_and_exits_zero(backend, module):
    process = backend.service(f"sigterm-{module[-1]}", *module)
    try:
        process.start()
        if module[0] == "demo.model_service":
            wait_ready(backend, process, CALC_READY)
        else:
            wait_ready(backend, process, "wamp.registration.lookup", "world.simpl.authenticate")
    finally:
        process.stop()
    assert process.returncode == 0, process.tail()
    log = process.log_path.read_text()
    assert "serving realm realm1" in log and "Traceback" not in log, log


def test_a_second_service_for_the_same_game_exits_1(backend):
    first = backend.service("first-calc", "demo.model_service", "--game", "simpl-calc")
    try:
        first.start()
        wait_ready(backend, first, CALC_READY)
        began = time.monotonic()
        second = run_to_exit(["demo.model_service", "--game", "simpl-calc"], backend.env)
        assert second.returncode == 1
        line = one_clear_line(second.stderr, "model service simpl-calc:")
        assert "procedure_already_exists" in line
        assert time.monotonic() - began < 25  # refused outright, not retried for 30 s
    finally:
        first.stop()
    assert first.returncode == 0


def test_a_wrong_ticket_exits_1_without_retrying(backend):
    env = {**backend.env, "SIMPL_SERVICE_TICKET": "not-the-ticket"}
    began = time.monotonic()
    done = run_to_exit(["demo.model_service", "--game", "simpl-div", "--connect-timeout", "40s"], env)
    assert done.returncode == 1
    assert "wamp.error.not_authorized" in one_clear_line(done.stderr, "model service simpl-div:")
    assert time.monotonic() - began < 30


def test_an_unreachable_router_exits_1_after_the_connect_timeout(backend):
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))  # a port nobody listens on (bound, not listening)
        port = placeholder.getsockname()[1]
        env = {**backend.env, "MODEL_SERVICE_WS": f"ws://127.0.0.1:{port}/ws"}
        began = time.monotonic()
        done = run_to_exit(["demo.model_service.authenticator", "--connect-timeout", "2s"], env)
    elapsed = time.monotonic() - began
    assert done.returncode == 1
    assert "router unusable for 2s" in one_clear_line(done.stderr, "authenticator:")
    assert 2 <= elapsed < 20


def test_bad_games_api_credentials_exit_1(backend):
    env = {**backend.env, "SIMPL_GAMES_AUTH": f"{backend.api.staff_auth[0]}:wrong-password"}
    done = run_to_exit(["demo.model_service", "--game", "simpl-calc", "--connect-timeout", "30s"], env)
    assert done.returncode == 1
    assert "refused SIMPL_GAMES_AUTH" in one_clear_line(done.stderr, "model service simpl-calc:")


def test_missing_environment_is_a_usage_error():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIMPL_", "MODEL_SERVICE"))}
    env["PYTHONPATH"] = str(REPO_DIR)
    done = run_to_exit(["demo.model_service", "--game", "simpl-calc"], env)
    assert done.returncode == 2
    assert "SIMPL_GAMES_AUTH is not set" in one_clear_line(done.stderr, "model service simpl-calc:")


def test_unknown_game_is_a_usage_error():
    done = run_to_exit(["demo.model_service", "--game", "simpl-foo"], {**os.environ,
                                                                     "PYTHONPATH": str(REPO_DIR)})
    assert done.returncode == 2
    assert "invalid choice: 'simpl-foo'" in done.stderr and "Traceback" not in done.stderr


def test_losing_the_router_exits_1(backend, tmp_path):
    router = RouterServer(tmp_path, port=0, service_ticket=secrets.token_urlsafe(16),
                          profiler_ticket=secrets.token_urlsafe(16))
    with router:
        env = {**backend.env, "MODEL_SERVICE_WS": router.url,
               "SIMPL_SERVICE_TICKET": router.service_ticket}
        process = subprocess.Popen([sys.executable, "-m", "demo.model_service", "--game", "simpl-div"],
                                   env=env, cwd=REPO_DIR, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   start_new_session=True)
        try:
            # The service says it is serving on stderr once joined and registered.
            first_lines = []
            for line in process.stderr:
                first_lines.append(line)
                if "serving realm" in line:
                    break
            assert any("serving realm" in line for line in first_lines), "".join(first_lines)
            router.stop()
            stopped = time.monotonic()
            stderr = process.stderr.read()
            assert process.wait(timeout=30) == 1
            assert time.monotonic() - stopped < 15
        finally:
            if process.poll() is None:
                os.killpg(process.pid, 9)
                process.wait()
            process.stderr.close()
    assert "lost the connection to the router" in one_clear_line(stderr, "model service simpl-div:")
