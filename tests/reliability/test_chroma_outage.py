"""The Chroma server going away mid-session: a clear bilingual error (VectorStoreUnavailable), the catalog untouched,
and answers as before once the server is back on the same path and port."""

from __future__ import annotations

import shutil

import pytest

from assistant.facade import Assistant
from assistant.core.settings import Settings
from assistant.ingest.store.vectors import VectorStoreUnavailable

from tests.processes import ChromaProcess

from .conftest import PROBE_QUESTIONS, answer_key, index_state


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("chroma_outage")
    chroma = ChromaProcess(root / "data")
    chroma.start()
    yield chroma
    chroma.kill()


@pytest.fixture(scope="module")
def server_assistant(server, built_index, seed_embedding_cache, tmp_path_factory):
    root = tmp_path_factory.mktemp("outage_index")
    corpus = root / "corpus"
    shutil.copytree(built_index.corpus_dir, corpus)
    settings = Settings(index_dir=root / "index", corpus_dir=corpus, chroma_url=server.url)
    assert seed_embedding_cache(settings.index_dir) > 50
    assistant = Assistant(settings, embedder=built_index.assistant.index.embedder)
    summary = assistant.ingest([corpus])
    assert len(summary.added) == 2 and summary.embedded == 0 and not summary.failed
    return assistant


def assert_unavailable(err: pytest.ExceptionInfo, url: str) -> None:
    message = str(err.value)
    assert message.startswith("Chroma 服务不可用 / "), message
    assert "not answering" in message and url in message, message


def test_outage_gives_a_clear_error_and_recovery_follows(server, server_assistant, reference) -> None:
    a = server_assistant
    before = {q: answer_key(a.ask(q)) for q in PROBE_QUESTIONS}
    assert before == reference["answers"], "the server index answers as the embedded one does"
    state = index_state(a)

    server.kill()
    for q in PROBE_QUESTIONS[:2]:
        with pytest.raises(VectorStoreUnavailable) as err:
            a.ask(q)
        assert_unavailable(err, server.url)
    with pytest.raises(VectorStoreUnavailable) as err:
        a.search("各地智算规划 2025年 EFlops")
    assert_unavailable(err, server.url)
    generation = a.index.catalog.generation()
    with pytest.raises(VectorStoreUnavailable) as err:  # an ingest refuses before touching the catalog
        a.ingest([a.settings.corpus_dir])
    assert_unavailable(err, server.url)
    assert a.index.catalog.generation() == generation
    with pytest.raises(VectorStoreUnavailable):
        a.status()

    server.start()  # same path, same port
    after = {q: answer_key(a.ask(q)) for q in PROBE_QUESTIONS}
    assert after == before
    assert index_state(a) == state
    # A process that starts while the server is up again opens the same index.
    fresh = Assistant(a.settings, embedder=a.index.embedder)
    assert answer_key(fresh.ask(PROBE_QUESTIONS[0])) == before[PROBE_QUESTIONS[0]]


def test_server_down_at_start_is_a_clear_error_too(server_assistant, server) -> None:
    server.kill()
    try:
        fresh = Assistant(server_assistant.settings, embedder=server_assistant.index.embedder)
        with pytest.raises(VectorStoreUnavailable) as err:
            fresh.ask(PROBE_QUESTIONS[1])
        assert "Chroma" in str(err.value) and server.url in str(err.value) and " / " in str(err.value)
    finally:
        server.start()
