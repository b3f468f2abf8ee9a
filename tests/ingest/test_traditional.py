"""Traditional Chinese: detected, searched in its Simplified form, quoted and verified in its own characters."""

from __future__ import annotations

import pytest

from tests.fixtures import ocr_fixtures as fx
from tests.fixtures.reports import CORPUS

TXT, PDF, SIMPLIFIED = "guotai_traditional.txt", "guotai_traditional_pdf.pdf", "yunling_scan_source.pdf"


def test_simplified_form_keeps_every_offset_and_leaves_simplified_text_alone() -> None:
    import opencc

    from assistant.core.traditional import is_traditional, to_simplified, traditional_share

    text = fx.TRADITIONAL_TEXT
    simple = to_simplified(text)
    assert len(simple) == len(text)  # a character for a character: offsets into one are offsets into the other
    assert "2025年台湾晶圆代工产能将达到每月320万片" in simple and "后" in simple  # 延後 → 延后 (a GB2312 form)
    # OpenCC's phrase mode kept the length here too, and differs in one character (復甦 → 复苏 as a phrase, 甦 alone)
    phrase = opencc.OpenCC("t2s").convert(text)
    assert len(phrase) == len(text) and sum(a != b for a, b in zip(simple, phrase)) <= 1
    assert is_traditional(text) and traditional_share(text) > 0.2
    for report in sorted(CORPUS.glob("*.txt")):  # Simplified reports: not a character changes
        body = report.read_text(encoding="utf-8")
        assert to_simplified(body) == body and not is_traditional(body)
    assert to_simplified("后续发展於此") == "后续发展於此"  # 於 is rewritten only in Traditional text


@pytest.fixture(scope="module")
def tc_assistant(tmp_path_factory):
    from assistant.core.settings import Settings
    from assistant.facade import Assistant

    root = tmp_path_factory.mktemp("traditional")
    corpus = root / "corpus"
    fx.write_all(corpus, [TXT, PDF, SIMPLIFIED])
    assistant = Assistant(Settings(index_dir=root / "index", corpus_dir=corpus))
    summary = assistant.ingest([corpus])
    assert not summary.failed, summary.failed
    return assistant


def test_a_simplified_question_finds_the_traditional_report_and_quotes_it_in_traditional(tc_assistant) -> None:
    answer = tc_assistant.ask("2025年台湾晶圆代工产能将达到多少？")
    assert not answer.abstained, answer
    cited = [c for c in answer.citations if c.report in (TXT, PDF)]
    assert cited, answer.citations
    for c in cited:
        assert tc_assistant.report_text(c.report)[c.start:c.end] == c.quote  # verified against the original
    assert any("臺灣晶圓代工產能將達到每月320萬片" in c.quote for c in cited), [c.quote for c in cited]
    assert all(c.ocr_confidence is None for c in cited)


@pytest.mark.parametrize("query", ["晶圆代工产能", "先进制程扩产进度", "晶圓代工產能"])
def test_search_in_either_script_ranks_the_traditional_report_first(tc_assistant, query) -> None:
    from assistant.core.settings import RetrieverKind

    hits = tc_assistant.with_retriever(RetrieverKind.BM25).search(query, k=3)  # tokens alone, no vectors
    assert hits and hits[0].chunk.report in (TXT, PDF), [(h.chunk.report, h.chunk.text[:30]) for h in hits]


def test_status_says_which_reports_are_traditional(tc_assistant) -> None:
    facts = {r["report"]: r for r in tc_assistant.reports()}
    assert facts[TXT]["traditional"] and facts[PDF]["traditional"] and not facts[SIMPLIFIED]["traditional"]
    assert tc_assistant.report_text(TXT) == fx.TRADITIONAL_TEXT  # stored as written
