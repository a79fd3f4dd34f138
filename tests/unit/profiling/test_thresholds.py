"""Parsing --fail-on specs and checking them against metrics (exact, merged histograms)."""
from __future__ import annotations

import pytest

from modelservice.profiling.errors import ConfigurationError
from modelservice.profiling.metrics import GroupMetrics, RunMetrics
from modelservice.profiling.thresholds import (ThresholdError, breaches, evaluate, format_value,
                                               parse_threshold, parse_thresholds)

SUBMIT = "world.simpl.sims.simpl-calc.model.period.{id}.submit_decision"
SCOPE = "world.simpl.sims.simpl-calc.model.runuser.{id}.get_scope_tree"


@pytest.mark.parametrize("spec, operation, metric, comparison, value, rate", [
    ("p95<500ms", None, "p95", "<", 500_000, False),
    ("submit_decision:p99<1s", "submit_decision", "p99", "<", 1_000_000, False),
    ("errors<1%", None, "errors", "<", 0.01, True),
    ("errors<=3", None, "errors", "<=", 3, False),
    ("p99.9 < 2.5s", None, "p99.9", "<", 2_500_000, False),
    ("GET /apis/runs/:max<250us", "GET /apis/runs/", "max", "<", 250, False),
    ("P90>=1m", None, "p90", ">=", 60_000_000, False),
    ("mean<20ms", None, "mean", "<", 20_000, False),
    ("rps>100", None, "rps", ">", 100, False),
])
def test_parse_each_form(spec, operation, metric, comparison, value, rate):
    threshold = parse_threshold(spec)
    assert (threshold.operation, threshold.metric, threshold.comparison, threshold.rate) == (
        operation, metric, comparison, rate)
    assert threshold.value == pytest.approx(value)
    assert threshold.spec == spec


@pytest.mark.parametrize("spec, message", [
    ("p95<<5ms", "expected [OPERATION:]METRIC<VALUE"),
    ("p95", "expected [OPERATION:]METRIC<VALUE"),
    ("", "expected [OPERATION:]METRIC<VALUE"),
    ("p95<500", "a latency needs a unit"),
    ("p95<5 parsecs", "a latency needs a unit"),
    ("p101<1s", "unknown metric 'p101'"),
    ("speed<1s", "unknown metric 'speed'"),
    ("errors<many", "errors take a rate like 1% or a count like 10"),
    ("rps>fast", "rps takes operations per second"),
    (":p95<1s", "the operation before ':' is empty"),
])
def test_bad_specs_raise_one_line_configuration_errors(spec, message):
    with pytest.raises(ThresholdError) as caught:
        parse_threshold(spec)
    assert isinstance(caught.value, ConfigurationError)  # so the command exits 2
    text = str(caught.value)
    assert text.startswith(f"--fail-on {spec!r}: ") and message in text and "\n" not in text


def run_with(latencies: dict[str, list[float]], errors: dict[str, int] | None = None,
             wall: float = 10.0) -> RunMetrics:
    group = GroupMetrics("tasks.T.profile_x", 0)
    for operation, values in latencies.items():
        for seconds in values:
            group.record(operation, seconds)
    for operation, n in (errors or {}).items():
        for _ in range(n):
            group.record(operation, 0.001, "wamp.error.runtime_error")
    group.wall_seconds = wall
    run = RunMetrics()
    run.add(group)
    return run


def test_without_operation_the_metric_is_of_all_operations_merged():
    run = run_with({SUBMIT: [0.100] * 10, SCOPE: [0.001] * 90})
    [verdict] = evaluate(parse_thresholds(["p95<50ms"]), run)
    assert verdict.subject == "all operations"
    assert verdict.ok is False and verdict.actual == pytest.approx(100_000, rel=0.001)
    assert verdict.detail == "all operations: p95 = 100.0 ms"
    [holds] = evaluate(parse_thresholds(["p90<50ms"]), run)
    assert holds.ok is True and holds.actual == pytest.approx(1000, rel=0.001)


def test_operation_part_matches_substrings_and_checks_each_match():
    run = run_with({SUBMIT: [0.100] * 10, SCOPE: [0.001] * 10})
    verdicts = evaluate(parse_thresholds(["submit_decision:p99<1s", "simpl-calc:max<10ms"]), run)
    assert [(v.subject, v.ok) for v in verdicts] == [(SUBMIT, True), (SUBMIT, False), (SCOPE, True)]
    assert [v.threshold.spec for v in breaches(verdicts)] == ["simpl-calc:max<10ms"]


def test_an_operation_that_matches_nothing_is_a_breach_not_a_pass():
    [verdict] = evaluate(parse_thresholds(["submit_desicion:p95<1s"]), run_with({SUBMIT: [0.001]}))
    assert verdict.ok is False and verdict.actual is None
    assert verdict.detail == "no operation matches 'submit_desicion'"


def test_nothing_measured_is_a_breach():
    [verdict] = evaluate(parse_thresholds(["p95<1s"]), RunMetrics())
    assert verdict.ok is False and verdict.detail == "all operations: nothing measured"


def test_error_rate_and_count():
    run = run_with({SCOPE: [0.001] * 97}, errors={SUBMIT: 3})
    rate, count, per_op = evaluate(parse_thresholds(["errors<1%", "errors<=3", "submit:errors<50%"]), run)
    assert rate.actual == pytest.approx(0.03) and rate.ok is False
    assert rate.detail == "all operations: errors = 3.00%"
    assert count.actual == 3 and count.ok is True
    assert per_op.subject == SUBMIT and per_op.actual == 1.0 and per_op.ok is False


def test_rps_uses_the_groups_wall_time():
    [verdict] = evaluate(parse_thresholds(["rps>=10"]), run_with({SCOPE: [0.001] * 50}, wall=5.0))
    assert verdict.actual == pytest.approx(10.0) and verdict.ok is True


def test_thresholds_merge_groups_and_tasks_exactly():
    run = RunMetrics()
    for group_number, seconds in ((0, 0.010), (1, 0.300)):
        group = GroupMetrics("tasks.T.profile_x", group_number)
        for _ in range(50):
            group.record(SUBMIT, seconds)
        run.add(group)
    [verdict] = evaluate(parse_thresholds(["submit:p50<100ms"]), run)
    # 50 fast + 50 slow: the median is the fast group's value (HDR: lowest equivalent <= 50%).
    assert verdict.actual == pytest.approx(10_000, rel=0.001)
    [p75] = evaluate(parse_thresholds(["submit:p75<100ms"]), run)
    assert p75.ok is False and p75.actual == pytest.approx(300_000, rel=0.001)


def test_format_value_units():
    assert format_value(parse_threshold("p95<1s"), 1_204_000) == "1.204 s"
    assert format_value(parse_threshold("p95<1s"), 812_049) == "812.0 ms"
    assert format_value(parse_threshold("p95<1s"), 250) == "250 us"
    assert format_value(parse_threshold("errors<1%"), 0.025) == "2.50%"
    assert format_value(parse_threshold("rps>1"), 12.34) == "12.3/s"
