"""Report-level answers (who wrote it, when, its title and rating) from the report cards, each field cited."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.answer.analysis import MetaField, QuestionAnalysis
from assistant.core.models import Answer, CardField, Citation, ReportCard

# (report, start, end) → a Citation whose id names the chunk holding the span, or None
Cite = Callable[[str, int, int], "Citation | None"]

_LABELS = {
    MetaField.BROKER: ("券商", "broker"), MetaField.TITLE: ("标题", "title"), MetaField.DATE: ("日期", "date"),
    MetaField.ANALYSTS: ("分析师", "analysts"), MetaField.RATING: ("评级", "rating"),
}


def _fields(card: ReportCard, field: MetaField) -> list[CardField]:
    if field is MetaField.ANALYSTS:
        return card.analysts
    value = getattr(card, field.value)
    return [value] if value else []


def card_answer(analysis: QuestionAnalysis, cards: Sequence[ReportCard], cite: Cite) -> Answer | None:
    """The asked fields of each card, one line per report with [n]; None when no card holds any of them."""
    zh = analysis.lang == "zh"
    lines: list[str] = []
    citations: list[Citation] = []
    for card in cards:
        parts = []
        for field in analysis.meta:
            for f in _fields(card, field):
                c = cite(card.report, f.start, f.end)
                if c is None:
                    continue
                citations.append(c)
                label = _LABELS[field][0 if zh else 1]
                parts.append(f"{label}{'：' if zh else ': '}{f.value} [{len(citations)}]")
        if parts:
            who = card.broker.value if card.broker else card.report
            title = f"《{card.title.value}》" if card.title else ""
            lines.append(f"{who}{title}：" + ("；".join(parts) if zh else "; ".join(parts)))
    if not citations:
        return None
    return Answer(question=analysis.question, answer="\n".join(lines), abstained=False, citations=citations,
                  notes=["报告信息卡 / from the report card"])
