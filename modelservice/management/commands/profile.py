"""`manage.py profile`: run profile tasks over simulated players and exit with what happened.

Thin on purpose: options (declared by the engine) -> ProfileRun -> console report -> exit code.

Exit codes:
    0    every task succeeded for every player
    1    at least one player failed at least one task (named on the console)
    2    the run could not start: bad option, unknown task module, task file import error, missing
         or empty users file, bad users-file line, router unreachable, refused ticket or login,
         players not joined within --join-timeout (one `CommandError:` line on stderr)
    3    reserved for threshold breaches (latency/error budgets)
    130  interrupted (Ctrl-C or SIGTERM): players are stopped and the summary is still printed

Not for: anything the engine does (modelservice.profiling.engine).
"""
from __future__ import annotations

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from modelservice.profiling.engine import ProfileRun, run_profile
from modelservice.profiling.errors import ConfigurationError
from modelservice.profiling.options import RunConfig
from modelservice.profiling.report import ConsoleReporter

EXIT_TASKS_FAILED = 1
EXIT_CONFIGURATION = 2
EXIT_THRESHOLDS = 3  # reserved: nothing sets it yet
EXIT_INTERRUPTED = 130


class Command(BaseCommand):
    help = ("Profile a Simpl game: run the profile_* tasks of a package over simulated players "
            "(WAMP and games-API timings, per-operation percentiles).")
    # The profiler talks to a deployed game; the host project's system checks are not its business.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        ProfileRun.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options.get("verbosity", 1)
        try:
            config = RunConfig.from_options(options)
            run = ProfileRun(config)
            run.prepare()
        except ConfigurationError as exc:
            raise CommandError(str(exc), returncode=EXIT_CONFIGURATION) from exc
        _configure_logging(config.log_level)
        run.events.listen(ConsoleReporter(self._write_line, style=self.style, verbosity=verbosity))
        try:
            result = run_profile(run, log_level=config.log_level)
        except ConfigurationError as exc:
            raise CommandError(str(exc), returncode=EXIT_CONFIGURATION) from exc
        except KeyboardInterrupt:
            raise CommandError("interrupted twice; stopped without waiting for players",
                               returncode=EXIT_INTERRUPTED) from None
        if result.interrupted:
            raise CommandError("interrupted; players stopped (the summary above covers what ran)",
                               returncode=EXIT_INTERRUPTED)
        if result.failure:
            raise CommandError(result.failure, returncode=EXIT_TASKS_FAILED)
        if result.failed_players:
            raise CommandError(
                f"{result.failed_players} player task run(s) failed; see the ✗ lines above",
                returncode=EXIT_TASKS_FAILED)

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
