"""Citations: every id resolves to its passage with the quote marked; quotes are found despite whitespace and
full-/half-width differences, at the right offsets; unknown ids and quotes found nowhere fail clearly."""

from __future__ import annotations

import unicodedata

import pytest
from answers.answer_helpers import assert_verbatim
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer.cite import find_quote, verify
from assistant.core.models import Citation

TF = "tianfeng_2024-09-17_ai-datacenter-taskforce.txt"
GL = "guolian_2024-04_compute-policy-overview.txt"
BEIJING_ROW = "北京\t2024年4月\t《北京市算力基础设施建设实施方案（2024—2027年）》\t2025年45EFlops"

QUESTIONS = ["北京的智算算力规划是多少？", "What did the White House announce?", "两份报告各自的风险提示是什么？",
             "贵州的通用算力、智算算力、超算算力目标分别是多少？", "那上海呢？"]


def _check_located(assistant, loc, c: Citation) -> None:
    text = assistant.report_text(c.report)
    assert (loc.report, loc.start, loc.end, loc.quote) == (c.report, c.start, c.end, c.quote)
    assert loc.section == c.section
    mark = f"【{c.quote}】"
    assert mark in loc.marked
    p0 = c.start - loc.marked.index(mark)  # where the paragraph starts in the report
    assert text[p0:p0 + len(loc.paragraph)] == loc.paragraph  # the paragraph is the report's own text
    i = c.start - p0
    assert loc.marked == loc.paragraph[:i] + mark + loc.paragraph[i + len(c.quote):]


# ---- cite(id) --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", QUESTIONS)
def test_cite_every_citation(assistant, question):
    answer = assistant.ask(question)
    assert answer.citations
    for c in answer.citations:
        _check_located(assistant, assistant.cite(c.id), c)


def test_cite_related_passages_of_an_abstention(assistant):
    answer = assistant.ask("西藏的智算算力规划是多少？")
    assert answer.abstained and answer.related
    for c in answer.related:
        _check_located(assistant, assistant.cite(c.id), c)


def test_cite_marks_the_beijing_row(assistant):
    answer = assistant.ask("北京的智算算力规划是多少？")
    c = next(c for c in answer.citations if c.quote == BEIJING_ROW)
    loc = assistant.cite(c.id)
    assert f"【{BEIJING_ROW}】" in loc.marked
    assert "上海\t2024年3月" in loc.paragraph  # the neighbouring rows of the table come with it
    assert assistant.cite(f"  {c.id}\n").quote == BEIJING_ROW  # surrounding whitespace is ignored


def test_cite_sub_span_of_a_chunk(assistant):
    """An id names offsets inside its chunk; any such span resolves to exactly that text."""
    c = assistant.ask("北京的智算算力规划是多少？").citations[0]
    chunk_id = c.id.split(":")[0]
    loc = assistant.cite(f"{chunk_id}:{c.start}-{c.start + 2}")
    assert loc.quote == assistant.report_text(c.report)[c.start:c.start + 2]


@pytest.mark.parametrize("bad", [
    "0123456789abcdef0123:0-10",  # well-formed, no such chunk
    "not-a-citation",
    "",
    "abc:1-2",  # chunk id too short
    "0123456789abcdef0123",
])
def test_cite_unknown_id(assistant, bad):
    with pytest.raises(KeyError) as exc:
        assistant.cite(bad)
    message = exc.value.args[0]
    assert "未知的引用编号" in message and "unknown citation id" in message


def test_cite_offsets_outside_their_chunk(assistant):
    c = assistant.ask("北京的智算算力规划是多少？").citations[0]
    chunk_id = c.id.split(":")[0]
    for start, end in [(0, 10**7), (c.end, c.start), (c.start, c.start)]:
        with pytest.raises(KeyError) as exc:
            assistant.cite(f"{chunk_id}:{start}-{end}")
        assert "引用编号与原文不符" in exc.value.args[0] and "does not match" in exc.value.args[0]


# ---- find_quote on the index -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("quote", "expected"), [
    ("２０２５年４５ＥＦｌｏｐｓ", "2025年45EFlops"),  # full-width digits and letters
    ("2025 年 45 EFlops", "2025年45EFlops"),  # spaces added
    ("2025年45eflops", "2025年45EFlops"),  # case
    ("预计地方智算25年建设107.1EFlops", "预计地方智算 25 年建设 107.1EFlops"),  # spaces removed
    ("算力即国力，美成立", "算力即国力,美成立"),  # full-width comma for the report's half-width one
    ("北京 2024年4月 《北京市算力基础设施建设实施方案（2024—2027年）》 2025年45EFlops", BEIJING_ROW),  # tabs as spaces
    ("  该工作组将由国家经济委员会、\n国家安全委员会  ", "该工作组将由国家经济委员会、国家安全委员会"),
])
def test_find_quote_tolerant(assistant, quote, expected):
    found = assistant.find_quote(quote)
    assert len(found) == 1, found
    loc = found[0]
    text = assistant.report_text(loc.report)
    assert loc.report == TF
    assert loc.quote == expected
    assert (loc.start, loc.end) == (text.index(expected), text.index(expected) + len(expected))
    assert f"【{expected}】" in loc.marked


