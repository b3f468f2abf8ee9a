"""A totals answer over an index: every citation opens with Assistant.cite (one id scheme, `<chunk>:<start>-<end>`),
and a question naming a report (by its broker, through the report cards) is answered from that report's rows."""

from __future__ import annotations

import hashlib
import shutil
from decimal import Decimal

import numpy as np
import pytest

from assistant.answer.cite import CITATION_ID_RE
from assistant.core.settings import Settings
from assistant.facade import Assistant, TotalsQuery
from tests.fixtures.reports import CORPUS, ROOT, TIANFENG

FIXTURES = ROOT / "tests" / "fixtures" / "targets"


class HashEmbedder:
    """Deterministic and instant: these tests are about citations, not retrieval quality."""

    name = "hash-test"
    dim = 32

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for ch in text:
            v[hashlib.md5(ch.encode()).digest()[0] % self.dim] += 1
        return v / (np.linalg.norm(v) or 1)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory) -> Assistant:
    root = tmp_path_factory.mktemp("targets-cite")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in ("a_compute_power.txt", "b_energy_storage.pdf", "f_pv_markdown.txt", "e_infra_counts.txt"):
        shutil.copy2(FIXTURES / name, corpus / name)
    shutil.copy2(CORPUS / TIANFENG, corpus / TIANFENG)
    a = Assistant(Settings(index_dir=root / "index", corpus_dir=corpus), embedder=HashEmbedder())
    summary = a.ingest([corpus])
    assert not summary.failed, summary.failed
    return a


def assert_opens(assistant: Assistant, citation: dict | object) -> None:
    cid = citation["id"] if isinstance(citation, dict) else citation.id
    quote = citation["quote"] if isinstance(citation, dict) else citation.quote
    assert CITATION_ID_RE.match(cid), cid
    located = assistant.cite(cid)
    assert located.quote == quote


QUESTIONS = [
    "2025年各地智算规划合计多少？",
    "瀚海证券的报告中2025年智算目标合计多少？",
    "2025年各省储能装机规划目标合计多少？",
    "2030年储能装机目标最高的是哪个省？",
    "2025年各省光伏装机目标合计是多少GW？",
    "各省2025年充电桩目标一共多少个？",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_citation_of_a_totals_answer_opens(assistant, question):
    answer = assistant.ask(question)
    assert answer.tool is not None and answer.tool.name == "totals", answer.answer
    assert answer.citations and len(answer.citations) == len(answer.tool.result["rows"])
    for c in answer.citations:
        assert_opens(assistant, c)
    for row in answer.tool.result["rows"]:
        assert_opens(assistant, row["citation"])
    for figure in answer.tool.result["stated"]:
        assert_opens(assistant, figure["citation"])


def test_a_named_report_scopes_the_rows(assistant):
    answer = assistant.ask("瀚海证券的报告中2025年智算目标合计多少？")
    assert {c.report for c in answer.citations} == {"a_compute_power.txt"}
    assert Decimal(answer.tool.result["value"]) == Decimal("10.1")  # 9.8 + 苏州 0.3, flagged; never 图3's 152.68
    assert "苏州属于江苏" in answer.answer


def test_storage_and_counts_from_other_reports(assistant):
    answer = assistant.ask("2025年各省储能装机规划目标合计多少？")
    assert Decimal(answer.tool.result["value"]) == Decimal("23.5") and answer.tool.result["unit"] == "GW"
    answer = assistant.ask("各省2025年充电桩目标一共多少个？")
    assert Decimal(answer.tool.result["value"]) == 180000 and answer.tool.result["unit"] == "个"


def test_facade_totals_rows_open_too(assistant):
    """The CLI and the UI call Assistant.totals: their citation ids open as well."""
    result = assistant.totals(TotalsQuery(target_year=2025, source_table="图3"))
    assert result.value == Decimal("152.68") and len(result.rows) == 10
    for r in result.rows + [x for x, _ in result.excluded]:
        assert_opens(assistant, r.citation)
