"""Optional LLM answers through any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp, DeepSeek, Qwen…).

The model's reply is streamed, then checked before it is shown:
1. degenerate replies are rejected — empty, nothing but "[1]", the passages handed back, the question repeated,
   the other language than the question's, longer than the limit;
2. citations do not depend on the model's obedience: every sentence is aligned to the passages (align.py); the
   model's [n] markers stay only where the passages they name support the sentence, other sentences are cited
   post hoc, and a sentence stating a figure no passage holds is removed; figures are shown as the passages
   write them (66.50, not the model's 66.5).
Any rejection, timeout or error raises `LLMRejected` with its reason; the caller shows the offline answer.

A shown answer has the offline answer's shape: the model's sentences lead, and the passages they cite follow as
verbatim quotes under a "原文：" / "Sources" line. The model writes the answer, not the evidence: a lead that
names the five provinces asked for keeps their figures one line below, as the report writes them.
"""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.answer.align import MARKER_RE, align, as_written, figures
from assistant.answer.evidence import Unit
from assistant.answer.offline import quote_lines
from assistant.answer.prompt import build_messages, passage_text
from assistant.core.models import Citation, LLMFallback, ReportCard
from assistant.core.text import has_cjk, question_lang

NOT_FOUND_RE = re.compile(r"未找到|没有(?:提到|提及|相关)|do(?:es)? not (?:say|mention)|not found", re.IGNORECASE)
CJK_RE = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")
SHINGLE = 8  # characters: a reply made of the passages' 8-grams is copied, not written
SOURCES_ZH, SOURCES_EN = "原文：", "Sources (quoted in the original Chinese):"


class LLMRejected(ValueError):
    def __init__(self, reason: LLMFallback, detail: str):
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class LLMReply:
    text: str  # renumbered [n] markers, one per citation
    citations: list[Citation]
    abstained: bool = False
    notes: list[str] = field(default_factory=list)


def make_chat_model(base_url: str, model: str, api_key: str, timeout_s: float, max_tokens: int | None = None):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(base_url=base_url, model=model, api_key=api_key, timeout=timeout_s, max_retries=0,
                      temperature=0, max_tokens=max_tokens)


def _bare(text: str) -> str:
    """Markers, whitespace and punctuation removed, case-folded: what a reply says."""
    return re.sub(r"[\W_]+", "", MARKER_RE.sub("", text)).casefold()


def is_english(text: str) -> bool:
    """Mostly English: Chinese names in brackets are fine, Chinese sentences are not."""
    words, cjk = len(LATIN_WORD_RE.findall(MARKER_RE.sub("", text))), len(CJK_RE.findall(text))
    return words >= 2 and words >= cjk / 4


def copied_back(text: str, passages: Sequence[str]) -> bool:
    """The prompt handed back: its framing, two or more whole passages, or (almost) only passage text and more
    of it than any one passage holds."""
    if re.search(r"</?passage>|段落 / Passages|问题 / Question", text):
        return True
    bare, bare_passages = _bare(text), [_bare(p) for p in passages]
    if sum(len(p) >= 15 and p in bare for p in bare_passages) >= 2:
        return True
    grams = {p[i:i + SHINGLE] for p in bare_passages for i in range(max(len(p) - SHINGLE + 1, 0))}
    own = [bare[i:i + SHINGLE] for i in range(max(len(bare) - SHINGLE + 1, 0))]
    longest = max((len(p) for p in bare_passages), default=0)
    return bool(own) and sum(g in grams for g in own) / len(own) >= 0.9 and len(bare) > 1.5 * longest


NOT_FOUND_LEAD_RE = re.compile(r"(?:报告|段落)?(?:中|里)?未找到|the reports do not say|not found", re.IGNORECASE)


def says_not_found(text: str) -> bool:
    """Only "报告中未找到" / "The reports do not say": a reply that names something and then adds "未找到"
    (a small model does: "中国移动、中国联通、中国电信。报告中未找到。") is an answer, checked as one."""
    return bool(NOT_FOUND_RE.search(text)) and len(_bare(NOT_FOUND_LEAD_RE.sub("", text))) <= 6


def degenerate(text: str, question: str, passages: Sequence[str], max_chars: int) -> LLMRejected | None:
    """Why a reply cannot be shown at all, or None."""
    if not text.strip():
        return LLMRejected(LLMFallback.EMPTY, "the model returned nothing")
    if not _bare(text):
        return LLMRejected(LLMFallback.MARKER_ONLY, f"the reply is only {text.strip()[:40]!r}")
    if len(text) > max_chars:
        return LLMRejected(LLMFallback.TOO_LONG, f"{len(text)} characters (limit {max_chars})")
    if copied_back(text, passages):
        return LLMRejected(LLMFallback.COPIED, "the reply copies the passages back")
    bare, q = _bare(text), _bare(question)
    # "…净息差是1.58%，比上季度降了3个基点" restates the question with its figures filled in: an answer
    new_figures = figures(text) - figures(question)
    if bare == q or (len(bare) <= len(q) + 4 and not new_figures
                     and difflib.SequenceMatcher(None, bare, q).ratio() >= 0.8):
        return LLMRejected(LLMFallback.QUESTION_REPEATED, "the reply repeats the question")
    if says_not_found(text):  # in either language: the caller decides what an abstention means
        return None
    said = f": {text[:60]!r}"  # what the model wrote, so the note shows why
    zh = question_lang(question) == "zh"  # "…the total in 亿元?" is an English question
    if zh and (not has_cjk(text) or is_english(text)):
        return LLMRejected(LLMFallback.WRONG_LANGUAGE, "a Chinese question answered in another language" + said)
    if not zh and not is_english(text):
        return LLMRejected(LLMFallback.WRONG_LANGUAGE, "an English question answered in another language" + said)
    return None


