#!/usr/bin/env bash
# Profile a deployed game from any directory: one `django-admin profile` process per player.
# Needs DJANGO_SETTINGS_MODULE (and PYTHONPATH to find it and the task module) and the
# router URL from -U or MODEL_SERVICE_WS.
# Example: DJANGO_SETTINGS_MODULE=demo.profiler_settings PYTHONPATH=/srv/game \
#          aws_profile.sh -m profilers.calc -u emails.txt -U wss://game.example.org/ws
set -euo pipefail

PROG=aws_profile.sh
DEFAULT_MANAGE="django-admin"
# shellcheck source=scripts/_profile_common.sh
source "$(dirname "${BASH_SOURCE[0]}")/_profile_common.sh"

parse_options "$@"
[[ -n "$wsurl" ]] || die 2 "no router URL: pass -U ws://host:port/ws or set MODEL_SERVICE_WS"
[[ -n "${DJANGO_SETTINGS_MODULE:-}" ]] \
    || die 2 "DJANGO_SETTINGS_MODULE is not set; point it at the game's (or a profiler) settings module"
read -r -a manage <<< "${PROFILE_MANAGE:-$DEFAULT_MANAGE}"
command -v "${manage[0]}" >/dev/null || die 2 "'${manage[0]}' is not on PATH; activate the profiler's virtualenv or set PROFILE_MANAGE"
print_settings
start_processes "${manage[@]}"
finish
