"""The whole local stack (games API, router, authenticator, model services) started for
real: it comes up, answers as the contract says, reports a dying child, and leaves no
process behind."""
from __future__ import annotations

import asyncio
import base64
import os
import signal
import socket
import subprocess
import urllib.request

import psutil
import pytest

from demo.errors import ChildDied, PortInUse
from demo.router.client import call_once
from demo.stack import GAMES, SimplStack

pytestmark = pytest.mark.integration


def ready(stack, game):
    return asyncio.run(call_once(stack.router_url, stack.realm, f"world.simpl.sims.{game}.ready",
                                 authid="profiler", ticket=stack.profiler_ticket))


def descendants():
    return {p.pid: p for p in psutil.Process().children(recursive=True)}


def gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_both_games_answer_ready_to_the_profiler(simpl_stack):
    assert [ready(simpl_stack, game) for game in GAMES] == [True, True]


def test_env_names_every_url_and_secret(simpl_stack):
    env = simpl_stack.env
    assert sorted(env) == sorted(["SIMPL_GAMES_URL", "SIMPL_GAMES_AUTH", "MODEL_SERVICE_WS", "SIMPL_REALM",
                                  "SIMPL_PROFILER_TICKET", "SIMPL_SERVICE_TICKET"])
    assert env["SIMPL_GAMES_URL"].startswith("http://127.0.0.1:") and env["SIMPL_GAMES_URL"].endswith("/apis")
    assert env["MODEL_SERVICE_WS"].startswith("ws://127.0.0.1:") and env["MODEL_SERVICE_WS"].endswith("/ws")
    assert env["SIMPL_PROFILER_TICKET"] != env["SIMPL_SERVICE_TICKET"]


def test_games_api_answers_the_staff_account(simpl_stack):
    token = base64.b64encode(simpl_stack.env["SIMPL_GAMES_AUTH"].encode()).decode()
    request = urllib.request.Request(simpl_stack.games_url + "/", headers={"Authorization": f"Basic {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def test_env_file_is_private_and_sourceable(simpl_stack):
    path = simpl_stack.env_file
    assert path.stat().st_mode & 0o777 == 0o600
    shown = subprocess.run(["bash", "-c", f'source "{path}" && printf "%s\\n%s" "$SIMPL_GAMES_AUTH" "$MODEL_SERVICE_WS"'],
                           capture_output=True, text=True, check=True, env={"PATH": os.environ["PATH"]})
    assert shown.stdout.splitlines() == [simpl_stack.env["SIMPL_GAMES_AUTH"], simpl_stack.env["MODEL_SERVICE_WS"]]


def test_seeded_runs_do_not_collide(seeded_calc, seeded_div):
    first, second = seeded_calc(3), seeded_calc(2)
    assert len(first) == 3 and len(second) == 2
    assert not set(first) & set(second)
    assert all(email.endswith("@calc.edu") for email in first + second)
    assert all(email.endswith("@div.edu") for email in seeded_div(2))


def test_a_child_that_dies_is_reported_and_stop_leaves_no_process(tmp_path):
    before = set(descendants())
    with SimplStack(tmp_path, api_port=0, router_port=0) as stack:
        assert stack.started_in < 30, f"the stack took {stack.started_in:.1f} s to be ready"
        started = {pid: p for pid, p in descendants().items() if pid not in before}
        # games API master + 3 workers, router controller + worker, authenticator, 2 model services
        assert len(started) >= 9, sorted(p.name() for p in started.values())
        div = next(service for service in stack.services if "simpl-div" in service.name)
        os.killpg(div.pid, signal.SIGKILL)
        with pytest.raises(ChildDied) as died:
            stack.supervise(lambda: False, interval=0.05)
    assert str(died.value).startswith("simpl-div model service exited with code -9")
    assert str(stack.run_dir / "simpl-div.log") in str(died.value)
    leftovers = [p for p in started.values() if not gone(p)]
    assert not leftovers, leftovers


def test_a_child_that_dies_during_start_stops_the_stack(tmp_path):
    before = set(descendants())
    stack = SimplStack(tmp_path, api_port=0, router_port=0, games=["simpl-nosuch"])
    with pytest.raises(ChildDied) as died:
        stack.start()
    message = str(died.value)
    assert message.startswith("simpl-nosuch model service exited with code 2")
    assert "invalid choice: 'simpl-nosuch'" in message
    assert not [p for pid, p in descendants().items() if pid not in before and not gone(p)]


def test_api_port_in_use_is_one_line_and_starts_nothing(tmp_path):
    before = set(descendants())
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(PortInUse) as in_use:
            SimplStack(tmp_path, api_port=port, router_port=0).start()
    assert str(in_use.value) == f"port {port} is in use; pass --api-port or stop the other server"
    assert set(descendants()) == before
