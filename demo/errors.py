"""Errors raised while starting, supervising and stopping the local Simpl stack.

Each one's `str()` is meant to be shown to the user as is: it says what went wrong and
what to do. The command line prints it and exits non-zero; it never shows a traceback.

    StackError                  any failure of the local stack
     ├── MissingDependency      a program or package the stack needs is not installed
     ├── PortInUse              a port the stack must listen on is already taken
     ├── ChildDied              a process of the stack exited during start or while running
     ├── NotReady               a part did not become ready before its deadline
     └── StackNotRunning        `stop`/`status` found no background stack in the run folder

Not for: errors of the profiler library (`modelservice`), which has its own.
"""
from __future__ import annotations

from pathlib import Path

BOOTSTRAP_HINT = "run ./scripts/bootstrap.sh"


class StackError(Exception):
    """A part of the local Simpl stack could not start, or stopped."""


class MissingDependency(StackError):
    """Raised before starting anything when a program or package is not installed."""

    def __init__(self, what: str):
        super().__init__(f"{what} is not installed; {BOOTSTRAP_HINT} (it installs the demo stack's dependencies)")
        self.what = what


class PortInUse(StackError):
    """Raised before starting anything when a fixed port cannot be bound."""

    def __init__(self, port: int, option: str):
        super().__init__(f"port {port} is in use; pass {option} or stop the other server")
        self.port = port
        self.option = option


class ChildDied(StackError):
    """Raised when a child process exits unexpectedly; carries the tail of its log."""

    def __init__(self, name: str, returncode: int | None, log_path: Path | None, tail: str):
        where = f" (log: {log_path})" if log_path else ""
        body = f"; last lines of its log:\n{tail}" if tail.strip() else ""
        super().__init__(f"{name} exited with code {returncode}{where}{body}")
        self.name = name
        self.returncode = returncode
        self.log_path = log_path
        self.tail = tail


class NotReady(StackError):
    """Raised when a part is alive but not ready before its deadline."""


class StackNotRunning(StackError):
    """Raised by `stop`/`status` when the run folder has no live background stack."""
