"""The one object the CLI and the UI are thin shells over.

ask: question → (follow-up resolved) → totals tool if routed there → hybrid retrieval → answer (offline, or LLM
with checks and fallback) → citations verified verbatim → Answer.
"""

from __future__ import annotations

import bisect
import functools
import inspect
import re
import threading
import time
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from langchain_core.messages.tool import tool_call
from langchain_core.runnables import RunnableConfig, RunnableLambda

from assistant.answer.offline import (ANSWER_POINTER_RE, OfflineAnswerer, abstention, answer_pointer,
                                      column_measures, name_kinds, named_in_answer, peer_names, resolve_followup)
from assistant.answer.score import EvidenceModel
from assistant.answer.cite import CITATION_ID_RE, Located, find_quote, locate, verify
from assistant.answer.evidence import Coverage, is_boilerplate, question_terms, sentence_asks, units_of
from assistant.targets.conditions import change_in
from assistant.ingest.store.index import Index
from assistant.core.models import IngestSummary
from assistant.ingest.pipeline import Ingestor, Progress, pending_files
from assistant.ingest.store.faults import StorageError
from assistant.core.models import (Answer, Citation, ReportCard, ChunkKind, Op, RetrievedPassage, SearchHit, Table,
                                   TargetRow, ToolCall)
from assistant.core.models import Quote, ocr_confidence
from assistant.ingest.ocr import cap_note
from assistant.ingest.page_image import quote_image
from assistant.core.shortforms import as_written, full_names, replaced
from assistant.core.asks import EACH_RE, asks_share_of_unnamed_whole, asks_spread
from assistant.answer.analysis import (Intent, QuestionAnalysis, analyse, dated, dated_month, full_years,
                                       named_periods, report_month, report_year,
                                       subject_asks, subject_before_year, subject_forms, without_names,
                                       without_report_dates)
from assistant.answer.card import card_answer
from assistant.answer.parts import join_answers
from assistant.answer.offline import AGREED_TOP_COVERAGE, SUPPORT_COVERAGE
from assistant.answer.route import format_table_total, headline
from assistant.targets.table_calc import (asked_unit, asked_units, asks_of_rows, asks_share_of_previous,
                                          find_named_tables, share_of_sum, table_parts, table_total)
from assistant.ingest.card import extract_card
from assistant.ingest.units import unit_embed_text, unit_key
from assistant.search.retriever import HybridRetriever, hits_of
from assistant.ingest.structure import find_table
from assistant.ingest.upload import UploadRefused, accept_uploads
from assistant.targets.extract import NATIONAL
from assistant.targets.regions import spelled_provinces
from assistant.targets.totals import GroupBy, Op, TotalsQuery
from assistant.targets.units import fmt, share_percent, unit_named

# What the shells (cli/, ui/) may use besides Assistant: contracts and formatting, re-exported here so that a
# shell imports only the facade and core (the import-linter contract in pyproject.toml).
__all__ = ["Assistant", "QuestionError", "clean_question", "TotalsQuery", "Op", "GroupBy", "fmt", "NATIONAL",
           "UploadRefused", "StorageError"]
from assistant.core.settings import EvidenceScore, RetrieverKind, Settings
from assistant.core.traditional import is_traditional
from assistant.core.tokenize import normalize

ANSWER_POOL = 8
# Control and format characters, and lone surrogates (JSON "\ud800" decodes to one; encoders reject them).
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff\ud800-\udfff]")


class QuestionError(ValueError):
    """A question that cannot be asked (empty, too long). The message is bilingual, Chinese first."""


_TWO_REPORTS = re.compile(r"两份|两篇|两家(?:券商|机构)|\bboth reports\b|\bthe two reports\b", re.I)


def _one_named(x: dict) -> str | None:
    """The one report a chain input names (chosen, or the analysis's single scope), else None."""
    named = [x["report"]] if x["report"] else x["analysis"].scope
    return named[0] if len(named) == 1 else None


def clean_question(question: str, max_chars: int) -> str:
    if not isinstance(question, str):
        raise QuestionError("问题必须是文字 / the question must be text")
    if len(question) > max_chars:
        raise QuestionError(f"问题过长（{len(question)} 字，上限 {max_chars}）/ the question is too long "
                            f"({len(question)} characters, limit {max_chars})")
    cleaned = " ".join(CONTROL_RE.sub(" ", question).split())
    if not cleaned:
        raise QuestionError("问题为空 / the question is empty")
    return cleaned


# a share asked ("占…多大比重", "几成", "占比多少"); one given (a percentage, 几成); one a quote states (占…45.1%)
_SHARE_ASKED = re.compile(r"占.{0,30}?(?:比重|比例|份额|几成|百分之几|多少)|几成|占比|\bshare\b|\bpercentage\b", re.I)
_SHARE_GIVEN = re.compile(r"%|[一二三四五六七八九十几]成|占比")
_SHARE_QUOTED = re.compile(r"占[^，,。；;]{0,30}?\d+(?:\.\d+)?\s*%")


def _same_passage(cited: Quote, others: list[Citation]) -> bool:
    """Whether a quote overlaps one of `others` in the same report (the evidence quoted the row a tool computed from)."""
    return any(o.report == cited.report and o.start < cited.end and cited.start < o.end for o in others)


def _share_not_computed(question: str, answer: Answer) -> bool:
    """A share asked that a tool answer does not lead with (its first line: the tools summed the rows)."""
    return _SHARE_ASKED.search(question) is not None and not _SHARE_GIVEN.search(answer.answer.split("\n", 1)[0])


def _states_share(answer: Answer) -> bool:
    """The answer leads with a share, or its first quote states one ("…合计3438亿元，占规上企业销售收入的45.1%")."""
    if answer.direct:
        return _SHARE_GIVEN.search(answer.direct) is not None
    first = next((line for line in answer.answer.split("\n") if "[1]" in line), "")
    return _SHARE_QUOTED.search(first) is not None


