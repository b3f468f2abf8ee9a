"""The reports' short forms of a name a question writes in full, found from the index's own words."""

from assistant.core.shortforms import as_written, short_forms

# an index's words (token → chunk count), as Index.snapshot().doc_freq holds them
DF = {"城商行": 3, "农商行": 2, "年收入": 4, "银行贷款": 2, "目的地": 1, "商业银行": 5, "收入": 9}


def test_a_full_name_gets_the_reports_short_form():
    assert short_forms("城市商业银行一季度贷款增速是多少？", DF) == {"城市商业银行": "城商行"}
    assert short_forms("农村商业银行的不良率", DF) == {"农村商业银行": "农商行"}


def test_a_word_of_its_own_is_no_short_form():
    # 年收入 shares 收入 with 年营业收入: a word, not an abbreviation; 银行贷款 likewise with 银行的不良贷款
    assert short_forms("药明康德2023年营业收入是多少？", DF) == {}
    assert short_forms("上市银行的不良贷款率", DF) == {}


def test_a_run_joined_by_a_particle_is_no_name():
    assert short_forms("以2025年为目标的各地规划", DF) == {}


def test_a_short_form_already_written_is_not_sought():
    assert short_forms("城商行和城市商业银行", DF) == {}


def test_as_written_puts_the_short_form_in_the_question():
    assert as_written("一季度城市商业银行的收入增长了多少？", DF) == "一季度城商行的收入增长了多少？"
    assert as_written("What was the NIM?", DF) == "What was the NIM?"
    assert as_written("城市商业银行", {}) == "城市商业银行"


def test_an_analysts_short_form_of_a_listed_name_is_read_whole():
    """工行 / 招行 — short forms no report writes — are the one listed name holding their characters in order."""
    from assistant.core.shortforms import full_names

    names = {"工商银行", "招商银行", "中国银行", "中信银行", "宁德时代", "药明康德"}
    never = lambda word: False  # noqa: E731 — no report writes the word
    assert full_names("工行、招行2023年末普惠小微贷款余额合计多少？", names, never) == \
        {"工行": "工商银行", "招行": "招商银行"}
    assert full_names("中行的不良贷款率是多少？", names, never) == {}  # 中国银行 or 中信银行: not guessed
    assert full_names("工行的不良贷款率是多少？", names, lambda word: word == "工行") == {}  # the reports' own word
    assert full_names("宁德时代的目标价", names, never) == {}  # a listed name as written
    assert full_names("工行的目标价", set(), never) == {}
