"""Telling people what happened: progress lines while a run goes, and the summary at its end.

`ConsoleReporter` listens to the engine's events and writes:

* `- Skipping task '<id>': <reason>` for tasks a unittest skip decorator turns off;
* `→ Running task '<id>' on group <g> (<n> players)` when a group starts;
* `✓ Task '<id>' on group <g> done in X.XXX s`, with `ℹ <stat>` lines for publish_stat values,
  or `✗ Task '<id>' on group <g> failed: k of n players failed` naming the first players and errors;
* `All tasks done in X.XXX s`, then the summary: per task and group (players ok/failed, task
  duration p50/p95/max) and per operation (count, errors, p50/p95/p99/max), slowest first.

`write` is any callable taking one line (the Django command passes its stdout's `write`);
`style` is optional (Django's color style: SUCCESS, ERROR, WARNING, NOTICE).

Not for: collecting numbers (metrics.py); machine-readable output (JSON via RunMetrics.to_dict).
"""
from __future__ import annotations

from typing import Any, Callable

from hdrh.histogram import HdrHistogram

from .metrics import PERCENTILES, GroupMetrics, RunMetrics, describe_stat, percentile_key

# How many failing players a group's line names; the rest are counted.
NAMED_FAILURES = 3
# Distinct printed messages listed per group at verbosity 1 (all of them at 2).
MESSAGES_SHOWN = 10


def _ms(histogram: HdrHistogram, percentile: float | None = None) -> str:
    if histogram.get_total_count() == 0:
        return "-"
    micros = histogram.get_max_value() if percentile is None else histogram.get_value_at_percentile(percentile)
    return f"{micros / 1000:.1f}"


def _plain(text: str) -> str:
    return text


class ConsoleReporter:
    """Progress and summary lines for a human at a terminal (or a CI log)."""

    def __init__(self, write: Callable[[str], Any], *, style: Any = None, verbosity: int = 1) -> None:
        self.write = write
        self.verbosity = verbosity
        self._success = getattr(style, "SUCCESS", _plain)
        self._error = getattr(style, "ERROR", _plain)
        self._notice = getattr(style, "NOTICE", _plain)
        self._heading = getattr(style, "MIGRATE_HEADING", _plain)

    # -- engine events ---------------------------------------------------------------------------

    def run_started(self, run: Any) -> None:
        if self.verbosity >= 1:
            for task in run.skipped:
                self.write(self._notice(f"- Skipping task '{task.id}': {task.skip_reason}"))

    def group_started(self, task: str, group: int, players: int) -> None:
        if self.verbosity >= 1:
            self.write(f"→ Running task '{task}' on group {group} ({players} players)")

    def group_finished(self, metrics: GroupMetrics, seconds: float) -> None:
        if self.verbosity < 1:
            return
        if metrics.failed == 0:
            for aggregator in metrics.stats.values():
                self.write(self._notice(f"ℹ {describe_stat(aggregator)}"))
            self.write(self._success(
                f"✓ Task '{metrics.task}' on group {metrics.group} done in {seconds:.3f} s"))
            return
        named = ", ".join(f"{player} ({error})" for player, error in metrics.failures[:NAMED_FAILURES])
        more = metrics.failed - min(len(metrics.failures), NAMED_FAILURES)
        if more > 0:
            named += f" and {more} more"
        self.write(self._error(
            f"✗ Task '{metrics.task}' on group {metrics.group} failed: {metrics.failed} of "
            f"{metrics.players} players failed in {seconds:.3f} s: {named}"))
        if self.verbosity >= 2 and metrics.first_traceback:
            self.write(metrics.first_traceback)

    def run_finished(self, metrics: RunMetrics, seconds: float, *, interrupted: bool) -> None:
        if interrupted:
            self.write(self._error(f"Interrupted after {seconds:.3f} s; players stopped"))
        elif self.verbosity >= 1:
            self.write(f"All tasks done in {seconds:.3f} s")
        if self.verbosity >= 1 and len(metrics):
            for line in summary_lines(metrics, max_messages=None if self.verbosity >= 2 else MESSAGES_SHOWN):
                self.write(line)


