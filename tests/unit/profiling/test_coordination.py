"""Pure logic of coordination: run ids, URIs, roster order across processes, announce refusals,
and how RemoteExecutor turns a worker's failures into named player failures (fake sessions)."""
from __future__ import annotations

import asyncio
import argparse

import pytest
from autobahn.wamp.exception import ApplicationError

from modelservice.profiling.coordination import (
    ERROR_DUPLICATE_PLAYER, ERROR_RUN_FULL, WorkerInfo, announce_refusal, check_run_id,
    default_run_id, missing_message, order_players, run_uri)
from modelservice.profiling.groups import build_roster
from modelservice.profiling.metrics import GroupMetrics
from modelservice.profiling.options import run_id as run_id_option
from modelservice.profiling.remote import RemoteExecutor, WorkerLink


class Task:
    id = "pkg.profile_x.Case.profile_y"


def test_run_ids_are_one_uri_component():
    assert check_run_id(" sh_1_2_3 ") == "sh_1_2_3"
    for bad in ("", "a.b", "A-b", "x" * 65, "has space"):
        with pytest.raises(ValueError, match="a-z, 0-9 and _"):
            check_run_id(bad)
    with pytest.raises(argparse.ArgumentTypeError):
        run_id_option("a.b")


def test_default_run_id_depends_on_module_and_players_only():
    assert default_run_id("profilers.calc", 3) == "auto_profilers_calc_w3"
    assert default_run_id("profilers.calc", 3) != default_run_id("profilers.calc", 4)
    check_run_id(default_run_id("Some.Weird-Module!" * 5, 12))


def test_uris_are_under_the_run():
    assert run_uri("r1", "worker", 42, "run_group") == "simpl.profiler.r1.worker.42.run_group"


def test_roster_order_puts_the_leader_first_and_ignores_announce_order():
    late = WorkerInfo(7, "w7", ["b1", "b2"])
    early = WorkerInfo(9, "w9", ["a9"])
    assert order_players(["z1", "z2"], [late, early]) == order_players(["z1", "z2"], [early, late])
    assert order_players(["z1", "z2"], [late, early]) == [
        ("z1", None), ("z2", None), ("a9", 9), ("b1", 7), ("b2", 7)]
    names = [name for name, _ in order_players(["z1"], [late, early])]
    assert build_roster(names, 3) == [["z1"], ["z1", "a9", "b2"], ["z1", "a9", "b1", "b2"]]


def test_announce_refusals():
    assert announce_refusal(["a"], 3, ["b", "c"], started=False, run_id="r") is None
    uri, message = announce_refusal(["a"], 2, ["b", "c"], started=False, run_id="r")
    assert uri == ERROR_RUN_FULL and "expects 2 players" in message and "--run-id" in message
    uri, message = announce_refusal(["a", "b"], 5, ["b"], started=False, run_id="r")
    assert uri == ERROR_DUPLICATE_PLAYER and "'b'" in message
    uri, message = announce_refusal(["a"], 5, ["c"], started=True, run_id="r")
    assert uri == ERROR_RUN_FULL and "already started" in message


def test_missing_message_counts_and_names_who_joined():
    message = missing_message("r", 4, ["a", "b"], 3.0)
    assert "only 2 of 4 players joined within 3 s" in message and "2 missing" in message
    assert "Joined: a, b" in message


# -- RemoteExecutor with fake sessions ----------------------------------------------------------

class FakeLocal:
    def __init__(self):
        self.calls = []
        self.group_sizes = []

    async def run_group(self, task, group, members, *, timeout, stop, group_size=None):
        self.calls.append(list(members))
        self.group_sizes.append(group_size)
        metrics = GroupMetrics(task.id, group)
        for name in members:
            metrics.record_task(name, 0.01)
        return metrics


class AnsweringSession:
    def __init__(self):
        self.group_sizes = []

    async def call(self, uri, task_id, group, members, timeout, group_size):
        self.group_sizes.append(group_size)
        metrics = GroupMetrics(task_id, group)
        for name in members:
            metrics.record_task(name, 0.02)
        return metrics.to_dict()


class FailingSession:
    async def call(self, *args):
        raise ApplicationError("wamp.error.canceled")


class SilentSession:
    async def call(self, *args):
        await asyncio.sleep(3600)


def run_group(executor, members, timeout=1.0):
    async def go():
        return await executor.run_group(Task(), 0, members, timeout=timeout, stop=asyncio.Event())
    return asyncio.run(go())


def make(session_by_worker):
    links = {wid: WorkerLink(session, wid, f"'w{wid}'", f"uri.{wid}") for wid, session in session_by_worker.items()}
    owners = {"lead": None, "a": 1, "b": 1, "c": 2}
    return RemoteExecutor(FakeLocal(), owners, links), links


def test_remote_groups_merge_local_and_worker_metrics(monkeypatch):
    executor, _ = make({1: AnsweringSession(), 2: AnsweringSession()})
    merged = run_group(executor, ["lead", "a", "b", "c"])
    assert (merged.succeeded, merged.failed) == (4, 0)
    assert executor.local.calls == [["lead"]]


def test_every_part_of_a_split_group_is_told_the_whole_group_size():
    sessions = {1: AnsweringSession(), 2: AnsweringSession()}
    executor, _ = make(sessions)
    run_group(executor, ["lead", "a", "b", "c"])
    # workers_count in a task is the group's size, not the share of the process running it.
    assert executor.local.group_sizes == [4]
    assert sessions[1].group_sizes == [4] and sessions[2].group_sizes == [4]


def test_a_failing_worker_is_named_and_not_called_again():
    executor, links = make({1: FailingSession(), 2: AnsweringSession()})
    merged = run_group(executor, ["lead", "a", "b", "c"])
    assert (merged.succeeded, merged.failed) == (2, 2)
    assert {player for player, _ in merged.failures} == {"a", "b"}
    assert all("worker 'w1'" in reason and "wamp.error.canceled" in reason for _, reason in merged.failures)
    assert links[1].gone
    again = run_group(executor, ["a"])
    assert again.failed == 1 and "left the run earlier" in again.failures[0][1]


def test_a_silent_worker_times_out_with_the_margin(monkeypatch):
    monkeypatch.setattr("modelservice.profiling.remote.REMOTE_MARGIN", 0.05)
    executor, links = make({1: AnsweringSession(), 2: SilentSession()})
    merged = run_group(executor, ["c", "a"], timeout=0.05)
    assert merged.failed == 1 and merged.failures[0][0] == "c"
    assert "no answer within 0.1 s" in merged.failures[0][1] and links[2].gone


def test_a_worker_leaving_mid_group_stops_the_wait():
    executor, links = make({1: AnsweringSession(), 2: SilentSession()})

    async def go():
        running = asyncio.ensure_future(
            executor.run_group(Task(), 0, ["c"], timeout=3600, stop=asyncio.Event()))
        await asyncio.sleep(0)
        links[2].mark_gone("its session left the router")
        return await asyncio.wait_for(running, 5)

    merged = asyncio.run(go())
    assert merged.failed == 1 and "its session left the router" in merged.failures[0][1]
