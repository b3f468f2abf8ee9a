"""One index, two processes: a process holding an Assistant (as `assistant serve` does) sees a report that the CLI
ingested in another process at its next search — BM25 and dense — and two writers never run at once.

Real processes, embedded Chroma: the reader is a Python child answering searches line by line on stdin/stdout;
the writer is the `assistant` CLI. Before the fix the reader's dense search never returned the new chunks (Chroma
serves a per-process cached HNSW graph), so questions about the new report abstained until a restart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import GUOLIAN, ROOT, clone

NEW = "zz-two-process-report.txt"
READER = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from assistant.core.settings import Settings
    from assistant.facade import Assistant

    a = Assistant(Settings(index_dir=Path(sys.argv[1]), corpus_dir=Path(sys.argv[2])))
    a.search("warm up")
    print("READY", flush=True)
    for line in sys.stdin:
        q = json.loads(line)
        hits = a.search(q, k=5)
        vectors = a.index.fresh_vectors()
        dense = [i for i, _ in vectors.query(a.index.query_vector(q), 5)]
        print(json.dumps({{"hits": [[h.chunk.report, h.bm25_rank, h.dense_rank] for h in hits], "dense": dense,
                           "generation": a.index.catalog.generation()}}), flush=True)
""")


def new_report_text() -> str:
    text = (ROOT / "corpus" / GUOLIAN).read_text(encoding="utf-8")
    head = text[: text.index("\n", 4000)]
    return ("两进程测试证券 合成报告：青海格尔木零碳算力基地\n\n"
            + head.replace("国联", "两进程").replace("贵州", "青海").replace("河南", "西藏"))


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "assistant"
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=600, cwd=cwd,
                          env={**os.environ, "HF_HUB_OFFLINE": "1"})


def ask(reader: subprocess.Popen, query: str) -> dict:
    reader.stdin.write(json.dumps(query, ensure_ascii=False) + "\n")
    reader.stdin.flush()
    line = reader.stdout.readline()
    assert line, reader.stderr.read()[-3000:]
    return json.loads(line)


def test_a_running_process_sees_another_process_ingest(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)  # the copy's files; this process only reads them below
    index_dir, corpus = assistant.settings.index_dir, assistant.settings.corpus_dir
    new = tmp_path / "incoming" / NEW
    new.parent.mkdir()
    new.write_text(new_report_text(), encoding="utf-8")

    script = tmp_path / "reader.py"
    script.write_text(READER.format(root=str(ROOT)), encoding="utf-8")
    reader = subprocess.Popen([sys.executable, str(script), str(index_dir), str(corpus)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert reader.stdout.readline().strip() == "READY", reader.stderr.read()[-3000:]
        query = "两进程测试证券 青海格尔木零碳算力基地"
        before = ask(reader, query)
        assert all(r != NEW for r, _, _ in before["hits"])

        done = cli("--corpus", str(corpus), "--index", str(index_dir), "ingest", str(new), cwd=tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
        new_ids = {c.id for c in assistant.index.catalog.chunks()[0] if c.report == NEW}
        assert new_ids

        after = ask(reader, query)
        assert after["generation"] == before["generation"] + 1
        top = after["hits"][0]
        assert top[0] == NEW and top[1] is not None and top[2] is not None, after  # BM25 and dense both vote
        assert set(after["dense"]) & new_ids, after  # the reader's own Chroma client returns the new vectors

        # A removal from the CLI is seen as well (it was before; it must stay so).
        gone = cli("--corpus", str(corpus), "--index", str(index_dir), "remove", NEW, cwd=tmp_path)
        assert gone.returncode == 0, gone.stderr[-3000:]
        last = ask(reader, query)
        assert all(r != NEW for r, _, _ in last["hits"]) and not set(last["dense"]) & new_ids
    finally:
        reader.stdin.close()
        reader.wait(timeout=60)
    # Nothing grew out of bounds (reopening during another process's writes once grew link_lists.bin to 94 GB).
    size = sum(f.stat().st_size for f in (index_dir / "chroma").rglob("*") if f.is_file())
    assert size < 50e6, size


def test_a_second_writer_is_refused_in_one_line(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    index_dir, corpus = assistant.settings.index_dir, assistant.settings.corpus_dir
    new = tmp_path / NEW
    new.write_text(new_report_text(), encoding="utf-8")
    # Another process in the middle of an ingest holds the write lock: hold it here, from a child process.
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import fcntl, os, sys, time
        fd = os.open({str(index_dir / "write.lock")!r}, os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX)
        print("LOCKED", flush=True)
        sys.stdin.read()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "LOCKED"
        done = cli("--corpus", str(corpus), "--index", str(index_dir), "ingest", str(new), cwd=tmp_path)
        assert done.returncode == 1
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "另一个进程正在写入" in lines[0] and "another process is writing" in lines[0], done.stderr
        assert "Traceback" not in done.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert NEW not in assistant.index.catalog.report_ids()