def generate(chat_model, messages: list, timeout_s: float, max_chars: int,
             on_token: Callable[[str], None] | None = None) -> str:
    """The streamed reply, token by token to `on_token`; the timeout covers the whole answer, not one read."""
    deadline = time.monotonic() + timeout_s
    parts: list[str] = []
    size = 0
    try:
        for chunk in chat_model.stream(messages):
            piece = chunk.content if isinstance(chunk.content, str) else ""
            if piece:
                parts.append(piece)
                size += len(piece)
                if on_token:
                    on_token(piece)
            if time.monotonic() > deadline:
                raise LLMRejected(LLMFallback.TIMEOUT, f"no complete answer within {timeout_s:g} s")
            if size > max_chars:  # no need to wait for the rest of a rambling reply
                raise LLMRejected(LLMFallback.TOO_LONG, f"over {max_chars} characters")
    except LLMRejected:
        raise
    except Exception as exc:  # the OpenAI client's timeout / HTTP / connection errors
        name = type(exc).__name__
        reason = LLMFallback.TIMEOUT if "Timeout" in name else LLMFallback.ERROR
        detail = f"no answer within {timeout_s:g} s ({name})" if reason is LLMFallback.TIMEOUT else \
            f"{name}: {str(exc)[:200]}"
        raise LLMRejected(reason, detail) from exc
    return "".join(parts).strip()


def llm_answer(chat_model, question: str, passages: Sequence[Unit], cards: Sequence[ReportCard] = (), *,
               timeout_s: float = 30.0, max_chars: int = 600, passage_chars: int = 240,
               on_token: Callable[[str], None] | None = None, previous: str = "") -> LLMReply:
    """The checked, cited LLM answer. Raises LLMRejected with the reason when it cannot be shown.
    `previous`: the earlier question a follow-up points back to."""
    from assistant.answer.offline import citation_for

    messages = build_messages(question, passages, cards, passage_chars, previous)
    text = generate(chat_model, messages, timeout_s, max_chars, on_token)
    shown = [*(u.text for u in passages), *(passage_text(u, passage_chars) for u in passages)]
    problem = degenerate(text, question, shown, max_chars)
    if problem:
        raise problem
    if says_not_found(text):
        return LLMReply(text, [], abstained=True)
    aligned = align(text, passages)
    kept = [a for a in aligned if not a.dropped]
    if not kept:
        reasons = "; ".join(f"{a.text[:40]!r} {a.dropped}" for a in aligned)
        raise LLMRejected(LLMFallback.UNSUPPORTED, reasons or "no sentence the passages support")
    cited = list(dict.fromkeys(n for a in kept for n in a.cites))
    renumber = {old: new for new, old in enumerate(cited, start=1)}
    sep = " " if question_lang(question) == "en" else ""
    body = sep.join(_with_markers(as_written(a.text, [passages[n - 1] for n in a.cites]),
                                  [renumber[n] for n in a.cites]) for a in kept)
    notes = []
    dropped = [a for a in aligned if a.dropped]
    if dropped:
        notes.append(f"删去 {len(dropped)} 句无依据的句子 / removed {len(dropped)} unsupported sentence(s): "
                     + "; ".join(f"{a.text[:40]!r} {a.dropped}" for a in dropped))
    if any(a.realigned for a in kept):
        notes.append("引用由系统按原文对齐标注 / citations attached by aligning sentences to the passages")
    quotes = _quoted(question, [passages[n - 1] for n in cited], cards)
    return LLMReply(f"{body}\n{quotes}", [citation_for(passages[n - 1]) for n in cited], notes=notes)


def _quoted(question: str, cited: Sequence[Unit], cards: Sequence[ReportCard]) -> str:
    """The cited passages under the model's sentences, quoted as the offline answer quotes them."""
    zh = question_lang(question) == "zh"
    brokers = {c.report: c.broker.value for c in cards if c.broker}
    return "\n".join([SOURCES_ZH if zh else SOURCES_EN, *quote_lines(list(cited), brokers, zh)])


def model_text(answer: str) -> str:
    """What the model wrote of a shown answer: the lines above its quoted sources."""
    for header in (SOURCES_ZH, SOURCES_EN):
        if f"\n{header}\n" in answer:
            return answer.split(f"\n{header}\n", 1)[0]
    return answer


END_RE = re.compile(r"([。！？!?；;.]+[”’」』）)]*)$")


def _with_markers(sentence: str, numbers: list[int]) -> str:
    """"北京为45EFlops。" + [1] → "北京为45EFlops [1]。": the marker before the sentence's end mark."""
    marks = "".join(f"[{n}]" for n in numbers)
    m = END_RE.search(sentence)
    if m:
        return f"{sentence[:m.start()].rstrip()} {marks}{m.group(1)}"
    return f"{sentence} {marks}"
