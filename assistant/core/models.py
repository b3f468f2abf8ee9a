"""Pydantic contracts passed between pipeline stages.

load → Report → chunk → Chunk → retrieve → SearchHit → answer → Answer(Citation…)
tables → Table → targets → TargetRow → totals → TotalResult
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field


class ChunkKind(str, Enum):
    TEXT = "text"
    TABLE = "table"


class Page(BaseModel):
    """A page of a paged source (PDF): its number and where it lies in Report.text."""

    number: int
    start: int
    end: int


class Report(BaseModel):
    """A decoded report. `text` is the one string all offsets refer to."""

    id: str  # the file name, e.g. "tianfeng_2024-09-17_ai-datacenter-taskforce.txt"
    path: str
    text: str
    encoding: str
    sha256: str  # of the raw file bytes
    pages: list[Page] = Field(default_factory=list)

    def page_at(self, offset: int) -> int | None:
        for page in self.pages:
            if page.start <= offset < page.end:
                return page.number
        return self.pages[-1].number if self.pages and offset >= self.pages[-1].start else None


class Chunk(BaseModel):
    id: str
    report: str
    text: str  # == report.text[start:end]
    start: int
    end: int
    kind: ChunkKind = ChunkKind.TEXT
    section: str = ""  # heading path, " > " separated
    caption: str = ""  # table caption such as "图 3：各地智算规划多以 25 年为目标"
    context: str = ""  # caption/header/section prepended for embedding and BM25 only
    page: int | None = None

    @property
    def embed_text(self) -> str:
        return f"{self.context}\n{self.text}" if self.context else self.text


class SearchHit(BaseModel):
    chunk: Chunk
    score: float  # fused score (higher is better)
    bm25_rank: int | None = None
    dense_rank: int | None = None


class Citation(BaseModel):
    id: str  # stable: "<chunk id>:<start>-<end>"
    report: str
    section: str = ""
    page: int | None = None
    start: int
    end: int
    quote: str


class Located(BaseModel):
    """A passage in its surrounding paragraph, the quote marked with 【】."""

    report: str
    section: str = ""
    page: int | None = None
    start: int
    end: int
    quote: str
    paragraph: str
    marked: str


class IngestSummary(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    failed: dict[str, str] = Field(default_factory=dict)  # file → one-line reason
    chunks: int = 0  # chunks of the reports ingested in this run
    embedded: int = 0  # chunks that needed a new embedding
    seconds: float = 0.0


class UploadResult(BaseModel):
    name: str  # the sanitised name in the corpus (or the original name when refused before that)
    status: str  # added | updated | unchanged | refused
    message: str
    chunks: int = 0


class CardField(BaseModel):
    """One field of a report card, with the offsets of the text it was read from (a citable span)."""

    value: str
    start: int
    end: int


class ReportCard(BaseModel):
    """Who wrote a report, when, about what, with which rating — read from its front matter at ingest."""

    report: str
    broker: CardField | None = None
    title: CardField | None = None
    date: CardField | None = None
    analysts: list[CardField] = Field(default_factory=list)
    rating: CardField | None = None

    @property
    def broker_short(self) -> str:
        """"东岳证券" → "东岳": the name analysts type."""
        return self.broker.value.removesuffix("证券") if self.broker else ""


class ToolCall(BaseModel):
    name: str
    arguments: dict[str, Any]
    result: dict[str, Any]


class RetrievedPassage(BaseModel):
    chunk_id: str
    report: str
    text: str
    score: float
    section: str = ""
    page: int | None = None
    start: int = 0
    end: int = 0


class Answer(BaseModel):
    """What `Assistant.ask` returns and `assistant ask --json` prints."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    related: list[Citation] = Field(default_factory=list)  # shown when abstaining, never as support
    retrieved: list[RetrievedPassage] = Field(default_factory=list)
    tool: ToolCall | None = None
    latency_ms: float = 0.0
    notes: list[str] = Field(default_factory=list)


# ---- tables → targets → totals -------------------------------------------------


class TableRow(BaseModel):
    cells: list[str]
    start: int  # offsets of the row's line in Report.text
    end: int


class Table(BaseModel):
    id: str  # e.g. "tianfeng_2024-09-17_ai-datacenter-taskforce.txt#图3"
    report: str
    caption: str
    header: list[str]
    rows: list[TableRow]
    start: int
    end: int
    page: int | None = None


class Metric(str, Enum):
    INTELLIGENT = "智算"
    GENERAL = "通用"
    SUPER = "超算"
    TOTAL = "总算力"
    HIGH_PERFORMANCE = "高性能"


class TargetRow(BaseModel):
    region: str
    published: str  # "YYYY-MM" (or "YYYY")
    document: str
    target_year: int
    value: Decimal
    unit: str  # normalised, "EFLOPS"
    value_as_written: str  # e.g. "2025年12EFlops"
    metric: Metric = Metric.INTELLIGENT
    qualifier: str = ""  # "超过"/"以上": the value is a lower bound
    is_city: bool = False
    parent_region: str = ""  # province of a city row
    source_table: str = ""
    note: str = ""  # how a field was inferred, e.g. target year taken from the policy title
    citation: Citation


class StatedFigure(BaseModel):
    """A figure the report itself states for an aggregate (e.g. 天风: 地方智算 25 年预计建设 107.1EFlops)."""

    value: Decimal
    unit: str = "EFLOPS"
    metric: Metric = Metric.INTELLIGENT
    target_year: int
    scope: str = ""  # e.g. "地方" (sum of local targets)
    citation: Citation


class TotalResult(BaseModel):
    op: str
    value: Decimal | None  # None when no rows match
    unit: str = "EFLOPS"
    rows: list[TargetRow] = Field(default_factory=list)
    excluded: list[tuple[TargetRow, str]] = Field(default_factory=list)
    excluded_count: int = 0  # all excluded rows, also when `excluded` lists only some (totals.brief)
    expression: str = ""
    groups: dict[str, Decimal] = Field(default_factory=dict)
    caveats: list[str] = Field(default_factory=list)
    message: str = ""  # e.g. "no matching rows"
    stated: list[StatedFigure] = Field(default_factory=list)  # the report's own figure for the same quantity
