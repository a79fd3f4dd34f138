"""GamesApiServer: readiness, clear start-up errors, nothing left running; and the ensure_staff command."""
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import pytest

from demo.gamesapi.server import GamesApiServer, GamesApiStartError
from demo.seed import GamesApiClient

pytestmark = pytest.mark.integration

REPO_DIR = Path(__file__).resolve().parents[2]


def _gone(pids, timeout=10.0):
    _, alive = psutil.wait_procs([p for p in (_proc(pid) for pid in pids) if p], timeout=timeout)
    return not alive


def _proc(pid):
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def test_serves_on_a_free_port_with_working_staff_credentials_and_stops_everything(tmp_path):
    with GamesApiServer(tmp_path, workers=2) as api:
        assert api.url == f"http://127.0.0.1:{api.port}/apis"
        assert api.client_env == {"SIMPL_GAMES_URL": api.url, "SIMPL_GAMES_AUTH": ":".join(api.staff_auth)}
        client = GamesApiClient(api.url, api.staff_auth)
        try:
            assert client.send("GET", "games/").status == 200
        finally:
            client.close()
        master = psutil.Process(api.pid)
        pids = [api.pid, *(child.pid for child in master.children(recursive=True))]
        assert len(pids) >= 3  # master and two workers
        assert (tmp_path / "games.sqlite3").exists()
    assert _gone(pids), "gunicorn processes left after the server stopped"


def test_a_port_in_use_is_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(GamesApiStartError, match=rf"cannot listen on 127.0.0.1:{port}: .*choose another port"):
            GamesApiServer(tmp_path, port=port, workers=1).start()


def test_a_bad_setting_fails_before_gunicorn_with_its_name(tmp_path):
    server = GamesApiServer(tmp_path, workers=1, env={"SIMPL_PASSWORD_ITERATIONS": "lots"})
    with pytest.raises(GamesApiStartError, match=r"'migrate' failed .*SIMPL_PASSWORD_ITERATIONS='lots'"):
        server.start()
    assert server.pid is None


def test_gunicorn_dying_at_start_is_reported_with_its_log(tmp_path):
    # gunicorn reads extra options from GUNICORN_CMD_ARGS; an unknown worker class makes it exit.
    server = GamesApiServer(tmp_path, workers=1, env={"GUNICORN_CMD_ARGS": "--worker-class no.such.Worker"},
                            startup_timeout=30)
    with pytest.raises(GamesApiStartError, match=r"gunicorn exited with code \d+ before serving; log .*gamesapi.log"):
        server.start()
    assert server.pid is None


def test_foreground_command_serves_until_sigterm(tmp_path):
    env = {**os.environ}
    env.pop("SIMPL_STAFF_PASSWORD", None)
    process = subprocess.Popen([sys.executable, "-m", "demo.gamesapi.server", "--run-dir", str(tmp_path),
                                "--workers", "1"], cwd=REPO_DIR, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # blocks until the server is ready (or the process ends)
        assert line.startswith("games API at http://127.0.0.1:"), process.stderr.read()
        children = [child.pid for child in psutil.Process(process.pid).children(recursive=True)]
        env_file = tmp_path / "gamesapi.env"
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        assert "SIMPL_GAMES_AUTH='simpl@simpl.world:" in env_file.read_text()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    assert children and _gone(children)


def _manage(tmp_path, *args, **env):
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "demo.gamesapi.settings",
                "SIMPL_GAMES_DB": str(tmp_path / "db.sqlite3"), **env}
    full_env.pop("DATABASE_URL", None)
    if env.get("SIMPL_STAFF_PASSWORD") is None:
        full_env.pop("SIMPL_STAFF_PASSWORD", None)
    return subprocess.run([sys.executable, "-m", "demo.gamesapi", *args], cwd=REPO_DIR, env=full_env,
                          capture_output=True, text=True, timeout=120)


def test_ensure_staff_needs_a_password_and_is_idempotent(tmp_path):
    assert _manage(tmp_path, "migrate", "-v", "0").returncode == 0

    missing = _manage(tmp_path, "ensure_staff")
    assert missing.returncode == 2
    assert missing.stderr.strip() == ("CommandError: SIMPL_STAFF_PASSWORD is not set; "
                                      "export the staff password and run again")

    first = _manage(tmp_path, "ensure_staff", SIMPL_STAFF_PASSWORD="one", SIMPL_STAFF_EMAIL="boss@calc.edu")
    assert first.returncode == 0 and "staff user boss@calc.edu (id 1) created" in first.stdout
    second = _manage(tmp_path, "ensure_staff", SIMPL_STAFF_PASSWORD="two", SIMPL_STAFF_EMAIL="boss@calc.edu")
    assert second.returncode == 0 and "staff user boss@calc.edu (id 1) updated" in second.stdout
    bad_email = _manage(tmp_path, "ensure_staff", SIMPL_STAFF_PASSWORD="x", SIMPL_STAFF_EMAIL="boss")
    assert bad_email.returncode == 2 and "is not an email address" in bad_email.stderr
