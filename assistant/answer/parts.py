"""A question in parts, each about one report, answered part by part: the answers joined, each labelled by its
report, the citation markers of each renumbered after the ones before."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer.align import MARKER_RE
from assistant.answer.offline import LEAD_EN, LEAD_ZH
from assistant.core.models import Answer


def join_answers(question: str, labelled: Sequence[tuple[str, Answer]]) -> Answer:
    """One answer from the answers to each part: "国联证券：…" then "天风证券：…", [n] counting on across the parts.
    Abstains only when every part does; a part the reports do not answer says so under its label."""
    lines: list[str] = []
    citations, related, retrieved, notes = [], [], [], []
    for label, answer in labelled:
        offset = len(citations)
        text = MARKER_RE.sub(lambda m: f"[{int(m[1]) + offset}]", answer.answer.strip())
        for lead in (LEAD_ZH, LEAD_EN):  # the label leads instead
            text = text.removeprefix(lead).strip()
        lines.append(f"{label}：{text}" if "\n" not in text else f"{label}：\n{text}")
        citations += answer.citations
        related += answer.related
        retrieved += answer.retrieved
        notes += [f"{label}: {n}" for n in answer.notes]  # which part a note is of (an LLM's, a fallback's…)
    abstained = all(a.abstained for _, a in labelled)
    return Answer(question=question, answer="\n".join(lines), abstained=abstained,
                  citations=[] if abstained else citations, related=related, retrieved=retrieved,
                  notes=["按报告分部分回答 / answered part by part, one report each", *notes])
