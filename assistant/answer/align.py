"""Citations that do not depend on the model's obedience: each answer sentence is aligned to the passages it was
given, and cited by the ones that support it.

A passage supports a sentence when it holds every figure the sentence states and enough of its key terms
(Chinese words; for English, the glossary's Chinese terms, names kept in Chinese, known ASCII terms). The model's
own [n] markers are kept when the passages they name pass that test, and replaced otherwise. A sentence stating a
figure no passage holds is removed; a sentence nothing supports is removed too. A figure is held by its digits, or
by its value when the sentence writes it in another magnitude or unit ("588 billion" for 5880亿, "10 GW" for
1000万千瓦); the same digits in a magnitude or unit of another value ("5880 billion", "1000 MW") are not held. Sentences come from the project's
one splitter (core/text.py); passages are the offline answerer's evidence units.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from assistant.answer.evidence import QUESTION_WORDS, Unit
from assistant.core.glossary import zh_term_groups
from assistant.core.text import has_cjk, sentence_spans
from assistant.ingest.structure import split_cells
from assistant.core.tokenize import normalize, term_groups, tokenize
from assistant.targets.units import parse_values, unit_named

MARKER_RE = re.compile(r"\[(\d+)\]")
NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
BULLET_RE = re.compile(r"^\s*(?:\d{1,2}[.、)）](?!\d)|[-*•])\s*")  # "1." opens a list item; "66.50" is a figure
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


# An English answer's "5880 billion" for a passage's "5880亿" (亿 = 10^8) is another figure, ten times too large:
# a figure written with an English magnitude is checked by its value against the passages' values, 万 and 亿 read.
EN_SCALE = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12}
ZH_SCALE = {"万亿": 1e12, "亿": 1e8, "万": 1e4}
EN_SCALED_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(thousand|million|billion|trillion|bn|mn)\b", re.IGNORECASE)
VALUE_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万亿|亿|万|thousand|million|billion|trillion|bn|mn\b)?", re.IGNORECASE)
SCALE_TOLERANCE = 0.01  # "about 590 billion" for 5880亿


# A period label is no figure: "Q1 2024" / "2024Q1" / "H1" name 一季度 / 上半年, and a passage writes those in words
PERIOD_RE = re.compile(r"(?<![A-Za-z])[QH][1-4](?![0-9])")


def _clean(text: str) -> str:
    text = BULLET_RE.sub("", unicodedata.normalize("NFKC", MARKER_RE.sub(" ", text)).replace(",", ""))
    return PERIOD_RE.sub(" ", text)


def _plain(n: str) -> str:
    return n.rstrip("0").rstrip(".") if "." in n else n


def figures(text: str, scaled: bool = False) -> set[str]:
    """The numbers a text states: NFKC, thousands separators dropped, trailing zeros of decimals dropped. With
    `scaled`, a number followed by an English magnitude is kept with it ("5880 billion"): its value is what a
    passage must hold."""
    text = _clean(text)
    out: set[str] = set()
    if scaled:
        for m in EN_SCALED_RE.finditer(text):
            out.add(f"{_plain(m.group(1))} {m.group(2).lower()}")
        text = EN_SCALED_RE.sub(" ", text)
    return out | {_plain(n) for n in NUMBER_RE.findall(text)}


def _values(text: str) -> list[float]:
    """Every number of a text by its value, a Chinese or English magnitude after it read (350万 → 3.5e6)."""
    out = []
    for m in VALUE_RE.finditer(_clean(text)):
        scale = (m.group(2) or "").lower()
        out.append(float(m.group(1)) * (ZH_SCALE.get(scale) or EN_SCALE.get(scale) or 1.0))
    return out


# A year is no figure of another kind: "25/26 年" in a heading does not hold "25 EFLOPS", "2025年" not "2025亿元"
YEAR_RE = re.compile(r"(?:19|20)\d\d")
YEAR_PART_RE = re.compile(r"(?<![\d.])(\d{2}|\d{4})(?=(?:\s*[/、\-~～至]\s*\d{2,4})*\s*年)")


def year_parts(text: str) -> set[str]:
    return set(YEAR_PART_RE.findall(_clean(text)))


def _holds_figure(unit: Unit, figure: str, as_year: bool = True) -> bool:
    """`as_year`: the sentence writes the figure as a year too, so a passage's year holds it."""
    if " " in figure:  # "588 billion": the passage must hold that value (5880亿), not just the digits
        number, scale = figure.split(" ")
        value = float(number) * EN_SCALE[scale]
        return any(abs(v - value) <= SCALE_TOLERANCE * value for v in _values(f"{unit.text} {unit.chunk.context}"))
    text = f"{unit.text} {unit.chunk.context}"
    if not as_year:
        text = YEAR_PART_RE.sub(" ", _clean(text))
    hay = figures(text)
    if figure in hay or (as_year and figure in years_of(text)):  # 2025 in "2024—2026年"
        return True
    # "2025" in an answer, "25年" in the passage
    return len(figure) == 4 and figure.startswith("20") and bool(
        re.search(rf"(?<!\d){figure[2:]}\s*年", unit.text))


