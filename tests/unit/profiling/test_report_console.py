"""The console summary: p50..p99.9 and max columns, rates, slowest first, printed output, verbosity."""
from __future__ import annotations

from modelservice.profiling.metrics import GroupMetrics, RunMetrics
from modelservice.profiling.report import ConsoleReporter, output_lines, summary_lines
from modelservice.profiling.timeline import Timeline


def run() -> RunMetrics:
    metrics = RunMetrics()
    group = GroupMetrics("tasks.T.profile_x", 0)
    for _ in range(100):
        group.record("fast.op", 0.001)
        group.record("slow.op", 0.250)
    group.record("slow.op", 0.3, "wamp.error.timeout")
    group.record_task("p1", 1.0)
    for n in range(15):
        group.output.add("p1", f"message {n}")
    group.wall_seconds = 4.0
    metrics.add(group)
    return metrics


def test_operations_table_has_every_percentile_and_the_rate_slowest_first():
    lines = summary_lines(run())
    header = next(line for line in lines if line.startswith("operation"))
    assert header.split()[-6:] == ["p50", "p90", "p95", "p99", "p99.9", "max"]
    rows = [line for line in lines if line.startswith(("slow.op", "fast.op"))]
    assert rows[0].startswith("slow.op") and rows[1].startswith("fast.op")
    assert rows[0].split()[3:6] == ["101", "1", "25.2"]  # count, errors, per second over 4 s
    assert "    1 x wamp.error.timeout" in lines


def test_printed_output_is_listed_and_limited_at_verbosity_1():
    lines = output_lines(run(), max_messages=10)
    assert lines[1] == "Printed by task 'profile_x' on group 0 (15 line(s), 15 distinct)"
    assert sum(1 for line in lines if " x message " in line) == 10
    assert lines[-1].startswith("  ... and 5 more distinct line(s)")
    assert sum(1 for line in output_lines(run(), max_messages=None) if " x message " in line) == 15


def test_reporter_respects_verbosity_and_marks_interrupts():
    for verbosity, expected_tables in ((0, False), (1, True)):
        written: list[str] = []
        ConsoleReporter(written.append, verbosity=verbosity).run_finished(run(), 2.0, interrupted=True)
        assert written[0] == "Interrupted after 2.000 s; players stopped"
        assert any(line.startswith("Operations") for line in written) is expected_tables


def test_timeline_merges_by_second_and_round_trips():
    a, b = Timeline(origin=0.0), Timeline(origin=0.0)
    a.record(1000, False, now=0.5)
    a.record(1000, True, now=1.5)
    b.record(3000, False, now=1.2)
    a.merge(Timeline.from_dict(b.to_dict()))
    assert [(second, bucket.count, bucket.errors) for second, bucket in a] == [(0, 1, 0), (1, 2, 1)]
    assert a.window(0, 1).count == 3
