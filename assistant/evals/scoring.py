"""Scoring for the QA evaluation: the QA item schema, per-item scores, and their aggregation.

Everything here is pure (no I/O beyond the `report_text` callable handed in) so the runner,
the CLI and the UI share one definition of every metric.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.core.models import Answer, Citation

QAType = Literal[
    "fact", "numeric", "table_total", "paraphrase", "cross_report", "english", "followup", "unanswerable",
    "report_meta",
]
QA_TYPES: tuple[str, ...] = QAType.__args__  # type: ignore[attr-defined]

ReportText = Callable[[str], str]

_WS = re.compile(r"\s+")


class QAItem(BaseModel):
    """One line of a QA file. Unknown fields (a user's annotations: `calc`, `note`, `reports`…) are kept."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    lang: Literal["zh", "en"]
    type: QAType
    answer: str  # short gold answer, for humans and the report
    must_contain: list[str] = Field(default_factory=list)
    gold_passages: list[str] = Field(default_factory=list)
    report: str  # a corpus file name, or "both"
    history: list[str] = Field(default_factory=list)  # earlier questions of the conversation

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"

    @model_validator(mode="after")
    def _consistent(self) -> QAItem:
        if self.answerable:
            if not self.must_contain or not self.gold_passages:
                raise ValueError(f"{self.id}: an answerable item needs must_contain and gold_passages")
            if any(not s.strip() for s in [*self.must_contain, *self.gold_passages]):
                raise ValueError(f"{self.id}: empty must_contain/gold_passages string")
        elif self.must_contain or self.gold_passages:
            raise ValueError(f"{self.id}: an unanswerable item has empty must_contain and gold_passages")
        if self.type == "followup" and not self.history:
            raise ValueError(f"{self.id}: a followup item needs a history")
        return self


# ---- normalisation ------------------------------------------------------------------


def normalize(text: str) -> str:
    """NFKC, all whitespace removed, case-folded: "４５ EFlops" → "45eflops"."""
    return _WS.sub("", unicodedata.normalize("NFKC", text)).casefold()


_LEADING_FIGURE = re.compile(r"^([-+]?)(\d+(?:\.\d+)?)(.*)$", re.S)
_FIGURE_IN = re.compile(r"(?<![\d.])([-+]?)(\d+(?:\.\d+)?)(?![\d.]*\d)")


def contains(haystack: str, needle: str) -> bool:
    """Whitespace-, width- and case-insensitive containment; an empty needle never matches. A needle opening on a
    figure also matches the same value written with other trailing zeros ("88.0%" in "88.00%", "96.0" in "96"), then
    the same words after it."""
    n, h = normalize(needle), normalize(haystack)
    if not n:
        return False
    if n in h:
        return True
    m = _LEADING_FIGURE.match(n)
    if not m:
        return False
    sign, value, rest = m[1], Decimal(m[2]), m[3]
    return any(_same_figure(Decimal(x[2]), value) and (not sign or x[1] == sign) and h[x.end():].startswith(rest)
               for x in _FIGURE_IN.finditer(h))


def _same_figure(found: Decimal, expected: Decimal) -> bool:
    """Equal, or more precise and rounding to it: "47.62%" states the "47.6%" a reference gives to one decimal. A
    whole reference figure ("12") is matched exactly — a count is not a rounded measure."""
    if found == expected:
        return True
    places = -expected.as_tuple().exponent
    return places > 0 and -found.as_tuple().exponent > places and \
        found.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) == expected


# ---- per-item scores ----------------------------------------------------------------


def answer_correct(item: QAItem, answer: Answer) -> bool:
    """Answerable: every must_contain string present and no abstention. Unanswerable: abstained."""
    if not item.answerable:
        return answer.abstained
    return not answer.abstained and all(contains(answer.answer, s) for s in item.must_contain)


def first_hit_rank(passages: Sequence[str], gold: Sequence[str], k: int) -> int | None:
    """1-based rank of the first of the top-k passages containing any gold passage, else None."""
    for rank, text in enumerate(passages[:k], start=1):
        if any(contains(text, g) for g in gold):
            return rank
    return None


def _text_of(report_text: ReportText, report: str, cache: dict[str, str | None]) -> str | None:
    if report not in cache:
        try:
            cache[report] = report_text(report)
        except Exception:  # unknown report id → every citation of it is invalid
            cache[report] = None
    return cache[report]


def citation_valid(c: Citation, report_text: ReportText, cache: dict[str, str | None] | None = None) -> bool:
    """The quote is exactly the report's text at the cited offsets."""
    text = _text_of(report_text, c.report, {} if cache is None else cache)
    return text is not None and 0 <= c.start <= c.end <= len(text) and text[c.start : c.end] == c.quote


