"""The text rules every stage shares — each written once: lines, captions, sentences, CJK, hashing.

Before this module the chunker, the table parser, the loader and the evidence step each had their own caption
regex and sentence splitter, and they disagreed ("图表 7 各省…" was a caption to one of them only).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

# A caption line: "图 3：…", "图表7 …", "表1、…", "图表 7 各省…", "Table 2 …", "Figure 3: …", Traditional "圖表 3".
CAPTION_RE = re.compile(
    r"^\s*(?P<kind>图表|圖表|图|圖|表|Table|Figure|Fig\.?)\s*(?P<num>[0-9]+)\s*(?:[：:.．、]|\s|$)", re.IGNORECASE)
# A sentence: up to and including its end mark(s) and any closing quote or bracket; a line break also ends one
# (report lines are units: table rows, list items, headings).
SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+(?:[。！？；!?;]+[”’」』）)]*)?|[。！？；!?;]+[”’」』）)]*")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def iter_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every line, without its "\\n" or a trailing "\\r"."""
    start = 0
    while True:
        nl = text.find("\n", start)
        end = len(text) if nl < 0 else nl
        yield start, end - 1 if end > start and text[end - 1] == "\r" else end
        if nl < 0:
            return
        start = nl + 1


def is_caption(line: str) -> bool:
    return "\t" not in line and bool(CAPTION_RE.match(line))


def caption_key(caption: str) -> str | None:
    """The id part of a caption, spaces dropped: "图表 7 各省…" → "图表7", "Table 2 …" → "Table2"."""
    m = CAPTION_RE.match(caption)
    return f"{m['kind'].replace('圖', '图')}{m['num']}" if m else None  # keyed in Simplified, as questions ask


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence of text[start:end], in text's offsets, surrounding blanks trimmed."""
    spans = []
    for m in SENTENCE_RE.finditer(text, start, len(text) if end is None else end):
        s, e = m.span()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            spans.append((s, e))
    return spans


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def has_cjk(text: str) -> bool:
    return bool(_CJK_RE.search(text))


_LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")


def question_lang(text: str) -> str:
    """The language a question is asked in, so the one its answer is written in: "zh" or "en". An English question
    may name Chinese terms ("What is the total in 亿元?", "…the “一事一议” criteria?"); a Chinese one may name
    Latin ones ("寒武纪的MLU370和GPU"): English when at least three English words and at least half as many as
    Chinese characters."""
    if not has_cjk(text):
        return "en"
    words, cjk = len(_LATIN_WORD_RE.findall(text)), len(_CJK_RE.findall(text))
    return "en" if words >= 3 and 2 * words >= cjk else "zh"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
