"""The index as search sees it: the catalog's chunks, a BM25 index over them, and their vectors in Chroma.

A snapshot (chunks + BM25) is rebuilt whenever the catalog's generation changes, so searches always see a
whole, committed version of every report — never a half-ingested one.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.ingest.store.bm25 import BM25Index
from assistant.ingest.store.catalog import Catalog
from assistant.ingest.embed import Embedder, make_embedder
from assistant.core.models import Chunk, ChunkKind
from assistant.core.settings import Settings
from assistant.ingest.store.vectors import VectorStore

# Query vectors of the last few questions. One ask may embed the same text several times (a "both reports"
# question searches each report); a small LRU makes that one embedding. Small on purpose: it serves repeats
# within an ask and a question asked again right away, not a whole workload.
QUERY_CACHE_SIZE = 32


@dataclass
class Snapshot:
    generation: int
    chunks: list[Chunk]
    position: dict[str, int]  # chunk id → position in `chunks`
    bm25: BM25Index
    reports: np.ndarray  # report id per chunk, for filters
    kinds: np.ndarray
    doc_freq: dict[str, int]  # token → number of chunks holding it (IDF for the answerer's coverage check)

    def mask(self, report: str | None = None, kind: ChunkKind | None = None) -> np.ndarray | None:
        if report is None and kind is None:
            return None
        m = np.ones(len(self.chunks), dtype=bool)
        if report is not None:
            m &= self.reports == report
        if kind is not None:
            m &= self.kinds == kind.value
        return m


class Index:
    def __init__(self, settings: Settings, embedder: Embedder | None = None):
        self.settings = settings
        index_dir: Path = settings.index_dir
        index_dir.mkdir(parents=True, exist_ok=True)
        self.catalog = Catalog(index_dir / "catalog.sqlite3")
        self._embedder = embedder
        self._vectors: VectorStore | None = None
        self._snapshot: Snapshot | None = None
        self._lock = threading.RLock()
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                self._embedder = make_embedder(self.settings)
            return self._embedder

    @property
    def vectors(self) -> VectorStore:
        with self._lock:
            if self._vectors is None:
                self._vectors = VectorStore(self.settings.index_dir, self.embedder.name, self.settings.chroma_url)
            return self._vectors

    def snapshot(self) -> Snapshot:
        generation = self.catalog.generation()
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                chunks, tokens = self.catalog.chunks()
                self._snapshot = Snapshot(
                    generation=generation,
                    chunks=chunks,
                    position={c.id: i for i, c in enumerate(chunks)},
                    bm25=BM25Index(tokens),
                    reports=np.array([c.report for c in chunks], dtype=object),
                    kinds=np.array([c.kind.value for c in chunks], dtype=object),
                    doc_freq=Counter(t for toks in tokens for t in set(toks)),
                )
            return self._snapshot

    def query_vector(self, query: str) -> np.ndarray:
        with self._lock:
            vector = self._query_vectors.get(query)
            if vector is not None:
                self._query_vectors.move_to_end(query)
                return vector
        vector = self.embedder.embed_query(query)  # outside the lock: other threads keep answering
        with self._lock:
            self._query_vectors[query] = vector
            while len(self._query_vectors) > QUERY_CACHE_SIZE:
                self._query_vectors.popitem(last=False)
        return vector

    def dense(self, query: str, k: int, report: str | None = None,
              kind: ChunkKind | None = None) -> list[tuple[Chunk, float]]:
        snap = self.snapshot()
        if not snap.chunks:
            return []
        where = {k_: v for k_, v in (("report", report), ("kind", kind.value if kind else None)) if v}
        if len(where) > 1:
            where = {"$and": [{k_: v} for k_, v in where.items()]}
        # Over-fetch: Chroma may still hold vectors of a half-finished ingest that the catalog does not list.
        hits = self.vectors.query(self.query_vector(query), k * 2 + 10, where or None)
        out = [(snap.chunks[snap.position[i]], s) for i, s in hits if i in snap.position]
        return out[:k]
