"""Unit tests of Timer, Counter and StatAggregator, on a controlled clock."""
from __future__ import annotations

import json
import statistics

import pytest

from modelservice.utils import instruments
from modelservice.utils.instruments import Counter, StatAggregator, Timer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(instruments, "perf_counter", fake)
    return fake


def test_timer_as_context_manager_measures_the_block(clock: Clock) -> None:
    with Timer() as timer:
        clock.now += 1.5
        assert timer.running and timer.elapsed == pytest.approx(1.5)
    clock.now += 10
    assert not timer.running
    assert timer.elapsed == pytest.approx(1.5)
    assert timer.__value__ == pytest.approx(1.5)


def test_timer_pause_resumes_and_stop_starts_over(clock: Clock) -> None:
    timer = Timer("t").start()
    clock.now += 1
    timer.pause()
    clock.now += 100  # paused time does not count
    timer.start()
    clock.now += 2
    timer.stop()
    assert timer.elapsed == pytest.approx(3)
    timer.start()
    clock.now += 0.25
    assert timer.elapsed == pytest.approx(0.25)
    assert "t" in repr(timer)


def test_counter_duration_mode_counts_iterations_until_time_is_up(clock: Clock) -> None:
    counter = Counter(duration=1.0)
    iterations = 0
    while counter.on:
        iterations += 1
        clock.now += 0.3  # 0.0, 0.3, 0.6, 0.9 are < 1.0; 1.2 is not
    assert iterations == counter.clicks == 4
    assert counter.finished and counter.elapsed == pytest.approx(1.2)
    assert counter.rate == pytest.approx(4 / 1.2)
    assert counter.__value__ == 4
    assert counter.on is False and counter.clicks == 4  # stays off


def test_counter_count_mode_reports_elapsed_and_rate_while_running(clock: Clock) -> None:
    # The original raised TypeError here (compared against a None duration).
    counter = Counter(count=3, name="calls")
    assert counter.on
    clock.now += 0.5
    assert counter.elapsed == pytest.approx(0.5)
    assert counter.rate == pytest.approx(2.0)
    while counter.on:
        clock.now += 0.5
    assert counter.clicks == 3
    assert counter.__value__ == pytest.approx(1.5)
    assert counter.rate == pytest.approx(2.0)


def test_counter_zero_count_never_runs_and_rate_is_zero(clock: Clock) -> None:
    counter = Counter(count=0)
    assert not counter.on
    assert counter.clicks == 0 and counter.rate == 0.0


def test_counter_verbosity_prints_a_summary(clock: Clock,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    counter = Counter(count=2, name="loop", verbosity=1)
    while counter.on:
        clock.now += 1
    assert capsys.readouterr().out.strip() == "loop: 2 clicks in 2.000s (1.0/s)"


@pytest.mark.parametrize("kwargs, message", [
    ({}, "exactly one"),
    ({"duration": 1, "count": 2}, "exactly one"),
    ({"duration": 0}, "positive"),
    ({"duration": "5s"}, "positive"),
    ({"count": -1}, ">= 0"),
    ({"count": 2.5}, ">= 0"),
])
def test_counter_rejects_bad_arguments_clearly(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Counter(**kwargs)


def test_aggregator_statistics_match_the_statistics_module() -> None:
    data = [1.0, 2.0, 2.0, 4.0, 7.5]
    stats = StatAggregator(data)
    assert stats.count == 5 and stats.total == pytest.approx(16.5)
    assert (stats.min, stats.max) == (1.0, 7.5)
    for name in ("mean", "harmonic_mean", "median", "median_low", "median_high", "mode",
                 "pstdev", "pvariance", "stdev", "variance"):
        assert getattr(stats, name) == pytest.approx(getattr(statistics, name)(data)), name


def test_aggregator_reads_value_of_objects_when_summarised(clock: Clock) -> None:
    timer = Timer().start()
    stats = StatAggregator()
    stats.push(timer)
    stats.push(3)
    clock.now += 2
    timer.stop()
    assert stats.values == [pytest.approx(2.0), 3]


def test_aggregator_attribute_names_what_to_read() -> None:
    counter = Counter(count=1)
    while counter.on:
        pass
    stats = StatAggregator([counter], attribute="clicks")
    assert stats.values == [1]


def test_aggregator_rejects_non_numbers_at_push() -> None:
    with pytest.raises(TypeError, match="numbers or objects with __value__"):
        StatAggregator().push("fast")
    with pytest.raises(TypeError):
        StatAggregator([True])


def test_aggregator_empty_statistics_explain_themselves() -> None:
    stats = StatAggregator([5])
    assert stats.mean == 5
    with pytest.raises(statistics.StatisticsError, match="stdev needs at least 2"):
        stats.stdev
    with pytest.raises(statistics.StatisticsError, match="min needs at least 1"):
        StatAggregator().min


def test_aggregator_str_uses_fmt_or_says_how_many() -> None:
    assert str(StatAggregator([1, 2])) == "StatAggregator with 2 values."
    assert str(StatAggregator([1, 2], fmt="{stats.mean:.3f} c/s")) == "1.500 c/s"


def test_aggregators_merge_and_round_trip_through_json() -> None:
    first = StatAggregator([1, 2], fmt="{stats.max}")
    second = StatAggregator.from_dict(json.loads(json.dumps(StatAggregator([3.5]).to_dict())))
    merged = StatAggregator.from_dict(json.loads(json.dumps(first.to_dict()))).merge(second)
    assert merged.values == [1, 2, 3.5]
    assert str(merged) == "3.5"
    assert first.values == [1, 2]  # the original is untouched
    with pytest.raises(ValueError, match="needs a 'values' list"):
        StatAggregator.from_dict({"vals": []})
