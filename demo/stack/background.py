"""The run folder's record of a running stack, and the `start`/`stop`/`status` verbs.

What it is for: letting one command start the stack in the background and another one,
later, find it and stop it without leaving any process behind. The `up` process writes
`<run_dir>/stack.pid` when it starts and `<run_dir>/stack.json` (pid, process groups of
its children, URLs; no secrets) once ready; `stop` signals it, waits for it, and then
makes sure every recorded process group is empty.

Not for: starting the processes themselves (`demo.stack.core`).
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from demo.errors import StackError, StackNotRunning
from demo.processes import failure_summary, group_members, pid_alive

PID_FILE = "stack.pid"
STATE_FILE = "stack.json"
LOG_FILE = "stack.log"
STOP_TIMEOUT = 30.0


def _read_pid(run_dir: Path) -> int | None:
    try:
        return int((run_dir / PID_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _is_stack_process(pid: int) -> bool:
    """True when pid is alive and is a `demo.stack up` (not some process that reused the pid)."""
    if not pid_alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"demo.stack" in argv and b"up" in argv


def running_pid(run_dir: Path) -> int | None:
    """The pid of the live `up` process of this run folder, if any."""
    pid = _read_pid(run_dir)
    return pid if pid is not None and _is_stack_process(pid) else None


def read_state(run_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((run_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def claim_run_dir(run_dir: Path) -> None:
    """Called by `up`: refuse a run folder another live stack owns, then record our pid."""
    run_dir.mkdir(parents=True, exist_ok=True)
    other = running_pid(run_dir)
    if other is not None and other != os.getpid():
        raise StackError(f"a stack is already running from {run_dir} (pid {other}); "
                         f"stop it with: python -m demo.stack stop --run-dir {run_dir}")
    (run_dir / STATE_FILE).unlink(missing_ok=True)
    (run_dir / PID_FILE).write_text(f"{os.getpid()}\n")


def record_ready(run_dir: Path, state: dict[str, Any]) -> None:
    """Called by `up` once ready; written atomically so a reader never sees half a file."""
    path = run_dir / STATE_FILE
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps({"pid": os.getpid(), **state}, indent=2) + "\n")
    os.replace(partial, path)


def release_run_dir(run_dir: Path) -> None:
    """Called by `up` on exit, after its children are stopped."""
    if _read_pid(run_dir) == os.getpid():
        (run_dir / PID_FILE).unlink(missing_ok=True)
        (run_dir / STATE_FILE).unlink(missing_ok=True)


def start_background(run_dir: Path, up_args: list[str], *, timeout: float) -> dict[str, Any]:
    """Spawn `python -m demo.stack up ...` detached; return its state once ready.

    Raise StackError with the reason `up` gave if it exits first or is not ready in time.
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    other = running_pid(run_dir)
    if other is not None:
        raise StackError(f"a stack is already running from {run_dir} (pid {other}); "
                         f"stop it with: python -m demo.stack stop --run-dir {run_dir}")
    (run_dir / STATE_FILE).unlink(missing_ok=True)
    log_path = run_dir / LOG_FILE
    with open(log_path, "wb") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "demo.stack", "up", "--run-dir", str(run_dir), *up_args],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            cwd=Path(__file__).resolve().parents[2], start_new_session=True)
    deadline = time.monotonic() + timeout
    while True:
        state = read_state(run_dir)
        if state is not None and state.get("pid") == child.pid:
            return state
        if child.poll() is not None:
            raise StackError(_reason_from_log(log_path, child.returncode))
        if time.monotonic() > deadline:
            _stop_pid(child.pid, groups=[], timeout=STOP_TIMEOUT)
            raise StackError(f"the stack was not ready within {timeout:.0f} s; see {log_path}")
        time.sleep(0.1)


def _reason_from_log(log_path: Path, returncode: int) -> str:
    """`up` prints its error as `stack: error: ...` (possibly followed by a log tail)."""
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    marker = text.rfind("stack: error: ")
    if marker >= 0:
        return text[marker + len("stack: error: "):].rstrip()
    return f"the stack exited with code {returncode} before it was ready; log {log_path}:\n" \
           f"{failure_summary(log_path)}"


def _stop_pid(pid: int, *, groups: list[int], timeout: float) -> None:
    """SIGTERM the `up` process (it stops its children), then empty every recorded group."""
    deadline = time.monotonic() + timeout
    if pid_alive(pid):
        os.kill(pid, signal.SIGTERM)
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if pid_alive(pid):
        # `up` did not finish its own shutdown: kill it and its group, then its children's.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
    for pgid in groups:
        while group_members(pgid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if group_members(pgid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
    kill_deadline = time.monotonic() + 5.0
    while (pid_alive(pid) or any(group_members(g) for g in groups)) and time.monotonic() < kill_deadline:
        time.sleep(0.1)


def stop_background(run_dir: Path, *, timeout: float = STOP_TIMEOUT) -> int:
    """Stop the stack of this run folder; return the pid stopped. StackNotRunning if none."""
    state = read_state(run_dir) or {}
    groups = [int(g) for g in state.get("groups", [])]
    pid = running_pid(run_dir)
    if pid is None:
        leftovers = [g for g in groups if group_members(g)]
        if not leftovers:
            raise StackNotRunning(f"no stack is running from {run_dir}")
        # `up` was killed without stopping its children: stop them from the record.
        pid = int(state.get("pid", 0))
    _stop_pid(pid, groups=groups, timeout=timeout)
    if any(group_members(g) for g in groups) or pid_alive(pid):
        raise StackError(f"some processes of the stack in {run_dir} did not stop: "
                         f"groups {[g for g in groups if group_members(g)]}")
    for name in (PID_FILE, STATE_FILE):
        (run_dir / name).unlink(missing_ok=True)
    return pid
