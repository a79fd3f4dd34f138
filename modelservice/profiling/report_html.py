"""The HTML report: one self-contained file (inline CSS, inline SVG, no network) drawn from the JSON document.

`render_html(document)` takes `report_files.report_document(...)` and returns the page:

* the run (module, time, players, interrupted or not) and the threshold verdicts;
* charts (report_charts.py): latency percentiles per operation on a log axis, throughput and
  latency over the run's time (groups one after the other), task duration against the number of
  players in each group;
* tables: tasks per group, operations per group (slowest first), errors, what tasks printed
  (grouped, with counts and players), publish_stat values, failing players.

A few lines of inline script only mark the page as rendered (`data-rendered` on <html>, with the
number of charts), which the browser test reads; the page reads fine without script.

Not for: computing numbers (report_files.report_document) or drawing shapes (report_charts.py).
"""
from __future__ import annotations

from html import escape
from typing import Any, Iterable, Sequence

from .metrics import PERCENTILES, percentile_key
from .report_charts import Series, empty_chart, line_chart, log_bars

CHARTED_OPERATIONS = 25
CHARTED_TASKS = 4
PERCENTILE_KEYS = [percentile_key(p) for p in PERCENTILES]

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px auto;max-width:1100px;
color:#1d2329;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde1e6;padding-bottom:4px}
.meta{color:#56606b}.bad{color:#b3261e;font-weight:600}.good{color:#1e7b34;font-weight:600}
table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}
th,td{border-bottom:1px solid #e6e9ed;padding:3px 8px;text-align:right;white-space:nowrap}
th{background:#f4f6f8;font-weight:600}td.l,th.l{text-align:left;white-space:normal;word-break:break-all}
svg.chart{display:block;margin:8px 0 16px;background:#fff;border:1px solid #e6e9ed}
svg .title{font:600 13px system-ui,sans-serif;fill:#1d2329}svg .axis{font:11px system-ui,sans-serif;fill:#56606b}
svg .legend{font:11px system-ui,sans-serif;fill:#1d2329}svg .grid{stroke:#eef0f3}svg .axisline{stroke:#9aa3ad}
.out td:first-child{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
"""

_SCRIPT = """
(function(){var n=document.querySelectorAll('svg.chart').length;
document.documentElement.setAttribute('data-rendered','charts:'+n);})();
"""


def _ms(micros: Any) -> str:
    return "-" if micros in (None, "") else f"{float(micros) / 1000:.1f}"


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], *, left: int = 1) -> str:
    """A table whose first `left` columns are text (left-aligned) and the rest numbers."""
    cells = lambda row, tag: "".join(  # noqa: E731  (a local one-liner reads better here)
        f'<{tag}{" class=l" if i < left else ""}>{escape(str(v))}</{tag}>' for i, v in enumerate(row))
    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return f"<table><thead><tr>{cells(header, 'th')}</tr></thead><tbody>{body}</tbody></table>"


def _run_section(document: dict[str, Any]) -> str:
    run = document["run"]
    state = ('<span class="bad">interrupted</span>' if run.get("interrupted")
             else '<span class="good">completed</span>')
    failed = sum(g["failed"] for g in document["groups"])
    players = (f'{run.get("players")} players, {run.get("tasks")} task(s), {len(document["groups"])} '
               f'task run(s), {failed} failed player run(s)')
    return (f"<h1>Profile of {escape(str(run.get('module')))}</h1>"
            f'<p class="meta">{state} in {float(run.get("seconds") or 0):.3f} s · {escape(players)} · '
            f'generated {escape(str(run.get("generated_at")))} · exit code {escape(str(run.get("exit_code")))}'
            f' · report schema {escape(str(document["schema"]))} v{document["version"]}</p>')


def _thresholds_section(document: dict[str, Any]) -> str:
    verdicts = document.get("thresholds") or []
    if not verdicts:
        return ""
    rows = [(v["threshold"], v["detail"], "ok" if v["ok"] else "BREACHED") for v in verdicts]
    breached = sum(1 for v in verdicts if not v["ok"])
    head = (f'<p class="bad">{breached} threshold check(s) breached</p>' if breached
            else '<p class="good">all thresholds hold</p>')
    return "<h2>Thresholds</h2>" + head + _table(("threshold", "measured", "result"), rows, left=2)


def _latency_chart(document: dict[str, Any]) -> str:
    operations = [op for op in document["operations"] if op["count"]][:CHARTED_OPERATIONS]
    rows = [(op["name"], [op["latency_us"].get(k, 0) / 1000 for k in PERCENTILE_KEYS]) for op in operations]
    return log_bars("Latency percentiles per operation (all groups, slowest p95 first)", rows,
                    PERCENTILE_KEYS, unit="ms")


def _run_timeline(document: dict[str, Any]) -> list[tuple[float, dict[str, Any]]]:
    """Every group's seconds on one axis: groups ran one after another, in report order."""
    points, offset = [], 0.0
    for group in document["groups"]:
        for entry in group["timeline"]:
            points.append((offset + entry["second"], entry))
        offset += max(float(group["wall_seconds"]), 1.0)
    return points


def _per_second_counts(document: dict[str, Any]) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """Calls and errors per second with the quiet seconds as zeros (a gap is no traffic, not a ramp)."""
    calls, errors, offset = [], [], 0.0
    for group in document["groups"]:
        by_second = {entry["second"]: entry for entry in group["timeline"]}
        last = max(by_second, default=-1)
        for second in range(last + 1):
            entry = by_second.get(second, {"count": 0, "errors": 0})
            calls.append((offset + second, entry["count"]))
            errors.append((offset + second, entry["errors"]))
        offset += max(float(group["wall_seconds"]), 1.0)
    return calls, errors


def _time_charts(document: dict[str, Any]) -> str:
    points = _run_timeline(document)
    if not points:
        return empty_chart("Throughput over time") + empty_chart("Latency over time")
    calls_points, error_points = _per_second_counts(document)
    calls = Series("calls/s", calls_points)
    errors = Series("errors/s", error_points, color="#d62728")
    p50 = Series("p50", [(t, e["p50"] / 1000) for t, e in points])
    p95 = Series("p95", [(t, e["p95"] / 1000) for t, e in points], color="#ff7f0e")
    return (line_chart("Throughput over time", [calls, errors], x_label="seconds of task time",
                       y_label="operations per second")
            + line_chart("Latency over time (per second)", [p50, p95], x_label="seconds of task time",
                         y_label="ms"))


def _duration_chart(document: dict[str, Any]) -> str:
    by_task: dict[str, list[dict[str, Any]]] = {}
    for group in document["groups"]:
        by_task.setdefault(group["task"], []).append(group)
    series = []
    for task, groups in list(by_task.items())[:CHARTED_TASKS]:
        name = task.rsplit(".", 1)[-1]
        ordered = sorted((g for g in groups if g["duration_us"].get("count")), key=lambda g: g["players"])
        for key in ("p50", "p95", "max"):
            series.append(Series(f"{name} {key}", [(g["players"], g["duration_us"][key] / 1000) for g in ordered]))
    if not any(s.points for s in series):
        return empty_chart("Task duration against players per group")
    return line_chart("Task duration against players per group", series, x_label="players in the group",
                      y_label="task duration (ms)")


def _groups_table(document: dict[str, Any]) -> str:
    rows = []
    for g in document["groups"]:
        d = g["duration_us"]
        rows.append((g["task"], g["group"], g["players"], g["succeeded"], g["failed"], f'{g["wall_seconds"]:.3f}',
                     g["calls"], g["throughput"] if g["throughput"] is not None else "-",
                     *(_ms(d.get(k)) for k in PERCENTILE_KEYS), _ms(d.get("max"))))
    return _table(("task", "group", "players", "ok", "failed", "wall s", "calls", "calls/s",
                   *(f"{k} ms" for k in PERCENTILE_KEYS), "max ms"), rows)


def _operations_tables(document: dict[str, Any]) -> str:
    rows, errors = [], []
    for g in document["groups"]:
        for op in g["operations"]:
            lat = op["latency_us"]
            rows.append((op["name"], g["task"].rsplit(".", 1)[-1], g["group"], op["count"], op["error_count"],
                         op["throughput"] if op["throughput"] is not None else "-",
                         *(_ms(lat.get(k)) for k in PERCENTILE_KEYS), _ms(lat.get("max"))))
            errors += [(op["name"], key, g["group"], n) for key, n in op["errors"].items()]
        errors += [("(task) " + g["task"].rsplit(".", 1)[-1], key, g["group"], n)
                   for key, n in g["task_errors"].items()]
    html = _table(("operation", "task", "group", "count", "errors", "calls/s",
                   *(f"{k} ms" for k in PERCENTILE_KEYS), "max ms"), rows, left=2)
    if errors:
        html += "<h2>Errors</h2>" + _table(("operation", "error", "group", "count"), errors, left=2)
    return html


def _output_section(document: dict[str, Any]) -> str:
    rows, stats, failures = [], [], []
    for g in document["groups"]:
        short = g["task"].rsplit(".", 1)[-1]
        for m in g["output"]["messages"]:
            who = ", ".join(m["first_players"]) + (" …" if m["players"] > len(m["first_players"]) else "")
            rows.append((m["text"], short, g["group"], m["count"], m["players"], who))
        stats += [(s["id"], s["text"], short, g["group"], s["count"]) for s in g["stats"]]
        failures += [(f["player"], f["error"], short, g["group"]) for f in g["failures"]]
    html = ""
    if rows:
        html += ("<h2>What tasks printed</h2><div class=\"out\">"
                 + _table(("message", "task", "group", "times", "players", "first players"), rows, left=3)
                 + "</div>")
    if stats:
        html += "<h2>Statistics (publish_stat)</h2>" + _table(("stat", "value", "task", "group", "values"), stats, left=3)
    if failures:
        html += "<h2>Failing players (first ones)</h2>" + _table(("player", "error", "task", "group"), failures, left=3)
    return html


def render_html(document: dict[str, Any]) -> str:
    """The complete, self-contained HTML page for a report document."""
    title = escape(f"Profile of {document['run'].get('module')}")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title}</title>"
            f"<link rel=\"icon\" href=\"data:,\"><style>{_CSS}</style></head><body>"
            + _run_section(document) + _thresholds_section(document)
            + "<h2>Latency</h2>" + _latency_chart(document)
            + "<h2>Over time</h2>" + _time_charts(document)
            + "<h2>Task duration and group size</h2>" + _duration_chart(document)
            + "<h2>Tasks per group</h2>" + _groups_table(document)
            + "<h2>Operations per group (slowest first)</h2>" + _operations_tables(document)
            + _output_section(document)
            + f"<script>{_SCRIPT}</script></body></html>\n")
