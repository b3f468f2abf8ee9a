#!/usr/bin/env bash
# Set up (with the dev and st extras, Chromium and CJK fonts) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh dev,st
export PYTHONUNBUFFERED=1
exec .venv/bin/python -m pytest "$@"
