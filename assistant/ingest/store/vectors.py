"""Chroma holds the chunk vectors: embedded (PersistentClient under index/) or a `chroma run` server.

We always pass our own vectors: Chroma's default embedding function downloads a model, which fails offline.

Embedded Chroma and several processes (measured, docs/SCALING.md § One index, several processes): a client keeps
the HNSW graph it loaded and never sees another process's writes — not even a new PersistentClient on the same
path, which Chroma serves from a per-process cache. Closing the client and opening it again does see them (25 ms at
×1), but only when no other process is writing: reopening in a loop during another process's upserts grew
link_lists.bin to 94 GB in minutes. So the embedded client is one per folder per process (`_Embedded`), reopened
only under the index's write lock (index.py), and a read-only folder is served from a private copy.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from assistant.core.models import Chunk
from assistant.ingest.store.faults import storage_fault, writable


class VectorStoreUnavailable(RuntimeError):
    pass


def _settings() -> ChromaSettings:
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def _http_client(url: str):
    u = urlparse(url)
    try:
        return chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000,
                                   ssl=u.scheme == "https", settings=_settings())
    except Exception as exc:  # the client checks the server on creation
        raise VectorStoreUnavailable(f"无法连接 Chroma 服务 {url} / cannot reach the Chroma server at {url}: {exc}")


class _ReadWriteLock:
    """Many Chroma calls at once, or one reopen: closing the client under a running query would break it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    @contextmanager
    def shared(self):
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def exclusive(self):
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True
        try:
            yield
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()


class _Embedded:
    """The one PersistentClient of an index folder in this process (Chroma would share one anyway, stale or not)."""

    _by_path: dict[str, _Embedded] = {}
    _registry_lock = threading.Lock()

    @classmethod
    def of(cls, path: Path) -> _Embedded:
        key = str(Path(path).resolve())
        with cls._registry_lock:
            if key not in cls._by_path:
                cls._by_path[key] = cls(Path(key))
            return cls._by_path[key]

    def __init__(self, path: Path):
        self.path = path
        self.lock = _ReadWriteLock()
        self.generation: int | None = None  # the catalog generation read just before the client was opened
        self._client = None
        self._collections: dict[str, object] = {}
        self._open_lock = threading.Lock()
        # Chroma cannot open a folder it may not write (its own SQLite and log); serve a private copy instead.
        self.read_only = path.exists() and not writable(path)
        self.fault = None  # the storage fault that made this process read from a copy (a full disk), if any
        self._copy: Path | None = None

    def collection(self, name: str):
        with self._open_lock:
            if self._client is None:
                try:
                    self._client = self._open()
                except Exception as exc:
                    # A full disk: Chroma cannot even open (it writes on start). Read from a copy elsewhere.
                    fault = storage_fault(exc, self.path)
                    if fault is None or self.read_only:
                        raise fault or exc
                    # Until this process restarts it reads the copy and refuses writes (index.py), even once
                    # space returns: writes into a private copy would be lost.
                    self.read_only, self.fault = True, fault
                    try:
                        self._client = self._open()
                    except OSError:
                        raise fault from exc  # no room for a copy either: say why in one line
            if name not in self._collections:
                self._collections[name] = self._client.get_or_create_collection(
                    name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
            return self._collections[name]

    def _open(self):
        where = self.path
        if self.read_only:
            if self._copy is None:
                copy = Path(tempfile.mkdtemp(prefix="assistant-ro-chroma-")) / "chroma"
                atexit.register(shutil.rmtree, copy.parent, True)
                shutil.copytree(self.path, copy)
                self._copy = copy
            where = self._copy
        return chromadb.PersistentClient(path=str(where), settings=_settings())

    def reopen(self, generation: int) -> None:
        """Close the client so that the next call loads what other processes wrote. Call only under the index's
        write lock (shared or exclusive), never while another process writes."""
        with self.lock.exclusive(), self._open_lock:
            if self._client is not None:
                self._client.close()
            self._client = None
            self._collections.clear()
            self.generation = generation


class VectorStore:
    def __init__(self, index_dir: Path, embedder_name: str, url: str = ""):
        self.url = url
        self.name = f"chunks-{embedder_name}"  # the embedder is in the name: vectors of two models never mix
        if url:
            client = _http_client(url)
            self._embedded = None
            self._http_collection = client.get_or_create_collection(
                self.name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}})
        else:
            self._embedded = _Embedded.of(index_dir / "chroma")
            self._http_collection = None
            self._call("count")  # open now: a broken store fails here, not at the first question

    @property
    def embedded(self) -> _Embedded | None:
        return self._embedded

    def _call(self, method: str, *args, **kwargs):
        if self._embedded is not None:
            with self._embedded.lock.shared():
                return getattr(self._embedded.collection(self.name), method)(*args, **kwargs)
        try:
            return getattr(self._http_collection, method)(*args, **kwargs)
        except Exception as exc:
            raise VectorStoreUnavailable(
                f"Chroma 服务不可用 / the Chroma server at {self.url} is not answering: {exc}") from exc

    def upsert(self, chunks: list[Chunk], vectors: np.ndarray, batch: int = 1000) -> None:
        for i in range(0, len(chunks), batch):
            part = chunks[i:i + batch]
            self._call(
                "upsert",
                ids=[c.id for c in part],
                embeddings=np.asarray(vectors[i:i + batch], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[{"report": c.report, "kind": c.kind.value, "start": c.start, "end": c.end,
                            "section": c.section, "page": c.page if c.page is not None else -1} for c in part],
            )

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 1000):
            self._call("delete", ids=ids[i:i + 1000])

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            got = self._call("get", include=[], limit=5000, offset=offset)["ids"]
            out.update(got)
            if len(got) < 5000:
                return out
            offset += len(got)

    def count(self) -> int:
        return self._call("count")

    def query(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        # No count() first: Chroma 1.5 answers n_results above the collection size (or an empty collection) with
        # what it has, and the extra call cost ~10 ms per query at 91k vectors (a round trip with a server).
        res = self._call("query", query_embeddings=[np.asarray(vector, dtype=np.float32)],
                         n_results=k, where=where or None, include=["distances"])
        if not res["ids"]:
            return []
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]
