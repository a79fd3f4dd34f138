"""Small measuring tools for task files: `Timer`, `Counter` and `StatAggregator`.

They keep the names and behaviour of the original simpl-modelservice instruments, so task
files that use them run unchanged::

    with Timer() as timer:
        await self.call(uri)
    self.publish_stat("submit", timer)          # the value published is timer.__value__

    counter = Counter(duration=5)
    while counter.on:
        await self.call(uri)
    self.publish_stat("rate", counter.rate, fmt="{stats.mean:.1f} calls/s")

Anything with a `__value__` attribute (a Timer, a Counter) or a plain number can be pushed
into a `StatAggregator`; aggregators merge (`merge`) and travel as JSON-able dicts
(`to_dict`/`from_dict`), so the engine can gather them from several processes.

Changes from the original: a count-mode Counter reports `elapsed` and `rate` while it runs
(the original raised TypeError until the loop ended), and `rate` divides by the measured
time rather than the requested duration (the last iteration overruns it).

Not for: the profiler's own per-operation latency metrics (HDR histograms in the engine).
"""
from __future__ import annotations

import statistics
from collections.abc import Iterable
from numbers import Real
from time import perf_counter
from typing import Any

__all__ = ["Counter", "StatAggregator", "Timer"]


class Timer:
    """Wall-clock stopwatch: a context manager, or `start()` / `pause()` / `stop()`.

    `pause()` keeps the time so far and `start()` resumes; `stop()` freezes the result and a
    later `start()` begins a new measurement. `elapsed` (seconds) is live while running.
    """

    def __init__(self, name: str | None = None) -> None:
        self.name = name
        self._accumulated = 0.0
        self._started_at: float | None = None
        self._stopped = False

    @property
    def running(self) -> bool:
        return self._started_at is not None

    def start(self) -> Timer:
        if self._stopped:  # a stopped timer starts over
            self._accumulated, self._stopped = 0.0, False
        if self._started_at is None:
            self._started_at = perf_counter()
        return self

    resume = start

    def pause(self) -> Timer:
        if self._started_at is not None:
            self._accumulated += perf_counter() - self._started_at
            self._started_at = None
        return self

    def stop(self) -> Timer:
        self.pause()
        self._stopped = True
        return self

    @property
    def elapsed(self) -> float:
        """Seconds measured so far (including the current run if running)."""
        if self._started_at is None:
            return self._accumulated
        return self._accumulated + perf_counter() - self._started_at

    @property
    def __value__(self) -> float:
        return self.elapsed

    def __enter__(self) -> Timer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        label = f" {self.name}" if self.name else ""
        state = "running" if self.running else "stopped"
        return f"<Timer{label} {self.elapsed:.6f}s {state}>"


class Counter:
    """Counts loop iterations for a time budget or up to a number: `while counter.on: ...`.

    `Counter(duration=5)` keeps `on` true for 5 seconds from its first check;
    `Counter(count=100)` for 100 iterations. `clicks` is the number of iterations started,
    `elapsed` the seconds since the first check (frozen when the loop ends), `rate` clicks per
    second. `__value__` is `clicks` with a duration and `elapsed` with a count. With
    `verbosity` > 0 a one-line summary is printed when the loop ends.
    """

    def __init__(self, duration: float | None = None, count: int | None = None,
                 name: str | None = None, verbosity: int = 0) -> None:
        if (duration is None) == (count is None):
            raise ValueError("Counter needs exactly one of duration=<seconds> or count=<n>")
        if duration is not None and not (isinstance(duration, Real) and duration > 0):
            raise ValueError(f"Counter duration must be a positive number of seconds "
                             f"(got {duration!r})")
        if count is not None and not (isinstance(count, int) and count >= 0):
            raise ValueError(f"Counter count must be a whole number >= 0 (got {count!r})")
        self.duration = duration
        self.count = count
        self.name = name or "Counter"
        self.verbosity = verbosity
        self.clicks = 0
        self._timer = Timer(self.name)
        self._finished = False

    @property
    def on(self) -> bool:
        """True while the budget lasts; each True is one more click."""
        if self._finished:
            return False
        if not self._timer.running:
            self._timer.start()
        if self.duration is not None:
            going = self._timer.elapsed < self.duration
        else:
            going = self.clicks < self.count  # type: ignore[operator]
        if going:
            self.clicks += 1
            return True
        self.stop()
        return False

    def stop(self) -> None:
        """End the loop now (`on` turns False); prints the summary if verbose."""
        if self._finished:
            return
        self._timer.stop()
        self._finished = True
        if self.verbosity > 0:
            print(self.summary())

    @property
    def finished(self) -> bool:
        return self._finished

    @property
    def elapsed(self) -> float:
        return self._timer.elapsed

    @property
    def rate(self) -> float:
        """Clicks per second of measured time (0.0 before any time has passed)."""
        elapsed = self.elapsed
        return self.clicks / elapsed if elapsed > 0 else 0.0

    @property
    def __value__(self) -> float:
        return self.clicks if self.duration is not None else self.elapsed

    def summary(self) -> str:
        return f"{self.name}: {self.clicks} clicks in {self.elapsed:.3f}s ({self.rate:.1f}/s)"

    def __repr__(self) -> str:
        return f"<{self.summary()}>"


