"""LangChain's standard retriever suite (langchain-tests) over `HybridRetriever` on the real index of the two
reports: constructor k, invoke(q, k=…), invoke(q, None, k=…), ainvoke, Documents back."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from assistant.search.retriever import HybridRetriever


class TestHybridRetrieverStandard(RetrieversIntegrationTests):
    @pytest.fixture(autouse=True)
    def _index(self, built_index):
        # the suite's properties take no fixtures: keep the session's real index where they can read it
        type(self).index = built_index.assistant.index

    @property
    def retriever_constructor(self) -> type[HybridRetriever]:
        return HybridRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"index": self.index, "k": 5}

    @property
    def retriever_query_example(self) -> str:
        return "北京的智算算力规划是多少？"


def test_invoke_k_and_report_scope(built_index):
    retriever = HybridRetriever(index=built_index.assistant.index, k=5)
    assert len(retriever.invoke("各地智算规划 2025年 EFlops", k=2)) == 2
    tianfeng = "tianfeng_2024-09-17_ai-datacenter-taskforce.txt"
    docs = retriever.invoke("智算", k=3, report=tianfeng)
    assert len(docs) == 3 and {d.metadata["report"] for d in docs} == {tianfeng}
