"""The chat tab's streaming: tokens shown as they come with an honest status, then the checked answer; a timeout
is said in the answer's notes. Real stub server on loopback, the UI's own `stream_ask`."""

from __future__ import annotations

from answers.stub_openai import passage_with

from assistant.answer.llm import model_text
from assistant.core.models import LLMFallback
from assistant.ui.chat import CURSOR, stream_ask

Q = "北京的智算算力规划是多少？"


def test_stream_shows_tokens_then_the_checked_answer(llm_assistant, stub):
    stub.mode, stub.slow_s = "slow", 0.15
    stub.reply = lambda req: f"北京的智算算力规划为 2025 年 45EFlops [{passage_with(req, '2025年45EFlops')}]。"
    result: dict = {}
    steps = list(stream_ask(llm_assistant, Q, "conv-stream", result))
    partials = [p for p, _ in steps if p]
    assert len(set(partials)) >= 3  # the text grew piece by piece
    assert all(a in b for a, b in zip(partials, partials[1:]))
    assert any("the model is writing" in status for _, status in steps)
    assert steps[-1][1].startswith("核对引用中")  # checking before the final answer is shown
    answer = result["answer"]
    assert model_text(answer.answer) == "北京的智算算力规划为 2025 年 45EFlops [1]。"
    assert CURSOR not in answer.answer
    llm_assistant.forget("conv-stream")


def test_stream_timeout_is_shown(llm_assistant, stub):
    stub.mode, stub.slow_s = "slow", 0.6
    stub.reply = "北京的智算算力规划为 2025 年 45EFlops，天风证券整理的地方规划表中的数字 [1]。"
    result: dict = {}
    steps = list(stream_ask(llm_assistant, Q, "conv-timeout", result))
    assert any(p for p, _ in steps)  # tokens were shown before the timeout fired
    answer = result["answer"]
    assert answer.llm_fallback is LLMFallback.TIMEOUT
    limit = llm_assistant.settings.llm_timeout_s
    assert any(f"within {limit:g} s" in n for n in answer.notes), answer.notes
    llm_assistant.forget("conv-timeout")


def test_stream_offline_path_needs_no_model(assistant):
    result: dict = {}
    steps = list(stream_ask(assistant, Q, "conv-offline", result))
    assert all(not p for p, _ in steps)  # nothing streamed: the offline answer comes whole
    assert "45EFlops" in result["answer"].answer
    assistant.forget("conv-offline")
