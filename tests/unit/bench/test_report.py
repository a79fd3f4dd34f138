"""build_report: per-round ratios, targets and the original design's extrapolation, from made-up probes."""
import pytest

from bench.original_fanout import FanoutResult
from bench.report import build_report
from bench.sections import Probe, Rounds

MB = 1_000_000


def probe(kind, *, players, kb_per_player=20.0, join_s=0.5, cpu_s=0.3, calls=0, spawned=100.0):
    base = 50 * MB
    return Probe(kind=kind, spawned_at=spawned, report={
        "players": players, "calls_each": calls, "calls_total": players * calls,
        "rss_base": base, "rss_joined": base, "rss_called": base + int(kb_per_player * 1000 * players),
        "uss_called": 40 * MB, "join_seconds": join_s, "called_at_monotonic": spawned + 1.5,
        "cpu_at_called": 0.8, "cpu_seconds_calls": cpu_s, "wall_seconds_calls": 1.0,
    })


def rounds(engine, bare):
    r = Rounds()
    r.by_kind["engine"], r.by_kind["bare"] = engine, bare
    return r


def plan(**overrides):
    return {"rounds": 3, "original_target": 300, **overrides}


def raw(*, engine_kb=20.0, engine_cpu=(0.33, 0.66, 0.30), original_processes=30):
    joins = {n: rounds([probe("engine", players=n, kb_per_player=engine_kb) for _ in range(3)],
                       [probe("bare", players=n, kb_per_player=25.0) for _ in range(3)])
             for n in (300, 1000)}
    # Round 2 ran on a slower machine: both sides doubled, its ratio is still 1.1.
    cpu = rounds([probe("engine", players=100, calls=10, cpu_s=c) for c in engine_cpu],
                 [probe("bare", players=100, calls=10, cpu_s=c) for c in (0.30, 0.60, 0.30)])
    original = FanoutResult(processes=original_processes, parallel=50, wall_seconds=16.0,
                            uss_bytes=[52 * MB] * original_processes,
                            cpu_seconds=[1.0] * original_processes)
    return {"joins": joins, "cpu": cpu, "original": original}


def test_all_targets_met_and_ratios_are_medians_of_rounds():
    report = build_report(plan(), raw())
    assert [t["met"] for t in report["targets"]] == [True, True, True, True]
    assert report["memory_kb_per_player"]["300"]["engine"] == pytest.approx(20.0)
    assert report["memory_kb_per_player"]["300"]["ratio"] == pytest.approx(0.8)
    assert report["cpu_us_per_call"]["ratio"] == pytest.approx(1.1)
    assert report["cpu_us_per_call"]["engine"] == pytest.approx(330.0)


def test_missed_targets_are_reported():
    report = build_report(plan(), raw(engine_kb=70.0, engine_cpu=(0.39, 0.78, 0.39)))
    missed = [t["name"] for t in report["targets"] if not t["met"]]
    assert missed == ["memory per player at 300 players", "memory per player at 1000 players",
                      "CPU per call, profiler / bare autobahn"]


def test_original_design_is_extrapolated_only_when_fewer_processes_ran():
    quick = build_report(plan(), raw(original_processes=30))["original_design_300"]
    assert quick["theirs"]["extrapolated_to"] == 300
    assert quick["theirs"]["uss_mb"] == pytest.approx(52 * 300)
    assert quick["theirs"]["wall_s"] == pytest.approx(160.0)
    full = build_report(plan(), raw(original_processes=300))["original_design_300"]
    assert full["theirs"]["extrapolated_to"] is None
    assert full["theirs"]["wall_s"] == pytest.approx(16.0)
    # Ours: from spawn to all-called (1.5 s), its USS, against theirs.
    assert full["ours"]["wall_s"] == pytest.approx(1.5)
    assert full["ratio"]["uss_mb"] == pytest.approx(40 / (52 * 300))
