#!/usr/bin/env bash
# Installs what the tests need (into .venv) and runs the whole test suite:
# unit tests, integration tests against a real local Simpl stack, and end-to-end CLI tests.
# Extra arguments go to pytest, e.g. ./scripts/test.sh tests/unit -x
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/bootstrap.sh --with-browser
exec .venv/bin/python -m pytest "$@"
