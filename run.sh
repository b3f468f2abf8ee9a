#!/usr/bin/env bash
# Set up and start the app: the UI over corpus/ on http://127.0.0.1:7860 (the index is built on first use).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh ui
exec .venv/bin/assistant serve "$@"
