"""Latency and throughput over time: one coarse histogram per second of a group's run.

A `Timeline` belongs to one GroupMetrics. Every recorded operation lands in the bucket of the
second (since the group started) in which it finished, so the report can chart calls per second
and p50/p95 per second, and the live progress line can show the current rate and p95.

The per-second histograms have one significant figure (about 6% resolution), which is plenty
for a chart and keeps a bucket near 3.5 kB; the exact per-operation percentiles come from the
3-significant-figure histograms in metrics.py, never from here. Buckets merge exactly by second,
so timelines from several processes add up (their seconds are each relative to that process's
own group start, which the leader starts together).

Not for: the per-operation statistics (metrics.py) or drawing (report_html.py).
"""
from __future__ import annotations

from time import perf_counter
from typing import Any, Iterator

from hdrh.histogram import HdrHistogram

LOWEST_US = 1
HIGHEST_US = 3_600_000_000
SIGNIFICANT_FIGURES = 1
# One hour of seconds per group; later operations share the last bucket rather than grow memory.
MAX_SECONDS = 3600


def _new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, SIGNIFICANT_FIGURES)


class TimeBucket:
    """Operations that finished within one second: their latencies and how many failed."""

    __slots__ = ("histogram", "errors")

    def __init__(self) -> None:
        self.histogram = _new_histogram()
        self.errors = 0

    @property
    def count(self) -> int:
        return self.histogram.get_total_count()

    def merge(self, other: TimeBucket) -> None:
        self.histogram.add(other.histogram)
        self.errors += other.errors


class Timeline:
    """Per-second buckets, indexed by whole seconds since `origin` (a perf_counter value)."""

    __slots__ = ("origin", "buckets")

    def __init__(self, origin: float | None = None) -> None:
        self.origin = perf_counter() if origin is None else origin
        self.buckets: dict[int, TimeBucket] = {}

    def record(self, micros: int, failed: bool, now: float | None = None) -> None:
        """Add one operation of `micros` latency that finished at `now` (perf_counter)."""
        second = int(((perf_counter() if now is None else now) - self.origin))
        second = 0 if second < 0 else min(second, MAX_SECONDS - 1)
        bucket = self.buckets.get(second)
        if bucket is None:
            bucket = self.buckets[second] = TimeBucket()
        bucket.histogram.record_value(micros)
        if failed:
            bucket.errors += 1

    def current_second(self, now: float | None = None) -> int:
        return int(((perf_counter() if now is None else now) - self.origin))

    def __iter__(self) -> Iterator[tuple[int, TimeBucket]]:
        """(second, bucket) in time order, skipping empty seconds."""
        return iter(sorted(self.buckets.items()))

    def __len__(self) -> int:
        return len(self.buckets)

    def window(self, first: int, last: int) -> TimeBucket:
        """One bucket holding seconds `first`..`last` inclusive (e.g. the last two seconds)."""
        merged = TimeBucket()
        for second in range(max(first, 0), last + 1):
            bucket = self.buckets.get(second)
            if bucket is not None:
                merged.merge(bucket)
        return merged

    def merge(self, other: Timeline, first: int = 0) -> None:
        """Add `other`'s buckets of seconds `first` and later (all of them by default)."""
        for second, bucket in other.buckets.items():
            if second < first:
                continue
            mine = self.buckets.get(second)
            if mine is None:
                mine = self.buckets[second] = TimeBucket()
            mine.merge(bucket)

    def to_dict(self, first: int = 0, before: int | None = None) -> list[dict[str, Any]]:
        """The buckets of seconds `first` up to (not including) `before`; all of them by default."""
        return [{"second": second, "errors": bucket.errors,
                 "histogram": bucket.histogram.encode().decode("ascii")}
                for second, bucket in self
                if second >= first and (before is None or second < before)]

    @classmethod
    def from_dict(cls, data: list[dict[str, Any]] | None) -> Timeline:
        timeline = cls(origin=0.0)
        for item in data or ():
            bucket = TimeBucket()
            bucket.histogram.add(HdrHistogram.decode(str(item["histogram"]).encode("ascii")))
            bucket.errors = int(item.get("errors", 0))
            timeline.buckets[int(item["second"])] = bucket
        return timeline
