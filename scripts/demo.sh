#!/usr/bin/env bash
# The whole demo in one command: install what is needed, start the local Simpl stack (games API,
# Crossbar router, authenticator, simpl-calc and simpl-div model services) in a fresh run folder,
# seed a simpl-calc run (50 players) and a simpl-div run (10 players), profile each game with
# `manage.py profile`, print where the reports and logs are, and stop the stack.
#
# Environment (all optional):
#   SIMPL_API_PORT     games API port on 127.0.0.1 (default 8100; 0 = any free port)
#   SIMPL_ROUTER_PORT  router port on 127.0.0.1 (default 8080; 0 = any free port)
#   SIMPL_DEMO_PLAYERS simpl-calc players (default 50); SIMPL_DEMO_DIV_PLAYERS (default 10, even)
#   SIMPL_DEMO_RUN_DIR run folder (default run/demo-<date-time>; must not hold a running stack)
# Ctrl-C at any point stops the stack; nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."

api_port=${SIMPL_API_PORT:-8100}
router_port=${SIMPL_ROUTER_PORT:-8080}
calc_players=${SIMPL_DEMO_PLAYERS:-50}
div_players=${SIMPL_DEMO_DIV_PLAYERS:-10}
run_dir=${SIMPL_DEMO_RUN_DIR:-$PWD/run/demo-$(date +%Y%m%d-%H%M%S)}
python=.venv/bin/python

say() { echo "demo: $*" >&2; }

./scripts/bootstrap.sh

mkdir -p "$run_dir"
run_dir=$(cd "$run_dir" && pwd)
stack_started=""
stop_stack() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n "$stack_started" ]]; then
        say "stopping the stack"
        "$python" -m demo.stack stop --run-dir "$run_dir" >&2 || status=1
    fi
    exit "$status"
}
trap stop_stack EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "starting the stack in $run_dir"
# Set before starting: if `start` is interrupted half-way, `stop` still cleans up.
stack_started=1
"$python" -m demo.stack start --run-dir "$run_dir" --api-port "$api_port" --router-port "$router_port"

# SIMPL_GAMES_URL, SIMPL_GAMES_AUTH, MODEL_SERVICE_WS, SIMPL_REALM and the tickets.
# shellcheck source=/dev/null
source "$run_dir/stack.env"

say "seeding simpl-calc ($calc_players players) and simpl-div ($div_players players)"
"$python" -m demo.seed calc -n demo --players "$calc_players" --reset --emails-file "$run_dir/calc-emails.txt"
"$python" -m demo.seed div -n demo --players "$div_players" --reset --emails-file "$run_dir/div-emails.txt"

status=0
for game in calc div; do
    say "profiling simpl-$game: every player logs in and submits a decision"
    GAME_SLUG=simpl-$game "$python" manage.py profile -m profilers \
        --users-file "$run_dir/$game-emails.txt" -g 1 \
        --report "$run_dir/$game-report.json" --html "$run_dir/$game-report.html" || status=$?
done

say "reports: $run_dir/{calc,div}-report.{json,html}"
say "logs:    $run_dir/*.log (stack.log is the stack's own)"
exit "$status"
