# Shared by profile.sh and aws_profile.sh (sourced, not run): options, the users file, starting
# one `profile` process per player, cleaning up children, and collecting their exit codes.
#
# What each script sets before sourcing: PROG (its name), and after parse_options it calls
# start_processes "<command words...>" and finish.
#
# Not for: anything the profiler does inside a process (modelservice/profiling/).

module="${PROFILER_MODULE:-}"
workers=""
groups=1
usersfile=""
wsurl="${MODEL_SERVICE_WS:-}"
run_id=""
emails=()
extra=()  # options after `--`, given to every process (only the run's leader writes reports)
pids=()
labels=()

die() {  # die <exit code> <message>: one line on stderr
    echo "$PROG: $2" >&2
    exit "$1"
}

usage() {
    cat <<EOF
usage: $PROG [-h] [-m module] [-w players] [-g groups] [-u usersfile] [-U ws_url] [-- OPTIONS]

Runs one profile process per player; they meet as one run through the router (run id made here).
  -m module     dotted package of the profile_*.py tasks (default: env PROFILER_MODULE)
  -w players    players without a users file: N processes named 1..N (default 1)
  -g groups     groups: each task runs once per group (default 1; stateful tasks need 1)
  -u usersfile  one email per line (blank lines, CRLF, trailing spaces and '#' lines ignored);
                one process per email, and -w is the number of emails
  -U ws_url     router URL (default: env MODEL_SERVICE_WS)
  -h            this help
  -- OPTIONS    further options for every profile process, e.g. -- --report run.json --fail-on 'p95<1s'
                (the run's leader writes the reports and checks the thresholds for the whole run)
Environment: PROFILE_MANAGE overrides the command that runs 'profile' ($DEFAULT_MANAGE).
Exit status: 0 when every process succeeded; otherwise the highest exit status among them.
EOF
}

positive_int() {  # positive_int <flag> <value>
    [[ "$2" =~ ^[0-9]+$ ]] && (( 10#$2 >= 1 )) || die 2 "$1 expects a whole number >= 1, got '$2'"
}

parse_options() {
    local opt
    OPTIND=1
    while getopts ":hm:w:g:u:U:" opt; do
        case "$opt" in
            h) usage; exit 0 ;;
            m) module="$OPTARG" ;;
            w) positive_int -w "$OPTARG"; workers=$((10#$OPTARG)) ;;
            g) positive_int -g "$OPTARG"; groups=$((10#$OPTARG)) ;;
            u) usersfile="$OPTARG" ;;
            U) wsurl="$OPTARG" ;;
            :) die 2 "-$OPTARG needs a value; see $PROG -h" ;;
            *) die 2 "unknown option -$OPTARG; see $PROG -h" ;;
        esac
    done
    local last_parsed=$((OPTIND - 1)) after_dashes=""
    (( last_parsed >= 1 )) && [[ "${!last_parsed}" == "--" ]] && after_dashes=1
    shift $((OPTIND - 1))
    if (( $# )); then
        [[ -n "$after_dashes" ]] || die 2 "unexpected argument '$1'; options for the profile command go after --; see $PROG -h"
        extra=("$@")
    fi
    [[ -n "$module" ]] || die 2 "no task module: pass -m (e.g. -m profilers.calc) or set PROFILER_MODULE"
    if [[ -n "$usersfile" ]]; then
        read_users_file "$usersfile"
        if [[ -n "$workers" && "$workers" != "${#emails[@]}" ]]; then
            die 2 "-w $workers does not match the ${#emails[@]} email(s) of $usersfile; drop -w"
        fi
        workers=${#emails[@]}
    fi
    workers=${workers:-1}
    # Unique per invocation, so that concurrent runs on one router never meet.
    run_id="sh_$(date +%s)_$$_${RANDOM}"
}

read_users_file() {  # fills emails[] from the file; tolerant of blank lines, CRLF, spaces
    local file="$1" line lineno=0
    [[ -e "$file" ]] || die 2 "users file '$file' does not exist; check the -u path"
    [[ -f "$file" && -r "$file" ]] || die 2 "users file '$file' is not a readable file"
    while IFS= read -r line || [[ -n "$line" ]]; do
        lineno=$((lineno + 1))
        line="${line//$'\r'/}"
        line="${line#"${line%%[![:space:]]*}"}"   # leading blanks
        line="${line%"${line##*[![:space:]]}"}"   # trailing blanks
        [[ -z "$line" || "$line" == \#* ]] && continue
        line="${line%%,*}"  # an 'email,password' line: the process acts through the email
        [[ "$line" =~ ^[^@[:space:]]+@[^@[:space:]]+$ ]] \
            || die 2 "$file:$lineno: '$line' is not an email address; fix or delete that line"
        emails+=("$line")
    done < "$file"
    (( ${#emails[@]} > 0 )) || die 2 "users file '$file' has no email lines; put one email per line"
}

print_settings() {
    echo "module=$module"
    echo "groups=$groups"
    echo "usersfile=$usersfile"
    echo "wsurl=${wsurl:-default}"
    echo "workers=$workers"
    echo "run_id=$run_id"
}

cleanup() {  # stop every child still running: TERM (orderly stop), then KILL after a grace
    local pid alive deadline
    trap - EXIT INT TERM
    alive=()
    for pid in "${pids[@]}"; do
        kill -0 "$pid" 2>/dev/null && alive+=("$pid")
    done
    (( ${#alive[@]} )) || return 0
    kill -TERM "${alive[@]}" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while (( SECONDS < deadline )); do
        alive=()
        for pid in "${pids[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive+=("$pid")
        done
        (( ${#alive[@]} )) || return 0
        wait -n "${alive[@]}" 2>/dev/null || true
    done
    kill -KILL "${alive[@]}" 2>/dev/null || true
}

on_signal() {  # on_signal <exit code>
    echo "$PROG: interrupted; stopping the profile processes" >&2
    cleanup
    exit "$1"
}

start_processes() {  # start_processes <command words...>: one process per player, in the background
    local common i
    common=(profile -m "$module" -w "$workers" -g "$groups" --run-id "$run_id" --log-level error)
    [[ -n "$wsurl" ]] && common+=(--url "$wsurl")
    common+=("${extra[@]}")
    trap cleanup EXIT
    trap 'on_signal 130' INT
    trap 'on_signal 143' TERM
    started_at=$(date +%s.%N)
    if (( ${#emails[@]} )); then
        for i in "${!emails[@]}"; do
            "$@" "${common[@]}" --user-email "${emails[i]}" &
            pids+=($!)
            labels+=("${emails[i]}")
        done
    else
        for ((i = 1; i <= workers; i++)); do
            "$@" "${common[@]}" -n "$i" &
            pids+=($!)
            labels+=("worker $i")
        done
    fi
}

finish() {  # wait for every process, print the total time, exit with the worst status
    local i rc worst=0 failed=()
    for i in "${!pids[@]}"; do
        rc=0
        wait "${pids[i]}" || rc=$?
        if (( rc != 0 )); then
            failed+=("${labels[i]} (pid ${pids[i]}, exit $rc)")
            (( rc > worst )) && worst=$rc
        fi
    done
    trap - EXIT INT TERM
    awk -v s="$started_at" -v e="$(date +%s.%N)" 'BEGIN { printf "seconds=%.3f\n", e - s }'
    if (( ${#failed[@]} )); then
        printf -v i '%s; ' "${failed[@]}"
        echo "$PROG: ${#failed[@]} of ${#pids[@]} process(es) failed: ${i%; }" >&2
        exit "$worst"
    fi
}
