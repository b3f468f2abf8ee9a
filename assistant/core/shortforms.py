"""The reports' short forms of what a question writes out in full: 城市商业银行 → 城商行, 农村商业银行 → 农商行,
股份制银行 → 股份行. Broker reports abbreviate by keeping characters of the full name in order, first and last
kept; a question (or a reader) often writes the full name. Found from the index's own words, not a hand-kept list.
"""

from __future__ import annotations

from assistant.core.text import has_cjk
from assistant.core.tokenize import normalize, pos_tokens

MIN_SHORT, MAX_SHORT = 3, 4  # two characters in order match too much by chance (城行 of 城市银行)
_NOT_NAME = ("u", "c", "r", "m", "p", "q", "d")  # jieba tags: particle, conjunction, pronoun, numeral, preposition,
# measure word, adverb
MIN_DROPPED = 2  # the full name is at least this much longer than the short form
MAX_KNOWN = 4096  # questions whose short forms are kept

_by_first_cache: dict[int, tuple[dict[str, int], dict[str, list[str]], dict[str, dict[str, str]]]] = {}


def _by_first(doc_freq: dict[str, int]) -> tuple[dict[str, list[str]], dict[str, dict[str, str]]]:
    """The index's Chinese words of MIN_SHORT–MAX_SHORT characters by their first character, and the questions'
    short forms found so far (both once per index generation: a question is read by several steps)."""
    cached = _by_first_cache.get(id(doc_freq))
    if cached and cached[0] is doc_freq:
        return cached[1], cached[2]
    out: dict[str, list[str]] = {}
    for word in doc_freq:
        if MIN_SHORT <= len(word) <= MAX_SHORT and all("\u4e00" <= c <= "\u9fff" for c in word):
            out.setdefault(word[0], []).append(word)
    _by_first_cache.clear()
    _by_first_cache[id(doc_freq)] = (doc_freq, out, {})
    return out, {}


def _in_order(short: str, span: str) -> bool:
    """`short`'s characters in `span` in order, the first and last at its ends."""
    if not span or span[0] != short[0] or span[-1] != short[-1]:
        return False
    rest = iter(span[1:-1])
    return all(c in rest for c in short[1:-1])


def short_forms(question: str, doc_freq: dict[str, int]) -> dict[str, str]:
    """{full name in the question: the reports' short form}. The full name is a run of whole words (城市 + 商业银行),
    none a particle, conjunction, pronoun or numeral (目标的各地 is no name of 目的地), so a short form never starts or
    ends inside a word; the short form takes single characters, sharing no two in a row with the full name (年收入
    is a word of its own, not a short form of 年营业收入); a short form the question itself writes is not sought."""
    if not doc_freq or not has_cjk(question):
        return {}
    by_first, known = _by_first(doc_freq)
    if question in known:
        return known[question]
    q = normalize(question)
    words = pos_tokens(q)
    starts = [start for _, _, start in words]
    ends = sorted({start + len(w) for w, _, start in words})
    # positions inside a word that joins nothing into a name
    joins = {start + i for w, pos, start in words if pos[:1] in _NOT_NAME for i in range(len(w))}
    found: dict[str, str] = {}
    for start in starts:
        for short in by_first.get(q[start], ()):
            if short in q:
                continue
            for end in (e for e in ends if start + len(short) + MIN_DROPPED <= e <= start + 2 * len(short) + 2):
                span = q[start:end]
                if all("\u4e00" <= c <= "\u9fff" for c in span) and _in_order(short, span) \
                        and not joins & set(range(start, end)) \
                        and not any(short[i:i + 2] in span for i in range(len(short) - 1)):
                    found.setdefault(span, short)
                    break
    if len(known) >= MAX_KNOWN:
        known.clear()
    known[question] = found
    return found


def as_written(question: str, doc_freq: dict[str, int]) -> str:
    """The question in the reports' words: each full name it writes replaced by the reports' short form."""
    return replaced(question, short_forms(question, doc_freq))


def replaced(question: str, words: dict[str, str]) -> str:
    """The question with each word replaced, as written where it writes the word so, else normalised (the words were
    found in its normalised form)."""
    for old, new in words.items():
        question = normalize(question).replace(old, new) if old not in question else question.replace(old, new)
    return question


_NAMES_BY_FIRST: list = []  # the last names read, and them by first character (one names dict a catalog generation)


def _names_by_first(names) -> dict[str, list[str]]:
    if not _NAMES_BY_FIRST or _NAMES_BY_FIRST[0] is not names:
        by_first: dict[str, list[str]] = {}
        for name in names:
            by_first.setdefault(name[:1], []).append(name)
        _NAMES_BY_FIRST[:] = [names, by_first]
    return _NAMES_BY_FIRST[1]


def full_names(question: str, names, written) -> dict[str, str]:
    """{short form in the question: the one listed name it shortens} — 工行 → 工商银行, 招行 → 招商银行: an analyst's
    short form no report writes, whose characters stand in order in exactly one name the tables list (first and last
    kept, the name two or more characters longer). `names`: the tables' names; `written(word)`: does a report write
    it (a word the reports write is theirs, not a short form)."""
    if not names or not has_cjk(question):
        return {}
    by_first = _names_by_first(names)
    found: dict[str, str] = {}
    for word, pos, _ in pos_tokens(normalize(question)):
        if not 2 <= len(word) <= 3 or word[0] not in by_first or pos[:1] in _NOT_NAME or word in names \
                or not all("\u4e00" <= c <= "\u9fff" for c in word):
            continue
        full = [n for n in by_first[word[0]] if len(n) >= len(word) + MIN_DROPPED and _in_order(word, n)]
        if len(full) == 1 and not written(word):
            found[word] = full[0]
    return found
