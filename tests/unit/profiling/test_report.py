"""Console lines: group progress, failures naming players, summary tables slowest first."""
from modelservice.profiling.metrics import GroupMetrics, RunMetrics
from modelservice.profiling.report import ConsoleReporter, summary_lines


def reporter(verbosity=1):
    lines = []
    return ConsoleReporter(lines.append, verbosity=verbosity), lines


def test_group_lines_for_success_with_stats():
    console, lines = reporter()
    metrics = GroupMetrics("pkg.profile_x.Case.profile_go", 2)
    metrics.record_task("a1@calc.edu", 0.1)
    metrics.record_stat("rate", 4.0, "{stats.mean:.1f} c/s")
    console.group_started(metrics.task, 2, 1)
    console.group_finished(metrics, 1.23456)
    assert lines == ["→ Running task 'pkg.profile_x.Case.profile_go' on group 2 (1 players)",
                     "ℹ 4.0 c/s",
                     "✓ Task 'pkg.profile_x.Case.profile_go' on group 2 done in 1.235 s"]


def test_failure_line_names_the_first_players_and_counts_the_rest():
    console, lines = reporter()
    metrics = GroupMetrics("t", 0)
    for i in range(5):
        metrics.record_task(f"p{i}@calc.edu", 0.1, ValueError(f"bad {i}"))
    metrics.record_task("ok@calc.edu", 0.1)
    console.group_finished(metrics, 2.0)
    assert lines == ["✗ Task 't' on group 0 failed: 5 of 6 players failed in 2.000 s: "
                     "p0@calc.edu (ValueError: bad 0), p1@calc.edu (ValueError: bad 1), "
                     "p2@calc.edu (ValueError: bad 2) and 2 more"]


def test_verbosity_two_adds_the_first_traceback_and_zero_is_quiet():
    try:
        raise KeyError("deep")
    except KeyError as exc:
        error = exc
    metrics = GroupMetrics("t", 0)
    metrics.record_task("p", 0.1, error)
    console, lines = reporter(verbosity=2)
    console.group_finished(metrics, 1.0)
    assert "Traceback" in lines[-1]
    console, lines = reporter(verbosity=0)
    console.group_started("t", 0, 1)
    console.group_finished(metrics, 1.0)
    console.run_finished(RunMetrics(), 1.0, interrupted=False)
    assert lines == []


def test_summary_is_sorted_slowest_first_and_lists_errors():
    run = RunMetrics()
    fast, slow = GroupMetrics("pkg.A.profile_fast", 0), GroupMetrics("pkg.A.profile_slow", 0)
    fast.record_task("p", 0.01)
    slow.record_task("p", 2.0)
    fast.record("fast.op", 0.001)
    slow.record("slow.op", 0.9, "wamp.error.runtime_error")
    run.add(fast)
    run.add(slow)
    lines = summary_lines(run)
    tasks = [line for line in lines if line.startswith("pkg.")]
    assert [line.split()[0] for line in tasks] == ["pkg.A.profile_slow", "pkg.A.profile_fast"]
    ops = [line.split() for line in lines if line.startswith(("slow.op", "fast.op"))]
    assert [(op[0], op[1], op[3], op[4]) for op in ops] == [("slow.op", "profile_slow", "1", "1"),
                                                            ("fast.op", "profile_fast", "1", "0")]
    assert "    1 x wamp.error.runtime_error" in lines


def test_run_finished_prints_the_total_then_the_summary():
    console, lines = reporter()
    run = RunMetrics()
    run.add(GroupMetrics("t", 0))
    console.run_finished(run, 3.14159, interrupted=False)
    assert lines[0] == "All tasks done in 3.142 s" and "Tasks (duration in ms, slowest first)" in lines
    console, lines = reporter()
    console.run_finished(run, 1.0, interrupted=True)
    assert lines[0].startswith("Interrupted after 1.000 s")
