"""Everything around a run that is about telling what happened: options, listeners, files, exit code.

The `profile` command stays thin by handing this module the parts that are not the engine's:

* `add_report_arguments(parser)`: --report, --csv, --html, --fail-on (repeatable), --progress,
  --progress-interval;
* `RunReports.from_options(...)` checks them all before anything starts (a bad --fail-on or an
  output directory that does not exist is a ConfigurationError: exit 2, one line);
* `listen(run)` subscribes live progress (first, so that it clears its bar before other lines)
  and the console reporter; `capturing_output()` attributes what tasks print to their players;
* `finish(...)` checks the thresholds, prints the verdicts, writes the report files atomically
  (also for an interrupted run: what ran so far) and returns the exit code.

Exit codes (precedence from the top): 130 interrupted (Ctrl-C, SIGTERM); 1 a player failed a task
or the run failed; 3 a --fail-on threshold was breached; 0 otherwise. 2 (usage and configuration
errors) is raised before the run starts.

Not for: running (engine.py), numbers (metrics.py), or the formats themselves (report_files.py,
report_html.py, report.py).
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
from dataclasses import dataclass, field
from typing import Any, Iterator

from .metrics import GroupMetrics, RunMetrics
from .options import choice_of, duration
from .output_capture import capture_task_output
from .progress import MODES, LiveProgress, progress_for
from .report import ConsoleReporter
from .report_files import (RunInfo, check_output_path, report_document, write_atomically,
                           write_csv_reports, write_json_report)
from .report_html import render_html
from .thresholds import Threshold, Verdict, breaches, evaluate, parse_thresholds

EXIT_OK = 0
EXIT_TASKS_FAILED = 1
EXIT_CONFIGURATION = 2
EXIT_THRESHOLDS = 3
EXIT_INTERRUPTED = 130


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the report, threshold and progress options on `parser`."""
    group = parser.add_argument_group("reports and thresholds")
    add = group.add_argument
    add("--report", metavar="FILE.json", default=None,
        help="write the JSON report (versioned schema with the exact histograms) to FILE.json")
    add("--csv", metavar="PREFIX", default=None,
        help="write PREFIX_operations.csv, PREFIX_tasks.csv, PREFIX_errors.csv, PREFIX_timeline.csv")
    add("--html", metavar="FILE.html", default=None,
        help="write a self-contained HTML report with charts (no network needed to view it)")
    add("--fail-on", metavar="THRESHOLD", action="append", default=[],
        help="exit 3 unless this holds, e.g. 'p95<500ms', 'submit_decision:p99<1s', 'errors<1%%'; "
             "repeatable (see docs/report-and-thresholds.md)")
    add("--progress", metavar="MODE", type=choice_of(MODES), default="auto",
        help="live progress: auto (a bar on a terminal, lines otherwise), bar, lines or off")
    add("--progress-interval", metavar="DURATION", type=duration, default=None,
        help="time between progress updates (default 1s for the bar, 10s for lines)")


@dataclass
class RunReports:
    """The checked report options of one command run, and what it writes at the end."""

    json_path: str | None = None
    csv_prefix: str | None = None
    html_path: str | None = None
    thresholds: list[Threshold] = field(default_factory=list)
    progress_mode: str = "auto"
    progress_interval: float | None = None
    verbosity: int = 1
    write: Any = print  # one line at a time
    write_raw: Any = None  # text as is (the progress bar); None: no bar
    is_terminal: bool = False
    style: Any = None

    @classmethod
    def from_options(cls, options: dict[str, Any], **output: Any) -> RunReports:
        """Check the options (ConfigurationError naming the first problem) and keep them."""
        reports = cls(thresholds=parse_thresholds(options.get("fail_on")),
                      progress_mode=options.get("progress") or "auto",
                      progress_interval=options.get("progress_interval"),
                      verbosity=options.get("verbosity", 1), **output)
        if options.get("report"):
            reports.json_path = str(check_output_path(options["report"], "--report"))
        if options.get("html"):
            reports.html_path = str(check_output_path(options["html"], "--html"))
        if options.get("csv"):
            check_output_path(f"{options['csv']}_operations.csv", "--csv")
            reports.csv_prefix = str(options["csv"])
        return reports

    # -- during the run --------------------------------------------------------------------------

    def listen(self, run: Any) -> None:
        enabled, bar = progress_for(self.progress_mode, is_terminal=self.is_terminal, verbosity=self.verbosity)
        if enabled:
            write = self.write_raw if bar and self.write_raw is not None else (
                lambda text: self.write(text.rstrip("\n")))
            run.events.listen(LiveProgress(write, bar=bar and self.write_raw is not None,
                                           interval=self.progress_interval))
        run.events.listen(ConsoleReporter(self.write, style=self.style, verbosity=self.verbosity))

    @contextlib.contextmanager
    def capturing_output(self) -> Iterator[None]:
        """Task prints go to their players' summaries; echoed as `[player] line` at verbosity >= 2."""
        with capture_task_output(echo=self.verbosity >= 2):
            yield

    # -- after it --------------------------------------------------------------------------------

    def finish(self, metrics: RunMetrics, info: RunInfo, *, failed: bool) -> tuple[int, list[Verdict]]:
        """Check thresholds, print verdicts, write the files; the exit code and the breaches."""
        verdicts = evaluate(self.thresholds, metrics)
        broken = breaches(verdicts)
        code = (EXIT_INTERRUPTED if info.interrupted else EXIT_TASKS_FAILED if failed
                else EXIT_THRESHOLDS if broken else EXIT_OK)
        self._print_verdicts(verdicts, broken)
        info = dataclasses.replace(info, exit_code=code)
        self.write_files(metrics, info, verdicts)
        return code, broken

    def write_files(self, metrics: RunMetrics, info: RunInfo, verdicts: list[Verdict]) -> None:
        if not (self.json_path or self.csv_prefix or self.html_path):
            return
        document = report_document(metrics, info, verdicts)
        written = []
        if self.json_path:
            written.append(write_json_report(self.json_path, document))
        if self.csv_prefix:
            written += write_csv_reports(self.csv_prefix, document)
        if self.html_path:
            written.append(write_atomically(self.html_path, render_html(document)))
        if self.verbosity >= 1:
            self.write("Reports written: " + ", ".join(str(path) for path in written))

    def _print_verdicts(self, verdicts: list[Verdict], broken: list[Verdict]) -> None:
        if not verdicts:
            return
        error = getattr(self.style, "ERROR", str)
        success = getattr(self.style, "SUCCESS", str)
        if self.verbosity >= 1:
            self.write("")
            self.write("Thresholds")
        for verdict in verdicts:
            if not verdict.ok:
                self.write(error(f"✗ {verdict.threshold.spec} breached: {verdict.detail}"))
            elif self.verbosity >= 1:
                self.write(success(f"✓ {verdict.threshold.spec}: {verdict.detail}"))
        if broken:
            self.write(error(f"{len(broken)} threshold check(s) breached"))


def metrics_so_far(run: Any) -> RunMetrics:
    """The run's merged metrics plus the group that was running, for a run stopped abruptly."""
    metrics = RunMetrics()
    metrics.merge(run.metrics)
    current: GroupMetrics | None = getattr(getattr(run, "active_executor", None), "current", None)
    if current is not None and current.key not in run.metrics.groups:
        metrics.add(current)
    return metrics