def test_find_quote_in_a_table_cell_of_guolian(assistant):
    found = assistant.find_quote("总算力超 15 ＥＦＬＯＰＳ，高性能算力占比达到 35％")
    assert found and {loc.report for loc in found} == {GL}
    text = assistant.report_text(GL)
    loc = found[0]
    assert text[loc.start:loc.end] == loc.quote
    assert loc.quote.replace(" ", "") == "总算力超15EFLOPS，高性能算力占比达到35%"


def test_find_quote_in_both_reports(assistant):
    found = assistant.find_quote("强于大市")
    assert {loc.report for loc in found} == {TF, GL}
    for loc in found:
        assert assistant.report_text(loc.report)[loc.start:loc.end] == "强于大市"


def test_find_quote_limited_to_one_report(assistant):
    assert assistant.find_quote("2025年45EFlops", report=GL) == []
    assert [loc.report for loc in assistant.find_quote("2025年45EFlops", report=TF)] == [TF]


@pytest.mark.parametrize("quote", ["完全不存在的一句话", "2025年46EFlops", "", "   \n\t", "BUY"])
def test_find_quote_nowhere(assistant, quote):
    assert assistant.find_quote(quote) == []


# ---- the functions themselves ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("quote", "text", "span"), [
    ("ＡＢＣ", "xx abc yy", (3, 6)),
    ("a b", "xa\n\tby", (1, 5)),
    ("北京", "北京", (0, 2)),
    ("尾", "首 中 尾", (4, 5)),
    ("1北京", "① 北京", (0, 4)),  # NFKC expands ① to 1
    ("45 %", "达到45％。", (2, 5)),
])
def test_find_quote_function(quote, text, span):
    assert find_quote(quote, text) == span


@pytest.mark.parametrize(("quote", "text"), [("", "abc"), ("  ", "abc"), ("abd", "abc"), ("abc", "")])
def test_find_quote_function_none(quote, text):
    assert find_quote(quote, text) is None


def _fold(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", ch).casefold() for ch in s if not ch.isspace())


WIDE = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}  # ASCII → full-width forms


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="北京上海智算规划2025年45EFlops，,。 \t\n（）%", min_size=1, max_size=60),
       data=st.data())
def test_find_quote_function_property(text, data):
    """A quote taken from the text, then re-spaced and widened, is found; the span's text folds to the quote."""
    s = data.draw(st.integers(0, len(text) - 1))
    e = data.draw(st.integers(s + 1, len(text)))
    quote = text[s:e]
    if data.draw(st.booleans()):
        quote = "".join(WIDE.get(ch, ch) for ch in quote)
    if data.draw(st.booleans()):
        quote = " ".join(quote.replace(" ", ""))
    span = find_quote(quote, text)
    if not _fold(quote):
        assert span is None
        return
    assert span is not None
    a, b = span
    assert 0 <= a < b <= len(text)
    assert _fold(text[a:b]) == _fold(quote)
    assert a <= s + len(text[s:e]) - len(text[s:e].lstrip())  # the first occurrence, never a later one


def test_verify_drops_what_is_not_verbatim():
    text = "图 3\n北京\t2025年45EFlops\n"
    quote = "北京\t2025年45EFlops"
    start = text.index(quote)
    ok = Citation(id=f"c:{start}-{start + len(quote)}", report="r", start=start, end=start + len(quote), quote=quote)
    shifted = ok.model_copy(update={"start": start - 1, "end": start - 1 + len(quote)})
    other_report = ok.model_copy(update={"report": "missing"})
    beyond = ok.model_copy(update={"end": 999})
    empty = ok.model_copy(update={"end": start, "quote": ""})
    kept, dropped = verify([ok, shifted, other_report, beyond, empty], {"r": text}.get)
    assert kept == [ok]
    assert dropped == [shifted, other_report, beyond, empty]


def test_answer_citations_are_verbatim(assistant):
    for question in QUESTIONS:
        assert_verbatim(assistant, assistant.ask(question))
