"""The evidence score: how likely one unit (a sentence or a table row) answers the question.

A logistic model over signals measured for every candidate unit — lexical coverage of the question's key terms,
the question↔unit cosine (cached unit vectors), where the retrievers ranked its chunk, whether it holds the kind of
thing asked for. Its weights and the answer/abstain thresholds are learned on the dev split only
(`bench/fit_answerer.py`), not set by hand; the held-out test split measures them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field, model_validator

from assistant.answer.evidence import Unit

MODEL_PATH = Path(__file__).with_name("evidence_model.json")


@dataclass
class Candidate:
    """A unit that passed the hard filters (not boilerplate; names every region and year the question names)."""

    unit: Unit
    coverage: float  # IDF-weighted share of the question's key terms the unit holds
    sim: float | None  # question↔unit cosine; None when no vector was cached
    rank: int  # rank of its chunk in the fused retrieval
    bm25_rank: int | None
    dense_rank: int | None
    type_match: bool  # holds the kind of thing asked for (a number for 多少, a list for 哪些)


FEATURES = ("coverage", "coverage_gap", "sim_zh", "sim_gap_zh", "sim_en", "sim_gap_en", "chunk_rank", "bm25_top",
            "dense_top", "type_match", "table_row", "length")


def features(c: Candidate, best_coverage: float, best_sim: float, zh: bool) -> list[float]:
    """The signal vector of one candidate, in FEATURES order. The cosine enters per language: e5-small's
    cross-lingual cosines (English question, Chinese unit) sit far lower than same-language ones."""
    sim = c.sim if c.sim is not None else best_sim
    gap = sim - best_sim
    return [
        c.coverage,
        c.coverage - best_coverage,
        sim if zh else 0.0,
        gap if zh else 0.0,
        0.0 if zh else sim,
        0.0 if zh else gap,
        1.0 / (1 + c.rank),
        1.0 if (c.bm25_rank or 99) <= 2 else 0.0,
        1.0 if (c.dense_rank or 99) <= 2 else 0.0,
        1.0 if c.type_match else 0.0,
        1.0 if c.unit.header else 0.0,
        math.log1p(len(c.unit.text)) / 6,
    ]


class EvidenceModel(BaseModel):
    """Weights of the evidence score and the thresholds on it, as fitted on dev (see `fitted_on`)."""

    features: list[str]
    weights: list[float]
    bias: float
    answer_at: float = Field(ge=0, le=1)  # the best unit must score this to answer; below it the assistant abstains
    support_at: float = Field(ge=0, le=1)  # further units shown beside the best one
    each_at: float = Field(ge=0, le=1)  # a named report's best unit, in a both-reports question
    min_coverage: float = Field(0.0, ge=0, le=1)  # a unit holding less of the question's key terms never answers
    fitted_on: str = ""

    @model_validator(mode="after")
    def _matches_code(self) -> EvidenceModel:
        if tuple(self.features) != FEATURES or len(self.weights) != len(FEATURES):
            raise ValueError("evidence model features differ from the code's; refit with bench/fit_answerer.py")
        return self

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> EvidenceModel:
        return cls.model_validate_json(path.read_text(encoding="utf-8"))

    def probability(self, x: list[float]) -> float:
        z = self.bias + sum(w * v for w, v in zip(self.weights, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def score(self, candidates: list[Candidate], zh: bool) -> list[float]:
        if not candidates:
            return []
        best_cov = max(c.coverage for c in candidates)
        best_sim = max((c.sim for c in candidates if c.sim is not None), default=0.0)
        return [self.probability(features(c, best_cov, best_sim, zh)) for c in candidates]
