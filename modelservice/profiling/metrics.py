"""What a run measures: per-operation latency histograms, error counts, task outcomes and stats.

Everything is kept per (task, group): a `GroupMetrics` holds, for that task run on that group,

* one HDR histogram per operation (microseconds, 1 us .. 1 h, 3 significant digits) and the
  operation's errors counted by key (WAMP error URI, HTTP status, exception class name);
* the histogram of task durations, how many players succeeded and failed, and the first few
  failures (player, error) so the console can name them;
* the values tasks pass to `publish_stat`, in StatAggregators per stat id with their format.

Operations are WAMP URIs with numeric components replaced by `{id}` (so per-scope procedures
aggregate), `publish <topic>` for publishes, and the games-API client's `"GET /apis/runs/"` form.
Histograms are shared by all players of a group, never per player, which keeps memory flat in
the number of players. Every object here merges (`merge`) and round-trips through plain dicts
(`to_dict` / `from_dict`, histograms as hdrh `encode()` strings) so that processes can send
their metrics to a leader.

Not for: timing calls (players.py does, with `perf_counter`) or printing (report.py).
"""
from __future__ import annotations

import asyncio
import traceback
from typing import Any, Iterator

from hdrh.histogram import HdrHistogram

from modelservice.utils.instruments import StatAggregator

from .output_capture import OutputSummary
from .timeline import Timeline

LOWEST_US = 1
HIGHEST_US = 3_600_000_000
SIGNIFICANT_FIGURES = 3
# Enough to name the culprits on the console without letting a 10,000-player failure grow memory.
MAX_FAILURE_SAMPLES = 20
# Distinct URIs seen so far; bounded because a task could call millions of distinct URIs.
_NORMALISED_CACHE_LIMIT = 50_000

_normalised: dict[str, str] = {}

# The percentiles every report shows (console, JSON, CSV, HTML, thresholds).
PERCENTILES = (50.0, 90.0, 95.0, 99.0, 99.9)


def percentile_key(percentile: float) -> str:
    """`p50`, `p99`, `p99.9`: how a percentile is named in reports and --fail-on."""
    return f"p{percentile:g}"


def latency_summary(histogram: HdrHistogram) -> dict[str, float | int]:
    """count, min, mean, the PERCENTILES and max of a histogram, latencies in microseconds."""
    count = histogram.get_total_count()
    summary: dict[str, float | int] = {"count": count}
    if count == 0:
        return summary
    summary["min"] = histogram.get_min_value()
    summary["mean"] = round(histogram.get_mean_value(), 1)
    for percentile in PERCENTILES:
        summary[percentile_key(percentile)] = histogram.get_value_at_percentile(percentile)
    summary["max"] = histogram.get_max_value()
    return summary


def new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_FIGURES)


def encode_histogram(histogram: HdrHistogram) -> str:
    return histogram.encode().decode("ascii")


def decode_histogram(encoded: str) -> HdrHistogram:
    histogram = new_histogram()
    histogram.add(HdrHistogram.decode(encoded.encode("ascii")))
    return histogram


def normalise_operation(uri: str) -> str:
    """`a.b.12.c` -> `a.b.{id}.c`: numeric URI components (scope pks) become `{id}`."""
    cached = _normalised.get(uri)
    if cached is not None:
        return cached
    normal = ".".join("{id}" if part.isdigit() else part for part in uri.split("."))
    if len(_normalised) >= _NORMALISED_CACHE_LIMIT:
        _normalised.clear()
    _normalised[uri] = normal
    return normal


def error_key(error: BaseException | str | int) -> str:
    """The key an error is counted under: WAMP error URI, HTTP status, or exception class name."""
    if isinstance(error, str):
        return error
    if isinstance(error, int):
        return str(error)
    uri = getattr(error, "error", None)  # autobahn ApplicationError carries the WAMP error URI
    if isinstance(uri, str):
        return uri
    if isinstance(error, asyncio.CancelledError):
        return "cancelled"
    status = getattr(error, "status", None)
    if isinstance(status, int):
        return str(status)
    return type(error).__name__