def _numeric(value: Any, attribute: str | None) -> float:
    if attribute is not None and hasattr(value, attribute):
        value = getattr(value, attribute)
    elif hasattr(value, "__value__"):
        value = value.__value__
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"StatAggregator takes numbers or objects with __value__ "
                        f"(got {value!r})")
    return value  # type: ignore[return-value]


class StatAggregator:
    """Values pushed by tasks, with the `statistics` module's summaries as properties.

    `fmt` (e.g. ``"{stats.mean:.3f} c/s"``) is how `str()` presents it; `attribute` names the
    attribute read from pushed objects instead of `__value__`.
    """

    def __init__(self, values: Iterable[Any] = (), *, fmt: str | None = None,
                 attribute: str | None = None) -> None:
        self.fmt = fmt
        self.attribute = attribute
        self._items: list[Any] = []
        self.extend(values)

    def push(self, value: Any) -> None:
        """Add a number, or an object read through `attribute` / `__value__` when summarised."""
        _numeric(value, self.attribute)  # reject junk now, not when the report is printed
        self._items.append(value)

    append = push

    def extend(self, values: Iterable[Any]) -> None:
        for value in values:
            self.push(value)

    def merge(self, other: StatAggregator) -> StatAggregator:
        """Add `other`'s values to this aggregator (as numbers) and return it."""
        self._items.extend(other.values)
        if self.fmt is None:
            self.fmt = other.fmt
        return self

    @property
    def values(self) -> list[float]:
        """The numbers: pushed numbers as they are, objects read now."""
        return [_numeric(item, self.attribute) for item in self._items]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able snapshot: `{"values": [...], "fmt": ..., "attribute": ...}`."""
        return {"values": self.values, "fmt": self.fmt, "attribute": self.attribute}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StatAggregator:
        """The aggregator `to_dict()` described; TypeError/ValueError on a malformed dict."""
        if not isinstance(data, dict) or not isinstance(data.get("values"), list):
            raise ValueError(f"not a StatAggregator dict (needs a 'values' list): {data!r:.80}")
        return cls(data["values"], fmt=data.get("fmt"), attribute=data.get("attribute"))

    def __len__(self) -> int:
        return len(self._items)

    def __str__(self) -> str:
        if self.fmt:
            return self.fmt.format(stats=self)
        return f"StatAggregator with {len(self)} values."

    def __repr__(self) -> str:
        return f"<StatAggregator {len(self)} values fmt={self.fmt!r}>"

    def _data(self, what: str, at_least: int = 1) -> list[float]:
        values = self.values
        if len(values) < at_least:
            raise statistics.StatisticsError(
                f"{what} needs at least {at_least} value(s); this aggregator has {len(values)}")
        return values

    @property
    def count(self) -> int:
        return len(self._items)

    @property
    def total(self) -> float:
        return sum(self.values)

    @property
    def min(self) -> float:
        return min(self._data("min"))

    @property
    def max(self) -> float:
        return max(self._data("max"))

    @property
    def mean(self) -> float:
        return statistics.mean(self._data("mean"))

    @property
    def harmonic_mean(self) -> float:
        return statistics.harmonic_mean(self._data("harmonic_mean"))

    @property
    def median(self) -> float:
        return statistics.median(self._data("median"))

    @property
    def median_low(self) -> float:
        return statistics.median_low(self._data("median_low"))

    @property
    def median_high(self) -> float:
        return statistics.median_high(self._data("median_high"))

    @property
    def mode(self) -> float:
        return statistics.mode(self._data("mode"))

    @property
    def pstdev(self) -> float:
        return statistics.pstdev(self._data("pstdev"))

    @property
    def pvariance(self) -> float:
        return statistics.pvariance(self._data("pvariance"))

    @property
    def stdev(self) -> float:
        return statistics.stdev(self._data("stdev", 2))

    @property
    def variance(self) -> float:
        return statistics.variance(self._data("variance", 2))
