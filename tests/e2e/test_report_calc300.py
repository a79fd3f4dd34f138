"""A 300-player simpl-calc run through the real command, against the whole local stack.

The JSON report's per-operation counts must equal the calls that were made: each player of
profilers.calc makes exactly three games-API requests (run, user, runuser), the six login calls a
browser makes, and one submit_decision, once each. The HTML report of that run must render in a
real headless browser (Debian's chromium) with no console message at all, and its screenshot is
kept next to the report for a human to look at.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
PLAYERS = 300
WAMP_CALLS = ("get_active_runusers", "get_current_run_and_phase", "get_scope_tree", "get_scenarios",
              "get_phases", "get_roles", "submit_decision")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")


@pytest.fixture(scope="module")
def calc_run(simpl_stack, tmp_path_factory):
    from demo.seed import seed_game
    from tests.conftest import unique_run_name

    out = tmp_path_factory.mktemp("calc300")
    emails = seed_game(simpl_stack.games_url, simpl_stack.staff_auth, game="calc",
                       run_name=unique_run_name(), players=PLAYERS)
    users = out / "users.txt"
    users.write_text("\n".join(emails) + "\n")
    env = {**os.environ, **simpl_stack.env, "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "profile", "-m", "profilers.calc", "--users-file", str(users),
         "--report", str(out / "calc.json"), "--html", str(out / "calc.html"), "--csv", str(out / "calc"),
         "--fail-on", "errors<1%", "--progress", "lines", "--progress-interval", "2s"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    return done, out


def test_per_operation_counts_equal_the_calls_made(calc_run):
    done, out = calc_run
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    document = json.loads((out / "calc.json").read_text())
    [group] = document["groups"]
    assert (group["players"], group["succeeded"], group["failed"]) == (PLAYERS, PLAYERS, 0)
    operations = {op["name"]: op for op in document["operations"]}
    wamp = sorted(name.rsplit(".", 1)[-1] for name in operations if not name.startswith("GET "))
    http = sorted(name for name in operations if name.startswith("GET "))
    assert wamp == sorted(WAMP_CALLS)
    assert len(http) == 3, http
    assert {name: op["count"] for name, op in operations.items()} == {name: PLAYERS for name in operations}
    assert all(op["error_count"] == 0 for op in operations.values())
    assert group["calls"] == PLAYERS * (len(WAMP_CALLS) + 3)
    assert sum(entry["count"] for entry in group["timeline"]) == group["calls"]
    assert group["duration_us"]["count"] == PLAYERS and group["throughput"] > 0
    assert document["thresholds"][0]["ok"] is True
    assert "✓ errors<1%: all operations: errors = 0.00%" in done.stdout
    assert (out / "calc_operations.csv").read_text().count("\n") == len(operations) + 1


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed (scripts/bootstrap.sh installs Debian's chromium when "
                    "it is missing and it runs as root with apt-get); the HTML browser check needs it")
    return path


def browse(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess:
    """Load `page` in headless chromium with console logging on stderr."""
    argv = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
            *extra, page.as_uri()]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def console_messages(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stderr.splitlines() if ":CONSOLE" in line]


def test_the_console_check_catches_a_page_with_errors(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><body><script>missingFunction();</script></body></html>")
    done = browse(page, tmp_path / "profile", "--dump-dom")
    assert any("missingFunction is not defined" in line for line in console_messages(done)), done.stderr


def test_html_report_renders_in_a_headless_browser_without_console_messages(calc_run, tmp_path):
    done, out = calc_run
    assert done.returncode == 0, done.stderr[-3000:]
    page = out / "calc.html"
    dom = browse(page, tmp_path / "profile", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert console_messages(dom) == []
    assert 'data-rendered="charts:4"' in dom.stdout  # the inline script ran and found every chart
    assert "Profile of profilers.calc" in dom.stdout
    shot = out / "calc.png"
    taken = browse(page, tmp_path / "profile2", "--window-size=1200,2600", f"--screenshot={shot}")
    assert taken.returncode == 0 and shot.stat().st_size > 20_000, taken.stderr[-2000:]
    print(f"screenshot of the HTML report: {shot}")
