"""The JSON document and CSV tables, reading a report back, and atomic writes."""
from __future__ import annotations

import csv
import io
import json
import os

import pytest

from modelservice.profiling.metrics import GroupMetrics, RunMetrics
from modelservice.profiling.report_files import (REPORT_SCHEMA, REPORT_VERSION, ReportFileError, RunInfo,
                                                 check_output_path, csv_tables, read_report, report_document,
                                                 write_atomically, write_csv_reports, write_json_report)
from modelservice.profiling.thresholds import evaluate, parse_thresholds

OP = "world.simpl.sims.simpl-calc.model.period.{id}.submit_decision"
HTTP = "GET /apis/runs/"


def sample_run() -> RunMetrics:
    run = RunMetrics()
    for number, players in ((0, 1), (1, 3)):
        group = GroupMetrics("tasks.profile_t.ProfileT.profile_submit", number)
        for i in range(players * 10):
            group.record(OP, 0.001 * (i + 1))
            group.record(HTTP, 0.002)
        group.record(OP, 0.5, "wamp.error.runtime_error")
        group.record(HTTP, 0.1, "404")
        for p in range(players):
            group.record_task(f"a{p}@calc.edu", 0.2 + p, None if p < 2 else ValueError("refused"))
            group.output.add(f"a{p}@calc.edu", "runuser matching query does not exist")
        group.record_stat("rate", 3.0, "{stats.mean:.1f} c/s")
        group.wall_seconds = 2.0
        run.add(group)
    return run


def info(**changes) -> RunInfo:
    return RunInfo(**{"module": "tasks", "seconds": 4.0, "interrupted": False, "players": 3, "tasks": 1,
                      "exit_code": 0, **changes})


def test_document_has_schema_version_groups_operations_and_histograms():
    run = sample_run()
    document = report_document(run, info(), evaluate(parse_thresholds(["p95<1s"]), run))
    assert (document["schema"], document["version"]) == (REPORT_SCHEMA, REPORT_VERSION)
    assert document["run"]["module"] == "tasks" and document["thresholds"][0]["ok"] is True
    group = document["groups"][1]
    assert (group["players"], group["succeeded"], group["failed"]) == (3, 2, 1)
    assert group["calls"] == 62 and group["throughput"] == pytest.approx(31.0)
    ops = {op["name"]: op for op in group["operations"]}
    assert ops[OP]["count"] == 31 and ops[OP]["errors"] == {"wamp.error.runtime_error": 1}
    assert ops[HTTP]["errors"] == {"404": 1}
    assert set(ops[OP]["latency_us"]) == {"count", "min", "mean", "p50", "p90", "p95", "p99", "p99.9", "max"}
    assert ops[OP]["latency_us"]["max"] == pytest.approx(500_000, rel=0.001)
    assert group["stats"] == [{"id": "rate", "text": "3.0 c/s", "count": 1}]
    assert group["output"]["messages"][0]["count"] == 3
    assert sum(t["count"] for t in group["timeline"]) == 62
    # Run-wide operations: the two groups merged, slowest p95 first.
    merged = {op["name"]: op["count"] for op in document["operations"]}
    assert merged == {OP: 42, HTTP: 42}
    assert json.loads(json.dumps(document)) == document  # plain JSON


def test_json_report_reads_back_with_exact_histograms(tmp_path):
    run = sample_run()
    path = write_json_report(tmp_path / "r.json", report_document(run, info()))
    document, again = read_report(path)
    assert document["run"]["players"] == 3
    for before, after in zip(run, again):
        for name, stats in before.operations.items():
            for p in (50, 90, 99, 99.9, 100):
                assert after.operations[name].histogram.get_value_at_percentile(p) == \
                    stats.histogram.get_value_at_percentile(p)
            assert after.operations[name].errors == stats.errors
        assert after.wall_seconds == before.wall_seconds
        assert len(after.timeline) == len(before.timeline)


@pytest.mark.parametrize("content, message", [
    ("{not json", "cannot read a JSON report"),
    ('{"schema": "other"}', "not a profiler report"),
    (json.dumps({"schema": REPORT_SCHEMA, "version": 99}), "report version 99; this profiler reads version 1"),
])
def test_reading_something_else_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "r.json"
    path.write_text(content)
    with pytest.raises(ReportFileError, match=message):
        read_report(path)


def test_csv_tables(tmp_path):
    document = report_document(sample_run(), info())
    tables = {name: list(csv.DictReader(io.StringIO(text))) for name, text in csv_tables(document).items()}
    op_rows = [r for r in tables["operations"] if r["operation"] == OP]
    assert [r["count"] for r in op_rows] == ["11", "31"]
    assert float(op_rows[1]["p99.9_us"]) > float(op_rows[1]["p50_us"])
    assert {(r["operation"], r["error"], r["count"]) for r in tables["errors"] if r["group"] == "1"} == {
        (OP, "wamp.error.runtime_error", "1"), (HTTP, "404", "1"), ("(task)", "ValueError", "1")}
    assert [r["failed"] for r in tables["tasks"]] == ["0", "1"]
    assert sum(int(r["count"]) for r in tables["timeline"]) == 84
    paths = write_csv_reports(str(tmp_path / "run"), document)
    assert sorted(p.name for p in paths) == ["run_errors.csv", "run_operations.csv", "run_tasks.csv",
                                             "run_timeline.csv"]


def test_write_atomically_replaces_whole_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old")
    write_atomically(target, "new")
    assert target.read_text() == "new" and os.listdir(tmp_path) == ["r.json"]


def test_a_failed_write_keeps_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    target.write_text("old")

    def no_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_replace)
    with pytest.raises(OSError):
        write_atomically(target, "new")
    assert target.read_text() == "old" and os.listdir(tmp_path) == ["r.json"]


def test_check_output_path(tmp_path):
    assert check_output_path(str(tmp_path / "r.json"), "--report") == tmp_path / "r.json"
    with pytest.raises(ReportFileError, match="does not exist; create it first"):
        check_output_path(str(tmp_path / "missing" / "r.json"), "--report")
    with pytest.raises(ReportFileError, match="is a directory"):
        check_output_path(str(tmp_path), "--html")
