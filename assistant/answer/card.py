"""Report-level answers (who wrote it, when, its title and rating) from the report cards, each field cited."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer.analysis import MetaField, QuestionAnalysis, rated_name
from assistant.core.models import Answer, CardField, Citation, ReportCard
from assistant.core.text import question_lang
from assistant.ingest.card import date_key

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


# English for the ratings a card reads (ingest/card.py), so an English question gets an English answer; the value
# itself stays as the report writes it (it is what the citation quotes)
RATING_EN = {"强于大市": "Outperform", "优于大市": "Outperform", "跑赢行业": "Outperform", "同步大市": "Market perform",
             "弱于大市": "Underperform", "跑输行业": "Underperform", "谨慎推荐": "Cautious recommend",
             "推荐": "Recommend", "买入": "Buy", "增持": "Overweight", "看好": "Positive", "中性": "Neutral",
             "减持": "Underweight", "卖出": "Sell", "超配": "Overweight", "标配": "Market weight", "低配": "Underweight"}
ACTION_EN = {"维持": "maintained", "首次": "initiated", "上调": "upgraded", "下调": "downgraded"}
EN_LEAD = "From the report cards (quoted in the original Chinese):"
# which report came first: the earliest is asked for, else the latest
_EARLIER = re.compile(r"更早|最早|较早|先发|\bearlier\b|\bearliest\b|\bfirst\b|\bolder\b|\boldest\b", re.I)
_LATER = re.compile(r"更晚|最晚|较晚|更新|最新|更近|后发|\blater\b|\blatest\b|\bnewer\b|\bnewest\b|\bmore recent\b|"
                    r"\blast\b", re.I)


def _which_first(analysis: QuestionAnalysis, cards: Sequence[ReportCard], zh: bool) -> str:
    """"较晚：华岳证券（2024年08月12日）" when the question asks which of the reports is newer (or older)."""
    earlier, later = _EARLIER.search(analysis.question), _LATER.search(analysis.question)
    dated = [(key, card) for card in cards if card.date and (key := date_key(card.date.value))]
    if MetaField.DATE not in analysis.meta or len(dated) < 2 or not (earlier or later):
        return ""
    key, card = (min if earlier else max)(dated, key=lambda kc: kc[0])
    if sum(1 for k, _ in dated if k == key) > 1:
        return "同一天发布。" if zh else "Published the same day."
    who = card.broker.value if card.broker else card.report
    if zh:
        return f"{'较早' if earlier else '较晚'}：{who}（{card.date.value}）"
    return f"{'Earlier' if earlier else 'Later'}: {who} ({card.date.value})"


def rating_en(value: str) -> str:
    """"强于大市（维持）" → "Outperform, maintained"; "" for a rating it does not know."""
    rating = next((en for zh, en in RATING_EN.items() if value.startswith(zh)), "")
    action = next((en for zh, en in ACTION_EN.items() if zh in value[2:]), "")
    return ", ".join(x for x in (rating, action) if x) if rating else ""


def card_answer(analysis: QuestionAnalysis, cards: Sequence[ReportCard], cite: Cite) -> Answer | None:
    """The asked fields of each card, one line per report with [n]; None when no card holds any of them. An English
    question gets an English lead line and each rating in English beside the report's own words."""
    zh = question_lang(analysis.question) == "zh"  # "What rating does 天风证券 give?" is English
    lines: list[str] = []
    citations: list[Citation] = []
    if MetaField.RATING in analysis.meta and len(cards) == 1 and (rated := rated_name(analysis.question)):
        # "锦石证券对白酒行业给出了什么评级": a report rates its own industry, not another report's
        if not _rates(cards[0], rated):
            return _rates_another(analysis, cards[0], rated, zh)
    for card in cards:
        parts = []
        for field in analysis.meta:
            # a rating asked is shown with the one before it where the card has it (上次评级：增持)
            previous = [card.previous_rating] if field is MetaField.RATING and card.previous_rating else []
            for f in _fields(card, field) + previous:
                c = cite(card.report, f.start, f.end)
                if c is None:
                    continue
                citations.append(c)
                label = _LABELS[field][0 if zh else 1] if f not in previous else ("上次评级" if zh else "previous rating")
                gloss = rating_en(f.value) if field is MetaField.RATING and not zh else ""
                parts.append(f"{label}{'：' if zh else ': '}{f.value}{f' ({gloss})' if gloss else ''} "
                             f"[{len(citations)}]")
        if parts:
            who = card.broker.value if card.broker else card.report
            title = f"《{card.title.value}》" if card.title else ""
            # the report named as an analyst cites it: broker, title and date (unless the date is what was asked)
            if card.date and MetaField.DATE not in analysis.meta:
                title += f"（{card.date.value}）" if zh else f" ({card.date.value})"
            lines.append(f"{who}{title}：" + "；".join(parts) if zh else f"- {who}{title}: " + "; ".join(parts))
    if not citations:
        return None
    if not zh:
        lines.insert(0, EN_LEAD)
    if lead := _which_first(analysis, cards, zh):
        lines.insert(0, lead)
    values = [c.quote for c in citations]
    return Answer(question=analysis.question, answer="\n".join(lines), abstained=False, citations=citations,
                  direct=values[0] if len(values) == 1 else None,
                  notes=["报告信息卡 / from the report card"])


def _rates(card: ReportCard, rated: str) -> bool:
    """Whether what a rating is asked of is the card's subject: a word of its title, industry or broker."""
    own = " ".join(f.value for f in [card.title, card.broker, *card.industry] if f)
    return rated in own or bool(card.broker_short and card.broker_short in rated)


def _rates_another(analysis: QuestionAnalysis, card: ReportCard, rated: str, zh: bool) -> Answer:
    """Not found, said plainly: the named report rates its own industry, not the one asked."""
    subject = f"{card.broker.value if card.broker else card.report}（{'、'.join(f.value for f in card.industry) or '—'}）"
    text = (f"报告中未找到：{subject}这篇报告评级的是其所覆盖的行业，没有对“{rated}”给出评级。" if zh else
            f"The reports do not say: {subject} rates the industry it covers, not “{rated}”.")
    return Answer(question=analysis.question, answer=text, abstained=True, notes=["报告信息卡 / from the report card"])
