"""The aggregate router's hand-offs to passages: a question naming two reports ("东岳与澜沧的预测各是多少") asks what
each says — their passages answer it, the totals tools (rows of one table of one report) only where none does; a share
the tools did not compute (they summed the rows) is taken from a passage stating it. The router's order is the logic
under test: the evidence and tool steps are stand-ins that record their calls."""

from __future__ import annotations

from assistant.answer.analysis import Intent, QuestionAnalysis
from assistant.core.models import Answer
from assistant.facade import Assistant

Q = "对于2025年发电侧储能占新增储能的比重，东岳证券与澜沧证券的预测各是多少？"
REPORTS = ["dongyue.txt", "lancang.txt"]


class _Retriever:
    k = 5

    @staticmethod
    def queries(query: str) -> tuple[str, str]:
        return query, query


def _router(evidence_abstains: bool, scope: list[str]) -> tuple[Assistant, list[str]]:
    calls: list[str] = []
    a = object.__new__(Assistant)  # the router alone: no index is opened
    a.__dict__["retriever"] = _Retriever()

    def evidence(question, *_args, **_kwargs):
        calls.append("evidence")
        return Answer(question=question, answer="" if evidence_abstains else "东岳证券：41% / 澜沧证券：38%",
                      abstained=evidence_abstains)

    def tool(question, *_args, **_kwargs):
        calls.append("tool")
        return Answer(question=question, answer="占比 41%", abstained=False)

    a.__dict__.update(_unwritten_subject=lambda *_: "", _evidence_answer=evidence, _totals_answer=tool,
                      _table_total_answer=lambda *_: None, _search_query=lambda x: x["resolved"],
                      _scoped_tables=lambda scope: [])
    return a, calls


def _ask(a: Assistant, scope: list[str]) -> Answer:
    analysis = QuestionAnalysis(question=Q, lang="zh", scope=scope, intent=Intent.AGGREGATE, both=True)
    return a._answer({"question": Q, "resolved": Q, "report": None, "hits": [], "analysis": analysis})


def test_two_named_reports_are_answered_by_their_passages_first():
    a, calls = _router(evidence_abstains=False, scope=REPORTS)
    answer = _ask(a, REPORTS)
    assert calls == ["evidence"] and "澜沧证券" in answer.answer


def test_the_tool_answers_when_no_passage_does():
    a, calls = _router(evidence_abstains=True, scope=REPORTS)
    answer = _ask(a, REPORTS)
    assert calls == ["evidence", "tool"] and answer.answer == "占比 41%"


def test_one_report_named_keeps_the_tool_first():
    a, calls = _router(evidence_abstains=False, scope=REPORTS[:1])
    _ask(a, REPORTS[:1])
    assert calls[0] == "tool"


SHARE_Q = "宜宾、泸州这两个核心产区的目标加起来，占四川全省白酒目标的多大比例？"


def _share_router(tool_headline: str, stated_direct: str | None, quote: str = "") -> tuple[Assistant, list[str]]:
    a, calls = _router(evidence_abstains=False, scope=[])

    def evidence(question, *_args, **_kwargs):
        calls.append("evidence")
        text = f"{stated_direct} [1]" if stated_direct else f"根据报告：\n{quote} [1]"
        return Answer(question=question, answer=text, abstained=False, direct=stated_direct)

    def tool(question, *_args, **_kwargs):
        calls.append("tool")
        return Answer(question=question, answer=f"{tool_headline}\n- 宜宾 2025: 2000 亿元 [1]", abstained=False)

    a.__dict__.update(_evidence_answer=evidence, _totals_answer=tool)
    return a, calls


def _ask_share(a: Assistant) -> Answer:
    analysis = QuestionAnalysis(question=SHARE_Q, lang="zh", intent=Intent.AGGREGATE)
    return a._answer({"question": SHARE_Q, "resolved": SHARE_Q, "report": None, "hits": [], "analysis": analysis})


def test_a_share_the_tool_did_not_compute_is_taken_from_a_passage_stating_it():
    a, calls = _share_router("合计 7500 亿元（3 行）。", "87.5%")
    assert _ask_share(a).direct == "87.5%" and calls == ["tool", "evidence"]


def test_the_tool_stays_when_no_passage_states_a_share():
    a, calls = _share_router("合计 7500 亿元（3 行）。", "3500亿元")
    assert _ask_share(a).answer.startswith("合计 7500 亿元")


def test_a_share_the_tool_computed_is_kept():
    a, calls = _share_router("占比 87.5%（宜宾、泸州 3500 ÷ 四川 4000）", "87.5%")
    assert _ask_share(a).answer.startswith("占比") and calls == ["tool"]


def test_a_share_stated_by_the_first_quote_counts_too():
    a, _ = _share_router("合计 5133 家", None, "六家头部酒企2023年营收合计3438亿元，占规上企业销售收入的45.1%。")
    assert "45.1%" in _ask_share(a).answer
    a, _ = _share_router("合计 5133 家", None, "六家头部酒企2023年营收合计3438亿元。")
    assert _ask_share(a).answer.startswith("合计 5133 家")
