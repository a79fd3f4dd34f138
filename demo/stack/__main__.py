"""`python -m demo.stack up|start|stop|status`: the local Simpl stack from the command line.

    up      run the stack in the foreground; Ctrl-C or SIGTERM stops everything
    start   run `up` in the background, wait until it is ready, print the URLs, exit
    stop    stop the background stack and wait until all its processes are gone
    status  say whether a stack runs from the run folder, and where

Errors are one clear message and a non-zero exit (1), never a traceback.
Not for: the stack itself (`demo.stack.core.SimplStack`).
"""
from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any, NoReturn

from demo.errors import MissingDependency, StackError, StackNotRunning
from demo.stack import background

REPO_DIR = Path(__file__).resolve().parents[2]
DEFAULT_RUN_DIR = REPO_DIR / "run"
READY_BUDGET = 30.0  # the stack should be ready this fast; slower start-ups are flagged


class StopRequested(BaseException):
    """SIGINT/SIGTERM arrived; unwinds `up` so that every child is stopped on the way out."""


def port(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}: give a number 0-65535") from None
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {number}: give a number 0-65535 (0 = any free port)")
    return number


def seconds(value: str) -> float:
    try:
        number = float(value.rstrip("s"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid duration {value!r}: give seconds, e.g. 60 or 60s") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"invalid duration {value!r}: it must be more than 0")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demo.stack", description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", metavar="up|start|stop|status", required=True)
    for verb, text in (("up", "run in the foreground"), ("start", "run in the background"),
                       ("stop", "stop the background stack"), ("status", "show the stack's state")):
        sub = verbs.add_parser(verb, help=text)
        sub.add_argument("--run-dir", metavar="DIR", type=Path, default=DEFAULT_RUN_DIR,
                         help=f"folder for logs, database, router config, stack.env (default {DEFAULT_RUN_DIR})")
        if verb in ("up", "start"):
            sub.add_argument("--api-port", metavar="N", type=port, default=8100,
                             help="games API port on 127.0.0.1 (default 8100; 0 = any free port)")
            sub.add_argument("--router-port", metavar="N", type=port, default=8080,
                             help="router port on 127.0.0.1 (default 8080; 0 = any free port)")
            sub.add_argument("--ready-timeout", metavar="SECONDS", type=seconds, default=60.0,
                             help="give up if the stack is not ready by then (default 60)")
    return parser


def describe(state: dict[str, Any], run_dir: Path) -> str:
    lines = [
        f"Simpl stack ready in {state['started_in']:.1f} s (run folder {run_dir})",
        f"  games API  {state['games_url']}  (staff {state['staff_email']})",
        f"  router     {state['router_url']}  realm {state['realm']}",
        f"  env        source {state['env_file']}",
        f"  logs       {run_dir}/*.log",
    ]
    if state["started_in"] > READY_BUDGET:
        lines.append(f"  note: start-up took longer than {READY_BUDGET:.0f} s")
    return "\n".join(lines)


def _ignore_stop_signals() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def _install_stop_handlers() -> None:
    def request_stop(signum: int, frame: Any) -> NoReturn:
        # Only the first signal unwinds; later ones must not interrupt the shutdown itself.
        _ignore_stop_signals()
        raise StopRequested(signal.Signals(signum).name)

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, request_stop)


def command_up(options: argparse.Namespace) -> int:
    try:
        from demo.stack.core import SimplStack
    except ImportError as exc:
        # Name the distribution-level package (autobahn, not autobahn.wamp).
        raise MissingDependency((exc.name or str(exc)).partition(".")[0]) from exc

    run_dir = options.run_dir.resolve()
    _install_stop_handlers()
    stack: SimplStack | None = None
    ready = False
    try:
        background.claim_run_dir(run_dir)
        try:
            stack = SimplStack(run_dir, api_port=options.api_port, router_port=options.router_port,
                               ready_timeout=options.ready_timeout)
            stack.start()
            state = {
                "started_in": round(stack.started_in or 0.0, 2),
                "games_url": stack.games_url, "router_url": stack.router_url,
                "realm": stack.realm, "staff_email": stack.staff_auth[0],
                "env_file": str(stack.env_file), "groups": stack.pids(),
                "logs": [str(path) for path in stack.log_files()],
            }
            background.record_ready(run_dir, state)
            ready = True
            print(describe(state, run_dir), flush=True)
            print("Ctrl-C stops it.", flush=True)
            stack.supervise(lambda: False)
        finally:
            # Whatever ended the run (a signal, a dead child), the shutdown must not be cut short.
            _ignore_stop_signals()
            if stack is not None:
                stack.stop()
            background.release_run_dir(run_dir)
    except StopRequested:
        print("stack: stopped", flush=True)
        return 0 if ready else 1
    return 0


def command_start(options: argparse.Namespace) -> int:
    run_dir = options.run_dir.resolve()
    up_args = ["--api-port", str(options.api_port), "--router-port", str(options.router_port),
               "--ready-timeout", str(options.ready_timeout)]
    state = background.start_background(run_dir, up_args, timeout=options.ready_timeout + 30)
    print(describe(state, run_dir))
    print(f"Stop it with: python -m demo.stack stop --run-dir {run_dir}")
    return 0


def command_stop(options: argparse.Namespace) -> int:
    run_dir = options.run_dir.resolve()
    try:
        pid = background.stop_background(run_dir)
    except StackNotRunning as exc:
        print(f"stack: {exc}; nothing to stop")
        return 0
    print(f"stack: stopped (pid {pid}) and all its processes are gone")
    return 0


def command_status(options: argparse.Namespace) -> int:
    run_dir = options.run_dir.resolve()
    pid = background.running_pid(run_dir)
    if pid is None:
        print(f"stack: not running from {run_dir}")
        return 1
    state = background.read_state(run_dir)
    if state is None:
        print(f"stack: starting (pid {pid}), run folder {run_dir}")
    else:
        print(f"stack: running (pid {pid})")
        print(describe(state, run_dir))
    return 0


COMMANDS = {"up": command_up, "start": command_start, "stop": command_stop, "status": command_status}


def main(argv: list[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    try:
        return COMMANDS[options.verb](options)
    except StackError as exc:
        print(f"stack: error: {exc}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        print("stack: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
