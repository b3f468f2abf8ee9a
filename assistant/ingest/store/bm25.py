"""BM25 over jieba tokens (bm25s), rebuilt in memory from the catalog's stored tokens whenever the catalog changes."""

from __future__ import annotations

import bm25s
import numpy as np


class BM25Index:
    def __init__(self, token_lists: list[list[str]]):
        self.size = len(token_lists)
        self._vocab = {t for toks in token_lists for t in toks}
        self._bm25 = bm25s.BM25()
        if token_lists:
            self._bm25.index([toks or [""] for toks in token_lists], show_progress=False)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """One score per document, in catalog order."""
        known = [t for t in query_tokens if t in self._vocab]
        if not self.size or not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def top(self, query_tokens: list[str], k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(document position, score) of the best k documents with a positive score."""
        scores = self.scores(query_tokens)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, int((scores > 0).sum()))
        if k <= 0:
            return []
        idx = np.argpartition(-scores, k - 1)[:k]
        idx = idx[np.argsort(-scores[idx], kind="stable")]
        return [(int(i), float(scores[i])) for i in idx]
