"""evals/qa.jsonl: schema, coverage of the question types, and verbatim gold passages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from assistant.evals.runner import load_qa
from assistant.evals.scoring import QA_TYPES, contains

ROOT = Path(__file__).resolve().parents[2]
QA_PATH = ROOT / "evals" / "qa.jsonl"
CORPUS = {p.name: p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))}
ITEMS = load_qa(QA_PATH)  # validates every line against QAItem and checks ids are unique


def test_size_and_types():
    counts = Counter(item.type for item in ITEMS)
    assert len(ITEMS) >= 60
    assert set(counts) == set(QA_TYPES) - {"report_meta"}  # report_meta came with the dev/test splits
    assert all(n >= 6 for n in counts.values()), counts
    assert counts["unanswerable"] >= 8
    assert {item.lang for item in ITEMS} == {"zh", "en"}


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: item.id)
def test_item_is_grounded(item):
    assert item.report == "both" or item.report in CORPUS, item.report
    reports = list(CORPUS) if item.report == "both" else [item.report]
    for gold in item.gold_passages:
        assert any(gold in CORPUS[name] for name in reports), f"not verbatim in {reports}: {gold!r}"
        assert 4 <= len(gold) <= 120
    for needle in item.must_contain:  # the short gold answer itself passes the item's own check
        assert contains(item.answer, needle), needle
    if item.type == "cross_report":
        found = {name for gold in item.gold_passages for name in CORPUS if gold in CORPUS[name]}
        assert len(found) == 2, "a cross-report item cites both reports"
    if item.type == "english":
        assert item.lang == "en"
    if item.type == "followup":
        assert item.history


def test_table_totals_add_up():
    """The gold answers of the 图 3 aggregates agree with the table itself."""
    text = CORPUS["tianfeng_2024-09-17_ai-datacenter-taskforce.txt"]
    table = text[text.index("地区\t时间\t文件\t智算算力规划") : text.index("资料来源：安徽省数据资源管理局")]
    targets = [row.split("\t")[-1] for row in table.strip().splitlines()[1:]]
    by_year: dict[str, list[float]] = {}
    for target in targets:
        year, value = target.split("年")
        by_year.setdefault(year, []).append(float(value.removesuffix("EFlops")))
    assert len(targets) == 13
    assert round(sum(by_year["2025"]), 2) == 152.68 and len(by_year["2025"]) == 10
    assert sum(by_year["2026"]) == 18 and max(by_year["2025"]) == 45
    answers = {item.id: item.answer for item in ITEMS if item.type == "table_total"}
    assert "152.68" in answers["tt-01"] and "18" in answers["tt-04"]


def test_oracle_answers_score_perfectly(tmp_path):
    """An oracle that answers with the gold answer and cites the gold passages gets every metric at 1."""
    from assistant.evals.runner import run_eval
    from assistant.core.models import Answer, Citation, RetrievedPassage

    by_question = {(item.question, tuple(item.history)): item for item in ITEMS}

    def oracle(question: str, history: list[str] | None = None) -> Answer:
        item = by_question[(question, tuple(history or []))]
        cites, passages = [], []
        for gold in item.gold_passages:
            name = next(n for n in ([item.report] if item.report in CORPUS else CORPUS) if gold in CORPUS[n])
            start = CORPUS[name].index(gold)
            cites.append(Citation(id=f"{name}:{start}", report=name, start=start, end=start + len(gold), quote=gold))
            passages.append(RetrievedPassage(chunk_id=name, report=name, text=f"…{gold}…", score=1.0))
        return Answer(question=question, answer=item.answer, abstained=not item.answerable,
                      citations=cites, retrieved=passages, latency_ms=1.0)  # fmt: skip

    summary = run_eval(oracle, CORPUS.__getitem__, QA_PATH, tmp_path, label="oracle")
    overall = summary["overall"]
    for key in ["answer_accuracy", "hit@1", "hit@5", "mrr", "citation_validity", "citation_support",
                "abstention_precision", "abstention_recall"]:  # fmt: skip
        assert overall[key] == 1.0, key
    assert overall["n"] == len(ITEMS) == sum(m["n"] for m in summary["per_type"].values())
