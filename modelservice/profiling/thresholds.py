"""Budgets for CI: `--fail-on` thresholds, parsed up front and checked against a run's metrics.

A threshold is `[OPERATION:]METRIC OP VALUE`:

* METRIC: a latency percentile (`p50`, `p90`, `p95`, `p99`, `p99.9`, any `pNN[.N]`), `mean`, `max`
  (VALUE a duration with its unit: `250us`, `500ms`, `1s`, `1.5s`, `2m`); `errors` (VALUE a rate
  `1%` or a count `10`); `rps` (operations per second over the groups' wall time, a number).
* OP: `<`, `<=`, `>`, `>=` (the condition that must hold).
* Without OPERATION the metric is of all operations together (histograms merged exactly, errors
  over all calls). With OPERATION it is checked for each operation whose normalised name contains
  it (`submit_decision` matches `world.simpl.sims.simpl-calc.model.period.{id}.submit_decision`),
  each merged across tasks and groups; an OPERATION that matches nothing is a breach, so that a
  renamed procedure cannot silently pass CI. So is a run that measured no operation at all.

`parse_threshold` raises ThresholdError (a ConfigurationError: exit 2) with one line naming the
bad spec and the expected form. `evaluate` returns one `Verdict` per threshold and subject.

Not for: exit codes (the command decides) or printing (the command and report files show verdicts).
"""
from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from .errors import ConfigurationError
from .metrics import OperationStats, RunMetrics, percentile_key

FORM = "[OPERATION:]METRIC<VALUE, e.g. 'p95<500ms', 'submit_decision:p99<1s' or 'errors<1%'"
ALL_OPERATIONS = "all operations"

_COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le, ">=": operator.ge, "<": operator.lt, ">": operator.gt}
_SPEC = re.compile(r"^\s*(?:(?P<operation>[^<>]*?)\s*:\s*)?(?P<metric>[A-Za-z][\w.]*)\s*"
                   r"(?P<op><=|>=|<|>)\s*(?P<value>[^<>]+?)\s*$")
_PERCENTILE = re.compile(r"^p(\d{1,2}(?:\.\d+)?|100)$")
_LATENCY = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*(us|µs|ms|s|m)$")
_NUMBER = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)$")
_RATE = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)\s*%$")
_UNIT_US = {"us": 1.0, "µs": 1.0, "ms": 1_000.0, "s": 1_000_000.0, "m": 60_000_000.0}


class ThresholdError(ConfigurationError):
    """A --fail-on value that does not parse; the message names it and the expected form."""


@dataclass(frozen=True)
class Threshold:
    """One parsed --fail-on: `metric` kind is latency (`value` in us), error rate/count, or rps."""

    spec: str
    operation: str | None
    metric: str        # p95, p99.9, mean, max, errors, rps
    comparison: str    # < <= > >=
    value: float       # microseconds for latencies, a fraction for a rate, else a number
    rate: bool = False  # errors given as a percentage

    @property
    def is_latency(self) -> bool:
        return self.metric not in ("errors", "rps")

    def holds(self, actual: float) -> bool:
        return _COMPARISONS[self.comparison](actual, self.value)


@dataclass(frozen=True)
class Verdict:
    """A threshold checked on one subject (all operations, or one operation)."""

    threshold: Threshold
    subject: str
    actual: float | None  # None when there was nothing to measure
    ok: bool
    detail: str

    def to_dict(self) -> dict[str, object]:
        return {"threshold": self.threshold.spec, "subject": self.subject, "metric": self.threshold.metric,
                "actual": self.actual, "limit": self.threshold.value, "ok": self.ok, "detail": self.detail}


