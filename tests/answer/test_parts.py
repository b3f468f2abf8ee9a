"""A question in parts, one report each: split by the reports the sentences name, answered part by part."""

from assistant.answer.analysis import analyse, report_parts
from assistant.answer.parts import join_answers
from assistant.core.models import Answer, CardField, Citation, ReportCard


def card(report: str, broker: str) -> ReportCard:
    return ReportCard(report=report, broker=CardField(value=broker, start=0, end=len(broker)))


CARDS = [card("guolian.txt", "国联证券"), card("tianfeng.txt", "天风证券"), card("dongyue.txt", "东岳证券")]


def test_each_sentence_naming_one_report_is_a_part():
    q = "国联报告里工信部的2025年算力规模目标是多少？天风测算的地方智算建设规模又是多少？"
    assert report_parts(q, CARDS) == [("guolian.txt", "国联报告里工信部的2025年算力规模目标是多少？"),
                                      ("tianfeng.txt", "天风测算的地方智算建设规模又是多少？")]
    assert analyse(q, CARDS).parts == report_parts(q, CARDS)


def test_sentences_naming_no_report_join_their_neighbour():
    q = "东岳预计2025年新增装机多少？同比增速呢？国联提到的算力目标是多少？"
    assert report_parts(q, CARDS) == [("dongyue.txt", "东岳预计2025年新增装机多少？同比增速呢？"),
                                      ("guolian.txt", "国联提到的算力目标是多少？")]


def test_a_topic_before_a_colon_is_every_parts():
    q = "山东2025年储能目标：东岳引用的是多少？国联显示调整为多少？"
    assert report_parts(q, CARDS) == [("dongyue.txt", "山东2025年储能目标：东岳引用的是多少？"),
                                      ("guolian.txt", "山东2025年储能目标：国联显示调整为多少？")]


def test_not_split():
    assert report_parts("天风和国联两份报告里，上海的算力目标分别是多少？", CARDS) == []  # one sentence, both reports
    assert report_parts("2025年目标是多少？东岳呢？国联呢？", CARDS) == []  # the parts ask the first part's question
    assert report_parts("东岳的储能报告里哪份文件提出了目标？目标是多少？", CARDS) == []  # one report
    assert report_parts("东岳预计新增多少？东岳的增速呢？", CARDS) == []  # the same report twice


def test_answers_are_joined_by_report_with_the_markers_counted_on():
    def cite(n):
        return Citation(report="r", start=n, end=n + 1, quote="q", id=f"c:{n}-{n + 1}")

    first = Answer(question="a", answer="根据报告：\n甲 [1]\n乙 [2]", abstained=False, citations=[cite(1), cite(2)])
    second = Answer(question="b", answer="根据报告：\n丙 [1]", abstained=False, citations=[cite(3)])
    second.notes = ["LLM: qwen"]
    joined = join_answers("q", [("国联证券", first), ("天风证券", second)])
    assert joined.answer == "国联证券：\n甲 [1]\n乙 [2]\n天风证券：丙 [3]"
    # each part's notes say which part they are of: one part written by an LLM does not make the whole its answer
    assert "天风证券: LLM: qwen" in joined.notes and "LLM: qwen" not in joined.notes
    assert [c.start for c in joined.citations] == [1, 2, 3] and not joined.abstained
    none = Answer(question="b", answer="报告中未找到该问题的答案。", abstained=True)
    partly = join_answers("q", [("国联证券", first), ("天风证券", none)])
    assert not partly.abstained and "天风证券：报告中未找到" in partly.answer
    assert join_answers("q", [("国联证券", none), ("天风证券", none)]).abstained


def test_a_whole_ask_naming_no_report_before_one_naming_a_report_is_asked_of_all():
    """"宁德时代的装车份额是多少？东岳对它的EPS预测是多少？": the share may be in any report; the EPS is 东岳's."""
    q = "宁德时代在国内动力电池装车量中的份额是多少？东岳对它2024年EPS的预测是多少？"
    assert report_parts(q, CARDS) == [(None, "宁德时代在国内动力电池装车量中的份额是多少？"),
                                      ("dongyue.txt", "东岳对它2024年EPS的预测是多少？")]
    assert analyse(q, CARDS).parts == report_parts(q, CARDS)
    # a lead-in asking nothing still belongs to the report after it; a last part naming no report is no part
    assert report_parts("截至2023年底，东岳统计的累计装机是多少？", CARDS) == []
    assert report_parts("东岳预计2025年新增装机多少？宁德时代的份额是多少？", CARDS) == []
