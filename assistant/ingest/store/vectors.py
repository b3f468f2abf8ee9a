"""Chroma holds the chunk vectors: embedded (PersistentClient under index/) or a `chroma run` server.

We always pass our own vectors: Chroma's default embedding function downloads a model, which fails offline.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings

from assistant.core.models import Chunk


class VectorStoreUnavailable(RuntimeError):
    pass


def _client(index_dir: Path, url: str):
    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        u = urlparse(url)
        try:
            return chromadb.HttpClient(host=u.hostname or "127.0.0.1", port=u.port or 8000,
                                       ssl=u.scheme == "https", settings=settings)
        except Exception as exc:  # the client checks the server on creation
            raise VectorStoreUnavailable(f"无法连接 Chroma 服务 {url} / cannot reach the Chroma server at {url}: {exc}")
    return chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=settings)


class VectorStore:
    def __init__(self, index_dir: Path, embedder_name: str, url: str = ""):
        self.url = url
        self.name = f"chunks-{embedder_name}"  # the embedder is in the name: vectors of two models never mix
        self._client = _client(index_dir, url)
        self._collection = self._client.get_or_create_collection(
            self.name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def _call(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            if self.url:
                raise VectorStoreUnavailable(
                    f"Chroma 服务不可用 / the Chroma server at {self.url} is not answering: {exc}"
                ) from exc
            raise

    def upsert(self, chunks: list[Chunk], vectors: np.ndarray, batch: int = 1000) -> None:
        for i in range(0, len(chunks), batch):
            part = chunks[i:i + batch]
            self._call(
                self._collection.upsert,
                ids=[c.id for c in part],
                embeddings=np.asarray(vectors[i:i + batch], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[{"report": c.report, "kind": c.kind.value, "start": c.start, "end": c.end,
                            "section": c.section, "page": c.page if c.page is not None else -1} for c in part],
            )

    def delete(self, ids: list[str]) -> None:
        for i in range(0, len(ids), 1000):
            self._call(self._collection.delete, ids=ids[i:i + 1000])

    def ids(self) -> set[str]:
        out: set[str] = set()
        offset = 0
        while True:
            got = self._call(self._collection.get, include=[], limit=5000, offset=offset)["ids"]
            out.update(got)
            if len(got) < 5000:
                return out
            offset += len(got)

    def count(self) -> int:
        return self._call(self._collection.count)

    def query(self, vector: np.ndarray, k: int, where: dict | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) best first."""
        # No count() first: Chroma 1.5 answers n_results above the collection size (or an empty collection) with
        # what it has, and the extra call cost ~10 ms per query at 91k vectors (a round trip with a server).
        res = self._call(self._collection.query, query_embeddings=[np.asarray(vector, dtype=np.float32)],
                         n_results=k, where=where or None, include=["distances"])
        if not res["ids"]:
            return []
        return [(i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0])]
