"""Pydantic contracts passed between pipeline stages.

load → Report → chunk → Chunk → retrieve → SearchHit → answer → Answer(Citation…)
tables → Table → targets → TargetRow → totals → TotalResult
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel, Field, model_serializer, model_validator


class ChunkKind(str, Enum):
    TEXT = "text"
    TABLE = "table"


class OcrSpan(BaseModel):
    """A stretch of Report.text read by OCR (a line, or a table's rows) and the recogniser's confidence in it."""

    start: int
    end: int
    confidence: float  # mean of the recogniser's line scores, 0–1


def ocr_confidence(spans: list[OcrSpan], start: int, end: int) -> float | None:
    """The lowest OCR confidence over text[start:end]; None when no part of it was read by OCR."""
    scores = [s.confidence for s in spans if s.start < end and start < s.end]
    return min(scores) if scores else None


class OcrLine(BaseModel):
    """Where a line (or a table's row) read by OCR lies on its page: Report.text[start:end] was read from `box`,
    (x0, top, x1, bottom) in PDF points from the page's top-left corner. The app crops the page image to it."""

    start: int
    end: int
    box: tuple[float, float, float, float]


class Page(BaseModel):
    """A page of a paged source (PDF): its number and where it lies in Report.text."""

    number: int
    start: int
    end: int
    ocr: list[OcrSpan] = Field(default_factory=list)  # what of this page was read from an image (scan, image table)
    ocr_lines: list[OcrLine] = Field(default_factory=list)  # the same text line by line, with its box on the page
    ocr_skipped: bool = False  # the page (or an image on it) needed OCR and the page cap (ocr_max_pages) left it unread


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

    def ocr_confidence(self, start: int, end: int) -> float | None:
        return ocr_confidence([s for p in self.pages for s in p.ocr], start, end)


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


class Quote(BaseModel):
    """A verbatim span of a report: quote == report text[start:end]."""

    report: str
    section: str = ""
    page: int | None = None
    start: int
    end: int
    quote: str
    ocr_confidence: float | None = None  # set when the quote was read by OCR (from a scan or an image)


class Citation(Quote):
    id: str  # stable: "<chunk id>:<start>-<end>"


class Located(Quote):
    """A passage in its surrounding paragraph, the quote marked with 【】."""

    paragraph: str
    marked: str


class IngestSummary(BaseModel):
    added: list[str] = Field(default_factory=list)
    updated: list[str] = Field(default_factory=list)
    unchanged: list[str] = Field(default_factory=list)
    failed: dict[str, str] = Field(default_factory=dict)  # file → one-line reason
    notes: dict[str, str] = Field(default_factory=dict)  # file → one line worth knowing (pages the OCR cap left unread)
    chunks: int = 0  # chunks of the reports ingested in this run
    embedded: int = 0  # chunks that needed a new embedding
    units_embedded: int = 0  # evidence units (rows, sentences) that needed one
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
    previous_rating: CardField | None = None  # "上次评级：增持": the rating before this report's
    industry: list[CardField] = Field(default_factory=list)  # "食品饮料｜白酒" → 食品饮料, 白酒

    @property
    def rating_text(self) -> str:
        """The rating as the Reports tab and `assistant status` show it, with the previous one where given."""
        if self.rating is None:
            return ""
        before = f" · 上次 / previous: {self.previous_rating.value}" if self.previous_rating else ""
        return self.rating.value + before

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


class LLMFallback(str, Enum):
    """Why an LLM answer was not shown (the offline answer was): one reason per answer, also in `notes`."""

    EMPTY = "empty"
    MARKER_ONLY = "marker_only"  # nothing but "[1]"
    COPIED = "copied"  # the passages handed back
    QUESTION_REPEATED = "question_repeated"
    WRONG_LANGUAGE = "wrong_language"
    TOO_LONG = "too_long"
    UNSUPPORTED = "unsupported"  # no sentence the passages support (a figure none holds, nothing aligned)
    NO_EVIDENCE = "no_evidence"  # the offline evidence does not cover the question: nothing to give the model
    OFF_EVIDENCE = "off_evidence"  # it does not cite the unit the evidence ranks best
    SAID_NOT_FOUND = "said_not_found"  # "not found", where the evidence answers
    TIMEOUT = "timeout"
    ERROR = "error"  # HTTP or connection error


class Answer(BaseModel):
    """What `Assistant.ask` returns and `assistant ask --json` prints."""

    question: str
    answer: str
    abstained: bool
    direct: str | None = None  # the figure or date read off the first cited unit, which the answer leads with
    citations: list[Citation] = Field(default_factory=list)
    related: list[Citation] = Field(default_factory=list)  # shown when abstaining, never as support
    retrieved: list[RetrievedPassage] = Field(default_factory=list)
    tool: ToolCall | None = None
    latency_ms: float = 0.0
    notes: list[str] = Field(default_factory=list)
    llm_fallback: LLMFallback | None = None  # set when an LLM is configured and its answer was not shown


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
    start: int  # the header line's start … the last body row's end
    end: int
    page: int | None = None
    # Offsets of the caption (Report.text[caption_start:caption_end] == caption), on its line above the table or just
    # below it (Markdown reports); None without a caption.
    caption_start: int | None = None
    caption_end: int | None = None


class Metric(str, Enum):
    """The compute metric kinds (FLOPS). Other families have open-ended kinds (储能装机, 充电桩…), so a row's
    `metric` is a MetricKind string; these members compare equal to it."""

    INTELLIGENT = "智算"
    GENERAL = "通用"
    SUPER = "超算"
    TOTAL = "总算力"
    HIGH_PERFORMANCE = "高性能"


class MetricKind(str):
    """What a target measures: 智算, 通用, 储能装机, 产业规模, 充电桩… A plain string; `.value` is kept so code written
    for the Metric enum (`row.metric.value`, e.g. the UI) reads it unchanged."""

    @property
    def value(self) -> str:
        return str.__str__(self)

    @classmethod
    def _make(cls, value: Any) -> MetricKind:
        return cls(value.value if isinstance(value, Enum) else value)  # str(Metric.X) would be "Metric.X"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(
            cls._make, core_schema.is_instance_schema(cls),
            serialization=core_schema.plain_serializer_function_ser_schema(str),
            json_schema_input_schema=core_schema.str_schema())


class Family(str, Enum):
    """Unit families: values convert within a family (PFLOPS → EFLOPS), never across."""

    FLOPS = "flops"  # canonical EFLOPS
    POWER = "power"  # canonical GW
    ENERGY = "energy"  # canonical GWh
    MONEY = "money"  # canonical 亿元
    USD = "usd"  # canonical 亿美元, never converted to 元
    COUNT = "count"  # each counter (个, 座, 台…) is its own unit


class Op(str, Enum):
    SUM = "sum"
    COUNT = "count"
    MAX = "max"
    MIN = "min"
    LIST = "list"
    MEAN = "mean"


class GroupBy(str, Enum):
    YEAR = "year"
    REGION = "region"
    METRIC = "metric"


class TargetRow(BaseModel):
    region: str
    published: str  # "YYYY-MM", "YYYY" when the source gives only a year, "" when it gives none
    document: str
    target_year: int
    value: Decimal  # in `unit`, the family's canonical unit
    unit: str  # canonical: EFLOPS, GW, GWh, 亿元, or the counter (个, 座…)
    value_as_written: str  # e.g. "2025年12EFlops"
    metric: MetricKind = MetricKind("智算")
    family: Family = Family.FLOPS
    qualifier: str = ""  # "超过"/"以上" (a lower bound), "约"/"左右" (approximate)
    is_city: bool = False
    parent_region: str = ""  # province of a city (or county) row
    source_table: str = ""
    note: str = ""  # how a field was inferred, e.g. target year taken from the policy title
    extra: dict[str, str] = Field(default_factory=dict)  # the row's cells in columns of no known role, by header
    citation: Citation


class StatedFigure(BaseModel):
    """A figure the report itself states for an aggregate (e.g. 天风: 地方智算 25 年预计建设 107.1EFlops)."""

    value: Decimal
    unit: str = "EFLOPS"
    metric: MetricKind = MetricKind("智算")
    target_year: int
    scope: str = ""  # e.g. "地方" (sum of local targets), "全国" (a national figure, never a sum of the rows)
    citation: Citation


class Caveat(BaseModel):
    """Something that makes a figure less than a clean sum, in both languages. On the wire it stays the one string
    "English / 中文" the shells have always read (their renderers split it)."""

    zh: str
    en: str

    SEP: ClassVar[str] = " / "

    def __str__(self) -> str:
        return f"{self.en}{self.SEP}{self.zh}"

    def text(self, zh: bool) -> str:
        return self.zh if zh else self.en

    @model_serializer
    def _as_string(self) -> str:
        return str(self)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            en, _, zh = value.partition(cls.SEP)
            return {"en": en, "zh": zh or en}
        return value


class ExclusionReason(str, Enum):
    NATIONAL = "national"  # a national (全国) target, left out unless asked for
    OTHER_REPORT = "other_report"  # the question is scoped to other reports
    OTHER_SOURCE = "other_source"  # another table/report than the one used
    OTHER_METRIC = "other_metric"
    OTHER_UNIT = "other_unit"  # same kind, another unit that does not convert (个 vs 座)
    OTHER_YEAR = "other_year"
    PUBLISHED = "published"  # published outside the period asked for
    PUBLISHED_UNKNOWN = "published_unknown"  # no publication date, or too coarse for the period
    OTHER_REGION = "other_region"
    CITY = "city"  # a city row, left out on request
    EXCLUDED = "excluded"  # a region the question leaves out ("不含深圳", "去掉江苏")


class Exclusion(BaseModel):
    reason: ExclusionReason
    detail: str = ""  # e.g. the other year, source or metric

    def __str__(self) -> str:
        return f"{self.reason.value}: {self.detail}" if self.detail else self.reason.value


class TotalResult(BaseModel):
    op: Op
    value: Decimal | None  # None when no rows match
    unit: str = "EFLOPS"  # canonical unit of the rows added, "rows" for count/list
    metric: str = ""  # the one metric kind the figure is over ("" when several are counted/listed)
    rows: list[TargetRow] = Field(default_factory=list)
    excluded: list[tuple[TargetRow, Exclusion]] = Field(default_factory=list)
    excluded_count: int = 0  # all excluded rows, also when `excluded` lists only some (totals.brief)
    expression: str = ""
    groups: dict[str, Decimal] = Field(default_factory=dict)
    caveats: list[Caveat] = Field(default_factory=list)
    message: str = ""  # e.g. "no matching rows"
    stated: list[StatedFigure] = Field(default_factory=list)  # the report's own figure for the same quantity
