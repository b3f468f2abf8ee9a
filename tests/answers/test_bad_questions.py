"""Bad questions get a clear bilingual message (QuestionError, Chinese first) or a normal answer — never a crash;
and for any question at all, every quote shown is the report's text at its offsets."""

from __future__ import annotations

import pytest
from answers.answer_helpers import BILINGUAL_RE, assert_verbatim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.facade import QuestionError
from assistant.core.models import Answer


def ask_or_refuse(assistant, question):
    """ask(); a QuestionError must carry a bilingual message. Returns the Answer or None."""
    try:
        answer = assistant.ask(question)
    except QuestionError as exc:
        message = str(exc)
        assert BILINGUAL_RE.match(message), message
        return None
    assert isinstance(answer, Answer)
    assert answer.answer.strip()
    assert_verbatim(assistant, answer)
    if answer.abstained:
        assert answer.citations == []
    else:
        assert answer.citations
    return answer


@pytest.mark.parametrize(("question", "zh", "en"), [
    ("", "问题为空", "empty"),
    ("   \n\t\u3000 ", "问题为空", "empty"),
    ("\x00\x01\x1b\x7f", "问题为空", "empty"),
    ("\u200b\u200f\ufeff", "问题为空", "empty"),
    ("北" * 100_000, "问题过长", "too long"),
    ("a" * 2001, "问题过长", "too long"),
    (None, "问题必须是文字", "must be text"),
    (12345, "问题必须是文字", "must be text"),
    (b"\xe5\x8c\x97\xe4\xba\xac", "问题必须是文字", "must be text"),
])
def test_refused_with_a_bilingual_message(assistant, question, zh, en):
    with pytest.raises(QuestionError) as exc:
        assistant.ask(question)
    message = str(exc.value)
    assert BILINGUAL_RE.match(message), message
    assert message.index(zh) < message.index(en)  # Chinese first


def test_longest_allowed_question_is_answered(assistant):
    limit = assistant.settings.max_question_chars
    answer = ask_or_refuse(assistant, ("北京的智算算力规划是多少？" * limit)[:limit])
    assert answer is not None


def test_control_characters_are_ignored(assistant):
    answer = ask_or_refuse(assistant, "\x00\x07北京\x1b的智算规划？")
    assert answer is not None and not answer.abstained
    assert "45EFlops" in answer.answer
    assert any("2025年45EFlops" in c.quote for c in answer.citations)


@pytest.mark.parametrize("question", [
    "北京的智算规划是多少？🤔🔥",
    "\u202e北京\u200b的智算规划\u200d是多少？",
    "北京的智算算力规划是多少？\r\n\r\n",
    "ＷＨＡＴ ＩＳ ＢＥＩＪＩＮＧ'Ｓ ＩＮＴＥＬＬＩＧＥＮＴ ＣＯＭＰＵＴＩＮＧ ＴＡＲＧＥＴ？",
])
def test_noisy_but_meaningful(assistant, question):
    answer = ask_or_refuse(assistant, question)
    assert answer is not None


@pytest.mark.parametrize("question", [
    "北京的智算规划是多少？🤔🔥",
    "\u202e北京\u200b的智算规划\u200d是多少？",
])
def test_noisy_chinese_still_answers(assistant, question):
    answer = assistant.ask(question)
    assert "45EFlops" in answer.answer


@pytest.mark.parametrize("question", [
    "🚀🚀🚀",
    "👨‍👩‍👧‍👦🏳️‍🌈",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>北京",
    "'; DROP TABLE chunks; --",
    "\" OR 1=1 --",
    "1' UNION SELECT key, vector FROM embeddings --",
    "SELECT * FROM reports;",
    "{{7*7}} ${7*7} <%= 7*7 %>",
    "../../../../etc/passwd",
    "%s%s%s%n%x",
    "\\x00\\u0000",
    "?",
    "？？？",
    "的",
    "NaN",
    "None",
    "[1] [2] [99]",
    "【】《》“”",
    "\U0010ffff\U000e0001",
    "\ufffe\uffff",
    "Ｎ／Ａ",
    "a" * 2000,
    "北京" * 1000,
])
def test_hostile_or_odd_questions(assistant, question):
    chunks = assistant.index.catalog.chunk_count()
    ask_or_refuse(assistant, question)
    assert assistant.index.catalog.chunk_count() == chunks  # nothing was executed against the catalog
    assert {r["report"] for r in assistant.reports()} >= {
        "tianfeng_2024-09-17_ai-datacenter-taskforce.txt", "guolian_2024-04_compute-policy-overview.txt"}


@pytest.mark.parametrize("question", ["\ud800", "北京\udfff的智算规划是多少？"])
def test_lone_surrogates(assistant, question):
    ask_or_refuse(assistant, question)


def test_index_still_answers_after_hostile_questions(assistant):
    answer = assistant.ask("北京的智算算力规划是多少？")
    assert "45EFlops" in answer.answer


# ---- property: any question -----------------------------------------------------------------------------------

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
FRAGMENTS = st.sampled_from([
    "北京", "上海", "广东", "西藏", "智算", "算力", "规划", "目标", "2025", "2030", "EFlops", "多少", "是", "的", "？",
    "呢", "那", "工作组", "白宫", "风险", "评级", "What", "is", "target", "Beijing", "and", "?", " ", "\n", "\t",
    "两份报告", "各自", "合计", "最大", "列出", "how many", "total", "\x00", "\u200b", "🚀", "[1]", "《", "》",
])
QUESTIONS = st.one_of(
    st.text(max_size=80),  # any unicode (no lone surrogates: see test_lone_surrogates)
    st.text(alphabet=CJK, min_size=1, max_size=30),
    st.lists(FRAGMENTS, min_size=1, max_size=12).map("".join),
    st.lists(st.one_of(FRAGMENTS, st.text(max_size=3), CJK), min_size=1, max_size=10).map("".join),
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(question=QUESTIONS)
def test_any_question_property(assistant, question):
    """QuestionError with a bilingual message, or an Answer whose every quote is the report's text at its offsets."""
    ask_or_refuse(assistant, question)
