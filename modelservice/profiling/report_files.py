"""Report files: the versioned JSON report, CSV tables, and writing any file atomically.

`report_document()` turns a run's metrics into one plain dict (schema `simpl-profiler-report`,
version REPORT_VERSION) holding both what a human or a script reads (per group and per operation:
counts, errors by key, throughput, latency percentiles in microseconds, the per-second timeline,
the printed-output summary, threshold verdicts) and the exact HDR histograms (`metrics`, as
`RunMetrics.to_dict()`), so that `read_report()` can rebuild the metrics of an earlier run and two
runs can be compared percentile for percentile. The HTML report draws from the same document.

Files are written with `write_atomically()`: a temporary file in the same directory, fsync,
then `os.replace`, so an interrupted run leaves the previous file or the new one, never half.

Not for: deciding what to write or when (the command), the console (report.py), HTML (report_html.py).
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

from .errors import ConfigurationError
from .metrics import (GroupMetrics, PERCENTILES, RunMetrics, describe_stat, latency_summary,
                      percentile_key)
from .thresholds import Verdict, merged_operations

REPORT_SCHEMA = "simpl-profiler-report"
REPORT_VERSION = 1
LATENCY_COLUMNS = ["min", "mean", *(percentile_key(p) for p in PERCENTILES), "max"]


class ReportFileError(ConfigurationError):
    """A report file cannot be written where asked, or read back (not a report, unknown version)."""


@dataclass(frozen=True)
class RunInfo:
    """What the report says about the run itself (never secrets: no ticket, no argv)."""

    module: str
    seconds: float
    interrupted: bool
    players: int
    tasks: int
    exit_code: int | None = None
    url: str | None = None
    groups: int | None = None
    generated_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))


# -- writing files ---------------------------------------------------------------------------------

def check_output_path(path: str, option: str) -> Path:
    """The path for `option`'s file, or ReportFileError if it cannot be written there (checked up front)."""
    target = Path(path).expanduser()
    if target.is_dir():
        raise ReportFileError(f"{option} {path}: is a directory; give a file name like {option} out/report")
    parent = target.parent
    if not parent.is_dir():
        raise ReportFileError(f"{option} {path}: directory {parent} does not exist; create it first")
    if not os.access(parent, os.W_OK):
        raise ReportFileError(f"{option} {path}: directory {parent} is not writable")
    return target


def write_atomically(path: Path | str, text: str) -> Path:
    """Write `text` to `path` via a temporary file and os.replace: whole or not at all."""
    target = Path(path)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=target.parent,
                                         prefix=f".{target.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, target)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return target


# -- the document ----------------------------------------------------------------------------------

def _rate(count: int, seconds: float) -> float | None:
    return round(count / seconds, 3) if seconds > 0 else None


def _operation_entry(name: str, stats: Any, seconds: float) -> dict[str, Any]:
    count = stats.count
    return {"name": name, "count": count, "error_count": stats.error_count,
            "error_rate": round(stats.error_count / count, 6) if count else 0.0,
            "errors": dict(sorted(stats.errors.items(), key=lambda item: -item[1])),
            "throughput": _rate(count, seconds), "latency_us": latency_summary(stats.histogram)}


def _timeline_entries(group: GroupMetrics) -> list[dict[str, Any]]:
    entries = []
    for second, bucket in group.timeline:
        h = bucket.histogram
        entries.append({"second": second, "count": bucket.count, "errors": bucket.errors,
                        "p50": h.get_value_at_percentile(50), "p95": h.get_value_at_percentile(95),
                        "max": h.get_max_value()})
    return entries


def _group_entry(group: GroupMetrics) -> dict[str, Any]:
    seconds = group.wall_seconds
    operations = sorted(group.operations.items(),
                        key=lambda item: item[1].histogram.get_value_at_percentile(95), reverse=True)
    calls = sum(stats.count for stats in group.operations.values())
    return {
        "task": group.task, "group": group.group, "players": group.players,
        "succeeded": group.succeeded, "failed": group.failed, "wall_seconds": round(seconds, 6),
        "throughput": _rate(calls, seconds), "calls": calls,
        "duration_us": latency_summary(group.durations),
        "task_errors": dict(group.task_errors),
        "failures": [{"player": player, "error": error} for player, error in group.failures],
        "operations": [_operation_entry(name, stats, seconds) for name, stats in operations],
        "stats": [{"id": stat_id, "text": describe_stat(aggregator), "count": len(aggregator)}
                  for stat_id, aggregator in group.stats.items()],
        "output": group.output.to_dict(),
        "timeline": _timeline_entries(group),
    }


