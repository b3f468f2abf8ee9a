"""Traditional Chinese → Simplified for search, one character for one character, so offsets never move.

Reports from Hong Kong and Taiwan are stored, quoted and verified in their own characters; only what search
compares (BM25 tokens, embeddings, the answerer's term coverage) goes through `to_simplified`, on the question
and the text alike. The map is OpenCC's t2s, character by character, so the result is exactly as long as the input
and offsets carry over (OpenCC's phrase mode kept the length of the Traditional fixture too, and differed from
the map in 1 of its 150 characters — 復甦 → 复苏 as a phrase — but only a character map guarantees the length). Characters outside GB2312 (4,205 of them) are always mapped, so Simplified text never changes;
the 16 GB2312 characters t2s would still rewrite (後 於 乾 徵 夥 …: Simplified characters too) only in a text
that reads as Traditional.
"""

from __future__ import annotations

import threading
from functools import lru_cache

# Share of CJK characters the map changes above which a text is taken for Traditional Chinese. Simplified text
# scores 0 by construction; a Traditional report scores ~0.2–0.35 (tests/fixtures/ocr_fixtures.py: 0.27).
TRADITIONAL_SHARE = 0.05
_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_lock = threading.Lock()


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], dict[int, str]]:
    """({code point: simplified} outside GB2312, the same for the GB2312 characters t2s rewrites), one
    character for one (~0.4 s once per process)."""
    import opencc  # imported here: only needed once per process

    with _lock:
        chars = [chr(cp) for lo, hi in _RANGES for cp in range(lo, hi + 1)]
        # One call over all of them, a newline between each so no two form a phrase.
        converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
        always, ambiguous = {}, {}
        for t, s in zip(chars, converted):
            if len(s) == 1 and s != t:
                try:
                    t.encode("gb2312")
                    ambiguous[ord(t)] = s
                except UnicodeEncodeError:
                    always[ord(t)] = s
        return always, ambiguous


def _table() -> dict[int, str]:
    return _tables()[0]


def to_simplified(text: str) -> str:
    """The Simplified form of `text`, of the same length (Simplified text comes back unchanged)."""
    always, ambiguous = _tables()
    out = text.translate(always)
    return out.translate(ambiguous) if out != text and is_traditional(text) else out


def traditional_share(text: str) -> float:
    """Share of the CJK characters of `text` that are Traditional forms (0 for Simplified text)."""
    table = _table()
    cjk = [ch for ch in text if any(lo <= ord(ch) <= hi for lo, hi in _RANGES)]
    return sum(ord(ch) in table for ch in cjk) / len(cjk) if cjk else 0.0


def is_traditional(text: str) -> bool:
    return traditional_share(text) > TRADITIONAL_SHARE
