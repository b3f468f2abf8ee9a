"""Questions of each kind against the real index of the two reports: the expected evidence is cited, the key
strings appear in the answer, and questions the reports do not answer abstain.

Every question here is one a reader of the reports could reasonably ask. Questions the assistant currently gets
wrong are kept, marked `xfail` with what it answered (KNOWN_FAILURES below), and reported — they were not dropped
or reworded to pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from answers.answer_helpers import EN_ABSTAIN, ZH_ABSTAIN, assert_verbatim, squash

from assistant.core.text import has_cjk

TF = "tianfeng_2024-09-17_ai-datacenter-taskforce.txt"
GL = "guolian_2024-04_compute-policy-overview.txt"


@dataclass(frozen=True)
class Q:
    id: str
    question: str
    answer_has: tuple[str, ...] = ()  # each must appear in the answer text (whitespace ignored)
    cites: tuple[str, ...] = ()  # each must appear in some citation's quote (whitespace ignored; "a | b": either)
    reports: tuple[str, ...] = ()  # the citations must come from each of these reports
    known: str = ""  # a reported failure: the test is xfail with this reason


ANSWERABLE = [
    # ---- facts -----------------------------------------------------------------------------------------------
    Q("fact-beijing", "北京的智算算力规划是多少？", ("45EFlops",), ("2025年45EFlops",), (TF,)),
    Q("fact-anhui", "安徽计划到2025年建成多少智算算力？", ("12EFlops",),
      ("《安徽省智能算力基础设施建设方案（2023—2025年）》\t2025年12EFlops",), (TF,)),
    Q("fact-shenzhen", "深圳的智算规划目标是多少？", ("25EFlops",), ("2025年25EFlops",), (TF,)),
    Q("fact-miit", "工信部提出到2025年算力规模要达到多少？", ("300 EFLOPS",), ("算力规模超过 300 EFLOPS",), (GL,)),
    Q("fact-taskforce", "美国白宫宣布成立了什么工作组？", ("智算中心基础设施特别工作组",),
      ("美国白宫宣布将成立“智算中心基础设施特别工作组”",), (TF,)),
    Q("fact-taskforce-leads", "特别工作组由哪些部门领导？", ("国家经济委员会",),
      ("该工作组将由国家经济委员会、国家安全委员会和白宫副幕僚长办公室领导",), (TF,)),
    Q("fact-share", "2022年美国和中国在全球算力规模中的份额分别是多少？", ("34%", "33%"),
      ("2022 年美国、中国在全球算力规模份额分别为 34%、33%",), (TF,)),
    Q("fact-local-2025", "天风预计地方智算25年建设多少？", ("107.1EFlops",), ("预计地方智算 25 年建设 107.1EFlops",), (TF,)),
    Q("fact-guizhou", "贵州的通用算力、智算算力、超算算力目标分别是多少？", ("贵州", "10 E"),
      ("贵州省通用算力、智算算力、超算算力",), (GL,)),
    Q("fact-henan", "河南到2025年智算和超算算力规模要超过多少？", ("2000P FLOPS",),
      ("到 2025 年智算和超算算力规模超过 2000P FLOPS",), (GL,)),
    Q("fact-pujiang", "上海“算力浦江”行动计划到2024年总算力目标是多少？", ("15 EFLOPS",), ("总算力超 15 EFLOPS",), (GL,)),
    Q("fact-guolian-risk", "国联报告的风险提示是什么？", ("技术提升不及预期风险",),
      ("AI 产业发展不及预期风险，技术提升不及预期风险",), (GL,)),
    Q("fact-green-power", "国家枢纽节点新建数据中心绿电占比要超过多少？", ("80%",), ("国家枢纽节点新建数据中心绿电占比超过 80%",),
      (GL,)),
    Q("fact-tianfeng-author", "天风报告的作者是谁？", ("缪欣君",), ("缪欣君",), (TF,)),
    Q("fact-guolian-analyst", "国联证券报告的分析师是谁？", ("张宁",), ("分析师：张宁",), (GL,)),  # from the card
    Q("fact-tianfeng-picks", "天风建议关注哪些标的？", ("寒武纪",), ("寒武纪、海光信息、神州数码、中科曙光",), (TF,)),
    # ---- paraphrases -----------------------------------------------------------------------------------------
    Q("para-ai-share", "智能算力占比要达到多少？", ("35%",), ("智能算力占比达到 35%",), (GL,)),
    Q("para-clean-energy", "美国打算怎样帮助数据中心获得清洁能源？", ("贷款", "税收抵免"),
      ("包括贷款、补助金、税收抵免和技术援助等一系列资源措施",), (TF,)),
    Q("para-who-leads-share", "中美两国谁的算力规模份额更高？", ("34%",), ("份额分别为 34%、33%",), (TF,)),
    Q("para-hub-start", "国家算力枢纽节点是什么时候启动建设的？", ("2022",),
      ("2022 年 2 月,中国正式启动建设京津冀、长三角等八大国家算力枢纽节点 | 启动建设全国一体化算力网络国家枢纽节点",)),
    Q("para-jiangsu-year", "江苏的智算算力规划是哪一年的目标？", ("2030",), ("2030年22.5EFlops",), (TF,)),
    # ---- English questions about the Chinese text ------------------------------------------------------------
    Q("en-whitehouse", "What did the White House announce?", ("特别工作组",), ("智算中心基础设施特别工作组",), (TF,)),
    Q("en-leads", "Who leads the task force?", ("国家经济委员会",), ("该工作组将由国家经济委员会、国家安全委员会和白宫副幕僚长办公室领导",),
      (TF,)),
    Q("en-share", "What share of global computing power did the US and China have in 2022?", ("34%", "33%"),
      ("份额分别为 34%、33%",), (TF,)),
    Q("en-miit", "What total computing power target did MIIT set for 2025?", ("300",), ("算力规模超过 300 EFLOPS",), (GL,)),
    Q("en-guizhou", "What is Guizhou's intelligent computing target?", ("5 EFLOPS",), ("智算算力",), (GL,)),
    Q("en-shenzhen", "What is Shenzhen's intelligent computing target?", ("25EFlops",), ("2025年25EFlops",), (TF,)),
    Q("en-beijing", "What is Beijing's intelligent computing target?", ("45EFlops",), ("2025年45EFlops",), (TF,)),
    Q("en-tianfeng-risks", "What risks does the Tianfeng report list?", ("测算误差风险",), ("测算误差风险",), (TF,)),
    # ---- both reports ----------------------------------------------------------------------------------------
    Q("both-risks", "两份报告各自的风险提示是什么？", ("测算误差风险", "技术提升不及预期风险"),
      ("测算误差风险", "技术提升不及预期风险"), (TF, GL)),
    Q("both-shanghai", "两份报告分别提到上海的什么算力规划？", ("30EFlops",), ("2025年30EFlops",), (TF, GL)),
    Q("both-shanghai-en", "What do both reports say about Shanghai's computing power plans?", ("30EFlops", "15 EFLOPS"),
      ("2025年30EFlops", "总算力超15 EFLOPS"), (TF, GL)),  # 国联's row is its second unit: four units shown for two reports
    Q("both-ratings", "两份报告分别给出了什么投资评级？", ("强于大市",), ("强于大市",), (TF, GL),
      known="answers with the rating-scale definitions (评级标准…买入…, '投资评级声明', 增持…) and never the "
            "ratings themselves (天风 '强于大市(维持评级)', 国联 '投资建议：强于大市（维持）')"),
]

UNANSWERABLE = [
    # a region with no target
    Q("un-tibet", "西藏的智算算力规划是多少？"),
    Q("un-zhejiang", "浙江的智算规划是多少？"),  # its policy row states a date (2023.4), no figure
    Q("un-tibet-en", "What is Tibet's intelligent computing target?"),
    Q("un-zhejiang-en", "What is Zhejiang's intelligent computing target?"),
    # a company's revenue or spending
    Q("un-huawei", "华为2023年的营收是多少？"),
    Q("un-tencent", "腾讯的资本开支是多少？"),
    Q("un-cambricon-en", "What was Cambricon's revenue in 2023?"),
    Q("un-cambricon", "寒武纪的营收是多少？"),  # an amount asked: a unit stating money answers it
    Q("un-huawei-en", "What was Huawei's revenue in 2023?"),
    # a year no report covers
    Q("un-2035", "2035年的算力规划是多少？"),
    Q("un-beijing-2019", "北京2019年的智算规划是多少？"),
    Q("un-beijing-2040", "2040年北京的智算算力规划是多少？"),
    Q("un-2035-en", "What is the computing power target for 2035?"),
]


def _params(items):
    return [pytest.param(q, id=q.id, marks=[pytest.mark.xfail(reason=q.known, strict=True)] if q.known else [])
            for q in items]


def test_question_set_is_grounded():
    """The expected evidence is verbatim in the reports (up to whitespace), and the set covers every kind."""
    from pathlib import Path

    corpus = Path(__file__).resolve().parents[2] / "corpus"
    texts = {name: squash((corpus / name).read_text(encoding="utf-8")) for name in (TF, GL)}
    for q in ANSWERABLE:
        for needle in (n for alternatives in q.cites for n in alternatives.split(" | ")):
            assert any(squash(needle) in text for text in texts.values()), (q.id, needle)
    kinds = {q.id.split("-")[0] for q in ANSWERABLE}
    assert kinds == {"fact", "para", "en", "both"}
    assert len(ANSWERABLE) + len(UNANSWERABLE) >= 25
    asserted = [q for q in ANSWERABLE + UNANSWERABLE if not q.known]
    assert len(asserted) >= 25


@pytest.mark.parametrize("q", _params(ANSWERABLE))
def test_answerable(assistant, q: Q):
    answer = assistant.ask(q.question)
    assert not answer.abstained, answer.answer
    assert answer.citations, answer.answer
    assert_verbatim(assistant, answer)
    for needle in q.answer_has:
        assert squash(needle) in squash(answer.answer), (needle, answer.answer)
    for alternatives in q.cites:
        assert any(squash(needle) in squash(c.quote) for needle in alternatives.split(" | ")
                   for c in answer.citations), (alternatives, answer.answer)
    cited_reports = {c.report for c in answer.citations}
    assert set(q.reports) <= cited_reports, (q.reports, answer.answer)
    # The answer's [n] markers refer to its citations.
    if answer.tool is None:
        for n in range(1, len(answer.citations) + 1):
            assert f"[{n}]" in answer.answer


@pytest.mark.parametrize("q", _params(UNANSWERABLE))
def test_unanswerable_abstains(assistant, q: Q):
    answer = assistant.ask(q.question)
    assert answer.abstained, answer.answer
    assert (ZH_ABSTAIN if has_cjk(q.question) else EN_ABSTAIN) in answer.answer
    assert answer.citations == []
    assert answer.related, "the closest passages are listed as related"
    assert_verbatim(assistant, answer)


# ---- follow-ups -----------------------------------------------------------------------------------------------


def test_followup_zh(assistant):
    assistant.forget("c1")
    first = assistant.ask("北京的智算算力规划是多少？", conversation="c1")
    assert "45EFlops" in first.answer
    second = assistant.ask("那上海呢？", conversation="c1")
    assert second.question == "那上海呢？"
    assert not second.abstained
    assert "30EFlops" in second.answer and "45EFlops" not in second.answer
    assert any("2025年30EFlops" in c.quote and c.report == TF for c in second.citations)
    assert any("上海的智算算力规划是多少" in n for n in second.notes), second.notes
    third = assistant.ask("那广东呢？", conversation="c1")
    assert "19EFlops" in third.answer
    assert any("2025年19EFlops" in c.quote for c in third.citations)
    assert_verbatim(assistant, third)
    assistant.forget("c1")


def test_followup_en_is_resolved(assistant):
    assistant.forget("c2")
    assistant.ask("What is Beijing's intelligent computing target?", conversation="c2")  # see en-beijing
    second = assistant.ask("And Guangdong?", conversation="c2")
    assert second.question == "And Guangdong?"
    assert any("What is Guangdong's intelligent computing target?" in n for n in second.notes), second.notes
    assert_verbatim(assistant, second)
    third = assistant.ask("What about Shenzhen?", conversation="c2")
    assert any("What is Shenzhen's intelligent computing target?" in n for n in third.notes), third.notes
    assert "25EFlops" in third.answer
    assert any("2025年25EFlops" in c.quote for c in third.citations)
    assistant.forget("c2")


def test_followup_en_answer(assistant):
    assistant.forget("c3")
    assistant.ask("What is Beijing's intelligent computing target?", conversation="c3")
    second = assistant.ask("And Guangdong?", conversation="c3")
    assistant.forget("c3")
    assert not second.abstained, second.answer
    assert "19EFlops" in second.answer, second.answer
    assert any("2025年19EFlops" in c.quote for c in second.citations)


def test_followup_with_explicit_history(assistant):
    answer = assistant.ask("那上海呢？", history=["北京的智算算力规划是多少？"])
    assert "30EFlops" in answer.answer
    assert any("2025年30EFlops" in c.quote for c in answer.citations)


def test_conversations_are_separate_and_forgettable(assistant):
    assistant.forget("c-a"), assistant.forget("c-b")
    assistant.ask("北京的智算算力规划是多少？", conversation="c-a")
    assistant.ask("深圳的智算规划目标是多少？", conversation="c-b")
    a = assistant.ask("那上海呢？", conversation="c-a")
    assert any("上海的智算算力规划是多少" in n for n in a.notes), a.notes
    b = assistant.ask("那上海呢？", conversation="c-b")
    assert any("上海的智算规划目标是多少" in n for n in b.notes), b.notes
    assistant.forget("c-a")
    fresh = assistant.ask("那上海呢？", conversation="c-a")  # no history left: asked as it stands
    assert not any("理解为" in n for n in fresh.notes), fresh.notes
    assert_verbatim(assistant, fresh)
    assistant.forget("c-a"), assistant.forget("c-b")


@pytest.mark.parametrize(("history", "question", "resolved"), [
    (["北京的智算算力规划是多少？"], "那上海呢？", "上海的智算算力规划是多少？"),
    (["北京的智算算力规划是多少？"], "And Guangdong?", "广东的智算算力规划是多少？"),
    (["What is Beijing's intelligent computing target?"], "And Guangdong?",
     "What is Guangdong's intelligent computing target?"),
    (["What is the intelligent computing target of Guangdong?"], "What about Shenzhen?",
     "What is the intelligent computing target of Shenzhen?"),
    (["What are Guangdong and Shenzhen's targets?"], "And Beijing and Shanghai?", "What are Beijing and Shanghai's targets?"),
    (["北京的智算算力规划是多少？"], "上海的智算规划是多少？", "上海的智算规划是多少？"),  # not a follow-up
    ([], "那上海呢？", "那上海呢？"),
])
def test_resolve_followup(history, question, resolved):
    from assistant.answer.offline import resolve_followup

    assert resolve_followup(question, history) == resolved


def test_relative_year_is_read_by_the_report_date(assistant):
    # 天风's report is dated 2024-09-17: its "明年" is 2025, and the passages are retrieved for the dated question
    a = assistant.ask("天风预计明年地方智算建设规模是多少？")
    assert any("2025" in n and "天风预计2025年" in n for n in a.notes)
    assert not a.abstained and "107.1" in a.answer
    undated = assistant.ask("天风预计2025年地方智算建设规模是多少？")
    assert [c.id for c in a.citations] == [c.id for c in undated.citations]


def test_a_relative_year_of_a_named_report_is_searched_once(assistant, monkeypatch):
    # the named report's card dates the question before any search: one search, for the dated question
    searched = []
    retrieve = type(assistant)._retrieve
    monkeypatch.setattr(type(assistant), "_retrieve", lambda self, x, config: searched.append(x["resolved"])
                        or retrieve(self, x, config))
    a = assistant.ask("天风预计明年地方智算建设规模是多少？")
    assert searched == ["天风预计2025年地方智算建设规模是多少？"] and "107.1" in a.answer
    searched.clear()
    assistant.ask("明年地方智算建设规模预计是多少？")  # no report named: the first search finds the report to date by
    assert len(searched) == 2 and "2025" in searched[1]


def test_a_question_in_parts_is_answered_per_report(assistant):
    # each sentence names one report: each is searched in its report, the answers joined under the brokers' names
    a = assistant.ask("国联报告里工信部的2025年全国算力规模目标是多少？天风测算的2025年地方智算建设规模又是多少？")
    assert not a.abstained
    guolian, tianfeng = a.answer.split("天风证券：")
    assert guolian.startswith("国联证券：") and "300" in guolian and "107.1" in tianfeng
    reports = [c.report for c in a.citations]
    assert reports == sorted(reports, key=lambda r: not r.startswith("guolian"))  # 国联's citations first
    assert {r.split("_")[0] for r in reports} == {"guolian", "tianfeng"}
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", a.answer)]
    assert numbers == sorted(numbers) and max(numbers) == len(a.citations)  # [n] counted on across the parts
    assert_verbatim(assistant, a)
