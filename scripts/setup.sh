#!/usr/bin/env bash
# Set up .venv for this checkout: `scripts/setup.sh` (the app) or `scripts/setup.sh dev,st` (the tests).
# Re-running is cheap: pip skips what is installed. No CUDA torch: the default install needs no torch at all,
# and the `st` extra pins torch==2.13.0, which pip takes as a local CPU build.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
spec="."
[ -n "$extras" ] && spec=".[${extras}]"
# Skip pip when this pyproject and these extras are already installed (a stamp per content hash).
stamp=".venv/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)-${extras:-base}"
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q -e "$spec"
  touch "$stamp"
fi

if [[ ",$extras," == *",dev,"* ]]; then
  # Browser tests drive Debian's Chromium (never `playwright install`); CJK fonts so Chinese is not boxes.
  if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
fi