def _said_values(sentence: str):
    return parse_values(unicodedata.normalize("NFKC", MARKER_RE.sub(" ", sentence)))


def _unit_values(unit: Unit, cache: dict[int, list]) -> list:
    if id(unit) not in cache:
        cache[id(unit)] = parse_values(unit.text)
    return cache[id(unit)]


def _same_value(a, b) -> bool:
    return a.unit == b.unit and abs(a.value - b.value) <= abs(b.value) * Decimal("0.01")


def _holder(sentence: str):
    """`holds(unit, figure)` for this sentence: the passage holds the figure's digits, or the value the sentence
    writes with that figure in another unit of its family ("10 GW" for "1000万千瓦")."""
    said, cache, years = _said_values(sentence), {}, year_parts(sentence)

    def holds(unit: Unit, figure: str) -> bool:
        as_year = figure in years or bool(YEAR_RE.fullmatch(figure))  # "in 2025" is a year without 年
        return _holds_figure(unit, figure, as_year) or any(
            _plain(str(v.number)) == figure and any(_same_value(h, v) for h in _unit_values(unit, cache))
            for v in said)

    return holds


def unit_conflicts(sentence: str, units: Sequence[Unit]) -> list[str]:
    """Figures the sentence writes in another unit than the passage does, and so wrongly: "1000 MW" where the
    passage has "1000万千瓦" (10 GW). A figure is a conflict only when no passage holds its value in its unit's
    family but one holds the same number in that family; figures the unit parser does not read are left to the
    digit check."""
    said, cache = _said_values(sentence), {}
    held = [h for u in units for h in _unit_values(u, cache)]
    return [v.text.strip() for v in said
            if not any(_same_value(h, v) for h in held)
            and any(h.unit == v.unit and _plain(str(h.number)) == _plain(str(v.number)) for h in held)]


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


# Clauses of a passage sentence: a figure belongs to the clause that writes it ("…六家酒企营收合计3438亿元，
# 占规上企业销售收入的45.1%": 3438 is the six firms' revenue, not the industry's)
CLAUSE_RE = re.compile(r"[,;。!?！？]")


def _figure_clauses(unit: Unit, figure: str) -> list[str]:
    """The clauses of the passage that write the figure, each with the clause before it (the subject often
    opens the sentence: "截至2023年底，累计装机…398万千瓦"). A table row is one clause with its header."""
    if unit.header:
        return [unit.match_text] if figure in figures(unit.text) else []
    clauses = CLAUSE_RE.split(normalize(unit.text))
    return [" ".join(clauses[max(i - 1, 0):i + 1]) for i, c in enumerate(clauses) if figure in figures(c)]


# "2月", "3日", "一季度" written as "Q1": parts of a date, which say when, not how much
DATE_PART_RE = re.compile(r"(?<![\d.])(\d{1,2})(?=\s*(?:月|日|号|季度))|(?<=Q)(\d)")


def date_parts(text: str) -> set[str]:
    return {a or b for a, b in DATE_PART_RE.findall(unicodedata.normalize("NFKC", text))}


def attributed(figure: str, groups: Sequence[tuple[str, ...]], units: Sequence[Unit],
               dates: set[str] = frozenset()) -> bool:
    """The figure is written where the passage speaks of what the sentence speaks of: a clause that writes it
    holds one of the sentence's key terms. A figure no clause writes as such (a value in another unit, "25年" for
    2025), a year and the sentence's date parts (`dates`: the 2 of 2月) are not checked here."""
    groups = [g for g in groups if not any(unit_named(t) for t in g)]  # 亿元 is beside every figure
    if not groups or " " in figure or YEAR_RE.fullmatch(figure) or figure in dates:
        return True
    windows = [w for u in units for w in _figure_clauses(u, figure)]
    return not windows or any(any(t in w for t in g) for w in windows for g in groups)


# A span of years covers those between: "2024—2026年分别为38.0GW、50.0GW、63.0GW" speaks of 2025 too
YEAR_SPAN_RE = re.compile(r"((?:19|20)\d\d)\s*[A-Za-z]?\s*[—–\-~～至到]+\s*((?:19|20)\d\d)")


