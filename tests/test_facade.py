"""The facade's LangChain chain on the session's real index: built once, a Runnable others compose (batch, stream,
pipes, callbacks), with the app's retriever and totals tool running inside it as LangChain steps."""

from __future__ import annotations

from decimal import Decimal

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.facade import TotalsQuery
from tests.fixtures.reports import FIG3_QUERY, TIANFENG

LOOKUP = "北京的智算算力规划是多少？"
AGGREGATE = "2025年各地智算规划合计多少？"


def inputs(question: str, report: str | None = None) -> dict:
    return {"question": question, "resolved": question, "report": report}


class Steps(BaseCallbackHandler):
    """What LangChain reports running: retriever queries and tool calls."""

    def __init__(self):
        self.retrieved, self.tools = [], []

    def on_retriever_start(self, serialized, query, **kwargs):
        self.retrieved.append(query)

    def on_tool_start(self, serialized, input_str, **kwargs):
        self.tools.append(kwargs.get("inputs") or input_str)


def test_the_chain_is_built_once_and_batches_streams_and_composes(built_index):
    assistant = built_index.assistant
    chain = assistant.chain
    assert isinstance(chain, Runnable) and assistant.chain is chain
    lookup, total = chain.batch([inputs(LOOKUP), inputs(AGGREGATE)])
    assert "45" in lookup.answer and lookup.citations and not lookup.abstained
    assert total.tool is not None and total.tool.name == "totals" and "152.68" in total.answer
    *_, streamed = chain.stream(inputs(LOOKUP))
    assert streamed.answer == lookup.answer
    # composed with other runnables: a plain question in, the answer text out
    ask_text = RunnableLambda(inputs) | chain | RunnableLambda(lambda answer: answer.answer)
    assert ask_text.invoke(LOOKUP) == lookup.answer


def test_the_retriever_and_the_tool_run_as_steps_of_the_chain(built_index):
    assistant, steps = built_index.assistant, Steps()
    answer = assistant.chain.invoke(inputs(AGGREGATE), config={"callbacks": [steps]})
    assert steps.retrieved == [AGGREGATE]
    assert len(steps.tools) == 1 and steps.tools[0]["target_year"] == 2025
    assert Decimal(answer.tool.result["value"]) == Decimal("152.68")
    assistant.chain.invoke(inputs(LOOKUP, TIANFENG), config={"callbacks": [steps]})
    assert steps.retrieved == [AGGREGATE, LOOKUP] and len(steps.tools) == 1  # a lookup calls no tool


def test_search_and_totals_go_through_the_retriever_and_the_tool(built_index):
    assistant = built_index.assistant
    hits = assistant.search(FIG3_QUERY, k=4)
    docs = assistant.retriever.invoke(FIG3_QUERY, k=4)
    assert [(h.chunk, h.score, h.bm25_rank, h.dense_rank) for h in hits] == [
        (h.chunk, h.score, h.bm25_rank, h.dense_rank) for h in assistant.retriever.search(FIG3_QUERY, 4)]
    assert [h.chunk.id for h in hits] == [d.id for d in docs]
    result = assistant.totals(TotalsQuery(target_year=2025, source_table="图3"))
    assert result.value == Decimal("152.68") and len(result.rows) == 10
    assert assistant._totals_tool() is assistant._totals_tool()  # one tool per catalog generation


def test_a_name_no_report_writes_gets_no_figure_but_one_a_report_writes_does(built_index):
    assistant = built_index.assistant
    missing = assistant.ask("水井坊2025年的智算算力规划是多少？")
    assert missing.abstained and "报告未提及：水井坊" in missing.answer
    written = assistant.ask("北京2025年的智算算力规划是多少？")
    assert not written.abstained and "45" in written.answer


def test_provinces_by_their_one_character_names_are_the_target_tables_rows(built_index):
    answer = built_index.assistant.ask("京沪粤三地2025年的智算算力规划加一起是多少？")
    assert answer.tool is not None and "94 EFLOPS" in answer.answer  # 北京 45 + 上海 30 + 广东 19
    assert "理解为 / understood as: 北京、上海、广东三地" in " ".join(answer.notes)


def test_a_follow_up_share_is_the_part_over_the_previous_questions_total(built_index):
    """"其中…占多少": both figures computed by the tool (the earlier total asked again), the share by code."""
    assistant = built_index.assistant
    total = "天风报告里各地2025年智算算力规划合计多少？"
    share = assistant.ask("其中北京、上海两地占多少？", [total])
    assert "75 / 152.68 = 49.12%" in share.answer
    plain = assistant.ask("其中北京、上海两地合计多少？", [total])  # no share asked: none added
    assert "75 EFLOPS" in plain.answer and "占比：" not in plain.answer
    alone = assistant.ask("北京、上海两地占多少？")  # no earlier total: no share
    assert "占比：" not in alone.answer


def test_a_share_of_two_named_rows_is_their_sum_over_the_whole(built_index):
    """The table calculator divides, citing each row: both parts added up, over every region's plan."""
    answer = built_index.assistant.ask("天风图3中，北京和上海的智算算力规划合计占全部地区合计的比重是多少？")
    assert answer.tool is not None and answer.tool.name == "table_total" and "算式：(30 + 45) / (" in answer.answer


def test_two_asks_of_other_operations_over_the_target_rows_are_each_answered(built_index):
    """"有几个？其中最高的是哪个？": the count and the largest, each by the tool with the first ask's filters."""
    answer = built_index.assistant.ask("天风报告各地智算规划里，目标年份为2025年的地区有几个？其中规划最高的是哪个？")
    assert answer.tool is not None and len(answer.tool.result["asks"]) == 2
    assert "共 10 个" in answer.answer and "最大为 45 EFLOPS（北京）" in answer.answer
    one = built_index.assistant.ask("天风报告各地智算规划里，目标年份为2025年的地区有几个？合计多少？")
    assert "asks" not in (one.tool.result or {})  # a count beside a sum is one ask: the sum states its rows


def test_two_measures_one_report_answers_best_are_answered_whole_from_it(built_index):
    """'…的A和B分别是多少？' is asked ask by ask; where one report answers both best, the question is answered whole from
    that report (not twice, the same passage quoted under each ask)."""
    answer = built_index.assistant.ask("上海“算力浦江”行动计划的总算力目标和高性能算力占比分别是多少？")
    assert not answer.abstained and "15" in answer.answer and "35%" in answer.answer
    assert {c.report for c in answer.citations} == {"guolian_2024-04_compute-policy-overview.txt"}
    assert not any("part by part" in n for n in answer.notes)


def test_a_two_reports_question_naming_neither_is_asked_of_the_two_that_write_what_it_asks(built_index):
    """"两份报告中上海的算力目标分别是什么": the reports writing 上海, 算力 and 目标 are the two; a word only one
    report writes (四小龙) leaves the question unscoped, as before."""
    assistant = built_index.assistant
    both = assistant._reports_holding("两份报告中上海的算力目标分别是什么？", 2)
    assert sorted(both) == sorted(assistant.index.catalog.report_ids())
    assert assistant._reports_holding("两份报告里四小龙分别是哪些公司？", 2) == []
    answer = assistant.ask("两份报告中上海的算力目标分别是什么？")
    assert {c.report for c in answer.citations} == set(both)
