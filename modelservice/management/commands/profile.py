"""`manage.py profile`: run profile tasks over simulated players and exit with what happened.

Thin on purpose: options (declared by the engine) -> ProfileRun -> console report -> exit code.

Exit codes:
    0    every task succeeded for every player
    1    at least one player failed at least one task (named on the console)
    2    the run could not start: bad option, unknown task module, task file import error, missing
         or empty users file, bad users-file line, router unreachable, refused ticket or login,
         players not joined within --join-timeout (one `CommandError:` line on stderr)
    3    a --fail-on threshold (latency or error budget) was breached, and no player failed
    130  interrupted (Ctrl-C or SIGTERM): players are stopped, the summary is still printed and
         the --report/--csv/--html files hold what ran (docs/report-and-thresholds.md)

Not for: anything the engine does (modelservice.profiling.engine).
"""
from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modelservice.profiling.engine import ProfileRun, run_profile
from modelservice.profiling.errors import ConfigurationError
from modelservice.profiling.options import RunConfig
from modelservice.profiling.report_files import RunInfo
from modelservice.profiling.reporting import (EXIT_CONFIGURATION, EXIT_INTERRUPTED, EXIT_TASKS_FAILED,
                                              EXIT_THRESHOLDS, RunReports, add_report_arguments,
                                              metrics_so_far)


class Command(BaseCommand):
    help = ("Profile a Simpl game: run the profile_* tasks of a package over simulated players "
            "(WAMP and games-API timings, per-operation percentiles).")
    # The profiler talks to a deployed game; the host project's system checks are not its business.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        ProfileRun.add_arguments(parser)
        add_report_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)
        try:
            config = RunConfig.from_options(options)
            reports = RunReports.from_options(options, write=self._write_line, write_raw=self._write_raw,
                                              is_terminal=self.stdout.isatty(), style=self.style)
            run = ProfileRun(config)
            run.prepare()
        except ConfigurationError as exc:
            raise CommandError(str(exc), returncode=EXIT_CONFIGURATION) from exc
        _configure_logging(config.log_level)
        reports.listen(run)
        try:
            with reports.capturing_output():
                result = run_profile(run, log_level=config.log_level)
        except ConfigurationError as exc:
            raise CommandError(str(exc), returncode=EXIT_CONFIGURATION) from exc
        except KeyboardInterrupt:
            # Still write what ran: the partial report is what the user interrupted to see.
            if run.reports_here:
                self._finish(reports, metrics_so_far(run), RunInfo(
                    module=config.module, seconds=0.0, interrupted=True, players=len(run.identities),
                    tasks=len(run.tasks), url=config.url, groups=config.groups), failed=False)
            raise CommandError("interrupted twice; stopped without waiting for players",
                               returncode=EXIT_INTERRUPTED) from None
        info = RunInfo(module=config.module, seconds=result.seconds, interrupted=result.interrupted,
                       players=result.players, tasks=result.tasks, url=config.url, groups=config.groups)
        breached = []
        if result.reports_here:
            breached = self._finish(reports, result.metrics, info,
                                    failed=bool(result.failure or result.failed_players))
        elif reports.json_path or reports.csv_prefix or reports.html_path or reports.thresholds:
            self._write_line("This process was a worker of a coordinated run: the leader's report "
                             "and thresholds cover its players.")
        if result.interrupted:
            raise CommandError("interrupted; players stopped (the summary above covers what ran)",
                               returncode=EXIT_INTERRUPTED)
        if result.failure:
            raise CommandError(result.failure, returncode=EXIT_TASKS_FAILED)
        if result.failed_players:
            raise CommandError(
                f"{result.failed_players} player task run(s) failed; see the ✗ lines above",
                returncode=EXIT_TASKS_FAILED)
        if breached:
            raise CommandError(f"{len(breached)} threshold check(s) breached: "
                               + "; ".join(f"{v.threshold.spec} ({v.detail})" for v in breached[:3]),
                               returncode=EXIT_THRESHOLDS)

    def _finish(self, reports: RunReports, metrics: Any, info: RunInfo, *, failed: bool) -> list[Any]:
        try:
            return reports.finish(metrics, info, failed=failed)[1]
        except OSError as exc:
            raise CommandError(f"cannot write the report files: {exc}; check the paths given to "
                               "--report/--csv/--html", returncode=EXIT_CONFIGURATION) from exc

    def _write_raw(self, text: str) -> None:
        self.stdout.write(text, ending="")
        self.stdout.flush()

    def _write_line(self, line: str) -> None:
        # Flushed line by line: progress must show while a long group runs, even through a pipe.
        self.stdout.write(line)
        self.stdout.flush()


def _configure_logging(level: str) -> None:
    """Send autobahn/txaio and profiler logs to stderr at `level` (txaio spells warning 'warn')."""
    numeric = logging.WARNING if level == "warn" else getattr(logging, level.upper(), logging.WARNING)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("autobahn", "txaio", "modelservice", "asyncio"):
        logger = logging.getLogger(name)
        logger.setLevel(numeric)
        if not logger.handlers:
            logger.addHandler(handler)