def parse_threshold(spec: str) -> Threshold:
    """A Threshold from `spec`, or ThresholdError saying what is wrong with it."""
    match = _SPEC.match(spec or "")
    if not match:
        raise ThresholdError(f"--fail-on {spec!r}: expected {FORM}")
    operation = match.group("operation")
    if operation is not None and not operation:
        raise ThresholdError(f"--fail-on {spec!r}: the operation before ':' is empty; expected {FORM}")
    metric, comparison, raw = match.group("metric").lower(), match.group("op"), match.group("value")
    if metric == "errors":
        rate = _RATE.match(raw)
        if rate:
            return Threshold(spec, operation, metric, comparison, float(rate.group(1)) / 100, rate=True)
        if _NUMBER.match(raw):
            return Threshold(spec, operation, metric, comparison, float(raw))
        raise ThresholdError(f"--fail-on {spec!r}: errors take a rate like 1% or a count like 10, "
                             f"got {raw!r}")
    if metric == "rps":
        if _NUMBER.match(raw):
            return Threshold(spec, operation, metric, comparison, float(raw))
        raise ThresholdError(f"--fail-on {spec!r}: rps takes operations per second like 100, got {raw!r}")
    percentile = _PERCENTILE.match(metric)
    if percentile:
        metric = percentile_key(float(percentile.group(1)))
    elif metric not in ("mean", "max"):
        raise ThresholdError(f"--fail-on {spec!r}: unknown metric {match.group('metric')!r}; use "
                             "p50, p90, p95, p99, p99.9 (any pNN), mean, max, errors or rps")
    latency = _LATENCY.match(raw)
    if not latency:
        raise ThresholdError(f"--fail-on {spec!r}: a latency needs a unit, like 250us, 500ms or "
                             f"1.5s; got {raw!r}")
    return Threshold(spec, operation, metric, comparison,
                     float(latency.group(1)) * _UNIT_US[latency.group(2)])


def parse_thresholds(specs: Iterable[str] | None) -> list[Threshold]:
    return [parse_threshold(spec) for spec in specs or ()]


def merged_operations(metrics: RunMetrics) -> dict[str, OperationStats]:
    """Each operation's stats merged over every task and group of the run."""
    merged: dict[str, OperationStats] = {}
    for group in metrics:
        for name, stats in group.operations.items():
            mine = merged.get(name)
            if mine is None:
                mine = merged[name] = OperationStats()
            mine.merge(stats)
    return merged


def _all_together(operations: dict[str, OperationStats]) -> OperationStats:
    total = OperationStats()
    for stats in operations.values():
        total.merge(stats)
    return total


def _measure(threshold: Threshold, stats: OperationStats, wall_seconds: float) -> float | None:
    count = stats.count
    if count == 0:
        return None
    metric = threshold.metric
    if metric == "errors":
        return stats.error_count / count if threshold.rate else float(stats.error_count)
    if metric == "rps":
        return count / wall_seconds if wall_seconds > 0 else None
    if metric == "mean":
        return float(stats.histogram.get_mean_value())
    if metric == "max":
        return float(stats.histogram.get_max_value())
    return float(stats.histogram.get_value_at_percentile(float(metric[1:])))


def format_value(threshold: Threshold, value: float) -> str:
    """`812.0 ms`, `1.204 s`, `2.50%`, `3`, `120.5/s`: a measured value in the threshold's terms."""
    if threshold.metric == "errors":
        return f"{value * 100:.2f}%" if threshold.rate else f"{value:g}"
    if threshold.metric == "rps":
        return f"{value:.1f}/s"
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3f} s"
    return f"{value / 1000:.1f} ms" if value >= 1000 else f"{value:.0f} us"


def evaluate(thresholds: Iterable[Threshold], metrics: RunMetrics) -> list[Verdict]:
    """Check every threshold; one Verdict per threshold and subject, breaches have ok=False."""
    operations = merged_operations(metrics)
    wall = sum(group.wall_seconds for group in metrics)
    verdicts: list[Verdict] = []
    for threshold in thresholds:
        if threshold.operation is None:
            subjects = {ALL_OPERATIONS: _all_together(operations)}
        else:
            subjects = {name: stats for name, stats in operations.items() if threshold.operation in name}
            if not subjects:
                verdicts.append(Verdict(threshold, threshold.operation, None, False,
                                        f"no operation matches {threshold.operation!r}"))
                continue
        for subject, stats in sorted(subjects.items()):
            actual = _measure(threshold, stats, wall)
            if actual is None:
                verdicts.append(Verdict(threshold, subject, None, False,
                                        f"{subject}: nothing measured"))
                continue
            shown = format_value(threshold, actual)
            verdicts.append(Verdict(threshold, subject, actual, threshold.holds(actual),
                                    f"{subject}: {threshold.metric} = {shown}"))
    return verdicts


def breaches(verdicts: Iterable[Verdict]) -> list[Verdict]:
    return [verdict for verdict in verdicts if not verdict.ok]
