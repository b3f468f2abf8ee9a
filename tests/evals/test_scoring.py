"""Scoring on hand-made cases: normalisation, abstention, hits, citations, aggregation."""

from __future__ import annotations

import pytest

from assistant.evals.scoring import (
    QAItem,
    answer_correct,
    citation_supports,
    citation_valid,
    contains,
    first_hit_rank,
    normalize,
    percentile,
    score_item,
    summarize,
)
from assistant.core.models import Answer, Citation, RetrievedPassage

REPORT = "r.txt"
TEXT = "前言。北京\t2024年4月\t2025年45EFlops\n上海\t2024年3月\t2025年30EFlops\n合计 152.68 EFlops。"
TEXTS = {REPORT: TEXT}


def report_text(report_id: str) -> str:
    return TEXTS[report_id]


def item(**kw) -> QAItem:
    base = dict(id="q1", question="北京的智算算力规划是多少？", lang="zh", type="numeric", answer="45",
                must_contain=["45"], gold_passages=["2025年45EFlops"], report=REPORT)  # fmt: skip
    return QAItem(**{**base, **kw})


def answer(text: str = "", abstained: bool = False, **kw) -> Answer:
    return Answer(question="q", answer=text, abstained=abstained, **kw)


def cite(start: int, end: int, quote: str | None = None, report: str = REPORT) -> Citation:
    quote = TEXT[start:end] if quote is None else quote
    return Citation(id=f"c:{start}-{end}", report=report, start=start, end=end, quote=quote)


def test_normalize_full_width_spaces_case():
    assert normalize("４５ ＥＦｌｏｐｓ") == "45eflops"
    assert normalize("152. 68") == normalize("152.68")
    assert contains("规划为 ４５ EFLOPS", "45EFlops")
    assert not contains("anything", "")


def test_full_width_answer_is_right():
    assert answer_correct(item(), answer("北京 2025 年规划 ４５EFlops"))


def test_space_inside_number_is_right():
    it = item(must_contain=["152.68"], gold_passages=["合计 152.68 EFlops"])
    assert answer_correct(it, answer("合计约 152. 68 EFlops"))
    assert not answer_correct(it, answer("合计约 152.7 EFlops"))


def test_every_must_contain_string_needed():
    it = item(must_contain=["34%", "33%"])
    assert answer_correct(it, answer("美国 34%，中国 33%"))
    assert not answer_correct(it, answer("美国 34%"))


def test_abstention_that_should_not_have_happened_is_wrong():
    # Even if the abstention message happens to contain the number, abstaining is wrong here.
    assert not answer_correct(item(), answer("无法回答（相关段落提到 45）", abstained=True))


def test_unanswerable_right_only_when_abstained():
    un = item(type="unanswerable", must_contain=[], gold_passages=[])
    assert answer_correct(un, answer("报告未提及", abstained=True))
    assert not answer_correct(un, answer("大约 10 EFlops"))


def test_qa_item_schema_rules():
    with pytest.raises(ValueError):
        item(type="unanswerable")  # must_contain/gold_passages must be empty
    with pytest.raises(ValueError):
        item(gold_passages=[])
    with pytest.raises(ValueError):
        item(type="followup")  # needs history
    with pytest.raises(ValueError):
        item(lang="fr")
    assert item(type="followup", history=["上海呢？"]).history == ["上海呢？"]


def test_first_hit_rank_whitespace_and_width_insensitive():
    passages = ["无关", "北京 2024年4月 2025年 ４５ EFlops", "2025年45EFlops"]
    assert first_hit_rank(passages, ["2025年45EFlops"], k=5) == 2
    assert first_hit_rank(passages, ["2025年45EFlops"], k=1) is None
    assert first_hit_rank(passages, ["不存在"], k=5) is None


def test_citation_validity():
    start = TEXT.index("2025年45EFlops")
    good = cite(start, start + len("2025年45EFlops"))
    assert citation_valid(good, report_text)
    shifted = cite(start + 1, start + 1 + len("2025年45EFlops"), quote="2025年45EFlops")  # wrong offsets
    assert not citation_valid(shifted, report_text)
    assert not citation_valid(cite(0, 2, quote="前言", report="missing.txt"), report_text)
    assert not citation_valid(cite(len(TEXT), len(TEXT) + 5, quote=""), report_text)


