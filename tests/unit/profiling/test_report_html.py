"""The HTML report is one self-contained, well-formed page with its charts, and escapes what it shows."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from modelservice.profiling.metrics import GroupMetrics, RunMetrics
from modelservice.profiling.report_charts import Series, line_chart, log_bars
from modelservice.profiling.report_files import RunInfo, report_document
from modelservice.profiling.report_html import render_html
from modelservice.profiling.thresholds import evaluate, parse_thresholds

VOID = {"meta", "link", "br", "img", "input", "hr", "rect", "line", "circle", "polyline"}


class Checker(HTMLParser):
    """Balanced tags, and every URL an attribute carries."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [value for name, value in attrs if name in ("href", "src", "xlink:href") and value]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()


def document(groups=(1, 5, 20), name="tasks.T.profile_x", op="test.op"):
    run = RunMetrics()
    for number, players in enumerate(groups):
        group = GroupMetrics(name, number)
        for i in range(players * 4):
            group.record(op, 0.001 * (1 + i % 7))
            group.record("GET /apis/runs/", 0.003, None if i % 5 else "500")
        for p in range(players):
            group.record_task(f"p{p}", 0.05 * players)
        group.output.add("p0", "something <b>printed</b>")
        group.wall_seconds = 1.5
        run.add(group)
    verdicts = evaluate(parse_thresholds(["p95<1us", "errors<50%"]), run)
    return report_document(run, RunInfo(module="tasks", seconds=4.5, interrupted=False, players=20,
                                        tasks=1, exit_code=3), verdicts)


def test_page_is_well_formed_self_contained_and_has_the_four_charts():
    page = render_html(document())
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == ["html"] or checker.stack == []
    assert checker.urls == ["data:,"]  # only the empty inline favicon: nothing to fetch
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)
    assert page.count('<svg class="chart"') == 4
    for title in ("Latency percentiles per operation", "Throughput over time", "Latency over time",
                  "Task duration against players per group"):
        assert title in page
    assert "1 threshold check(s) breached" in page and "BREACHED" in page
    assert "<script>" in page and "data-rendered" in page


def test_text_is_escaped():
    page = render_html(document(name="tasks.T.profile_<script>alert(1)</script>", op="op.<img src=x>"))
    assert "<script>alert(1)" not in page and "<img src=x>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "something &lt;b&gt;printed&lt;/b&gt;" in page


def test_duration_chart_plots_one_point_per_group_size():
    page = render_html(document(groups=(1, 5, 20)))
    chart = page[page.index("Task duration against players per group"):]
    chart = chart[:chart.index("</svg>")]
    assert chart.count("<polyline") == 3  # p50, p95, max
    assert len(re.findall(r"profile_x p95: (\d+), ", chart)) == 3
    assert re.findall(r"profile_x p95: (\d+), ", chart) == ["1", "5", "20"]


def test_empty_run_still_renders():
    page = render_html(report_document(RunMetrics(), RunInfo(module="m", seconds=0, interrupted=True,
                                                                 players=0, tasks=0)))
    assert page.count('<svg class="chart"') == 4 and "no data" in page and "interrupted" in page


def test_charts_scale_to_their_data():
    svg = line_chart("t", [Series("s", [(0, 0), (10, 95)])], x_label="x", y_label="y")
    assert ">100<" in svg  # round maximum above 95
    bars = log_bars("b", [("op", [0.5, 40.0])], ["p50", "p99"])
    assert ">0.1 ms<" in bars and ">100 ms<" in bars  # decades around the values


def test_quiet_seconds_show_as_zero_throughput_not_as_a_ramp():
    run = RunMetrics()
    group = GroupMetrics("tasks.T.profile_x", 0)
    group.timeline.origin = 0.0
    group.timeline.record(1000, False, now=0.5)
    group.timeline.record(1000, False, now=4.5)
    group.wall_seconds = 5.0
    run.add(group)
    page = render_html(report_document(run, RunInfo(module="m", seconds=5, interrupted=False, players=1,
                                                    tasks=1)))
    assert re.findall(r"<title>calls/s: (\d+), (\d+)</title>", page) == [
        ("0", "1"), ("1", "0"), ("2", "0"), ("3", "0"), ("4", "1")]


def test_a_single_group_size_gets_readable_ticks():
    svg = line_chart("t", [Series("s", [(300, 5.0)])], x_label="players", y_label="ms")
    labels = re.findall(r'class="axis">([^<]+)</text>', svg)
    assert "300" in labels and "299.5" in labels and not any("e+" in label for label in labels)