def years_of(text: str) -> set[str]:
    text = _clean(text)
    out = set(YEAR_RE.findall(text))
    for a, b in YEAR_SPAN_RE.findall(text):
        out |= {str(y) for y in range(int(a), min(int(b), int(a) + 20) + 1)}
    return out


def _figure_years(unit: Unit, figure: str) -> list[set[str]]:
    """For each place the passage writes the figure, the years it is written of: a row's cell by its column's
    header (2024E), a sentence's clause by its own years or else by the clause before it ("截至2023年底，…398万千瓦")."""
    if unit.header:
        cells = split_cells(unit.text)
        return [years_of(h) for h, c in zip(unit.header, cells) if figure in figures(c)]
    clauses = CLAUSE_RE.split(normalize(unit.text))
    out = []
    for i, c in enumerate(clauses):
        if figure in figures(YEAR_RE.sub(" ", c)):
            own = years_of(c)
            out.append(own or (years_of(clauses[i - 1]) if i else set()))
    return out


def dated_elsewhere(figure: str, years: set[str], units: Sequence[Unit]) -> bool:
    """The sentence dates the figure (2025年…1.55%) and every place the passages write it is dated otherwise
    (2024年全年…约1.55%): the model moved a figure from one year to another."""
    if not years or YEAR_RE.fullmatch(figure) or " " in figure:
        return False
    dated = [y for u in units for y in _figure_years(u, figure)]
    return bool(dated) and all(y and not (y & years) for y in dated)


def supports(sentence: str, units: Sequence[Unit]) -> bool:
    """Whether these passages together hold every figure of the sentence, each where they speak of the sentence's
    subject, and one of them enough of its terms."""
    figs, groups, holds = figures(sentence, scaled=True), key_terms(sentence), _holder(sentence)
    if any(not any(holds(u, f) for u in units) for f in figs) or unit_conflicts(sentence, units):
        return False
    dates = date_parts(sentence)
    if any(not attributed(f, groups, units, dates) for f in figs):
        return False
    years = years_of(sentence)
    if any(dated_elsewhere(f, years, units) for f in figs):
        return False
    if not groups:
        return bool(figs)
    need = MIN_TERM_SUPPORT_WITH_FIGURES if figs else MIN_TERM_SUPPORT
    return max(term_support(groups, u) for u in units) >= need


def best_support(sentence: str, passages: Sequence[Unit]) -> list[int] | None:
    """The fewest passages (1-based numbers) that support the sentence, best first; None when none do."""
    figs, groups, holds = figures(sentence, scaled=True), key_terms(sentence), _holder(sentence)
    if not figs and not groups:
        return None
    ranked = sorted(range(len(passages)), key=lambda i: (
        -sum(holds(passages[i], f) for f in figs), -term_support(groups, passages[i]), i))
    chosen: list[int] = []
    left = set(figs)
    for i in ranked:  # greedy cover of the figures ("上海：天风 30，国联 15" needs two passages)
        held = {f for f in left if holds(passages[i], f)}
        if held or not chosen:
            chosen.append(i)
            left -= held
        if not left:
            break
    if left or not supports(sentence, [passages[i] for i in chosen]):
        return None
    return [i + 1 for i in chosen]


_NUMBER_TOKEN_RE = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")


def as_written(sentence: str, units: Sequence[Unit]) -> str:
    """The sentence with each figure as the passages write it: a model writes 66.5 for the report's 66.50, and an
    analyst checking the figure against the report should find the same digits."""
    written: dict[str, set[str]] = {}
    for u in units:
        for w in _NUMBER_TOKEN_RE.findall(unicodedata.normalize("NFKC", u.text)):
            written.setdefault(_plain(w), set()).add(w)

    def restore(m: re.Match) -> str:
        forms = written.get(_plain(m[0]), set())
        return next(iter(forms)) if len(forms) == 1 and m[0] not in forms else m[0]

    return _NUMBER_TOKEN_RE.sub(restore, sentence)


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
        holds = _holder(text)
        missing = sorted(f for f in figures(text, scaled=True) if not any(holds(u, f) for u in passages))
        conflicts = unit_conflicts(text, passages)
        groups = key_terms(text)
        elsewhere = sorted(f for f in figures(text, scaled=True)
                           if not attributed(f, groups, passages, date_parts(text)))
        other_year = sorted(f for f in figures(text, scaled=True) if dated_elsewhere(f, years_of(text), passages))
        out.append(Aligned(text, [], realigned=True, dropped=(
            f"states {missing} which no passage holds" if missing else
            f"states {conflicts} in another unit than the passages" if conflicts else
            f"states {elsewhere} which the passages write of something else" if elsewhere else
            f"states {other_year} which the passages write of another year" if other_year else
            "no passage supports it")))
    return out