def _short(task_id: str) -> str:
    """A task's method name: enough to tell tasks apart in the operations table."""
    return task_id.rsplit(".", 1)[-1]


def _percentile_cells(histogram: HdrHistogram) -> str:
    return " ".join(f"{_ms(histogram, p):>9}" for p in PERCENTILES) + f" {_ms(histogram):>9}"


_PERCENTILE_HEADER = " ".join(f"{percentile_key(p):>9}" for p in PERCENTILES) + f" {'max':>9}"


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:.1f}" if seconds > 0 else "-"


def summary_lines(metrics: RunMetrics, *, max_messages: int | None = MESSAGES_SHOWN) -> list[str]:
    """The end-of-run tables: task runs, then operations, each slowest (p95) first; then what tasks printed."""
    groups = sorted(metrics, key=lambda m: m.durations.get_value_at_percentile(95), reverse=True)
    task_width = max([len("task")] + [len(m.task) for m in groups])
    lines = ["", "Tasks (duration in ms, slowest first)",
             f"{'task':<{task_width}} {'group':>5} {'ok':>6} {'failed':>6} {'wall s':>8} {_PERCENTILE_HEADER}"]
    for m in groups:
        lines.append(f"{m.task:<{task_width}} {m.group:>5} {m.succeeded:>6} {m.failed:>6} "
                     f"{m.wall_seconds:>8.2f} {_percentile_cells(m.durations)}")
    rows = [(op, _short(m.task), m.group, stats, m.wall_seconds)
            for m in metrics for op, stats in m.operations.items()]
    if rows:
        rows.sort(key=lambda row: row[3].histogram.get_value_at_percentile(95), reverse=True)
        op_width = max(len("operation"), *(len(row[0]) for row in rows))
        name_width = max(len("task"), *(len(row[1]) for row in rows))
        lines += ["", "Operations (latency in ms, slowest first; /s over the group's wall time)",
                  f"{'operation':<{op_width}} {'task':<{name_width}} {'group':>5} {'count':>7} "
                  f"{'errors':>6} {'/s':>8} {_PERCENTILE_HEADER}"]
        for op, name, group, stats, seconds in rows:
            lines.append(f"{op:<{op_width}} {name:<{name_width}} {group:>5} {stats.count:>7} "
                         f"{stats.error_count:>6} {_rate(stats.count, seconds):>8} "
                         f"{_percentile_cells(stats.histogram)}")
            for key, n in sorted(stats.errors.items(), key=lambda item: -item[1]):
                lines.append(f"    {n} x {key}")
    lines += output_lines(metrics, max_messages=max_messages)
    return lines


def output_lines(metrics: RunMetrics, *, max_messages: int | None = MESSAGES_SHOWN) -> list[str]:
    """What tasks printed, per task and group: identical lines counted, with the first players."""
    lines: list[str] = []
    for m in metrics:
        if not len(m.output):
            continue
        messages = m.output.most_common()
        lines += ["", f"Printed by task '{_short(m.task)}' on group {m.group} "
                      f"({m.output.lines} line(s), {len(messages)} distinct)"]
        for text, message in messages[:max_messages]:
            who = ", ".join(message.players)
            if message.player_count > len(message.players):
                who += f" and {message.player_count - len(message.players)} more"
            lines.append(f"  {message.count:>6} x {text}  [{message.player_count} player(s): {who}]")
        hidden = len(messages) - len(messages[:max_messages])
        if hidden > 0:
            lines.append(f"  ... and {hidden} more distinct line(s) (-v 2 shows all; the reports have them)")
        if m.output.dropped:
            lines.append(f"  ... and {m.output.dropped} line(s) beyond the distinct-message limit")
    return lines
