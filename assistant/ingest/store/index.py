"""The index as search sees it: the catalog's chunks, a BM25 index over them, and their vectors in Chroma.

A snapshot (chunks + BM25) is rebuilt whenever the catalog's generation changes, so searches always see a
whole, committed version of every report — never a half-ingested one.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections import Counter, OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.ingest.store.bm25 import BM25Index
from assistant.ingest.store.catalog import Catalog
from assistant.ingest.embed import Embedder, make_embedder
from assistant.core.models import Chunk, ChunkKind
from assistant.core.settings import Settings
from assistant.core.traditional import to_simplified
from assistant.ingest.store.faults import IndexBusy, IndexReadOnly, StorageError, storage_fault
from assistant.ingest.store.vectors import VectorStore

# Query vectors of the last few questions. One ask may embed the same text several times (a "both reports"
# question searches each report); a small LRU makes that one embedding. Small on purpose: it serves repeats
# within an ask and a question asked again right away, not a whole workload.
QUERY_CACHE_SIZE = 32
# flock(2) on this file: held exclusively by a process writing the index (ingest, remove), shared by a process
# reopening its embedded Chroma client to see another process's commits (vectors.py says why both are needed).
WRITE_LOCK = "write.lock"


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
                # Read before opening: a commit in between costs one reopen too many, never one too few.
                generation = self.catalog.generation(fresh=True)
                self._vectors = VectorStore(self.settings.index_dir, self.embedder.name, self.settings.chroma_url)
                if self._vectors.embedded is not None and self._vectors.embedded.generation is None:
                    self._vectors.embedded.generation = generation
            return self._vectors

    @property
    def read_only(self) -> bool:
        return self.catalog.read_only

    def _lock_fd(self) -> int | None:
        try:
            return os.open(self.settings.index_dir / WRITE_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return None  # a read-only folder: nobody can write it, so there is nothing to wait for

    @contextmanager
    def writing(self):
        """Exclusive write access across processes for one ingest or removal, and storage faults in one line.

        Another process writing is refused at once (IndexBusy) rather than waited for: an upload should not hang
        behind a night's ingest. Before writing, the embedded client is reopened if other processes committed,
        so this process never writes over vectors it has not seen.
        """
        index_dir = self.settings.index_dir
        if self.catalog.fault is not None:
            raise self.catalog.fault
        fd = self._lock_fd()
        if fd is None:
            raise IndexReadOnly(index_dir)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusy(index_dir) from None
            try:
                embedded = self.vectors.embedded
                if embedded is not None and embedded.read_only:  # served from a private copy: writes would be lost
                    raise embedded.fault or IndexReadOnly(index_dir)
                self._reopen_vectors_if_stale()
                yield
            except StorageError:
                raise
            except Exception as exc:
                fault = storage_fault(exc, index_dir)
                if fault is not None:
                    raise fault from exc
                raise
            finally:
                self._mark_vectors_current()  # this process wrote every commit since: its client is current
                try:
                    self.catalog.checkpoint()
                except Exception:  # noqa: BLE001 - best effort: a full disk or a busy reader; the WAL stays valid
                    pass
        finally:
            os.close(fd)  # also releases the lock

    def _reopen_vectors_if_stale(self) -> None:
        embedded = self.vectors.embedded
        generation = self.catalog.generation(fresh=True) if embedded is not None else None
        if embedded is not None and embedded.generation != generation:
            embedded.reopen(generation)

    def _mark_vectors_current(self) -> None:
        embedded = self._vectors.embedded if self._vectors is not None else None
        if embedded is not None:
            try:
                embedded.generation = self.catalog.generation(fresh=True)
            except Exception:  # noqa: BLE001 - a failing disk: the next read reopens, which is safe
                embedded.generation = None

    def fresh_vectors(self) -> VectorStore:
        """The vector store, reopened first if another process committed since it was opened.

        Reopening waits for no one: while another process holds the write lock the old client keeps answering
        (its vectors of the new chunks are missing until that writer finishes; BM25 already has them).
        """
        vectors = self.vectors
        embedded = vectors.embedded
        if embedded is None or embedded.read_only or embedded.generation == self.catalog.generation():
            return vectors
        fd = self._lock_fd()
        try:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            generation = self.catalog.generation(fresh=True)  # read under the lock: no commit can follow unseen
            if embedded.generation != generation:
                embedded.reopen(generation)
        except BlockingIOError:
            pass  # a writer is at work: reopen on a later search
        finally:
            if fd is not None:
                os.close(fd)
        return vectors

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
        # outside the lock: other threads keep answering; Simplified, as the passages were embedded (ingest)
        vector = self.embedder.embed_query(to_simplified(query))
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
        hits = self.fresh_vectors().query(self.query_vector(query), k * 2 + 10, where or None)
        out = [(snap.chunks[snap.position[i]], s) for i, s in hits if i in snap.position]
        return out[:k]