def report_document(metrics: RunMetrics, info: RunInfo,
                    verdicts: Iterable[Verdict] = ()) -> dict[str, Any]:
    """The whole report as plain JSON-able data (see the module docstring)."""
    wall = sum(group.wall_seconds for group in metrics)
    operations = sorted(merged_operations(metrics).items(),
                        key=lambda item: item[1].histogram.get_value_at_percentile(95), reverse=True)
    return {
        "schema": REPORT_SCHEMA,
        "version": REPORT_VERSION,
        "run": asdict(info),
        "thresholds": [verdict.to_dict() for verdict in verdicts],
        "groups": [_group_entry(group) for group in metrics],
        "operations": [_operation_entry(name, stats, wall) for name, stats in operations],
        "metrics": metrics.to_dict(),
    }


def write_json_report(path: Path | str, document: dict[str, Any]) -> Path:
    return write_atomically(path, json.dumps(document, indent=1, sort_keys=False) + "\n")


def read_report(path: Path | str) -> tuple[dict[str, Any], RunMetrics]:
    """An earlier JSON report and its exact metrics; ReportFileError if it is not one we can read."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportFileError(f"{path}: cannot read a JSON report ({exc})") from exc
    if not isinstance(document, dict) or document.get("schema") != REPORT_SCHEMA:
        raise ReportFileError(f"{path}: not a profiler report (no schema {REPORT_SCHEMA!r})")
    version = document.get("version")
    if version != REPORT_VERSION:
        raise ReportFileError(f"{path}: report version {version!r}; this profiler reads version "
                              f"{REPORT_VERSION}")
    return document, RunMetrics.from_dict(document.get("metrics", {}))


# -- CSV -------------------------------------------------------------------------------------------

def _csv_text(header: list[str], rows: Iterable[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_tables(document: dict[str, Any]) -> dict[str, str]:
    """File suffix -> CSV text: operations, tasks, errors and timeline (latencies in microseconds)."""
    ops_header = ["task", "group", "operation", "count", "errors", "error_rate", "throughput",
                  *(f"{c}_us" for c in LATENCY_COLUMNS)]
    ops, tasks, errors, timeline = [], [], [], []
    for g in document["groups"]:
        for op in g["operations"]:
            latency = op["latency_us"]
            ops.append([g["task"], g["group"], op["name"], op["count"], op["error_count"],
                        op["error_rate"], op["throughput"], *(latency.get(c, "") for c in LATENCY_COLUMNS)])
            errors += [[g["task"], g["group"], op["name"], key, n] for key, n in op["errors"].items()]
        errors += [[g["task"], g["group"], "(task)", key, n] for key, n in g["task_errors"].items()]
        duration = g["duration_us"]
        tasks.append([g["task"], g["group"], g["players"], g["succeeded"], g["failed"],
                      g["wall_seconds"], g["calls"], g["throughput"],
                      *(duration.get(c, "") for c in LATENCY_COLUMNS)])
        timeline += [[g["task"], g["group"], t["second"], t["count"], t["errors"], t["p50"], t["p95"],
                      t["max"]] for t in g["timeline"]]
    return {
        "operations": _csv_text(ops_header, ops),
        "tasks": _csv_text(["task", "group", "players", "succeeded", "failed", "wall_seconds", "calls",
                            "throughput", *(f"duration_{c}_us" for c in LATENCY_COLUMNS)], tasks),
        "errors": _csv_text(["task", "group", "operation", "error", "count"], errors),
        "timeline": _csv_text(["task", "group", "second", "count", "errors", "p50_us", "p95_us",
                               "max_us"], timeline),
    }


def write_csv_reports(prefix: str, document: dict[str, Any]) -> list[Path]:
    """`<prefix>_operations.csv`, `_tasks.csv`, `_errors.csv`, `_timeline.csv`, each atomically."""
    return [write_atomically(f"{prefix}_{name}.csv", text) for name, text in csv_tables(document).items()]
