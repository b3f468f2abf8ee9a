"""The `/ask` API through gradio_client: the same JSON as `assistant ask --json`, errors as {"error": …},
and 20 concurrent callers all answered correctly."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from gradio_client import Client

# (question, a string its answer must contain): look-ups, table totals and English, across both reports.
QUESTIONS = [
    ("北京的智算算力规划是多少？", "45"),
    ("美国白宫宣布要成立什么机构？", "特别工作组"),
    ("国联报告建议关注的 AIDC 供应商是哪家公司？", "润泽科技"),
    ("国联报告提到的国产交换机芯片供应商是哪家？", "盛科通信"),
    ("天风报告建议关注的“四小龙”包括哪些公司？", "寒武纪"),
    ("美国能源部将创建什么团队来支持智算中心发展？", "合作团队"),
    ("河北省的智算算力规划目标是多少？", "12.25"),
    ("江苏的智算算力规划是多少？目标年份是哪一年？", "2030"),
    ("山西省智算算力的规划目标是多少？", "3.15"),
    ("天风测算地方智算 25 年预计建设多少算力？", "107.1"),
    ("工信部提出到 2025 年全国算力规模要达到多少？", "300"),
    ("《算力基础设施高质量发展行动计划》对存储总量的目标是多少？", "1800"),
    ("图 3 中以 2025 年为目标的各地智算算力规划合计是多少？", "152.68"),
    ("图 3 中有多少个地区设定了 2025 年的智算算力目标？", "10"),
    ("图 3 中 2025 年智算算力目标最高的是哪个地区？", "北京"),
    ("北京和上海 2025 年的智算算力规划加起来是多少？", "75"),
    ("上海对新建的大型机房在能耗效率上设了什么硬指标？", "1.3"),
    ("重点场所的光纤传输网络要铺到什么程度？", "80%"),
    ("What is the sum of the 2025 intelligent computing targets in Tianfeng's Figure 3?", "152.68"),
    ("What total computing power target did MIIT set for 2025?", "300"),
]


@pytest.fixture(scope="module")
def client(served):
    return Client(served, verbose=False)


def _comparable(answer: dict) -> dict:
    return {k: v for k, v in answer.items() if k != "latency_ms"}


def test_ask_returns_the_answer_json(client, ui_assistant):
    got = client.predict("北京的智算算力规划是多少？", api_name="/ask")
    assert isinstance(got, dict)
    expected = ui_assistant.ask("北京的智算算力规划是多少？").model_dump(mode="json")
    assert set(got) == set(expected)
    assert _comparable(got) == _comparable(expected)
    assert got["citations"] and "45" in got["answer"]


def test_ask_totals_carries_the_tool_call(client):
    got = client.predict("图 3 中以 2025 年为目标的各地智算算力规划合计是多少？", api_name="/ask")
    assert got["tool"]["name"] == "totals"
    assert "152.68" in got["tool"]["result"]["expression"]


@pytest.mark.parametrize("bad", ["", "   \n\t ", "x" * 5000])
def test_bad_question_returns_error(client, bad):
    got = client.predict(bad, api_name="/ask")
    assert set(got) == {"error"}
    assert "/" in got["error"] and got["error"].isascii() is False  # bilingual, Chinese first


def test_only_ask_is_public(client):
    api = client.view_api(print_info=False, return_format="dict")
    assert set(api["named_endpoints"]) == {"/ask"}


def test_twenty_concurrent_callers_all_answered(served, ui_assistant):
    assert len(QUESTIONS) == 20
    expected = {q: ui_assistant.ask(q).answer for q, _ in QUESTIONS}

    def call(item: tuple[str, str]) -> tuple[str, str, dict]:
        question, key = item
        return question, key, Client(served, verbose=False).predict(question, api_name="/ask")

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(call, QUESTIONS))
    failures = [{"question": q, "key": key, "got": r.get("error") or r.get("answer", "")[:120],
                 "alone": expected[q][:120]} for q, key, r in results if "error" in r or key not in r["answer"]]
    assert not failures, failures
    # concurrency changes nothing: each answer is the one the assistant gives on its own
    differ = [q for q, _, r in results if r["answer"] != expected[q]]
    assert not differ, differ
