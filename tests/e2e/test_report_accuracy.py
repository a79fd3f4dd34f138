"""The measured latency is right: a procedure that takes a known 20 ms reads as 20 ms plus the round trip.

One player calls, interleaved, `test.report.sleep20` (awaits 20 ms in the callee) and
`test.report.echo` (returns at once: the bare loopback round trip through the router), through the
real command. The JSON report's p50 of sleep20 must be within 10% of 20 ms + the echo's p50
measured in the same run. Each echo follows 20 ms of idleness, like sleep20's reply, so that both
include the same wake-up cost (a few ms on a loaded 2-core machine, ~0.1 ms on a quiet one; a
bare autobahn caller sees the same).
"""
from __future__ import annotations

import json

import pytest

from tests.e2e._report_support import command_env, profile_command, router_with_procedures  # noqa: F401

pytestmark = pytest.mark.e2e

CALLS = 80


def test_p50_of_a_known_20ms_procedure_is_20ms_plus_the_bare_round_trip(router_with_procedures, tmp_path):
    report = tmp_path / "latency.json"
    done = profile_command(router_with_procedures, "-m", "report_latency", "--report", str(report),
                           env=command_env(router_with_procedures, REPORT_CALLS=str(CALLS)))
    assert done.returncode == 0, done.stdout + done.stderr
    operations = {op["name"]: op for op in json.loads(report.read_text())["operations"]}
    sleep, echo = operations["test.report.sleep20"], operations["test.report.echo"]
    assert sleep["count"] == echo["count"] == CALLS
    assert sleep["error_count"] == echo["error_count"] == 0
    round_trip = echo["latency_us"]["p50"]
    expected = 20_000 + round_trip
    measured = sleep["latency_us"]["p50"]
    print(f"p50 sleep20 {measured} us, p50 echo {round_trip} us, expected {expected} us")
    assert abs(measured - expected) <= 0.10 * expected, (measured, expected)
    # The summary on the console shows the same operation with p90 and p99.9 columns.
    assert "p99.9" in done.stdout and "test.report.sleep20" in done.stdout
