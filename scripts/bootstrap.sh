#!/usr/bin/env bash
# Creates .venv (once) and installs the project with its test and demo dependencies.
# Idempotent: re-installs only when a requirements file or setup.py changed.
# --with-browser: also make sure Debian's chromium is there (the tests render the HTML report in it).
set -euo pipefail
with_browser=""
[ "${1:-}" = "--with-browser" ] && with_browser=1
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1; then
    echo "bootstrap: $python not found; install Python 3.11 (apt-get install python3) and retry." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    if ! "$python" -m venv .venv >/dev/null 2>&1; then
        # Debian splits venv (and ensurepip) out of the python3 package.
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "bootstrap: installing python3-venv with apt-get" >&2
            rm -rf .venv
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            "$python" -m venv .venv
        else
            echo "bootstrap: '$python -m venv' failed; install python3-venv and retry." >&2
            exit 1
        fi
    fi
fi

stamp=.venv/.requirements-stamp
want=$(cat requirements*.txt setup.py | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]; then
    echo "bootstrap: installing dependencies into .venv (first time: about 2 minutes)" >&2
    .venv/bin/python -m pip install -q --upgrade pip wheel setuptools
    .venv/bin/python -m pip install -q -r requirements-dev.txt
    .venv/bin/python -m pip install -q --no-deps -e .
    echo "$want" > "$stamp"
fi

# The HTML report's browser test renders it in Debian's chromium. Installed when missing (always
# so in CI=true) if we are root with apt-get; otherwise that test skips and says why.
if [ -n "$with_browser" ] && ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "bootstrap: installing chromium with apt-get (HTML report browser test)" >&2
        if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
            echo "bootstrap: could not install chromium; the HTML browser test will be skipped" >&2
        fi
    elif [ "${CI:-}" = "true" ]; then
        echo "bootstrap: chromium is missing and cannot be installed here (not root or no apt-get);" \
             "the HTML browser test will be skipped" >&2
    fi
fi
