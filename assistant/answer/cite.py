"""Citations: verify every quote verbatim at its offsets; look a citation up by id or by a quote."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from assistant.core.models import Citation, Located

ReportText = Callable[[str], "str | None"]


def verify(citations: list[Citation], report_text: ReportText) -> tuple[list[Citation], list[Citation]]:
    """(verified, dropped): a quote must equal its report's text at its offsets, character for character."""
    ok, dropped = [], []
    for c in citations:
        text = report_text(c.report)
        (ok if text is not None and 0 <= c.start < c.end <= len(text) and text[c.start:c.end] == c.quote
         else dropped).append(c)
    return ok, dropped


def paragraph_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The blank-line-delimited paragraph holding text[start:end] (tables: the neighbouring rows)."""
    p_start = text.rfind("\n\n", 0, start)
    p_end = text.find("\n\n", end)
    return (0 if p_start < 0 else p_start + 2), (len(text) if p_end < 0 else p_end)


def locate(report: str, text: str, start: int, end: int, section: str = "", page: int | None = None) -> Located:
    ps, pe = paragraph_around(text, start, end)
    return Located(report=report, section=section, page=page, start=start, end=end, quote=text[start:end],
                   paragraph=text[ps:pe], marked=f"{text[ps:start]}【{text[start:end]}】{text[end:pe]}")


def _fold(ch: str) -> str:
    return unicodedata.normalize("NFKC", ch).casefold()


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `text`, ignoring whitespace and full-/half-width differences. Offsets into `text`."""
    needle = "".join(_fold(ch) for ch in quote if not ch.isspace())
    if not needle:
        return None
    folded, positions = [], []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        for f in _fold(ch):
            folded.append(f)
            positions.append(i)
    hay = "".join(folded)
    at = hay.find(needle)
    if at < 0:
        return None
    return positions[at], positions[at + len(needle) - 1] + 1


CITATION_ID_RE = re.compile(r"^(?P<chunk>[0-9a-f]{8,40}):(?P<start>\d+)-(?P<end>\d+)$")
