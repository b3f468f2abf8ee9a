"""Guards for the costs bench/bench_query.py found growing with the corpus: "both reports" questions search a bounded
number of reports, one ask embeds a text once, and the stated estimates are not re-scanned per totals question."""

from __future__ import annotations

import pytest

import assistant.targets.extract as targets_mod
from assistant.search.retriever import MAX_QUOTA_REPORTS, HybridRetriever

from .conftest import GUOLIAN, ROOT, clone

BOTH = "两份报告中上海的算力目标分别是什么？"


class Counting:
    def __init__(self, inner):
        self.inner, self.name, self.dim, self.queries = inner, inner.name, inner.dim, []

    def embed_passages(self, texts):
        return self.inner.embed_passages(texts)

    def embed_query(self, text):
        self.queries.append(text)
        return self.inner.embed_query(text)


@pytest.fixture(scope="module")
def many_reports(built_index, tmp_path_factory):
    """The two reports plus four small ones: more reports than the per-report quota covers."""
    root = tmp_path_factory.mktemp("many")
    assistant = clone(built_index, root)
    base = (ROOT / "corpus" / GUOLIAN).read_text(encoding="utf-8")
    head = base[: base.index("\n", 1200)]
    for i, region in enumerate(["宁夏", "甘肃", "青海", "云南"]):
        path = assistant.settings.corpus_dir / f"extra-{i}.txt"
        path.write_text(f"补充报告 {i}\n\n" + head.replace("上海", region).replace("国联", f"补充{i}"), encoding="utf-8")
    summary = assistant.ingest([assistant.settings.corpus_dir])
    assert len(summary.added) == 4 and not summary.failed
    assert len(assistant.index.catalog.report_ids()) > MAX_QUOTA_REPORTS
    return assistant


def test_both_reports_question_searches_a_bounded_number_of_reports(many_reports, monkeypatch) -> None:
    calls = []
    original = HybridRetriever._search

    def counting(self, query, k, report, kind):
        calls.append(report)
        return original(self, query, k, report, kind)

    monkeypatch.setattr(HybridRetriever, "_search", counting)
    hits = many_reports.search(BOTH, k=5)
    assert hits
    assert calls[0] is None and len(calls) == 1 + MAX_QUOTA_REPORTS, calls
    assert len({h.chunk.report for h in hits}) >= 2


def test_both_reports_question_with_two_reports_still_covers_both(built_index) -> None:
    hits = built_index.assistant.search(BOTH, k=5)
    assert {h.chunk.report for h in hits} == set(built_index.assistant.index.catalog.report_ids())


def test_one_ask_embeds_each_query_text_once(built_index, tmp_path) -> None:
    assistant = clone(built_index, tmp_path)
    counting = Counting(assistant.index.embedder)
    assistant.index._embedder = counting
    assistant.ask(BOTH)
    assert len(counting.queries) == len(set(counting.queries)) >= 1, counting.queries
    assistant.ask("What is Shanghai's intelligent computing target?")
    assert len(counting.queries) == len(set(counting.queries)), counting.queries


def test_estimates_are_scanned_once_per_catalog_generation(built_index, tmp_path, monkeypatch) -> None:
    assistant = clone(built_index, tmp_path)
    scans = []
    original = targets_mod.find_estimates
    monkeypatch.setattr(targets_mod, "find_estimates", lambda report: scans.append(report.id) or original(report))
    first = assistant.ask("2025年各地智算规划合计是多少？")
    assert first.tool is not None and len(scans) == 2
    second = assistant.ask("2025年各地智算规划合计是多少？")
    assert len(scans) == 2 and second.answer == first.answer
    assistant.remove(GUOLIAN)  # a new generation: scanned again
    assistant.ask("2025年各地智算规划合计是多少？")
    assert len(scans) == 3