def _occurrences(text: str, needle: str) -> Iterable[tuple[int, int]]:
    start = text.find(needle)
    while start != -1:
        yield start, start + len(needle)
        start = text.find(needle, start + 1)


def citation_supports(
    c: Citation, gold: Sequence[str], report_text: ReportText, cache: dict[str, str | None] | None = None
) -> bool:
    """The citation overlaps a gold passage: by (normalised) containment either way, or by offsets."""
    for g in gold:
        if contains(c.quote, g) or contains(g, c.quote):
            return True
    text = _text_of(report_text, c.report, {} if cache is None else cache)
    if text is None or c.end <= c.start:
        return False
    return any(s < c.end and c.start < e for g in gold for s, e in _occurrences(text, g))


def score_item(
    item: QAItem, answer: Answer, report_text: ReportText, k: int = 5, cache: dict[str, str | None] | None = None
) -> dict[str, Any]:
    """The per-item scores stored in results.jsonl; `summarize` aggregates exactly these."""
    cache = {} if cache is None else cache
    scores: dict[str, Any] = {
        "answerable": item.answerable,
        "abstained": answer.abstained,
        "correct": answer_correct(item, answer),
        "citations": len(answer.citations),
        "valid_citations": sum(citation_valid(c, report_text, cache) for c in answer.citations),
        "latency_ms": float(answer.latency_ms),
        "first_hit_rank": None,
        "supported": None,
        "led": None,  # a right answer to an answerable question: does it lead with the figure or date asked?
        "lead_holds": None,
    }
    if item.answerable and scores["correct"]:
        scores["led"] = bool(answer.direct)
        scores["lead_holds"] = bool(answer.direct) and any(contains(answer.direct, s) for s in item.must_contain)
    if item.answerable:
        scores["first_hit_rank"] = first_hit_rank([p.text for p in answer.retrieved], item.gold_passages, k)
        scores["supported"] = any(
            citation_supports(c, item.gold_passages, report_text, cache) for c in answer.citations
        )
    return scores


# ---- aggregation --------------------------------------------------------------------


def metric_keys(k: int = 5) -> list[str]:
    return [
        "answer_accuracy", "hit@1", f"hit@{k}", "mrr", "citation_validity", "citation_support",
        "abstention_precision", "abstention_recall", "direct_rate", "direct_precision", "latency_p50_ms", "latency_p95_ms", "n",
    ]  # fmt: skip


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), q in [0, 100]; None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(scores: Sequence[dict[str, Any]], k: int = 5) -> dict[str, Any]:
    """Metrics over per-item scores. A metric whose denominator is 0 is None (JSON null, shown "—")."""
    answerable = [s for s in scores if s["answerable"]]
    unanswerable = [s for s in scores if not s["answerable"]]
    abstained = [s for s in scores if s["abstained"]]
    ranks = [s["first_hit_rank"] for s in answerable]
    latencies = [s["latency_ms"] for s in scores]
    return {
        "answer_accuracy": _ratio(sum(s["correct"] for s in scores), len(scores)),
        "hit@1": _ratio(sum(r == 1 for r in ranks), len(ranks)),
        f"hit@{k}": _ratio(sum(r is not None and r <= k for r in ranks), len(ranks)),
        "mrr": _ratio(sum(1 / r for r in ranks if r), len(ranks)),
        "citation_validity": _ratio(sum(s["valid_citations"] for s in scores), sum(s["citations"] for s in scores)),
        "citation_support": _ratio(sum(bool(s["supported"]) for s in answerable), len(answerable)),
        "abstention_precision": _ratio(sum(not s["answerable"] for s in abstained), len(abstained)),
        "abstention_recall": _ratio(sum(s["abstained"] for s in unanswerable), len(unanswerable)),
        # of the right answers, those leading with a direct answer; of those, the leads holding the reference
        "direct_rate": _ratio(sum(bool(s.get("led")) for s in answerable), sum(s.get("led") is not None
                                                                               for s in answerable)),
        "direct_precision": _ratio(sum(bool(s.get("lead_holds")) for s in answerable),
                                   sum(bool(s.get("led")) for s in answerable)),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
        "n": len(scores),
    }


def summarize_by_type(rows: Sequence[dict[str, Any]], k: int = 5) -> dict[str, Any]:
    """{"overall": metrics, "per_type": {type: metrics}} from results rows ({"type", "scores", …})."""
    per_type = {
        t: summarize([r["scores"] for r in rows if r["type"] == t], k)
        for t in sorted({r["type"] for r in rows}, key=_type_order)
    }
    return {"overall": summarize([r["scores"] for r in rows], k), "per_type": per_type}


def _type_order(t: str) -> tuple[int, str]:
    return (QA_TYPES.index(t) if t in QA_TYPES else len(QA_TYPES), t)
