"""Warm `Assistant.ask` p50 against a naive retrieval (one query embedding + one vector search), on the same index
and questions, measured in one run (issue 12's latency target: ask ≤ 1.5× naive). Two naive baselines: the bare
calls, and the same two calls as a LangChain retriever (`invoke` → Documents), as a naive LangChain RAG retrieves.

    .venv/bin/python bench/ask_vs_naive.py --index DIR --qa evals/qa.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--index", required=True)
    ap.add_argument("--qa", default="evals/qa.jsonl")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the questions (a 2-core machine is noisy)")
    args = ap.parse_args()
    os.environ["ASSISTANT_INDEX_DIR"] = args.index
    from assistant.core.settings import Settings
    from assistant.answer.evidence import _question_terms
    from assistant.core.shortforms import _by_first_cache
    from assistant.core.tokenize import _tokens, pos_tokens
    from assistant.facade import Assistant

    assistant = Assistant(Settings())
    questions = [json.loads(line)["question"] for line in open(args.qa, encoding="utf-8") if line.strip()]
    assistant.targets()  # derived data is built once per catalog generation: not part of a warm ask
    for q in questions[:5]:
        assistant.ask(q)
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever

    index = assistant.index

    class NaiveRetriever(BaseRetriever):
        """One query embedding, one vector search, the top 5 chunks as Documents."""

        def _get_relevant_documents(self, query, *, run_manager):
            snap = index.snapshot()
            hits = index.vectors.query(index.embedder.embed_query(query), 5)
            return [Document(page_content=snap.chunks[snap.position[i]].text, id=i) for i, _ in hits
                    if i in snap.position]

    retriever = NaiveRetriever()
    ask, naive, naive_lc = [], [], []
    for q in questions * args.rounds:
        assistant.index._query_vectors.clear()  # a question not asked before: its vector is computed, as naive's is
        pos_tokens.cache_clear()  # …and its words tagged, tokenized and read as terms
        _tokens.cache_clear()
        _question_terms.cache_clear()
        for _, _, known in _by_first_cache.values():  # …and its short forms found
            known.clear()
        t = time.perf_counter()
        assistant.ask(q)
        ask.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        assistant.index.vectors.query(assistant.index.embedder.embed_query(q), 5)
        naive.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        retriever.invoke(q)
        naive_lc.append((time.perf_counter() - t) * 1000)
    a, n, lc = statistics.median(ask), statistics.median(naive), statistics.median(naive_lc)
    print(f"{len(questions)} questions × {args.rounds}: warm ask p50 {a:.1f} ms, naive (1 embedding + 1 vector search) p50 "
          f"{n:.1f} ms, ratio {a / n:.2f}; as a LangChain retriever p50 {lc:.1f} ms, ratio {a / lc:.2f}")


if __name__ == "__main__":
    main()
