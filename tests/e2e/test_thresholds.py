"""--fail-on through the real `manage.py profile`: each threshold form held and breached, exit codes.

The task (tests/fixtures/report_tasks/report_mixed) makes 20 `test.report.echo` calls and one
`test.report.refuse` call whose error it swallows with print(e): every player succeeds, and the
run has an error rate of 1/21 (4.8%) on its operations.
"""
from __future__ import annotations

import json

import pytest

from tests.e2e._report_support import profile_command, router_with_procedures  # noqa: F401

pytestmark = pytest.mark.e2e


def stderr_lines(done) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.strip()]


@pytest.mark.parametrize("threshold", [
    "p95<5s",                        # all operations together
    "echo:p99<5s",                   # one operation, matched by a substring of its name
    "test.report.echo:p99.9<=5s",    # the full name, another percentile and <=
    "errors<10%",                    # error rate: 1 of 21 is 4.8%
    "errors<=1",                     # error count
    "refuse:errors>0",               # that operation did fail
    "max<10s",
])
def test_a_threshold_that_holds_exits_0_and_says_so(router_with_procedures, threshold):
    done = profile_command(router_with_procedures, "-m", "report_mixed", "--fail-on", threshold)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"✓ {threshold}:" in done.stdout


@pytest.mark.parametrize("threshold, detail", [
    ("p95<1us", "all operations: p95 = "),
    ("echo:p99<1us", "test.report.echo: p99 = "),
    ("errors<1%", "all operations: errors = 4.76%"),
    ("errors<1", "all operations: errors = 1"),
    ("no_such_operation:p95<1s", "no operation matches 'no_such_operation'"),
])
def test_a_breached_threshold_exits_3_and_is_listed(router_with_procedures, tmp_path, threshold, detail):
    report = tmp_path / "report.json"
    done = profile_command(router_with_procedures, "-m", "report_mixed", "--fail-on", threshold,
                           "--report", str(report))
    assert done.returncode == 3, done.stdout + done.stderr
    assert f"✗ {threshold} breached: {detail}" in done.stdout
    [line] = stderr_lines(done)
    assert line.startswith(f"CommandError: 1 threshold check(s) breached: {threshold} ")
    document = json.loads(report.read_text())
    assert document["run"]["exit_code"] == 3
    assert [v["ok"] for v in document["thresholds"]] == [False]


def test_repeated_thresholds_are_all_checked_and_only_breaches_count(router_with_procedures):
    done = profile_command(router_with_procedures, "-m", "report_mixed", "--fail-on", "p95<5s",
                           "--fail-on", "errors<1%", "--fail-on", "echo:max<1us")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "✓ p95<5s:" in done.stdout
    assert "✗ errors<1% breached" in done.stdout and "✗ echo:max<1us breached" in done.stdout
    assert "CommandError: 2 threshold check(s) breached" in done.stderr


def test_task_failures_exit_1_even_when_a_threshold_is_also_breached(router_with_procedures):
    # The endless task fails by --task-timeout; failed players outrank a breached threshold.
    done = profile_command(router_with_procedures, "-m", "report_endless", "--task-timeout", "0.5s",
                           "--fail-on", "p95<1us")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "✗ p95<1us breached" in done.stdout


@pytest.mark.parametrize("bad, message", [
    ("p95<<5ms", "--fail-on 'p95<<5ms': expected [OPERATION:]METRIC<VALUE"),
    ("p95<500", "--fail-on 'p95<500': a latency needs a unit"),
    ("latency<1s", "--fail-on 'latency<1s': unknown metric 'latency'"),
    ("errors<lots", "--fail-on 'errors<lots': errors take a rate like 1% or a count like 10"),
])
def test_bad_threshold_syntax_is_one_command_error_line_and_exit_2(router_with_procedures, bad, message):
    done = profile_command(router_with_procedures, "-m", "report_mixed", "--fail-on", "p95<1s",
                           "--fail-on", bad, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    [line] = stderr_lines(done)
    assert line.startswith(f"CommandError: {message}")
    assert "Running task" not in done.stdout  # rejected before anything started
