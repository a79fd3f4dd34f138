#!/usr/bin/env bash
# Profile the game in the current directory (it has manage.py): one `./manage.py profile`
# process per player of the users file (-u) or -w unnamed players, all in one run.
# Example: profile.sh -m profilers.calc -u emails.txt -U ws://127.0.0.1:8080/ws
set -euo pipefail

PROG=profile.sh
DEFAULT_MANAGE="./manage.py"
# shellcheck source=scripts/_profile_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_profile_common.sh"

parse_options "$@"
if [[ -z "${PROFILE_MANAGE:-}" && ! -x ./manage.py ]]; then
    die 2 "no executable ./manage.py here ($PWD); run from the game directory, or set PROFILE_MANAGE"
fi
read -r -a manage <<< "${PROFILE_MANAGE:-$DEFAULT_MANAGE}"
print_settings
start_processes "${manage[@]}"
finish
