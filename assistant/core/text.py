"""The text rules every stage shares — each written once: lines, captions, sentences, CJK, hashing.

Before this module the chunker, the table parser, the loader and the evidence step each had their own caption
regex and sentence splitter, and they disagreed ("图表 7 各省…" was a caption to one of them only).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
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


# A part of the year: 一季度/Q1/1Q24/first quarter → q1, 上半年/H1/first half → h1 (not 前三季度, a span)
_NTH = {"一": "1", "二": "2", "三": "3", "四": "4", "上": "1", "下": "2",
        "first": "1", "second": "2", "third": "3", "fourth": "4"}
PERIOD_RE = re.compile(
    r"(?<!前)(?:第)?([一二三四1-4])\s*季(?:度|报)|(?<![A-Za-z])[Qq]([1-4])(?![0-9])|(?<![0-9])([1-4])Q(?=\d{2}\b)"
    r"|([上下])半年|(?<![A-Za-z])H([12])(?![0-9])|\b(first|second|third|fourth)\s+quarter|\b(first|second)\s+half",
    re.IGNORECASE)


_HALF_YEAR_REPORT_RE = re.compile(r"中报|半年报|半年度报告")


# Months: a span ("1—5月", "7—9月") or a month's end ("5月末", "3月底", "截至6月", "5月下旬") — not a start
# ("7月下旬之后", "6月底起": from then on, a date in that month)
_MONTH_SPAN_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[—\-–~至到]\s*(\d{1,2})\s*月")
_STARTS = r"(?!\s*(?:之?后|以后|起))"
_MONTH_END_RE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(?:末|底|下旬)" + _STARTS + r"|截至\s*(?:20\d{2}\s*年\s*)?(\d{1,2})\s*月")


_MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec".split()
# the names and their abbreviations, whole words ("end-market" names no March)
_EN_MONTH = (r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
             r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?")
_EN_SPAN_RE = re.compile(rf"\b{_EN_MONTH}\s*(?:[—\-–~]|to|through)\s*{_EN_MONTH}(?![a-z])", re.I)
_EN_END_RE = re.compile(rf"\b(?:end[- ](?:of[- ])?|as of (?:the end of )?|late[- ]){_EN_MONTH}(?![a-z])", re.I)


def _months(first: int, last: int) -> set[str]:
    """A span of months by its tags: "to5" for January to May (and for the end of May: what has accrued by then),
    "m7-9" for another span; with the quarter or half it is (1—3月 is q1, 1—6月 h1; 3月末 ends q1)."""
    out = {f"to{last}"} if first == 1 else {f"m{first}-{last}"}
    if last - first == 2 and last % 3 == 0 or first == 1 and last == 3:
        out.add(f"q{last // 3}")
    if (first, last) in ((1, 6), (7, 12)):
        out.add(f"h{last // 6}")
    return out


# A quarter of a given year: "2024年一季度", "2024Q1", "1Q24", "Q1 2024", "first quarter of 2024" → 2024q1
_NTH_Q = {"一": "1", "二": "2", "三": "3", "四": "4", "first": "1", "second": "2", "third": "3", "fourth": "4"}
_YEAR_QUARTER_RE = re.compile(
    r"(20\d\d)\s*年?\s*(?:第)?([一二三四1-4])\s*季度|(20\d\d)\s*Q([1-4])(?![0-9])|(?<![0-9A-Za-z])([1-4])Q(\d\d)(?!\d)"
    r"|(?<![A-Za-z])Q([1-4])\s*(20\d\d)|\b(first|second|third|fourth)\s+quarter\s+(?:of\s+)?(20\d\d)", re.I)


def year_quarters(text: str) -> set[str]:
    """The quarters of given years a text names: "2023Q2、2024Q1" → {"2023q2", "2024q1"}."""
    out = set()
    for m in _YEAR_QUARTER_RE.finditer(text):
        g = m.groups()
        year, q = (g[0], g[1]) if g[0] else (g[2], g[3]) if g[2] else ("20" + g[5], g[4]) if g[4] else \
            (g[7], g[6]) if g[6] else (g[9], g[8])
        out.add(f"{year}q{_NTH_Q.get(q.lower(), q)}")
    return out


# One month, neither a span nor an end: "2024年5月" → mon5, "July 2024" → mon7
_ONE_MONTH_RE = re.compile(r"(?<![\d.])(\d{1,2})\s*月(?!\s*(?:末|底|下旬)" + _STARTS + ")")
_EN_ONE_MONTH_RE = re.compile(rf"\b{_EN_MONTH}\s*(?:\d{{1,2}},?\s*)?(?=20\d\d)", re.I)


@lru_cache(maxsize=16384)  # read of the same units for every question: pure, and kept
def periods(text: str) -> frozenset[str]:
    """The parts of the year a text names: "2024年一季度" → {"q1"}, "2023H1" → {"h1"}, "1—5月" → {"to5"}, one
    month "2024年5月" → {"mon5"} (what a month's figure is of; a date's month too, so readers compare only months
    with months: `evidence.other_period`)."""
    out = set()
    rest = _EN_END_RE.sub(" ", _EN_SPAN_RE.sub(" ", _MONTH_END_RE.sub(" ", _MONTH_SPAN_RE.sub(" ", text))))
    out |= {f"mon{int(m[1])}" for m in _ONE_MONTH_RE.finditer(rest) if 1 <= int(m[1]) <= 12}
    out |= {f"mon{_MONTH_NAMES.index(m[1][:3].lower()) + 1}" for m in _EN_ONE_MONTH_RE.finditer(rest)}
    for m in _MONTH_SPAN_RE.finditer(text):
        first, last = int(m[1]), int(m[2])
        if 1 <= first < last <= 12:
            out |= _months(first, last)
    for m in _EN_SPAN_RE.finditer(text):
        first, last = (_MONTH_NAMES.index(g[:3].lower()) + 1 for g in m.groups())
        if first < last:
            out |= _months(first, last)
    ends = [int(m[1] or m[2]) for m in _MONTH_END_RE.finditer(text)]
    ends += [_MONTH_NAMES.index(m[1][:3].lower()) + 1 for m in _EN_END_RE.finditer(text)]
    for last in ends:
        if 1 <= last <= 12:
            out |= _months(1, last) | ({f"q{last // 3}"} if last % 3 == 0 else set())
    if _HALF_YEAR_REPORT_RE.search(text):  # a half-year report (中报) is of the first half
        out.add("h1")
    for m in PERIOD_RE.finditer(text):
        q = m.group(1) or m.group(2) or m.group(3) or m.group(6)
        if q:
            out.add("q" + _NTH.get(q.lower(), q))
        h = m.group(4) or m.group(5) or m.group(7)
        if h:
            out.add("h" + _NTH.get(h.lower(), h))
    return frozenset(out)
