"""Answers lead with the direct answer — the figure, date or card field asked — and it is the cited source's."""

from __future__ import annotations


def test_a_lookup_leads_with_the_figure_of_its_first_citation(assistant):
    a = assistant.ask("北京的智算算力规划是多少？")
    assert a.direct and a.answer.startswith(a.direct)
    assert "45" in a.direct and "45" in a.citations[0].quote


def test_an_english_question_reads_the_date_in_english_with_the_reports_words_beside(assistant):
    a = assistant.ask("On what date did the White House announce the AI datacenter task force?")
    assert a.direct is not None and a.direct.startswith("September 12"), a.answer


def test_computed_and_card_answers_lead_with_their_figure_or_field(assistant):
    total = assistant.ask("图3中各地区智算规模合计是多少？")
    assert total.tool is not None and total.direct and total.answer.startswith(total.direct)
    card = assistant.ask("天风那篇报告是哪天发布的？")
    assert card.direct and card.direct in card.answer and card.direct == card.citations[0].quote


def test_no_direct_answer_where_nothing_single_is_asked(assistant):
    a = assistant.ask("美国智算中心基础设施特别工作组由哪些部门领导？")
    assert not a.abstained and a.direct is None
