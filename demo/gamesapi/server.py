"""Start the demo games API (migrate, ensure_staff, gunicorn) on a loopback port, and stop it.

    with GamesApiServer(run_dir, port=0, workers=3) as api:
        api.url          # "http://127.0.0.1:<port>/apis"
        api.staff_auth   # ("simpl@simpl.world", "<password>")
        api.client_env   # {"SIMPL_GAMES_URL": ..., "SIMPL_GAMES_AUTH": "email:password"}

The database is `<run_dir>/games.sqlite3` unless DATABASE_URL is set (in `env` or os.environ).
Secrets (DJANGO_SECRET_KEY, SIMPL_STAFF_PASSWORD) come from `env`, else os.environ, else are made
up here. Port 0 binds a free port in this process and hands the listening socket to gunicorn
(`fd://`), so there is no window in which another process can take the port. Readiness is waited
for by polling HTTP with a deadline; if gunicorn dies first, GamesApiStartError carries its log.
On exit the whole gunicorn process group is terminated (then killed if it lingers).

`python -m demo.gamesapi.server --run-dir DIR [--port 8100]` runs it in the foreground.

Not for: the router or the model services (the stack starts those), or production serving.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Mapping

REPO_DIR = Path(__file__).resolve().parents[2]
SETTINGS_MODULE = "demo.gamesapi.settings"
DEFAULT_STAFF_EMAIL = "simpl@simpl.world"
HOST = "127.0.0.1"


class GamesApiStartError(RuntimeError):
    """The games API could not be prepared or did not become ready; the message says why."""


class GamesApiServer:
    """A gunicorn-served games API on 127.0.0.1, for tests and the demo stack."""

    def __init__(self, run_dir: str | os.PathLike, port: int = 0, workers: int = 3, *,
                 threads: int = 1, env: Mapping[str, str] | None = None,
                 startup_timeout: float = 60.0, access_log: bool = False) -> None:
        if workers < 1 or threads < 1:
            raise ValueError("workers and threads must be at least 1")
        self.run_dir = Path(run_dir).resolve()
        self.requested_port = port
        self.workers = workers
        self.threads = threads
        self.startup_timeout = startup_timeout
        self.access_log = access_log
        self.log_path = self.run_dir / "gamesapi.log"
        self.server_env = self._server_env(dict(os.environ if env is None else {**os.environ, **env}))
        self.staff_auth = (self.server_env["SIMPL_STAFF_EMAIL"], self.server_env["SIMPL_STAFF_PASSWORD"])
        self.port: int | None = None
        self._process: subprocess.Popen | None = None

    # -- public surface -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("the games API is not started")
        return f"http://{HOST}:{self.port}/apis"

    @property
    def client_env(self) -> dict[str, str]:
        """What a client (seeder, model service, profiler) needs to reach this API as staff."""
        return {"SIMPL_GAMES_URL": self.url, "SIMPL_GAMES_AUTH": ":".join(self.staff_auth)}

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self) -> "GamesApiServer":
        self.run_dir.mkdir(parents=True, exist_ok=True)
        try:  # the port first: a taken port is the quickest failure to report
            listener = socket.create_server((HOST, self.requested_port))
        except OSError as exc:
            raise GamesApiStartError(f"cannot listen on {HOST}:{self.requested_port}: "
                                     f"{exc.strerror or exc}; choose another port, or 0 for any free one") from exc
        try:
            self.port = listener.getsockname()[1]
            self._manage("migrate", "--noinput", "-v", "0")
            self._manage("ensure_staff", "-v", "0")
            self._process = self._spawn_gunicorn(listener.fileno())
        finally:
            listener.close()  # gunicorn holds its own copy of the socket now
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is not None:
            _signal_group(process.pid, signal.SIGKILL)  # workers orphaned by a master that died
            return
        # gunicorn leads its own session (start_new_session), so the group is it plus its workers.
        _signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            _signal_group(process.pid, signal.SIGKILL)
            process.wait(timeout)
        else:
            _signal_group(process.pid, signal.SIGKILL)  # any worker that outlived its master

    def __enter__(self) -> "GamesApiServer":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- internals ------------------------------------------------------------------------------

    def _server_env(self, env: dict[str, str]) -> dict[str, str]:
        env["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_DIR), env.get("PYTHONPATH")]))
        env.setdefault("SIMPL_GAMES_DB", str(self.run_dir / "games.sqlite3"))
        # One key for all workers; see settings.SECRET_KEY for why a made-up one is fine here.
        env.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
        env["SIMPL_STAFF_EMAIL"] = env.get("SIMPL_STAFF_EMAIL") or DEFAULT_STAFF_EMAIL
        env["SIMPL_STAFF_PASSWORD"] = env.get("SIMPL_STAFF_PASSWORD") or secrets.token_urlsafe(18)
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _manage(self, *args: str) -> None:
        command = [sys.executable, "-m", "demo.gamesapi", *args]
        try:
            done = subprocess.run(command, cwd=REPO_DIR, env=self.server_env, capture_output=True,
                                  text=True, timeout=self.startup_timeout)
        except subprocess.TimeoutExpired:
            raise GamesApiStartError(f"'{args[0]}' did not finish within {self.startup_timeout:.0f} s") from None
        if done.returncode != 0:
            raise GamesApiStartError(
                f"'{args[0]}' failed (exit {done.returncode}): {_last_line(done.stderr or done.stdout)}")

    def _spawn_gunicorn(self, fd: int) -> subprocess.Popen:
        command = [
            sys.executable, "-m", "gunicorn", "demo.gamesapi.wsgi:application",
            "--bind", f"fd://{fd}", "--workers", str(self.workers), "--threads", str(self.threads),
            # Bulk user creation hashes passwords (~20 ms each): give big requests time.
            "--timeout", "120", "--graceful-timeout", "5",
            "--error-logfile", str(self.log_path), "--capture-output",
        ]
        if self.access_log:
            command += ["--access-logfile", str(self.log_path)]
        return subprocess.Popen(command, cwd=REPO_DIR, env=self.server_env, pass_fds=(fd,),
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while True:
            code = self._process.poll()
            if code is not None:
                raise GamesApiStartError(
                    f"gunicorn exited with code {code} before serving; log {self.log_path}: "
                    f"{_last_line(_read_tail(self.log_path))}")
            status = self._get_status("/apis/", auth=self.staff_auth)
            if status == 200:
                return
            if status in (401, 403):
                raise GamesApiStartError(
                    f"the games API at {self.url} refused the staff account {self.staff_auth[0]} "
                    f"(HTTP {status}); check SIMPL_STAFF_EMAIL/SIMPL_STAFF_PASSWORD")
            if time.monotonic() > deadline:
                raise GamesApiStartError(
                    f"the games API at {self.url} was not ready within {self.startup_timeout:.0f} s "
                    f"(last answer: {status or 'no connection'}); log {self.log_path}")
            time.sleep(0.05)  # polling interval while gunicorn boots its workers

    def _get_status(self, path: str, auth: tuple[str, str]) -> int | None:
        token = base64.b64encode(":".join(auth).encode()).decode()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
        try:
            connection.request("GET", path, headers={"Authorization": f"Basic {token}"})
            response = connection.getresponse()
            response.read()
            return response.status
        except OSError:
            return None
        finally:
            connection.close()


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _read_tail(path: Path, size: int = 4000) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(max(0, path.stat().st_size - size))
            return handle.read().decode(errors="replace")
    except OSError:
        return ""


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(no output)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.gamesapi.server",
                                     description="Run the demo games API in the foreground.")
    parser.add_argument("--run-dir", metavar="DIR", required=True, help="database and log directory")
    parser.add_argument("--port", metavar="PORT", type=int, default=0, help="port on 127.0.0.1 (0 = any free one)")
    parser.add_argument("--workers", metavar="N", type=int, default=3, help="gunicorn workers (default 3)")
    options = parser.parse_args(argv)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    try:
        with GamesApiServer(options.run_dir, port=options.port, workers=options.workers) as api:
            env_file = api.run_dir / "gamesapi.env"
            # The staff password goes to a private file, not the terminal or the process list.
            env_file.touch(mode=0o600)
            env_file.write_text("".join(f"export {k}='{v}'\n" for k, v in api.client_env.items()))
            print(f"games API at {api.url} (staff {api.staff_auth[0]}); "
                  f"`source {env_file}` for the client settings; log {api.log_path}", flush=True)
            while not stop.wait(1.0) and api._process.poll() is None:
                pass
    except (GamesApiStartError, ValueError, OSError) as exc:
        print(f"gamesapi: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
