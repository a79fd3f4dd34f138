"""The `engine` player kind: N players run through the profiler's real engine, as a user's run would.

A `ProfileRun` is configured like `manage.py profile --users-file <N emails> --auth ticket -g 1`
with the tasks of `bench.engine_tasks`, and run by `run_profile` (the blocking entry point the
command uses): its own joining code joins the players, its executor runs each task on all of
them, and every call goes through `ProfileCase.call`, timed into the run's HDR histograms. The
run's events mark the phases for `bench.probe`: a group starting means the previous phase ended.

A first one-player run warms up every lazy import and cache, like the bare kind's warm-up player.
After the run we check that every player succeeded and that the histograms hold exactly the calls
made, so a number is never reported for calls that failed or were not made.

Not for: anything but the benchmark; nothing here is copied from the engine, only driven.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from bench.echo_service import ECHO_PROCEDURE
from bench.engine_tasks import profile_echo
from bench.player_kinds import Checkpoint, Login, player_email
from modelservice.profiling.engine import ProfileRun, RunResult, run_profile
from modelservice.profiling.options import RunConfig

TASKS_MODULE = "bench.engine_tasks"
FIRST_CALL_TASK = "profile_1_first_call"
CALLS_TASK = "profile_2_calls"
# Generous: the benchmark should report slowness as a number, not as a timeout.
TASK_TIMEOUT = 600.0
JOIN_TIMEOUT = 120.0


class EngineRunFailed(RuntimeError):
    """The profiler's run did not do what was asked (a player failed, calls missing)."""


def _config(login: Login, users_file: Path) -> RunConfig:
    return RunConfig(module=TASKS_MODULE, url=login.url, realm=login.realm, groups=1,
                     users_file=str(users_file), auth="ticket", ticket=login.ticket,
                     ticket_authid=login.authid, task_timeout=TASK_TIMEOUT,
                     join_timeout=JOIN_TIMEOUT)


def _run(config: RunConfig) -> RunResult:
    run = ProfileRun(config)
    run.prepare()
    return run_profile(run)


def _check(result: RunResult, players: int, calls_each: int) -> int:
    if not result.ok:
        failures = [f"{p}: {e}" for group in result.metrics for p, e in group.failures[:3]]
        raise EngineRunFailed(f"{result.failed_players} player task run(s) failed: {'; '.join(failures)}")
    made = sum(stats.count for group in result.metrics
               for op, stats in group.operations.items() if op == ECHO_PROCEDURE)
    expected = players * (1 + calls_each)
    if made != expected:
        raise EngineRunFailed(f"the histograms hold {made} calls, expected {expected}")
    return made


class _PhaseMarks:
    """Run listener turning group start/finish into the probe's checkpoints."""

    def __init__(self, checkpoint: Checkpoint) -> None:
        self._checkpoint = checkpoint

    def group_started(self, task_id: str, group: int, players: int) -> None:
        if task_id.endswith(FIRST_CALL_TASK):
            self._checkpoint("joined")
        elif task_id.endswith(CALLS_TASK):
            self._checkpoint("calls_start")

    def group_finished(self, metrics, seconds: float) -> None:
        if metrics.task.endswith(FIRST_CALL_TASK):
            self._checkpoint("called")
        elif metrics.task.endswith(CALLS_TASK):
            self._checkpoint("calls_end")


def measure_engine(login: Login, players: int, calls: int, checkpoint: Checkpoint) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-users-") as tmp:
        warm_file, users_file = Path(tmp, "warm.txt"), Path(tmp, "users.txt")
        warm_file.write_text("warm@bench.edu\n")
        users_file.write_text("".join(player_email(i) + "\n" for i in range(players)))

        profile_echo.CALLS_EACH = 1
        warm = _run(_config(login, warm_file))
        _check(warm, 1, 1)

        profile_echo.CALLS_EACH = calls
        checkpoint("base")
        run = ProfileRun(_config(login, users_file))
        run.prepare()  # reads the users file: the players' identities count as their memory
        run.events.listen(_PhaseMarks(checkpoint))
        checkpoint("join_start")
        result = run_profile(run)
    made = _check(result, players, calls)
    return {"calls_made": made - players, "players_joined": result.players}
