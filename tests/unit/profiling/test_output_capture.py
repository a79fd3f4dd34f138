"""Routing what tasks print to their players: asyncio tasks, threads, pass-through, grouping, limits."""
from __future__ import annotations

import asyncio
import contextvars
import io
import sys
import threading

from modelservice.profiling import output_capture
from modelservice.profiling.output_capture import (OutputSummary, TaskStdout, bind_task_output,
                                                   capture_task_output, use_task_output)


def test_prints_of_concurrent_async_tasks_are_attributed_to_their_players():
    summary = OutputSummary()
    real = io.StringIO()

    async def player(name: str) -> None:
        output = bind_task_output(name, summary)
        try:
            for step in range(3):
                print("step", step, "of", name)  # print() writes in pieces: they must not mix
                await asyncio.sleep(0)
            print("same message for all")
        finally:
            output.close()

    async def main() -> None:
        await asyncio.gather(*(player(f"p{n}") for n in range(4)))

    original = sys.stdout
    sys.stdout = real
    try:
        with capture_task_output():
            asyncio.run(main())
            print("the profiler's own line")
    finally:
        sys.stdout = original
    assert real.getvalue() == "the profiler's own line\n"
    messages = dict(summary.most_common())
    assert messages["same message for all"].count == 4
    assert messages["same message for all"].player_count == 4
    assert messages["step 2 of p3"].players == ["p3"]
    assert summary.lines == 16 and len(summary) == 13


def test_sync_tasks_in_threads_print_to_their_own_player():
    summary = OutputSummary()
    proxy = TaskStdout(io.StringIO())

    def body(name: str) -> None:
        output = bind_task_output(name, summary)
        use_task_output(output)
        for _ in range(50):
            proxy.write(f"from {name}\n")

    threads = [threading.Thread(target=contextvars.Context().run, args=(body, f"t{n}")) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {text: m.count for text, m in summary.most_common()} == {f"from t{n}": 50 for n in range(4)}
    assert proxy.original.getvalue() == ""


def test_echo_writes_attributed_lines_through():
    summary, real = OutputSummary(), io.StringIO()
    proxy = TaskStdout(real, echo=True)

    def body() -> None:
        bind_task_output("a1@calc.edu", summary)
        proxy.write("half ")
        proxy.write("line\nnext\n")

    contextvars.Context().run(body)
    assert real.getvalue() == "[a1@calc.edu] half line\n[a1@calc.edu] next\n"


def test_a_last_line_without_newline_is_kept_on_close_and_blank_lines_are_not():
    summary = OutputSummary()
    output = output_capture.TaskOutput("p", summary)
    output.write("\n\n   \nno newline")
    assert summary.lines == 0
    output.close()
    assert [text for text, _ in summary.most_common()] == ["no newline"]


def test_distinct_messages_are_bounded_and_long_ones_cut(monkeypatch):
    monkeypatch.setattr(output_capture, "MAX_MESSAGES", 3)
    summary = OutputSummary()
    for n in range(10):
        summary.add("p", f"counter {n}")
    summary.add("p", "x" * 2000)
    assert len(summary) == 3 and summary.dropped == 8 and summary.lines == 11
    other = OutputSummary()
    other.add("q", "y" * 2000)
    assert len(next(iter(other.messages))) == output_capture.MAX_MESSAGE_CHARS


def test_merge_and_round_trip_keep_counts_and_players():
    a, b = OutputSummary(), OutputSummary()
    for n in range(7):
        a.add(f"a{n}", "boom")
    b.add("b0", "boom")
    b.add("b0", "other")
    merged = OutputSummary.from_dict(a.to_dict())
    merged.merge(OutputSummary.from_dict(b.to_dict()))
    boom = merged.messages["boom"]
    assert (boom.count, boom.player_count, boom.players) == (8, 8, ["a0", "a1", "a2", "a3", "a4"])
    assert merged.to_dict()["messages"][1] == {"text": "other", "count": 1, "players": 1,
                                                "first_players": ["b0"]}


def test_capture_restores_stdout_even_on_error():
    original = sys.stdout
    try:
        with capture_task_output():
            assert isinstance(sys.stdout, TaskStdout)
            raise RuntimeError("x")
    except RuntimeError:
        pass
    assert sys.stdout is original
