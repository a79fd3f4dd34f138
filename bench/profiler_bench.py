"""Benchmark of the profiler: ours vs bare autobahn vs the original design, as ratios in one run.

    .venv/bin/python bench/profiler_bench.py [--quick] [--json out.json]

Starts ONE real Crossbar router on a free loopback port and an echo service (`bench.echo`,
role `service`) on it, then measures, each side by side with its baseline:
  1. memory per simulated player (RSS growth / players) at 300 and 1000 players;
  2. time until 300 players have joined;
  3. client CPU per WAMP call through `ProfileCase.call` vs a bare autobahn call loop;
  4. the original design (one OS process per player) for the same 300 players.
Prints a table, writes `--json`, and exits 1 if a target is missed (listing which), 2 if
the benchmark could not run. Every process it started is stopped at the end, also on
Ctrl-C or SIGTERM. bench/README.md explains how to read the numbers.

Not for: profiling a game (that is `manage.py profile`).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):  # started as a file: make the repository importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench import results  # noqa: E402
from bench.children import ChildFailed, Children  # noqa: E402
from bench.report import build_report, print_report  # noqa: E402
from bench.sections import (BenchContext, measure_cpu, measure_joins,  # noqa: E402
                            measure_original)
from modelservice.profiling.options import positive_int  # noqa: E402

ORIGINAL_FULL = 300
ECHO_READY_TIMEOUT = 30.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="profiler_bench.py", description="Benchmark the profiler against its baselines, as ratios.")
    parser.add_argument("--quick", action="store_true",
                        help="fewer calls, and 30 original-design processes extrapolated to 300")
    parser.add_argument("--json", metavar="PATH", type=Path, help="also write the numbers as JSON here")
    parser.add_argument("--rounds", type=positive_int, default=3, metavar="N",
                        help="alternating rounds per comparison; the median ratio is reported (default 3)")
    parser.add_argument("--cpu-players", type=positive_int, metavar="N",
                        help="players in the CPU comparison (default 100)")
    parser.add_argument("--cpu-calls", type=positive_int, metavar="M",
                        help="calls per player in the CPU comparison (default 30; 10 with --quick)")
    parser.add_argument("--original-processes", type=positive_int, metavar="K",
                        help="original-design processes to start (default 300; 30 with --quick)")
    parser.add_argument("--original-parallel", type=positive_int, default=50, metavar="P",
                        help="at most P original-design processes at once, like xargs -P (default 50)")
    parser.add_argument("--keep-logs", action="store_true",
                        help="keep the run folder (router and children logs) even on success")
    return parser


def plan_from(args: argparse.Namespace) -> dict:
    """The run's sizes: defaults by mode, then explicit options."""
    plan = {
        "join_counts": [300, 1000],
        "rounds": args.rounds,
        "cpu_players": args.cpu_players or 100,
        "cpu_calls": args.cpu_calls or (10 if args.quick else 30),
        "original_processes": args.original_processes or (30 if args.quick else ORIGINAL_FULL),
        "original_parallel": args.original_parallel,
        "original_target": ORIGINAL_FULL,
        "quick": args.quick,
    }
    if args.json is not None and not args.json.parent.is_dir():
        raise SystemExit(f"profiler_bench: --json {args.json}: folder {args.json.parent} does not exist; "
                         "create it or pick another path")
    return plan


async def _start_echo(children: Children, url: str, realm: str) -> None:
    proc = await children.spawn("echo_service.py", "--url", url, "--realm", realm, stdin=True)
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), ECHO_READY_TIMEOUT)
    except asyncio.TimeoutError:
        raise ChildFailed(f"the echo service did not register within {ECHO_READY_TIMEOUT:.0f}s") from None
    if line.strip() != b"ready":
        raise ChildFailed(f"the echo service failed to start: {children.log_tail()}")


async def run(plan: dict, *, url: str, realm: str, env: dict[str, str], log_path: Path) -> dict:
    """All four measurements on one router; returns the raw numbers."""
    task = asyncio.current_task()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    with open(log_path, "ab") as log:
        children = Children(env=env, stderr=log)
        ctx = BenchContext(children=children, url=url, realm=realm,
                           progress=lambda msg: print(msg, file=sys.stderr, flush=True))
        try:
            await _start_echo(children, url, realm)
            joins = await measure_joins(ctx, counts=tuple(plan["join_counts"]), rounds=plan["rounds"])
            cpu = await measure_cpu(ctx, players=plan["cpu_players"], calls=plan["cpu_calls"],
                                    rounds=plan["rounds"])
            original = await measure_original(ctx, processes=plan["original_processes"],
                                              parallel=plan["original_parallel"])
        finally:
            await children.stop_all()
    return {"joins": joins, "cpu": cpu, "original": original}


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        plan = plan_from(args)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    # SIGTERM outside the event loop (router starting or stopping) must still reach `finally`.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        from demo.errors import StackError
        from demo.router import RouterServer
    except ImportError as exc:
        print(f"profiler_bench: cannot import the demo router ({exc}); run ./scripts/bootstrap.sh",
              file=sys.stderr)
        return 2

    run_dir = Path(tempfile.mkdtemp(prefix="simpl-bench-"))
    tickets = {"SIMPL_SERVICE_TICKET": secrets.token_urlsafe(24),
               "SIMPL_PROFILER_TICKET": secrets.token_urlsafe(24)}
    ok = False
    try:
        print(f"starting the router (run folder {run_dir})", file=sys.stderr, flush=True)
        with RouterServer(run_dir, port=0, service_ticket=tickets["SIMPL_SERVICE_TICKET"],
                          profiler_ticket=tickets["SIMPL_PROFILER_TICKET"]) as router:
            try:
                raw = asyncio.run(run(plan, url=router.url, realm=router.realm, env=tickets,
                                      log_path=run_dir / "children.log"))
            finally:
                signal.signal(signal.SIGTERM, _interrupt)  # the loop restored the default on exit
        report = build_report(plan, raw)
        print_report(report)
        if args.json is not None:
            args.json.write_text(json.dumps(report, indent=2) + "\n")
            print(f"numbers written to {args.json}")
        ok = True
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("profiler_bench: interrupted; every process it started has been stopped", file=sys.stderr)
        return 130
    except (StackError, ChildFailed) as exc:
        print(f"profiler_bench: {exc} (logs kept in {run_dir})", file=sys.stderr)
        return 2
    finally:
        if ok and not args.keep_logs:
            shutil.rmtree(run_dir, ignore_errors=True)
    missed = results.missed(results.Target(**{k: t[k] for k in ("name", "value", "limit", "unit")})
                            for t in report["targets"])
    for target in missed:
        print(f"TARGET MISSED: {target.describe()}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
