"""Citations that do not depend on the model's obedience: each answer sentence is aligned to the passages it was
given, and cited by the ones that support it.

A passage supports a sentence when it holds every figure the sentence states and enough of its key terms
(Chinese words; for English, the glossary's Chinese terms, names kept in Chinese, known ASCII terms). The model's
own [n] markers are kept when the passages they name pass that test, and replaced otherwise. A sentence stating a
figure no passage holds is removed; a sentence nothing supports is removed too. Sentences come from the project's
one splitter (core/text.py); passages are the offline answerer's evidence units.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.answer.evidence import QUESTION_WORDS, Unit
from assistant.core.glossary import zh_term_groups
from assistant.core.text import has_cjk, sentence_spans
from assistant.core.tokenize import normalize, term_groups, tokenize

MARKER_RE = re.compile(r"\[(\d+)\]")
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
BULLET_RE = re.compile(r"^\s*(?:\d{1,2}[.、)）]|[-*•])\s*")
# "…45EFlops。[1]": a marker after the full stop belongs to the sentence before it
TRAILING_MARKERS_RE = re.compile(r"([。！？!?；;.])\s*((?:\[\d+\]\s*)+)")
ASCII_TERM_RE = re.compile(r"[a-z][a-z0-9\-]{1,}")
CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]{2,}")
EN_FILLER = set("according per report reports passage passages says said plans plan will would by its their his her "
                "the a an of in on at to and or is are was were be been has have had with as for from that this "
                "which who what also than more".split())

# the model's own connecting words: not evidence, so not asked of a passage
ZH_FILLER = set("根据 认为 指出 表示 显示 提到 预计 计划 达到 包括 分别 其中 以及 主要 方面 此外 同时 可以 能够 进行 已经 "
                "将会 需要 通过 约为 大约 左右 回答 答案 段落 问题".split())

MIN_TERM_SUPPORT = 0.5  # share of a sentence's key terms one supporting passage must hold (no figures in it)
MIN_TERM_SUPPORT_WITH_FIGURES = 0.25  # a sentence whose figures a passage holds needs fewer of its words there


@dataclass
class Aligned:
    text: str  # the sentence as the model wrote it, markers removed
    cites: list[int] = field(default_factory=list)  # 1-based passage numbers
    realigned: bool = False  # the model's own markers were missing or wrong
    dropped: str = ""  # why the sentence was removed ("" = kept)


def figures(text: str) -> set[str]:
    """The numbers a text states: NFKC, thousands separators dropped, trailing zeros of decimals dropped."""
    text = unicodedata.normalize("NFKC", MARKER_RE.sub(" ", text)).replace(",", "")
    text = BULLET_RE.sub("", text)
    return {n.rstrip("0").rstrip(".") if "." in n else n for n in NUMBER_RE.findall(text)}


def _holds_figure(unit: Unit, figure: str) -> bool:
    hay = figures(f"{unit.text} {unit.chunk.context}")
    if figure in hay:
        return True
    # "2025" in an answer, "25年" in the passage
    return len(figure) == 4 and figure.startswith("20") and bool(
        re.search(rf"(?<!\d){figure[2:]}\s*年", unit.text))


def key_terms(sentence: str) -> list[tuple[str, ...]]:
    """The sentence's content terms, each a group of alternatives, all normalised."""
    text = MARKER_RE.sub(" ", sentence)
    groups: list[tuple[str, ...]] = []
    if has_cjk(text):
        for run in CJK_RUN_RE.findall(text):
            groups += [g for g in term_groups(run)]
    if re.search(r"[A-Za-z]", text):
        groups += [tuple(normalize(t) for t in g) for g in zh_term_groups(text)]
        groups += [(t,) for t in tokenize(re.sub(r"[\u3400-\u9fff]", " ", text))
                   if ASCII_TERM_RE.fullmatch(t) and t not in EN_FILLER and _is_code(t)]
    out: dict[tuple[str, ...], None] = {}
    for g in groups:
        g = tuple(t for t in g if t not in QUESTION_WORDS and t not in ZH_FILLER
                  and not (len(t) == 1 and has_cjk(t)) and not t.isdigit())
        if g:
            out.setdefault(g)
    return list(out)


def _is_code(token: str) -> bool:
    """ASCII words that occur in Chinese reports as such (EFLOPS, GPU, IPv6): letters and digits mixed, or a
    known upper-case term. Ordinary English words cannot be looked up in Chinese text."""
    from assistant.answer.evidence import ASCII_TERMS

    return token in ASCII_TERMS or (any(c.isdigit() for c in token) and any(c.isalpha() for c in token))


def term_support(groups: Sequence[tuple[str, ...]], unit: Unit) -> float:
    if not groups:
        return 0.0
    return sum(any(t in unit.match_text for t in g) for g in groups) / len(groups)


def supports(sentence: str, units: Sequence[Unit]) -> bool:
    """Whether these passages together hold every figure of the sentence and one of them enough of its terms."""
    figs, groups = figures(sentence), key_terms(sentence)
    if any(not any(_holds_figure(u, f) for u in units) for f in figs):
        return False
    if not groups:
        return bool(figs)
    need = MIN_TERM_SUPPORT_WITH_FIGURES if figs else MIN_TERM_SUPPORT
    return max(term_support(groups, u) for u in units) >= need


def best_support(sentence: str, passages: Sequence[Unit]) -> list[int] | None:
    """The fewest passages (1-based numbers) that support the sentence, best first; None when none do."""
    figs, groups = figures(sentence), key_terms(sentence)
    if not figs and not groups:
        return None
    ranked = sorted(range(len(passages)), key=lambda i: (
        -sum(_holds_figure(passages[i], f) for f in figs), -term_support(groups, passages[i]), i))
    chosen: list[int] = []
    left = set(figs)
    for i in ranked:  # greedy cover of the figures ("上海：天风 30，国联 15" needs two passages)
        held = {f for f in left if _holds_figure(passages[i], f)}
        if held or not chosen:
            chosen.append(i)
            left -= held
        if not left:
            break
    if left or not supports(sentence, [passages[i] for i in chosen]):
        return None
    return [i + 1 for i in chosen]


def sentences_of(answer: str) -> list[str]:
    text = TRAILING_MARKERS_RE.sub(lambda m: f"{m.group(2).strip()}{m.group(1)}", answer)
    return [text[s:e] for s, e in sentence_spans(text)]


def align(answer: str, passages: Sequence[Unit]) -> list[Aligned]:
    """Each sentence of the answer with the passages that support it (or the reason it is removed)."""
    out: list[Aligned] = []
    for sentence in sentences_of(answer):
        given = [int(m) for m in MARKER_RE.findall(sentence)]
        text = MARKER_RE.sub("", sentence).strip()
        text = re.sub(r"\s+([。！？，；.,;!?])", r"\1", text)
        if not re.search(r"\w", text):
            continue  # a marker or punctuation left over
        if given and all(1 <= m <= len(passages) for m in given) \
                and supports(text, [passages[m - 1] for m in given]):
            out.append(Aligned(text, sorted(set(given))))
            continue
        found = best_support(text, passages)
        if found:
            out.append(Aligned(text, found, realigned=True))
            continue
        missing = sorted(f for f in figures(text) if not any(_holds_figure(u, f) for u in passages))
        out.append(Aligned(text, [], realigned=True, dropped=(
            f"states {missing} which no passage holds" if missing else "no passage supports it")))
    return out