def test_citation_support_by_containment_and_offsets():
    gold = ["2025年45EFlops"]
    start = TEXT.index("2025年45EFlops")
    assert citation_supports(cite(start - 8, start + 14), gold, report_text)  # quote contains gold
    assert citation_supports(cite(start, start + 7), gold, report_text)  # gold contains quote
    # overlap by offsets only: the quote is wrong text, but the offsets overlap the gold passage
    assert citation_supports(cite(start + 10, start + 20, quote="xyz"), gold, report_text)
    shanghai = TEXT.index("上海")
    assert not citation_supports(cite(shanghai, shanghai + 2), gold, report_text)


def test_score_item_and_summary_with_wrong_offsets():
    start = TEXT.index("2025年45EFlops")
    bad = cite(start + 1, start + 15, quote="2025年45EFlops")  # quote does not match its offsets
    ans = answer(
        "45 EFlops",
        citations=[bad],
        retrieved=[RetrievedPassage(chunk_id="c", report=REPORT, text=TEXT, score=1.0)],
        latency_ms=12.0,
    )
    scores = score_item(item(), ans, report_text)
    assert scores["correct"] and scores["first_hit_rank"] == 1
    assert scores["citations"] == 1 and scores["valid_citations"] == 0
    assert scores["supported"]  # still supports by containment — validity is a separate metric
    summary = summarize([scores])
    assert summary["citation_validity"] == 0.0
    assert summary["hit@1"] == 1.0 and summary["mrr"] == 1.0
    assert summary["abstention_precision"] is None and summary["abstention_recall"] is None


def test_summary_abstention_precision_recall():
    rows = [
        {"answerable": True, "abstained": True, "correct": False, "citations": 0, "valid_citations": 0,
         "latency_ms": 10.0, "first_hit_rank": 2, "supported": False},
        {"answerable": False, "abstained": True, "correct": True, "citations": 0, "valid_citations": 0,
         "latency_ms": 20.0, "first_hit_rank": None, "supported": None},
        {"answerable": False, "abstained": False, "correct": False, "citations": 2, "valid_citations": 1,
         "latency_ms": 30.0, "first_hit_rank": None, "supported": None},
    ]  # fmt: skip
    s = summarize(rows)
    assert s["abstention_precision"] == 0.5
    assert s["abstention_recall"] == 0.5
    assert s["answer_accuracy"] == pytest.approx(1 / 3)
    assert s["mrr"] == 0.5 and s["hit@1"] == 0.0 and s["hit@5"] == 1.0
    assert s["citation_validity"] == 0.5 and s["citation_support"] == 0.0
    assert s["latency_p50_ms"] == 20.0 and s["n"] == 3


def test_percentile_matches_numpy():
    np = pytest.importorskip("numpy")
    values = [5.0, 1.0, 9.0, 3.0, 7.5, 100.0]
    for q in (0, 50, 95, 100):
        assert percentile(values, q) == pytest.approx(float(np.percentile(values, q)))
    assert percentile([], 50) is None


def test_a_figure_matches_by_value_not_by_its_trailing_zeros():
    from assistant.evals.scoring import contains

    assert contains("平均为 88.00%（3 项简单平均）", "88.0%") and contains("最大为 96（通威股份）", "96.0")
    assert contains("= 23.6%", "23.60%") and contains("约2.10 小时", "2.1小时")
    assert not contains("共 4 项", "4类")  # the same figure, other words after it
    assert not contains("41.4%", "-41.4%") and not contains("88.10%", "88.0%")


def test_a_more_precise_figure_matches_the_reference_it_rounds_to():
    from assistant.evals.scoring import contains

    assert contains("占比 47.62%", "47.6%") and contains("= 14.29%", "14.3%")
    assert not contains("= 14.24%", "14.3%")  # rounds to 14.2
    assert not contains("占比 47.6%", "47.62%")  # less precise than the reference
    assert not contains("共 5.4 家", "5家")  # a whole reference figure is a count, matched exactly
