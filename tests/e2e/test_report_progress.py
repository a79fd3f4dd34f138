"""Live progress lines and the printed-output summary in a real run of the command.

report_timed calls `test.report.echo` for REPORT_SECONDS of wall time; with `--progress lines` and
a short interval the plain progress lines (the CI-log form) must appear while it runs, each with
the players' state and the current rate.
"""
from __future__ import annotations

import json
import re

import pytest

from tests.e2e._report_support import command_env, profile_command, router_with_procedures  # noqa: F401

pytestmark = pytest.mark.e2e


def test_progress_lines_appear_while_a_group_runs(router_with_procedures):
    done = profile_command(router_with_procedures, "-m", "report_timed", "--progress", "lines",
                           "--progress-interval", "0.5s",
                           env=command_env(router_with_procedures, REPORT_SECONDS="3"))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("progress ")]
    running = [line for line in lines if "profile_for_a_while group 0" in line]
    assert len(running) >= 3, done.stdout
    assert re.search(r"1/1 joined, 1 running, 0 done, 0 failed; \d+ calls/s, p95 [\d.]+ ms", "\n".join(running))
    # Progress goes before the group's end line, never after the summary.
    assert done.stdout.index(running[-1]) < done.stdout.index("✓ Task")


def test_no_progress_lines_with_progress_off_or_verbosity_0(router_with_procedures):
    done = profile_command(router_with_procedures, "-m", "report_timed", "--progress", "off",
                           env=command_env(router_with_procedures, REPORT_SECONDS="1.5"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "progress " not in done.stdout
    quiet = profile_command(router_with_procedures, "-m", "report_timed", "--progress", "lines",
                            "--progress-interval", "0.3s", "-v", "0",
                            env=command_env(router_with_procedures, REPORT_SECONDS="1.5"))
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert quiet.stdout == ""


def test_what_tasks_print_is_summarised_per_player_not_interleaved(router_with_procedures, tmp_path):
    users = tmp_path / "users.txt"
    users.write_text("".join(f"p{n}@calc.edu\n" for n in range(1, 6)))
    done = profile_command(router_with_procedures, "-m", "report_mixed", "--users-file", str(users))
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    # The swallowed error shows once, counted, with who printed it; not five raw lines.
    # (which players come first in the sample depends on who printed first: not asserted)
    assert re.search(r"^\s+5 x .*refused on purpose.*\[5 player\(s\): p\d@calc.edu, ", out, re.M), out
    assert "Printed by task 'profile_mixed' on group 0 (10 line(s), 6 distinct)" in out
    assert re.search(r"^\s+1 x done with p3@calc.edu\s+\[1 player\(s\): p3@calc.edu\]", out, re.M), out
    assert "ℹ 100 echoes" in out
    # At verbosity 2 the lines are also echoed live, attributed.
    loud = profile_command(router_with_procedures, "-m", "report_mixed", "--users-file", str(users), "-v", "2")
    assert "[p2@calc.edu] done with p2@calc.edu" in loud.stdout


def test_prints_of_sync_tasks_in_threads_are_attributed_too(router_with_procedures, tmp_path):
    users = tmp_path / "users.txt"
    users.write_text("s1@calc.edu\ns2@calc.edu\n")
    report = tmp_path / "sync.json"
    done = profile_command(router_with_procedures, "-m", "report_sync", "--users-file", str(users),
                           "--report", str(report))
    assert done.returncode == 0, done.stdout + done.stderr
    [group] = json.loads(report.read_text())["groups"]
    messages = {m["text"]: m["first_players"] for m in group["output"]["messages"]}
    assert messages == {"sync task of s1@calc.edu": ["s1@calc.edu"], "sync task of s2@calc.edu": ["s2@calc.edu"]}
    assert [op["count"] for op in group["operations"]] == [10]
