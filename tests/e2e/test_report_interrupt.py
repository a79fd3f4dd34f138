"""Ctrl-C and SIGTERM during a run of the real command: summary printed, partial files written, exit 130.

The task (report_endless) calls `test.report.echo` until it is stopped, so the report of an
interrupted run must hold those calls; files are written atomically, so no temporary file is
left next to them.
"""
from __future__ import annotations

import json
import signal

import pytest

from tests.e2e._report_support import (read_until, router_with_procedures,  # noqa: F401
                                       start_profile_command, stop_process)

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_interrupt_prints_the_summary_writes_partial_reports_and_exits_130(router_with_procedures,
                                                                             tmp_path, signum):
    report, html, csv_prefix = tmp_path / "run.json", tmp_path / "run.html", tmp_path / "run"
    process = start_profile_command(router_with_procedures, "-m", "report_endless", "--progress", "lines",
                                    "--progress-interval", "0.3s",
                                    "--report", str(report), "--html", str(html), "--csv", str(csv_prefix),
                                    "--fail-on", "p95<10s")
    try:
        # Interrupt once echoes are flowing (a progress line with a non-zero rate).
        read_until(process, r"failed; [1-9]\d* calls/s")
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        stop_process(process)
    assert process.returncode == 130, out + err
    assert "Interrupted after" in out
    assert "Operations (latency in ms" in out and "test.report.echo" in out
    assert "CommandError: interrupted; players stopped" in err

    document = json.loads(report.read_text())
    assert document["run"]["interrupted"] is True and document["run"]["exit_code"] == 130
    [group] = document["groups"]
    assert group["failed"] == 1 and "interrupted" in group["failures"][0]["error"]
    [echo] = group["operations"]
    assert echo["name"] == "test.report.echo" and echo["count"] > 0
    assert group["output"]["messages"][0]["text"] == "started worker"
    assert html.read_text().rstrip().endswith("</html>")
    assert (tmp_path / "run_operations.csv").read_text().count("test.report.echo") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "run.html", "run.json", "run_errors.csv", "run_operations.csv", "run_tasks.csv", "run_timeline.csv"]