def _plain(method):
    """A bound method as a plain function whose signature is read once: LangChain reads a step's signature on every
    call (does it take `config`?), and a bound method's is rebuilt each time (~0.2 ms a step)."""
    def step(*args, **kwargs):
        return method(*args, **kwargs)

    step.__signature__ = inspect.signature(method)
    step.__name__ = method.__name__
    return step


class Assistant:
    def __init__(self, settings: Settings | None = None, embedder=None):
        self.settings = settings or Settings()
        self.index = Index(self.settings, embedder)
        self.retriever = HybridRetriever(index=self.index, k=self.settings.top_k, mode=self.settings.retriever,
                                         rrf_k=self.settings.rrf_k, dense_weight=self.settings.dense_weight,
                                         dense_weight_en=self.settings.dense_weight_en)
        self._histories: dict[str, list[str]] = {}
        self._ingest_lock = threading.Lock()
        self._derived: dict[str, tuple[int, object]] = {}  # name → (catalog generation, value)
        self._chat_model = None

    # ---- index ----------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path], rebuild: bool = False, progress: Progress | None = None,
               max_bytes: int | None = None) -> IngestSummary:
        with self._ingest_lock:
            return Ingestor(self.index, progress, max_bytes).run(list(paths), rebuild)

    def ensure_index(self, progress: Progress | None = None) -> IngestSummary | None:
        """Build the index from the corpus on first use; afterwards this is a cheap no-op."""
        if self.index.catalog.report_ids():
            return None
        return self.ingest([self.settings.corpus_dir], progress=progress)

    def remove(self, report_id: str, delete_file: bool = False) -> int:
        with self._ingest_lock:
            removed = Ingestor(self.index).remove(report_id)
        path = (self.settings.corpus_dir / report_id).resolve()
        if delete_file and path.parent == self.settings.corpus_dir.resolve() and path.is_file():
            path.unlink()
        return removed

    def status(self) -> dict:
        index_dir = self.settings.index_dir
        size = sum(f.stat().st_size for f in index_dir.rglob("*") if f.is_file()) if index_dir.exists() else 0
        return {"reports": self.index.catalog.report_summaries(), "chunks": self.index.catalog.chunk_count(),
                "embedder": self.index.embedder.name, "collection": self.index.vectors.name,
                "vectors": self.index.vectors.count(), "chroma": self.settings.chroma_url or "embedded",
                "index_dir": str(index_dir), "index_bytes": size, "read_only": self.index.read_only,
                "storage_fault": str(self.index.catalog.fault) if self.index.catalog.fault else None,
                "pending": self.pending()}

    def pending(self) -> list[dict]:
        """Files in the corpus not indexed as they are (an interrupted upload, a hand edit), each with the reason."""
        return pending_files(self.index, self.settings.corpus_dir)

    def reports(self) -> list[dict]:
        """Each indexed report: id, chunks, tables, chars, encoding, ingested_at, pages (0 for text files),
        ocr_pages (pages read wholly or partly by OCR), ocr_skipped (pages the OCR cap left unread) and ocr_note
        (that in one line, "" when none), traditional (Traditional Chinese, searched as Simplified)."""
        facts = self._report_facts()
        empty = {"pages": 0, "ocr_pages": 0, "ocr_skipped": 0, "traditional": False}
        rows = [s | {k: v for k, v in facts.get(s["report"], empty).items() if k != "ocr_spans"}
                for s in self.index.catalog.report_summaries()]
        return [r | {"ocr_note": cap_note(r["ocr_skipped"], self.settings.ocr_max_pages)} for r in rows]

    def _report_facts(self) -> dict[str, dict]:
        """Per report, read once per catalog generation: pages, OCR'd pages and their spans, Traditional or not."""
        def facts(r) -> dict:
            spans = [span for p in r.pages for span in p.ocr]
            return {"pages": len(r.pages), "ocr_pages": sum(1 for p in r.pages if p.ocr),
                    "ocr_skipped": sum(p.ocr_skipped for p in r.pages), "traditional": is_traditional(r.text),
                    "ocr_spans": spans}

        return self._per_generation("report_facts", lambda: {
            rid: facts(r) for rid in self.index.catalog.report_ids() if (r := self.index.catalog.report(rid))})

    def upload(self, files: list[tuple[Path, str]], progress: Progress | None = None, on_file=None) -> list:
        """Accept uploaded files (path, original name) into the corpus and index them; one refusal stops none."""
        return accept_uploads(self, files, progress=progress, on_file=on_file)

    def report_text(self, report_id: str) -> str | None:
        return self.index.catalog.report_text(report_id)

    # ---- retrieval and answers ------------------------------------------------------------

    def search(self, query: str, k: int | None = None, report: str | None = None,
               kind: ChunkKind | None = None) -> list[SearchHit]:
        query = clean_question(query, self.settings.max_question_chars)
        return hits_of(self.retriever.invoke(query, k=k, report=report, kind=kind))

    def with_retriever(self, mode: RetrieverKind) -> Assistant:
        """The same index and models, another retrieval strategy (for ablations)."""
        other = object.__new__(Assistant)
        other.__dict__.update({k: v for k, v in self.__dict__.items() if k != "chain"})  # its chain is its own
        other.retriever = self.retriever.model_copy(update={"mode": mode})
        return other

    def ask(self, question: str, history: list[str] | None = None, report: str | None = None,
            conversation: str | None = None, on_token=None) -> Answer:
        """`on_token(text)` receives an LLM answer's tokens as they come (the UI streams them); the Answer
        returned is the checked one, which may differ (citations attached, sentences removed, or the fallback)."""
        t0 = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars)
        if conversation is not None:
            history = self._histories.setdefault(conversation, [])
        with self.index.catalog.pinned():  # one catalog state for the whole answer
            answer, resolved = self._ask(question, history, report, on_token)
        if resolved != question:
            answer.notes.append(f"理解为 / understood as: {resolved}")
        if conversation is not None:
            self._histories[conversation].append(resolved)
        answer.latency_ms = (time.perf_counter() - t0) * 1000
        return answer

    def _ask(self, question: str, history: list[str] | None, report: str | None, on_token) -> tuple[Answer, str]:
        # as written, not resolved: "25年" is 2025年, "粤鲁两省" 广东、山东两省 — in the question and before it
        question = spelled_provinces(full_years(question))
        history = [spelled_provinces(full_years(h)) for h in history] if history else history
        pointed = self._named_by_answer(question, list(history or []), report) if history else None
        if pointed:  # "它离目标还差多少？" after "哪个省份…最多？": the province the answer named, in its report
            resolved, report = pointed
        else:
            resolved = resolve_followup(question, list(history or []), self._peer_names() if history else None)
        resolved = named_periods(resolved)
        resolved = as_written(resolved, self.index.snapshot().doc_freq)  # 城市商业银行 → the reports' 城商行
        resolved = self._full_names(resolved)  # 工行 → the tables' 工商银行
        resolved = without_report_dates(resolved, self.cards())  # "东岳6月的报告": the report's month, no month asked
        answer = self.chain.invoke({"question": question, "resolved": resolved, "report": report,
                                    "on_token": on_token})
        if history and asks_share_of_unnamed_whole(question):
            self._add_share_of_previous(answer, list(history), report)
        self._mark_ocr([*answer.citations, *answer.related])
        return answer, resolved

    def _named_by_answer(self, question: str, history: list[str], report: str | None) -> tuple[str, str] | None:
        """A follow-up pointing at what the previous question asked to be named ("它", "这个省" after "哪个省份…"):
        the previous question asked again, the pointer replaced by the names its answer leads with (or quotes
        first), and the report that answer cites as the follow-up's scope. None when it names none."""
        pointer = answer_pointer(question, history[-1])
        if pointer is None:
            return None
        previous = resolve_followup(history[-1], history[:-1], self._peer_names() if len(history) > 1 else None)
        before = self.chain.invoke({"question": previous, "resolved": previous, "report": report, "on_token": None})
        if before.abstained or not before.citations:
            return None
        text = before.direct or before.citations[0].quote
        plural = pointer[0] in ("它们", "这些", "这几家") or any(c in "两三四五六七八九十几" for c in pointer[0])
        names = named_in_answer(text, set(self._peer_names()), plural, previous)
        if not names:
            return None
        resolved = question[:pointer.start()] + "、".join(names) + question[pointer.end():]
        return resolved, report or before.citations[0].report

    def _add_share_of_previous(self, answer: Answer, history: list[str], report: str | None) -> None:
        """"其中江苏、上海两地占多少？" after "7个省市的目标合计多少？": the part this answer computed, over the total the
        question before computed (asked again, so its rows are this index's), in the same unit — both tools' figures,
        never a model's. Nothing is added when either is no computed figure or the part is not less than the whole."""
        part = _computed(answer)
        if part is None:
            return
        previous = resolve_followup(history[-1], history[:-1], self._peer_names() if len(history) > 1 else None)
        whole = _computed(self.chain.invoke({"question": previous, "resolved": previous, "report": report,
                                             "on_token": None}))
        if whole is None or whole[1] != part[1] or not 0 < part[0] < whole[0]:
            return
        answer.answer += (f"\n\n占比：{fmt(part[0])} / {fmt(whole[0])} = {fmt(share_percent(part[0], whole[0]))}%"
                          f"（分母为上一问的合计 / the whole is the previous question's total: {previous}）")

    def forget(self, conversation: str) -> None:
        self._histories.pop(conversation, None)

    @functools.cached_property
    def chain(self):
        """The retrieval chain as LangChain runnables, built once: {question, resolved, report} → +hits → Answer.

        A Runnable others can compose (`invoke`, `batch`, `stream`, config); `ask` is this chain plus the
        conversation bookkeeping and latency.
        """
        # plain steps, not RunnablePassthrough.assign: that runs each step through a new thread pool (~4 ms a question);
        # and few of them: each costs ~0.5 ms of LangChain bookkeeping (measured: 4 steps → 3, p50 −0.5 ms)
        return (RunnableLambda(_plain(self._analyse), name="analyse")
                | RunnableLambda(_plain(self._evidence), name="retrieve")
                | RunnableLambda(_plain(self._answer), name="answer")).with_config(run_name="ask")

    def _analyse(self, x: dict) -> dict:
        analysis = analyse(x["resolved"], self.cards())
        if analysis.intent is Intent.LOOKUP and not (analysis.parts or analysis.asks or analysis.scope):
            # one measure of two listed names ("比亚迪和中芯国际…分别"): each asked alone, wherever it is answered
            analysis.asks = subject_asks(x["resolved"], self._peer_names())
        if analysis.intent is Intent.LOOKUP and x["report"] is None and not analysis.scope \
                and _TWO_REPORTS.search(x["resolved"]):
            # "两份报告中上海的算力目标分别是什么": the two reports are the two that write all it asks of (上海, 算力,
            # 目标), each searched for its own best passages
            analysis.scope = self._reports_holding(x["resolved"], 2)
        return x | {"analysis": analysis}

    def _reports_holding(self, question: str, count: int) -> list[str]:
        """The reports whose text holds each of the question's key terms (one of a group's forms), when there are
        exactly `count` of them; else none."""
        terms = [g for g in question_terms(question) if not any(c.isdigit() for c in g[0])]
        holding = [r for r in self.index.catalog.report_ids()
                   if terms and all(any(t in self._normalized_text(r) for t in g) for g in terms)]
        return holding if len(holding) == count else []

    def _evidence(self, x: dict, config: RunnableConfig) -> dict:
        """The passages retrieved for the question, its relative years dated by the report asked about."""
        return self._dated(self._with_hits(x, config), config)

    def _with_hits(self, x: dict, config: RunnableConfig) -> dict:
        if x["report"] is None and (x["analysis"].parts or x["analysis"].asks):  # each part searched on its own
            return x | {"hits": []}
        if x["analysis"].relative_year and _one_named(x):
            return x | {"hits": None}  # 去年 of a named report: dated by its card first, searched once (`_dated`)
        return x | {"hits": self._retrieve(x, config)}

    def _dated(self, x: dict, config: RunnableConfig) -> dict:
        """明年/今年/去年 and 上个月 made absolute by the date of the report asked about (named, else ranked first), and
        the passages retrieved for the dated question (again, when the first search found the report)."""
        analysis: QuestionAnalysis = x["analysis"]
        if not analysis.relative_year:
            return x
        about = _one_named(x) or (x["hits"][0].chunk.report if x["hits"] else None)
        card = next((c for c in self.cards() if c.report == about), None)
        year, month = report_year(card), report_month(card)
        resolved = dated(x["resolved"], year) if year else x["resolved"]
        resolved = dated_month(resolved, *month) if month else resolved
        if resolved == x["resolved"]:
            return x if x["hits"] is not None else x | {"hits": self._retrieve(x, config)}
        x = x | {"resolved": resolved, "dated": f"{year}"}
        return x | {"hits": self._retrieve(x, config)}

    def _retrieve(self, x: dict, config: RunnableConfig) -> list[SearchHit]:
        # The answerer reads a few more chunks than `retrieved` reports: evidence ranked 6th still counts.
        k = max(self.retriever.k, ANSWER_POOL)
        scope = self._scope(x)
        query = self._search_query(x)
        # the retriever runs as a step of the chain (its callbacks and tags are the chain's)
        if len(scope) > 1:  # two named reports: each one's best passages
            return hits_of(self.retriever.invoke(query, config, k=k, reports=scope))
        return hits_of(self.retriever.invoke(query, config, k=k, report=scope[0] if scope else None))

    def _parts_answer(self, x: dict, parts: list[tuple[str | None, str]]) -> Answer:
        """Each part asked of its own report (a part naming none, of all), labelled by its broker (else by the
        report its answer quotes). A later part pointing back ("东岳对它的EPS预测") asks of what the first names."""
        names = {c.report: c.broker.value if c.broker else c.report for c in self.cards()}
        first = named_in_answer(parts[0][1], set(self._peer_names()), plural=False)
        answers = []
        for i, (report, part) in enumerate(parts):
            pointer = ANSWER_POINTER_RE.search(part) if i and first else None
            if pointer and pointer[0] == "它":
                part = part[:pointer.start()] + first[0] + part[pointer.end():]
            answer = self.chain.invoke({"question": part, "resolved": part, "report": report, "on_token": None})
            quoted = report or (answer.citations[0].report if answer.citations else None)
            answers.append((names.get(quoted, part) if quoted else part, answer))
        return join_answers(x["question"], answers)

    def _asks_answer(self, x: dict, asks: list[str]) -> Answer:
        """Each ask answered on its own, labelled by the broker of the report its answer quotes (else the ask); asks
        one report answers best are one question of that report, answered whole."""
        names = {c.report: c.broker.value if c.broker else c.report for c in self.cards()}
        answers = [self.chain.invoke({"question": ask, "resolved": ask, "report": None, "on_token": None})
                   for ask in asks]
        cited = [{c.report for c in a.citations} for a in answers]
        best = {a.citations[0].report for a in answers if a.citations}
        if len(best) == 1 and all(a.citations for a in answers):  # one report answers both asks best
            return self.chain.invoke({"question": x["question"], "resolved": x["resolved"],
                                      "report": best.pop(), "on_token": x.get("on_token")})
        return join_answers(x["question"], [(names.get(next(iter(c)), ask) if len(c) == 1 and not a.abstained
                                             else ask, a) for ask, a, c in zip(asks, answers, cited)])

    @staticmethod
    def _scope(x: dict) -> list[str]:
        return [x["report"]] if x["report"] else x["analysis"].scope

    def _search_query(self, x: dict) -> str:
        """The question as searched: a search filtered to the named reports does not also look for their names."""
        scope = self._scope(x)
        query = without_names(x["resolved"], [c for c in self.cards() if c.report in scope]) if scope else ""
        return query or x["resolved"]

    def _answer(self, x: dict) -> Answer:
        question, resolved, report, hits = x["question"], x["resolved"], x["report"], x["hits"]
        analysis: QuestionAnalysis = x["analysis"]
        both = report is None and analysis.both
        answer = None

        def passages() -> Answer:  # the evidence answer (the question's search vector compared with the units)
            return self._evidence_answer(question, resolved, hits, both, len(analysis.scope) > 1, x.get("on_token"),
                                         self.retriever.queries(self._search_query(x))[1])

        if report is None and analysis.parts:  # "国联…是多少？天风…又是多少？": each part asked of its own report
            return self._parts_answer(x, analysis.parts)
        if report is None and analysis.asks:  # "…的A和B分别是多少？": each asked alone, wherever it is answered
            return self._asks_answer(x, analysis.asks)
        # (the question as asked: a year made from 去年 is no name's year)
        unwritten = self._unwritten_subject(x["question"], self._scope(x))
        if unwritten:  # "水井坊2024年的营收目标": a name no report in scope writes has no figure there
            zh = analysis.lang == "zh"
            answer = abstention(question, hits, f"报告未提及：{unwritten}" if zh else f"Not in the reports: {unwritten}")
        elif analysis.intent is Intent.REPORT_META:
            answer = self._card_answer(question, analysis, report, hits)
        elif analysis.intent is Intent.AGGREGATE and both and len(analysis.scope) > 1:
            # two reports named, each asked what it says ("东岳与澜沧的预测各是多少"): their statements, each labelled;
            # the tools' rows come from one table of one report — they answer only where no passage does
            answer = passages()
            if answer.abstained:
                answer = self._totals_answer(question, resolved, analysis.scope, hits) \
                    or self._table_total_answer(question, resolved, analysis.scope, hits) or answer
        elif analysis.intent is Intent.AGGREGATE:
            scope = [report] if report else analysis.scope
            # the target tool first, unless the question names a table its rows do not come from
            # the gap between highest and lowest is the table calculator's (the targets tool sums, counts, ranks)
            # so is a question that tests or changes each row first ("增速超过15%的有哪几家")
            answer = None if asks_spread(resolved) or asks_of_rows(resolved) else \
                self._totals_answer(question, resolved, scope, hits)
            named = find_named_tables(resolved, self._scoped_tables(scope))
            if named and answer is not None and answer.tool and not self._tool_used(answer, named):
                answer = None
            # no tool answer: any table may hold the figures (a target table's other columns too: 2024E装机)
            answer = answer or self._table_total_answer(question, resolved, scope, hits)
            if answer is not None and _share_not_computed(resolved, answer):
                # a passage stating the share ("…合计3500亿元，占四川省目标的87.5%") answers it
                stated = passages()
                if not stated.abstained and _states_share(stated):
                    answer = stated
        answer = answer or passages()
        if analysis.intent is Intent.LOOKUP and change_in(resolved) is not None and not sentence_asks(resolved):
            # a change between two years no passage states ("比亚迪2025年EPS较2023年增长了多少"): computed from the
            # retrieved table's cells when it holds both years of the row asked — also where the evidence answer
            # merely quotes that row (one of its cells is no change)
            computed = self._table_total_answer(question, resolved, [report] if report else analysis.scope, hits)
            if computed is not None and (answer.abstained or not answer.direct or not answer.citations
                                         or _same_passage(answer.citations[0], computed.citations)):
                answer = computed
        k = self.retriever.k
        answer.retrieved = [
            RetrievedPassage(chunk_id=h.chunk.id, report=h.chunk.report, text=h.chunk.text, score=h.score,
                             section=h.chunk.section, page=h.chunk.page, start=h.chunk.start, end=h.chunk.end)
            for h in hits[:max(k, 2) if both else k]
        ]
        if x.get("dated"):
            answer.notes.append(f"相对年份按报告日期（{x['dated']}年）理解为 / relative years read by the report's date "
                                f"({x['dated']}): {resolved}")
        return answer

    def offline_answerer(self, searched: str, learned: bool | None = None) -> OfflineAnswerer:
        """The evidence answerer for a question whose search embedded `searched`: the index's term weights, the
        cached unit vectors, the tables' names and kinds, the reports' texts; the learned score unless `learned` is
        False (bench/fit_answerer.py collects candidates with it)."""
        snap = self.index.snapshot()
        st = self.settings
        if learned is None:
            learned = st.evidence_score is EvidenceScore.LEARNED
        return OfflineAnswerer(Coverage(snap.doc_freq, len(snap.chunks)), self._unit_similarity(searched),
                               st.evidence_sim_weight, st.evidence_sim_answerable, st.evidence_sim_min_coverage,
                               st.evidence_sim_floor, {c.report: c.broker.value for c in self.cards() if c.broker},
                               self._evidence_model if learned else None, self._peer_names(),
                               self._per_generation("kinds", lambda: name_kinds(self.tables())), self._normalized_text,
                               self._per_generation("columns", lambda: column_measures(self.tables())))

    def _evidence_answer(self, question: str, resolved: str, hits: list[SearchHit], both: bool,
                         named_several: bool = False, on_token=None, searched: str | None = None) -> Answer:
        """`searched`: the text the retrieval embedded; the units are compared with its vector (one embedding a
        question; measured on dev: the same accuracy as a vector of the question as asked)."""
        offline = self.offline_answerer(searched or resolved)
        answer = None
        # reports the question names each show their best evidence, even at a lower coverage
        each_min = AGREED_TOP_COVERAGE if named_several else SUPPORT_COVERAGE
        if self.settings.llm_base_url:
            answer = self._llm_answer(question, resolved, hits, offline, both, each_min, on_token)
        if answer is None:
            answer = offline.run(resolved, hits, both, each_min)
        answer.question = question
        answer.citations, dropped = verify(answer.citations, self.report_text)
        answer.related, _ = verify(answer.related, self.report_text)
        if dropped:
            answer.notes.append(f"{len(dropped)} 条引用未通过原文核对，已删除 / {len(dropped)} citation(s) "
                                "failed the verbatim check and were dropped")
        if not answer.abstained and not answer.citations:
            answer = abstention(question, hits, "\n".join(answer.notes))
        return answer

    @functools.cached_property
    def _evidence_model(self) -> EvidenceModel:
        return EvidenceModel.load()

    def _unit_similarity(self, question: str):
        """Question ↔ unit cosine from the unit vectors cached at ingest (one SQLite read per question)."""
        index = self.index

        seen: dict[str, float | None] = {}  # one question's asks read the same units again

        def similarity(units):
            q = index.query_vector(question)
            keys = [unit_key(index.embedder.name, unit_embed_text(u.chunk, u.span)) if u.span else "" for u in units]
            if new := [k for k in keys if k and k not in seen]:
                cached = index.catalog.cached_vectors(new)
                seen.update({k: float(cached[k] @ q) if k in cached else None for k in new})
            return [seen.get(k) if k else None for k in keys]

        return similarity

    def _llm_answer(self, question: str, resolved: str, hits: list[SearchHit], offline: OfflineAnswerer,
                    both: bool = False, each_min: float = SUPPORT_COVERAGE, on_token=None) -> Answer:
        """The LLM's answer over the offline answerer's evidence units, checked and cited; the offline answer with
        the reason (`llm_fallback`, notes) when it cannot be shown. Only questions the evidence covers reach the
        model: near-miss passages invite a fluent wrong answer (aggregates never do: the tools' figures stand)."""
        from assistant.answer.llm import LLMRejected, llm_answer, make_chat_model
        from assistant.core.models import LLMFallback

        s = self.settings
        if self._chat_model is None:
            self._chat_model = make_chat_model(s.llm_base_url, s.llm_model, s.llm_api_key, s.llm_timeout_s,
                                               s.llm_max_tokens)

        def fallback(exc: LLMRejected) -> Answer:
            answer = offline.run(resolved, hits, both, each_min)
            answer.llm_fallback = exc.reason
            answer.notes.append(f"LLM 回答未采用，改用离线回答 / LLM answer not used, offline answer shown: {exc}")
            return answer

        chosen = [u for u, _ in offline.select(resolved, hits, both, each_min)]
        if not chosen:
            return fallback(LLMRejected(LLMFallback.NO_EVIDENCE, "the evidence does not cover the question"))
        terms = question_terms(resolved)
        more = sorted((u for h in hits for u in units_of(h.chunk) if not is_boilerplate(u)),
                      key=lambda u: -offline.coverage.score(terms, u))
        passages = list(chosen)
        for u in more:
            if len(passages) >= max(s.llm_passages, len(chosen)):
                break
            if all(u.text != p.text for p in passages):
                passages.append(u)
        # a follow-up that points back ("它2023年底完成了多少？") is resolved as "<earlier question> <follow-up>":
        # the model gets the two apart
        previous, asked = "", resolved
        if resolved != question and resolved.endswith(f" {question}"):
            previous, asked = resolved[:-len(question) - 1], question
        try:
            reply = llm_answer(self._chat_model, asked, passages, self.cards(), timeout_s=s.llm_timeout_s,
                               max_chars=s.llm_max_answer_chars, passage_chars=s.llm_passage_chars,
                               on_token=on_token, previous=previous)
        except LLMRejected as exc:
            return fallback(exc)
        # The model writes the answer over the evidence; it does not overrule the evidence ranking. Measured with a
        # 1.5B model (bench/llm.py, dev2, 30 questions): shown only when it cites the best unit, .700 as offline;
        # when it cites any unit the evidence chose, .667 (11 model-written answers instead of 5).
        if reply.abstained:
            return fallback(LLMRejected(LLMFallback.SAID_NOT_FOUND, f"the model said: {reply.text[:80]}"))
        best = chosen[0]
        if not any(c.report == best.chunk.report and c.start < best.end and best.start < c.end
                   for c in reply.citations):
            return fallback(LLMRejected(LLMFallback.OFF_EVIDENCE, "the answer does not cite the best evidence"))
        return Answer(question=question, answer=reply.text, abstained=False, citations=reply.citations,
                      notes=[f"LLM: {s.llm_model}", *reply.notes])

    # ---- tables, targets, totals ----------------------------------------------------------

    def tables(self) -> list[Table]:
        """Every report's tables (read from the catalog once per generation: ~2 ms a read, several a question)."""
        return list(self._per_generation("tables", self.index.catalog.tables))

    def find_table(self, key: str) -> list[Table]:
        """Tables matching a full id or its '#' part (图3, 图表7), ignoring spaces."""
        return find_table(self.tables(), key)

    def _per_generation(self, name: str, compute):
        """What is derived from the reports (targets, estimates, regions, cards), recomputed only when the catalog
        changed: scanning every report per question cost ~0.5 s at 200 reports (bench/bench_query.py --profile)."""
        generation = self.index.catalog.generation()
        cached = self._derived.get(name)
        if cached is None or cached[0] != generation:
            cached = (generation, compute())
            self._derived[name] = cached
        return cached[1]

    def _unwritten_subject(self, question: str, scope: list[str]) -> str:
        """The name the question asks a figure of (`subject_before_year`: before its year, before 的 and the measure,
        or an English question's Chinese gloss) when no report in scope (all, if none is named) writes it,
        whitespace aside; else ""."""
        subject = subject_before_year(as_written(question, self.index.snapshot().doc_freq))
        if not subject:
            return ""
        names = subject_forms(subject)
        compact = self._per_generation("compact", dict)
        for rid in scope or [c.report for c in self.cards()]:
            if rid not in compact:
                compact[rid] = re.sub(r"\s+", "", self._normalized_text(rid))
            if any(n in compact[rid] for n in names):
                return ""
        return subject

    def _full_names(self, question: str) -> str:
        """The question with each short form of a name the tables list written whole (工行 → 工商银行)."""
        ids = self.index.catalog.report_ids()
        return replaced(question, full_names(question, self._peer_names(),
                                             lambda word: any(word in self._normalized_text(r) for r in ids)))

    def _normalized_text(self, report_id: str) -> str:
        """A report's text as search compares it (Simplified, NFKC, lower case), read once per catalog generation."""
        texts = self._per_generation("normalized", dict)
        if report_id not in texts:
            texts[report_id] = normalize(self.report_text(report_id) or "")
        return texts[report_id]

    def cards(self) -> list[ReportCard]:
        """Each report's card (broker, title, date, analysts, rating), read from its front matter."""
        return self._per_generation("cards", lambda: [
            extract_card(r) for rid in self.index.catalog.report_ids() if (r := self.index.catalog.report(rid))])

    def targets(self) -> list[TargetRow]:
        return self._per_generation("targets", self._extract_targets)

    def _extract_targets(self) -> list[TargetRow]:
        from assistant.targets.extract import extract_targets

        rows: list[TargetRow] = []
        tables: dict[str, list[Table]] = {}  # by report: filtering the whole list per report was quadratic
        for table in self.tables():
            tables.setdefault(table.report, []).append(table)
        for report_id in self.index.catalog.report_ids():
            report = self.index.catalog.report(report_id)
            rows.extend(r.model_copy(update={"citation": self._chunk_citation(r.citation, report.text)})
                        for r in extract_targets(report, tables.get(report_id, [])))
        return rows

    def _chunk_citation(self, citation: Citation, text: str | None = None) -> Citation:
        """The same span under the one citation id scheme (`<chunk id>:<start>-<end>`), so `cite` opens it."""
        return self._cite_span(citation.report, citation.start, citation.end, text) or citation

    def _target_regions(self) -> list[str]:
        return self._per_generation("regions", lambda: sorted({r.region for r in self.targets()}))

    def _peer_names(self) -> dict[str, set[str]]:
        return self._per_generation("peers", lambda: peer_names(self.tables()))

    def _target_metrics(self) -> list[str]:
        return self._per_generation("metrics", lambda: sorted({str(r.metric) for r in self.targets()}))

    def totals(self, query):
        """The totals tool run on a query: its ToolMessage's artifact, the whole TotalResult."""
        tool = self._totals_tool()
        return tool.invoke(tool_call(name=tool.name, args=query.model_dump(mode="json"), id="totals")).artifact

    def _totals_tool(self):
        """The LangChain totals tool over this catalog generation's target rows and stated estimates."""
        from assistant.targets.totals import make_totals_tool

        return self._per_generation("totals_tool", lambda: make_totals_tool(self.targets(), self._estimates()))

    def _estimates(self):
        from assistant.targets.extract import find_estimates

        def estimates():
            found = []
            for rid in self.index.catalog.report_ids():
                report = self.index.catalog.report(rid)
                found += [e.model_copy(update={"citation": self._chunk_citation(e.citation, report.text)})
                          for e in find_estimates(report)]
            return found

        return self._per_generation("estimates", estimates)

    def _totals_answer(self, question: str, resolved: str, scope: list[str],
                       hits: list[SearchHit] = ()) -> Answer | None:
        from assistant.answer.route import format_total_answer, route
        from assistant.targets.totals import brief

        query = route(resolved, self._target_regions(), scope, self._target_metrics())
        if query is None:
            return None
        if len(scope) > 1 and EACH_RE.search(resolved):  # "鹤鸣和青岚分别…合计各是多少": one figure per report
            return self._totals_per_report(question, resolved, query, scope)
        # several reports with matching rows: the one the retrieval ranks first is the one the question is about
        query.prefer_reports = list(dict.fromkeys(h.chunk.report for h in hits[:5]))
        if (each := self._totals_asks(question, resolved, query.prefer_reports, scope)) is not None:
            return each
        result = self.totals(query)
        text = format_total_answer(resolved, result)
        # one read per report, not per row: a total over a large corpus cites thousands of rows
        citations, _ = verify([r.citation for r in result.rows], functools.cache(self.report_text))
        if result.value is None and not result.rows:
            return None  # the tool has no rows for this: retrieval answers instead
        asked = [(u.family, u.canonical) for u in map(unit_named, asked_units(resolved))]
        got = unit_named(result.unit) if result.unit else None
        if asked and got is not None and (got.family, got.canonical) not in asked:
            return None  # "多少万辆" answered in GW is another quantity's total: a table or retrieval answers
        return Answer(question=question, answer=text, abstained=False, direct=headline(text), citations=citations,
                      tool=ToolCall(name="totals", arguments=query.model_dump(mode="json"),
                                    result=brief(result).model_dump(mode="json")))

    def _totals_asks(self, question: str, resolved: str, prefer: list[str], scope: list[str]) -> Answer | None:
        """Two asks of other operations over the target rows ("以2025年为目标的地区有几个？其中规划最高的是哪里？"):
        each computed by the tool with the first ask's filters, markers numbered across them. None when the question
        asks one thing — a count beside a sum is one ask too: the sum states its row count."""
        from assistant.answer.route import format_total_answer, route
        from assistant.targets.totals import brief

        asks = [in_context for _, in_context in table_parts(resolved)]
        queries = [route(ask, self._target_regions(), scope, self._target_metrics()) for ask in asks]
        ops = {q.op for q in queries if q is not None}
        if len(queries) < 2 or None in queries or len(ops) < 2 or ops == {Op.COUNT, Op.SUM}:
            return None
        texts, cited, results = [], [], []
        for ask, query in zip(asks, queries):
            query.prefer_reports = prefer
            result = self.totals(query)
            if result.value is None and not result.rows:
                return None
            texts.append(format_total_answer(ask, result, len(cited) + 1))
            cited += [r.citation for r in result.rows]
            results.append(brief(result).model_dump(mode="json"))
        citations, _ = verify(cited, functools.cache(self.report_text))
        return Answer(question=question, answer="\n\n".join(texts), abstained=False, citations=citations,
                      tool=ToolCall(name="totals", arguments=queries[0].model_dump(mode="json"),
                                    result={"asks": results, "rows": [r for x in results for r in x.get("rows") or []]}))

    def _totals_per_report(self, question: str, resolved: str, query, scope: list[str]) -> Answer | None:
        """The same aggregate over each named report, labelled by its broker, markers numbered across them."""
        from assistant.answer.route import format_total_answer
        from assistant.targets.totals import brief

        brokers = {c.report: c.broker.value for c in self.cards() if c.broker}
        parts, cited, results = [], [], {}
        for rid in scope:
            result = self.totals(query.model_copy(update={"reports": [rid], "prefer_reports": []}))
            if result.value is None:
                continue
            parts.append(f"{brokers.get(rid, rid)}：\n{format_total_answer(resolved, result, len(cited) + 1)}")
            cited += [r.citation for r in result.rows]
            results[rid] = brief(result).model_dump(mode="json")
        if not parts:
            return None
        citations, _ = verify(cited, functools.cache(self.report_text))
        return Answer(question=question, answer="\n\n".join(parts), abstained=False, citations=citations,
                      tool=ToolCall(name="totals", arguments=query.model_dump(mode="json") | {"per_report": scope},
                                    result={"per_report": results}))

    def _scoped_tables(self, scope: list[str]) -> list[Table]:
        return [t for t in self.tables() if not scope or t.report in scope]

    @staticmethod
    def _tool_used(answer: Answer, tables: list[Table]) -> bool:
        ids = {t.id for t in tables}
        rows = (answer.tool.result or {}).get("rows") or []
        return any(isinstance(r, dict) and r.get("source_table") in ids for r in rows)

    def _table_total_answer(self, question: str, resolved: str, scope: list[str],
                            hits: list[SearchHit] = ()) -> Answer | None:
        """A sum/max/min/count over a table the question names — by number, else the table the retrieval ranks
        first — (time series, entity tables), cited row by row. Target tables are the totals tool's: summing their
        column whole would ignore its year/kind/date filters, so this runs only when the tool had no answer."""
        tables = self._scoped_tables(scope)
        by_id = {t.id: t for t in tables}
        retrieved = [by_id[i] for i in dict.fromkeys(
            t.id for h in hits if h.chunk.kind is ChunkKind.TABLE for t in tables
            if t.report == h.chunk.report and t.start <= h.chunk.end and h.chunk.start <= t.end)]
        # a question asking two things of a table ("合计多少？其中哪一年最多？"): each ask computed, one after the other
        texts, citations, results = [], [], []
        for alone, in_context in table_parts(resolved):
            # a later ask alone, of the table the first one used; else with the first ask's words, of any table
            result = table_total(alone, tables, [results[0].table]) if results and alone != in_context else None
            if result is None and results and asks_share_of_previous(alone):
                result = share_of_sum(results[0])  # "…合计多少？占整体比重多少？": the sum's share of its column
            part = alone if result is not None else in_context
            result = result or table_total(part, tables, retrieved)
            if result is None:
                continue
            cited = [c for t in result.terms if (c := self._cite_span(result.table.report, t.row.start, t.row.end))]
            cited, _ = verify(cited, self.report_text)
            if not cited:
                continue
            texts.append(format_table_total(part, result, asked_unit(part), first=len(citations) + 1))
            citations += cited
            results.append(result)
        if not results:
            return None
        first = results[0]
        return Answer(question=question, answer="\n\n".join(texts), abstained=False, citations=citations,
                      direct=headline(texts[0]) if len(texts) == 1 else None,
                      tool=ToolCall(name="table_total", arguments={"table": first.table.id, "op": first.op,
                                                                   "measure": first.measure},
                                    result={"value": str(first.value), "unit": first.unit,
                                            "expression": first.expression,
                                            "parts": [{"op": r.op, "measure": r.measure, "value": str(r.value),
                                                       "unit": r.unit, "expression": r.expression}
                                                      for r in results]}))

    def _card_answer(self, question: str, analysis: QuestionAnalysis, report: str | None,
                     hits: list[SearchHit]) -> Answer | None:
        cards = {c.report: c for c in self.cards()}
        # the reports named, else the one the retrieval ranks first (a question in a one-report context)
        wanted = [report] if report else analysis.scope or [h.chunk.report for h in hits[:1]]
        answer = card_answer(analysis, [cards[r] for r in wanted if r in cards], self._cite_span)
        if answer is not None:
            answer.question = question
            answer.citations, _ = verify(answer.citations, self.report_text)
        return answer if answer is not None and (answer.citations or answer.abstained) else None

    def _chunks_by_report(self) -> dict[str, tuple[list[int], list]]:
        """Each report's chunks in text order with their starts: the chunk holding an offset is a bisect away
        (every target row is cited through it; scanning all chunks per row was quadratic)."""
        def build():
            by_report: dict[str, list] = {}
            for c in self.index.snapshot().chunks:
                by_report.setdefault(c.report, []).append(c)
            ordered = {r: sorted(cs, key=lambda c: c.start) for r, cs in by_report.items()}
            return {r: ([c.start for c in cs], cs) for r, cs in ordered.items()}

        return self._per_generation("chunks_by_report", build)

    def _cite_span(self, report: str, start: int, end: int, text: str | None = None) -> Citation | None:
        """A citation for report[start:end], clamped to the chunk that holds its start."""
        starts, chunks = self._chunks_by_report().get(report, ([], []))
        i = bisect.bisect_right(starts, start) - 1
        chunk = chunks[i] if i >= 0 and start < chunks[i].end else None
        text = self.report_text(report) if text is None else text
        if chunk is None or text is None:
            return None
        end = min(end, chunk.end)
        return Citation(id=f"{chunk.id}:{start}-{end}", report=report, section=chunk.section, page=chunk.page,
                        start=start, end=end, quote=text[start:end])

    # ---- citation lookup ------------------------------------------------------------------

    def cite(self, citation_id: str) -> Located:
        m = CITATION_ID_RE.match(citation_id.strip())
        snap = self.index.snapshot()
        chunk = snap.chunks[snap.position[m.group("chunk")]] if m and m.group("chunk") in snap.position else None
        if chunk is None:
            raise KeyError(f"未知的引用编号 {citation_id} / unknown citation id {citation_id}")
        start, end = int(m.group("start")), int(m.group("end"))
        text = self.report_text(chunk.report) or ""
        if not (chunk.start <= start < end <= chunk.end):
            raise KeyError(f"引用编号与原文不符 {citation_id} / citation id {citation_id} does not match its passage")
        located = locate(chunk.report, text, start, end, chunk.section, chunk.page)
        self._mark_ocr([located])
        return located

    def citation_image(self, citation: Quote | str) -> bytes | None:
        """PNG of the page region an OCR'd citation (or citation id) was read from, its lines outlined; None when
        it was not read by OCR, or its file is outside the corpus or changed since (ingest/page_image.py)."""
        quote = self.cite(citation) if isinstance(citation, str) else citation
        report = self.index.catalog.report(quote.report)
        return report and quote_image(report, self.settings.corpus_dir, quote.start, quote.end, self.settings.ocr_dpi)

    def _mark_ocr(self, quotes: list) -> None:
        """Quotes read by OCR carry the recogniser's confidence, so the answer and the panel can say so."""
        facts = self._report_facts()
        for quote in quotes:
            spans = facts.get(quote.report, {}).get("ocr_spans", [])
            quote.ocr_confidence = ocr_confidence(spans, quote.start, quote.end)

    def find_quote(self, quote: str, report: str | None = None, limit: int = 50) -> list[Located]:
        """Every place `quote` occurs (whitespace and full/half width ignored), in report order, at most `limit`."""
        found: list[Located] = []
        for rid in [report] if report else self.index.catalog.report_ids():
            text = self.report_text(rid) or ""
            rep, pos = None, 0
            while len(found) < limit and (span := find_quote(quote, text[pos:])):
                start, end = span[0] + pos, span[1] + pos
                rep = rep or self.index.catalog.report(rid)
                section = next((c.section for c in self.index.snapshot().chunks
                                if c.report == rid and c.start <= start < c.end), "")
                found.append(locate(rid, text, start, end, section, rep.page_at(start) if rep else None))
                pos = end
        self._mark_ocr(found)
        return found


def _computed(answer: Answer) -> tuple[Decimal, str] | None:
    """The figure and unit a tool computed for an answer (the totals tool or the table calculator), else None."""
    result = answer.tool.result if answer.tool and answer.tool.name in ("totals", "table_total") else None
    if not result or result.get("value") in (None, "") or \
            (result.get("op") or answer.tool.arguments.get("op")) != "sum":
        return None
    try:
        return Decimal(str(result["value"])), str(result.get("unit") or "")
    except (ArithmeticError, ValueError):
        return None
