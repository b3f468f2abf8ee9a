"""An aggregate question naming two reports ("东岳与澜沧的预测各是多少") asks what each report says: their passages
answer it, each labelled; the totals tools (rows of one table of one report) answer only where no passage does.
The router's order is the logic under test: the evidence and tool steps are stand-ins that record their calls."""

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
