"""Helpers shared by the answer tests (tests/ is on sys.path under pytest, so this is `answers.answer_helpers`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

# A QuestionError message: Chinese first (no Latin letters), then "/" and the English.
BILINGUAL_RE = re.compile(r"^[^A-Za-z/]*[\u3400-\u9fff][^A-Za-z/]*/\s*[A-Za-z][ -~]*$", re.S)
LLM_TIMEOUT_S = 2.0  # the stub LLM tests' client timeout
ZH_ABSTAIN = "报告中未找到"
EN_ABSTAIN = "The reports do not say"


def squash(text: str) -> str:
    """Whitespace removed: "300 EFLOPS" and "300EFLOPS" compare equal."""
    return re.sub(r"\s+", "", text)


def assert_verbatim(assistant, answer) -> None:
    """Every citation and related passage is the report's text at its offsets, character for character."""
    for c in [*answer.citations, *answer.related]:
        text = assistant.report_text(c.report)
        assert text is not None, c.report
        assert 0 <= c.start < c.end <= len(text), c
        assert text[c.start:c.end] == c.quote, c


def clone(built_index, dest: Path):
    """A file copy of the built index and its corpus, opened by a new Assistant (same embedder)."""
    from assistant.facade import Assistant

    shutil.copytree(built_index.index_dir, dest / "index")
    shutil.copytree(built_index.corpus_dir, dest / "corpus")
    settings = built_index.settings.model_copy(update={"index_dir": dest / "index", "corpus_dir": dest / "corpus"})
    return Assistant(settings, embedder=built_index.assistant.index.embedder)
