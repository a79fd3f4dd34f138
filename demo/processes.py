"""Child processes of the local Simpl stack: start in their own process group, log to a
file, notice when they die, and stop them so that nothing they spawned survives.

What it is for: `ManagedProcess` (one supervised child), port helpers (`free_port`,
`ensure_port_free`), and `wait_until` (poll a condition with a deadline, failing early
when a child dies). Not for: knowing what the children are (see `demo.stack`,
`demo.router.server`).

Why process groups: Crossbar forks worker processes and gunicorn forks its workers; a
signal to the group reaches all of them, so stopping a child never leaves a grandchild.
"""
from __future__ import annotations

import errno
import os
import re
import signal
import socket
import subprocess
import time
from collections import deque
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from demo.errors import ChildDied, NotReady, PortInUse

POLL_INTERVAL = 0.1


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (the OS picks it; a tiny race is accepted)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def ensure_port_free(port: int, *, host: str = "127.0.0.1", option: str = "another port") -> None:
    """Raise PortInUse unless host:port can be bound right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # SO_REUSEADDR as the servers use it, so a port in TIME_WAIT does not count as taken.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PortInUse(port, option) from exc
            raise


def resolve_port(port: int, *, host: str = "127.0.0.1", option: str = "another port") -> int:
    """0 means any free port; otherwise check that the given port is free and return it."""
    if port == 0:
        return free_port(host)
    ensure_port_free(port, host=host, option=option)
    return port


def tail_file(path: Path, lines: int = 20) -> str:
    """The last `lines` lines of a log file ('' when it does not exist)."""
    try:
        with open(path, "r", errors="replace") as handle:
            return "".join(deque(handle, maxlen=lines)).rstrip("\n")
    except FileNotFoundError:
        return ""


# Lines that explain why a process died (Crossbar, Django, gunicorn, Python tracebacks).
_ERROR_LINE = re.compile(r"Error\b|error:|Invalid|invalid|refused|in use|[Nn]o such|not found|[Ff]ailed")
# Known harmless noise that matches the above: bjdata built against NumPy 1 (see measured facts).
_NOISE_LINE = re.compile(r"_ARRAY_API|NumPy|numpy|bjdata")


def failure_summary(path: Path, *, error_lines: int = 5, last_lines: int = 12) -> str:
    """The last few error-looking lines of a log, then its last lines.

    Crossbar logs its shutdown after the real error, so the plain tail often hides the
    reason; the error lines bring it back into the one message the user sees.
    """
    try:
        with open(path, "r", errors="replace") as handle:
            recent = list(deque(handle, maxlen=2000))
    except FileNotFoundError:
        return ""
    tail = [line.rstrip("\n") for line in recent[-last_lines:]]
    errors = [line.rstrip("\n") for line in recent[:-last_lines]
              if _ERROR_LINE.search(line) and not _NOISE_LINE.search(line)][-error_lines:]
    if errors:
        return "\n".join(errors + ["..."] + tail)
    return "\n".join(tail)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes in process group pgid, read from /proc.

    Zombies are skipped: grandchildren re-parented to a PID 1 that does not reap would
    otherwise look alive forever although they hold no resources but a table slot.
    """
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may contain spaces or parentheses; the fields after the
        # last ')' are: state ppid pgrp ...
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) >= 3 and int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


class ManagedProcess:
    """One child process of the stack, in its own process group, logging to a file."""

    def __init__(self, name: str, argv: Sequence[str], *, log_path: Path,
                 env: Mapping[str, str] | None = None, cwd: Path | None = None):
        self.name = name
        self.argv = list(argv)
        self.log_path = Path(log_path)
        self.env = dict(env) if env is not None else None
        self.cwd = cwd
        self._popen: subprocess.Popen | None = None

    @property
    def pid(self) -> int | None:
        return self._popen.pid if self._popen else None

    @property
    def returncode(self) -> int | None:
        return self._popen.poll() if self._popen else None

    @property
    def alive(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def start(self) -> "ManagedProcess":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self._popen = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=self.env, cwd=self.cwd,
                # Own session (hence own process group): Ctrl-C in the terminal reaches only
                # the stack's owner, which then stops the children in order.
                start_new_session=True)
        return self

    def tail(self, lines: int = 20) -> str:
        return tail_file(self.log_path, lines)

    def summary(self) -> str:
        """What to show when this process failed: its error lines and the end of its log."""
        return failure_summary(self.log_path)

    def check(self) -> None:
        """Raise ChildDied if the process has exited."""
        if self._popen is not None and self._popen.poll() is not None:
            raise ChildDied(self.name, self._popen.returncode, self.log_path, self.summary())

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the whole group, wait up to `timeout`, then SIGKILL what is left."""
        if self._popen is None:
            return
        pgid = self._popen.pid  # the leader of a new session: its pid is the group id
        _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        try:
            self._popen.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL)
        if group_members(pgid):
            _signal_group(pgid, signal.SIGKILL)
        self._popen.wait()
        kill_deadline = time.monotonic() + 5.0
        while group_members(pgid) and time.monotonic() < kill_deadline:
            time.sleep(POLL_INTERVAL)

    def __enter__(self) -> "ManagedProcess":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def wait_until(condition: Callable[[], bool], *, deadline: float, what: str,
               watch: Iterable[ManagedProcess] = (), log_hint: str = "") -> None:
    """Poll `condition` until it is true; raise ChildDied if a watched process exits first,
    NotReady (naming `what`) when the monotonic `deadline` passes."""
    watched = list(watch)
    while True:
        for process in watched:
            process.check()
        if condition():
            return
        if time.monotonic() >= deadline:
            hint = f"\n{log_hint}" if log_hint else ""
            raise NotReady(f"{what} did not become ready in time{hint}")
        time.sleep(POLL_INTERVAL)


def pid_alive(pid: int) -> bool:
    """True while `pid` exists and has not exited (a zombie counts as exited).

    Lets a supervisor watch a child another object spawned without reaping it.
    """
    try:
        with open(f"/proc/{pid}/stat") as handle:
            stat = handle.read()
    except OSError:
        return False
    return stat[stat.rfind(")") + 2:].split()[0] not in ("Z", "X")
