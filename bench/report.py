"""Turns the raw probe reports of `profiler_bench` into medians, ratios, targets and a table.

Not for: measuring (`bench.sections`) or exit codes (`bench.profiler_bench`).
"""
from __future__ import annotations

from bench.original_fanout import FanoutResult
from bench.results import (Target, extrapolate, format_table, growth_per_item_kb, median,
                           median_ratio, per_call_us)
from bench.sections import Probe, Rounds

MEMORY_LIMIT_KB = 64.0
JOIN_LIMIT_S = 2.0
JOIN_PLAYERS = 300
CPU_RATIO_LIMIT = 1.2
MB = 1e6


def _compare(rounds: Rounds, metric) -> dict:
    engine, bare = rounds.values("engine", metric), rounds.values("bare", metric)
    return {"engine": median(engine), "bare": median(bare), "ratio": median_ratio(engine, bare),
            "engine_rounds": engine, "bare_rounds": bare}


def _memory(joins: dict[int, Rounds]) -> dict:
    out = {}
    for n, rounds in joins.items():
        out[str(n)] = _compare(rounds, lambda p, n=n: growth_per_item_kb(
            p.report["rss_base"], p.report["rss_called"], n))
        out[str(n)]["after_join_only_engine"] = median(rounds.values(
            "engine", lambda p, n=n: growth_per_item_kb(p.report["rss_base"], p.report["rss_joined"], n)))
    return out


def _cpu(rounds: Rounds) -> dict:
    out = _compare(rounds, lambda p: per_call_us(p.report["cpu_seconds_calls"], p.report["calls_total"]))
    first = rounds.by_kind["engine"][0].report
    out.update(players=first["players"], calls_each=first["calls_each"],
               calls_per_second_engine=median(rounds.values(
                   "engine", lambda p: p.report["calls_total"] / p.report["wall_seconds_calls"])))
    return out


def _original(plan: dict, ours_rounds: list[Probe], theirs: FanoutResult) -> dict:
    target = plan["original_target"]
    scale = (lambda v: extrapolate(v, theirs.processes, target)) if theirs.processes != target else (lambda v: v)
    theirs_out = {
        "wall_s": scale(theirs.wall_seconds),
        "uss_mb": scale(theirs.uss_total / MB),
        "cpu_s": scale(theirs.cpu_total),
        "uss_mb_per_process": theirs.uss_total / MB / theirs.processes,
        "cpu_s_per_process": theirs.cpu_total / theirs.processes,
        "measured_processes": theirs.processes, "measured_wall_s": theirs.wall_seconds,
        "parallel": theirs.parallel, "extrapolated_to": target if theirs.processes != target else None,
    }
    ours_out = {
        # Ours includes its own interpreter start and imports, as each original process does.
        "wall_s": median(p.spawn_to_called for p in ours_rounds),
        "uss_mb": median(p.report["uss_called"] / MB for p in ours_rounds),
        "cpu_s": median(p.report["cpu_at_called"] for p in ours_rounds),
        "players": ours_rounds[0].report["players"],
    }
    return {"ours": ours_out, "theirs": theirs_out,
            "ratio": {k: ours_out[k] / theirs_out[k] for k in ("wall_s", "uss_mb", "cpu_s")}}


def build_report(plan: dict, raw: dict) -> dict:
    memory = _memory(raw["joins"])
    join = _compare(raw["joins"][JOIN_PLAYERS], "join_seconds")
    cpu = _cpu(raw["cpu"])
    original = _original(plan, raw["joins"][JOIN_PLAYERS].by_kind["engine"], raw["original"])
    targets = [Target(f"memory per player at {n} players", memory[str(n)]["engine"], MEMORY_LIMIT_KB, " kB")
               for n in sorted(raw["joins"], key=int)]
    targets.append(Target(f"time to join {JOIN_PLAYERS} players", join["engine"], JOIN_LIMIT_S, " s"))
    targets.append(Target("CPU per call, profiler / bare autobahn", cpu["ratio"], CPU_RATIO_LIMIT))
    return {"plan": plan, "memory_kb_per_player": memory, "join_300_s": join,
            "cpu_us_per_call": cpu, "original_design_300": original,
            "targets": [t.as_dict() for t in targets]}


def _verdict(report: dict, name: str) -> str:
    for t in report["targets"]:
        if t["name"] == name:
            return "ok" if t["met"] else "MISSED"
    return ""


def print_report(report: dict) -> None:
    mem, join, cpu = report["memory_kb_per_player"], report["join_300_s"], report["cpu_us_per_call"]
    rows = [(f"1 memory per player, {n} joined (kB)", m["engine"], m["bare"], m["ratio"],
             f"<= {MEMORY_LIMIT_KB:g} kB", _verdict(report, f"memory per player at {n} players"))
            for n, m in mem.items()]
    rows.append((f"2 time until {JOIN_PLAYERS} joined (s)", join["engine"], join["bare"], join["ratio"],
                 f"<= {JOIN_LIMIT_S:g} s", _verdict(report, f"time to join {JOIN_PLAYERS} players")))
    rows.append((f"3 client CPU per call (us), {cpu['players']}x{cpu['calls_each']}",
                 cpu["engine"], cpu["bare"], cpu["ratio"], f"ratio <= {CPU_RATIO_LIMIT:g}",
                 _verdict(report, "CPU per call, profiler / bare autobahn")))
    print()
    print(format_table(("measure", "profiler", "bare autobahn", "ratio", "target", "verdict"), rows))
    print(f"(medians of {report['plan']['rounds']} alternating rounds; ratio = median of per-round ratios)")

    orig = report["original_design_300"]
    ours, theirs, r = orig["ours"], orig["theirs"], orig["ratio"]
    label = "original design"
    if theirs["extrapolated_to"]:
        label += f" (EXTRAPOLATED x{theirs['extrapolated_to'] / theirs['measured_processes']:g} " \
                 f"from {theirs['measured_processes']} processes)"
    rows = [
        ("4 wall time until all joined and called (s)", ours["wall_s"], theirs["wall_s"], r["wall_s"]),
        ("4 memory, USS summed (MB)", ours["uss_mb"], theirs["uss_mb"], r["uss_mb"]),
        ("4 CPU time summed (s)", ours["cpu_s"], theirs["cpu_s"], r["cpu_s"]),
    ]
    print()
    print(f"300 players: profiler (one process) vs {label}, {theirs['parallel']} processes at a time")
    print(format_table(("measure", "profiler", "original", "ratio profiler/original"), rows))
    print(f"(original: {theirs['uss_mb_per_process']:.1f} MB USS and {theirs['cpu_s_per_process']:.2f} "
          f"CPU-s per process; measured {theirs['measured_processes']} in {theirs['measured_wall_s']:.1f} s)")
    print()
    for t in report["targets"]:
        print("  " + Target(t["name"], t["value"], t["limit"], t["unit"]).describe())
