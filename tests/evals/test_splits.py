"""The dev and test splits: valid items, gold passages verbatim in the reports as the assistant reads them."""

from functools import lru_cache
from pathlib import Path

import pytest

from assistant.evals import load_qa
from assistant.evals.scoring import normalize
from assistant.ingest.load import load_report

ROOT = Path(__file__).resolve().parents[2]
DIRS = [ROOT / "corpus", ROOT / "evals" / "reports"]
SPLITS = {"dev": ROOT / "evals" / "dev.jsonl", "dev2": ROOT / "evals" / "dev2.jsonl", "test": ROOT / "evals" / "test.jsonl",
          "test2": ROOT / "evals" / "test2.jsonl", "dev22": ROOT / "evals" / "dev22.jsonl",
          "test3": ROOT / "evals" / "test3.jsonl", "dev23": ROOT / "evals" / "dev23.jsonl",
          "dev24": ROOT / "evals" / "dev24.jsonl", "dev25": ROOT / "evals" / "dev25.jsonl",
          "dev26": ROOT / "evals" / "dev26.jsonl", "dev27": ROOT / "evals" / "dev27.jsonl",
          "dev28": ROOT / "evals" / "dev28.jsonl", "dev29": ROOT / "evals" / "dev29.jsonl",
          "dev30": ROOT / "evals" / "dev30.jsonl"}


@lru_cache(maxsize=None)
def text_of(name: str) -> str:
    path = next(d / name for d in DIRS if (d / name).is_file())
    return load_report(path).text


@pytest.mark.parametrize("split", SPLITS)
def test_split_items_are_valid_and_grounded(split):
    items = load_qa(SPLITS[split])
    assert len({i.id for i in items}) == len(items)
    for item in items:
        # a cross-report item names its reports (its `report` is "both" or the first of them)
        names = getattr(item, "reports", None) or [item.report]
        texts = [normalize(text_of(n)) for n in names]
        for gold in item.gold_passages:  # PDF text may wrap lines differently: compared without whitespace
            assert any(normalize(gold) in t for t in texts), (item.id, gold)


def test_splits_have_the_mix_the_issue_asks_for():
    items = load_qa(SPLITS["test"]) + load_qa(SPLITS["dev"]) + load_qa(SPLITS["dev2"])
    assert len(items) >= 250
    share = lambda pred: sum(map(pred, items)) / len(items)  # noqa: E731
    assert share(lambda i: i.lang == "en") >= 0.15
    assert share(lambda i: i.type == "unanswerable") >= 0.15
    assert share(lambda i: i.type == "cross_report") >= 0.10
    assert any(i.type == "report_meta" for i in items)