class OperationStats:
    """Latency histogram and error counts of one operation."""

    __slots__ = ("histogram", "errors")

    def __init__(self) -> None:
        self.histogram = new_histogram()
        self.errors: dict[str, int] = {}

    @property
    def count(self) -> int:
        return self.histogram.get_total_count()

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def merge(self, other: OperationStats) -> None:
        self.histogram.add(other.histogram)
        for key, n in other.errors.items():
            self.errors[key] = self.errors.get(key, 0) + n

    def to_dict(self) -> dict[str, Any]:
        return {"histogram": encode_histogram(self.histogram), "errors": dict(self.errors)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OperationStats:
        stats = cls()
        stats.histogram = decode_histogram(data["histogram"])
        stats.errors = {str(k): int(v) for k, v in data.get("errors", {}).items()}
        return stats


def describe_stat(aggregator: StatAggregator) -> str:
    """The aggregator in its task's format; a broken format must not break the report."""
    try:
        return str(aggregator)
    except Exception as exc:
        return f"{aggregator.fmt!r} could not be formatted: {type(exc).__name__}: {exc}"


class GroupMetrics:
    """Everything measured while one task ran on one group (possibly merged from several processes)."""

    __slots__ = ("task", "group", "operations", "durations", "succeeded", "failed",
                 "failures", "task_errors", "stats", "first_traceback", "wall_seconds",
                 "timeline", "output")

    def __init__(self, task: str, group: int) -> None:
        self.task = task
        self.group = group
        self.operations: dict[str, OperationStats] = {}
        self.durations = new_histogram()
        self.succeeded = 0
        self.failed = 0
        self.failures: list[tuple[str, str]] = []
        self.task_errors: dict[str, int] = {}
        self.stats: dict[str, StatAggregator] = {}
        self.first_traceback: str | None = None
        # The group's wall time (set by the executor when the group ends): throughput's denominator.
        self.wall_seconds = 0.0
        self.timeline = Timeline()  # per-second buckets from now, the group's start
        self.output = OutputSummary()  # what the players' tasks printed

    @property
    def key(self) -> tuple[str, int]:
        return self.task, self.group

    @property
    def players(self) -> int:
        return self.succeeded + self.failed

    # -- recording (the hot path: called once per WAMP call, publish or HTTP request) ----------

    def record(self, operation: str, seconds: float, error: str | None = None) -> None:
        """Time one operation; `error` is its error key, None when it succeeded."""
        stats = self.operations.get(operation)
        if stats is None:
            stats = self.operations[operation] = OperationStats()
        micros = int(seconds * 1_000_000)
        micros = LOWEST_US if micros < LOWEST_US else min(micros, HIGHEST_US)
        stats.histogram.record_value(micros)
        self.timeline.record(micros, error is not None)
        if error is not None:
            stats.errors[error] = stats.errors.get(error, 0) + 1

    def record_task(self, player: str, seconds: float, error: BaseException | str | None = None) -> None:
        """One player's outcome of the task: its duration and, when it failed, why."""
        micros = max(LOWEST_US, min(int(seconds * 1_000_000), HIGHEST_US))
        self.durations.record_value(micros)
        if error is None:
            self.succeeded += 1
            return
        self.failed += 1
        key = error if isinstance(error, str) else type(error).__name__
        self.task_errors[key] = self.task_errors.get(key, 0) + 1
        if len(self.failures) < MAX_FAILURE_SAMPLES:
            self.failures.append((player, describe_error(error)))
        if self.first_traceback is None and isinstance(error, BaseException) and error.__traceback__:
            self.first_traceback = f"{player}:\n" + "".join(traceback.format_exception(error)).rstrip()

    def record_stat(self, stat_id: str, value: Any, fmt: str | None = None,
                    attribute: str | None = None) -> None:
        aggregator = self.stats.get(stat_id)
        if aggregator is None:
            # Like the original, the first value's format and attribute win.
            aggregator = self.stats[stat_id] = StatAggregator(fmt=fmt, attribute=attribute)
        aggregator.push(value)

    # -- merging and serialising -------------------------------------------------------------

    def merge(self, other: GroupMetrics) -> None:
        if other.key != self.key:
            raise ValueError(f"cannot merge metrics of {other.key} into {self.key}")
        for operation, stats in other.operations.items():
            mine = self.operations.get(operation)
            if mine is None:
                self.operations[operation] = mine = OperationStats()
            mine.merge(stats)
        self.durations.add(other.durations)
        self.succeeded += other.succeeded
        self.failed += other.failed
        room = MAX_FAILURE_SAMPLES - len(self.failures)
        self.failures.extend(other.failures[:max(room, 0)])
        for key, n in other.task_errors.items():
            self.task_errors[key] = self.task_errors.get(key, 0) + n
        for stat_id, aggregator in other.stats.items():
            mine_stat = self.stats.get(stat_id)
            if mine_stat is None:
                # Values are merged as numbers, so the copy reads no attribute from them.
                self.stats[stat_id] = mine_stat = StatAggregator(fmt=aggregator.fmt)
            mine_stat.merge(aggregator)
        if self.first_traceback is None:
            self.first_traceback = other.first_traceback
        # Processes run a group at the same time: its wall time is the longest of theirs.
        self.wall_seconds = max(self.wall_seconds, other.wall_seconds)
        self.timeline.merge(other.timeline)
        self.output.merge(other.output)

    def to_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "group": self.group,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "failures": [list(pair) for pair in self.failures],
            "task_errors": dict(self.task_errors),
            "durations": encode_histogram(self.durations),
            "operations": {op: stats.to_dict() for op, stats in self.operations.items()},
            "stats": {stat_id: aggregator.to_dict() for stat_id, aggregator in self.stats.items()},
            "first_traceback": self.first_traceback,
            "wall_seconds": self.wall_seconds,
            "timeline": self.timeline.to_dict(),
            "output": self.output.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GroupMetrics:
        metrics = cls(str(data["task"]), int(data["group"]))
        metrics.succeeded = int(data.get("succeeded", 0))
        metrics.failed = int(data.get("failed", 0))
        metrics.failures = [(str(p), str(e)) for p, e in data.get("failures", [])][:MAX_FAILURE_SAMPLES]
        metrics.task_errors = {str(k): int(v) for k, v in data.get("task_errors", {}).items()}
        metrics.durations = decode_histogram(data["durations"])
        metrics.operations = {op: OperationStats.from_dict(d) for op, d in data.get("operations", {}).items()}
        metrics.stats = {sid: StatAggregator.from_dict(d) for sid, d in data.get("stats", {}).items()}
        metrics.first_traceback = data.get("first_traceback")
        metrics.wall_seconds = float(data.get("wall_seconds", 0.0))
        metrics.timeline = Timeline.from_dict(data.get("timeline"))
        metrics.output = OutputSummary.from_dict(data.get("output"))
        return metrics


class RunMetrics:
    """The metrics of a whole run: GroupMetrics by (task, group), in the order they were added."""

    __slots__ = ("groups",)

    def __init__(self) -> None:
        self.groups: dict[tuple[str, int], GroupMetrics] = {}

    def __iter__(self) -> Iterator[GroupMetrics]:
        return iter(self.groups.values())

    def __len__(self) -> int:
        return len(self.groups)

    def add(self, metrics: GroupMetrics) -> GroupMetrics:
        """Merge `metrics` in (several processes report the same task and group)."""
        mine = self.groups.get(metrics.key)
        if mine is None:
            mine = self.groups[metrics.key] = GroupMetrics(*metrics.key)
        mine.merge(metrics)
        return mine

    def merge(self, other: RunMetrics) -> None:
        for metrics in other:
            self.add(metrics)

    @property
    def failed_players(self) -> int:
        return sum(m.failed for m in self)

    def to_dict(self) -> dict[str, Any]:
        return {"groups": [m.to_dict() for m in self]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunMetrics:
        run = cls()
        for item in data.get("groups", []):
            run.add(GroupMetrics.from_dict(item))
        return run


def describe_error(error: BaseException | str) -> str:
    """One line for a failure: the class and message, or the WAMP error URI and its args."""
    if isinstance(error, str):
        return error
    uri = getattr(error, "error", None)
    if isinstance(uri, str):  # ApplicationError: its str() is a multi-line dump
        args = ", ".join(str(a) for a in getattr(error, "args", ()))
        return f"{uri}: {args}" if args else uri
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__
