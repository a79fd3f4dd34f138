"""Metrics: URI normalisation, error keys, recording, merging and the dict round trip."""
import asyncio
import json

import pytest
from autobahn.wamp.exception import ApplicationError

from modelservice.profiling.metrics import (MAX_FAILURE_SAMPLES, GroupMetrics, RunMetrics,
                                            describe_error, error_key, normalise_operation)


@pytest.mark.parametrize("uri, normal", [
    ("world.simpl.sims.simpl-calc.model.runuser.12.get_scope_tree",
     "world.simpl.sims.simpl-calc.model.runuser.{id}.get_scope_tree"),
    ("world.simpl.sims.simpl-calc.model.period.7.submit_decision",
     "world.simpl.sims.simpl-calc.model.period.{id}.submit_decision"),
    ("world.simpl.sims.simpl-calc.model.game.get_phases", "world.simpl.sims.simpl-calc.model.game.get_phases"),
    ("a.1.b.22.c", "a.{id}.b.{id}.c"),
    ("game2.v1.x", "game2.v1.x"),  # only whole numeric components are ids
])
def test_numeric_uri_components_become_id(uri, normal):
    assert normalise_operation(uri) == normal
    assert normalise_operation(uri) == normal  # cached answer is the same


def test_error_keys():
    assert error_key(ApplicationError("wamp.error.no_such_procedure", "x")) == "wamp.error.no_such_procedure"
    assert error_key("404") == "404"
    assert error_key(503) == "503"
    assert error_key(ValueError("x")) == "ValueError"
    assert error_key(asyncio.CancelledError()) == "cancelled"

    class WithStatus(Exception):
        status = 502
    assert error_key(WithStatus()) == "502"


def test_describe_error_is_one_line():
    assert describe_error(ValueError("bad\nthing")) == "ValueError: bad"
    assert describe_error(ApplicationError("wamp.error.runtime_error", "boom")) == "wamp.error.runtime_error: boom"
    assert describe_error(KeyError()) == "KeyError"


def filled(task="t", group=0, scale=1):
    metrics = GroupMetrics(task, group)
    for ms in (1, 2, 3, 4, 100):
        metrics.record("op.{id}.get", ms * scale / 1000)
    metrics.record("op.{id}.get", 0.5, "wamp.error.runtime_error")
    metrics.record("GET /apis/runs/", 0.002, "404")
    metrics.record_task("a1@calc.edu", 0.2)
    metrics.record_task("a2@calc.edu", 0.3, ValueError("no"))
    metrics.record_stat("rate", 10.0, "{stats.mean:.1f} c/s")
    return metrics


def test_record_counts_latency_and_errors():
    metrics = filled()
    get = metrics.operations["op.{id}.get"]
    assert get.count == 6 and get.errors == {"wamp.error.runtime_error": 1} and get.error_count == 1
    assert get.histogram.get_value_at_percentile(50) == pytest.approx(3000, rel=0.01)
    assert get.histogram.get_max_value() == pytest.approx(500_000, rel=0.01)
    assert (metrics.succeeded, metrics.failed, metrics.players) == (1, 1, 2)
    assert metrics.failures == [("a2@calc.edu", "ValueError: no")]
    assert metrics.task_errors == {"ValueError": 1}
    assert str(metrics.stats["rate"]) == "10.0 c/s"


def test_out_of_range_values_are_clamped_not_lost():
    metrics = GroupMetrics("t", 0)
    metrics.record("op", 0.0)
    metrics.record("op", 10 * 3600.0)
    assert metrics.operations["op"].count == 2


def test_failure_samples_are_capped_but_all_failures_counted():
    metrics = GroupMetrics("t", 0)
    for i in range(MAX_FAILURE_SAMPLES + 5):
        metrics.record_task(f"p{i}", 0.1, RuntimeError("x"))
    assert metrics.failed == MAX_FAILURE_SAMPLES + 5
    assert len(metrics.failures) == MAX_FAILURE_SAMPLES


def test_first_traceback_is_kept_for_raised_errors():
    metrics = GroupMetrics("t", 0)
    try:
        raise ValueError("kaput")
    except ValueError as exc:
        metrics.record_task("p1", 0.1, exc)
    assert metrics.first_traceback.startswith("p1:\n") and "ValueError: kaput" in metrics.first_traceback


def test_merge_adds_everything():
    left, right = filled(), filled(scale=10)
    left.merge(right)
    get = left.operations["op.{id}.get"]
    assert get.count == 12 and get.errors == {"wamp.error.runtime_error": 2}
    assert get.histogram.get_max_value() == pytest.approx(1_000_000, rel=0.01)
    assert (left.succeeded, left.failed) == (2, 2)
    assert left.stats["rate"].values == [10.0, 10.0]
    with pytest.raises(ValueError, match="cannot merge"):
        left.merge(GroupMetrics("other", 0))


def test_round_trip_through_json_keeps_percentiles_and_counts():
    run = RunMetrics()
    run.add(filled("t1", 0))
    run.add(filled("t1", 1, scale=5))
    wire = json.loads(json.dumps(run.to_dict()))
    back = RunMetrics.from_dict(wire)
    assert [m.key for m in back] == [("t1", 0), ("t1", 1)]
    for original, copy in zip(run, back):
        for op, stats in original.operations.items():
            twin = copy.operations[op]
            assert twin.count == stats.count and twin.errors == stats.errors
            for p in (50, 95, 99, 100):
                assert twin.histogram.get_value_at_percentile(p) == stats.histogram.get_value_at_percentile(p)
        assert (copy.succeeded, copy.failed, copy.failures) == (original.succeeded, original.failed, original.failures)
        assert copy.durations.get_total_count() == 2
        assert str(copy.stats["rate"]) == "10.0 c/s"


def test_run_metrics_merges_reports_of_the_same_group_from_several_processes():
    run = RunMetrics()
    for _ in range(3):
        run.merge(RunMetrics.from_dict({"groups": [filled().to_dict()]}))
    assert len(run) == 1
    only = next(iter(run))
    assert only.players == 6 and run.failed_players == 3
