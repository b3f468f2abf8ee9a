"""English words → the reports' Chinese words: CC-CEDICT read backwards, kept to words the index holds."""

from assistant.core.bilingual import Dictionary, corpus_groups, dictionary

TINY = Dictionary({"supplier": {"供应商", "供货商"}, "little dragon": {"小龙"}, "four little dragons": {"四小龙"},
                   "according to": {"根据"}, "cement": {"水泥"}, "in": {"在内"}})
IN_REPORTS = {"供应商": 3, "四小龙": 1, "根据": 40, "水泥": 90}.get


def groups(text, share=50):
    return TINY.groups(text, lambda z: IN_REPORTS(z, 0), share)


def test_longest_phrase_first_and_plural_to_singular():
    assert groups("Which suppliers are among the four little dragons?") == [["供应商"], ["四小龙"]]


def test_words_the_reports_lack_or_hold_everywhere_are_left_out():
    assert groups("Which suppliers does it name?") == [["供应商"]]  # 供货商 is in no report
    assert groups("cement suppliers", share=100) == [["水泥"], ["供应商"]]
    assert groups("cement suppliers", share=50) == [["供应商"]]  # 水泥 is in 90 chunks: marks nothing


def test_asking_words_and_glossary_phrases_are_not_looked_up():
    assert groups("according to the report, in 2024") == []
    assert groups("intelligent computing suppliers") == [["供应商"]]  # the glossary's phrase is the glossary's


def test_real_dictionary_and_chinese_questions():
    real = dictionary()
    assert "四小龙" in real.lookup("four little dragons") and "供应商" in real.lookup("suppliers")
    assert corpus_groups("四小龙是哪几家？", {"四小龙": 1}, 100) == []  # Chinese questions need no dictionary


def test_an_english_question_quoting_chinese_is_english_everywhere():
    from assistant.answer.evidence import question_terms
    from assistant.core.glossary import expand_query

    q = "What is the combined 2025 storage target in 万千瓦?"
    assert expand_query(q) != q  # the glossary's terms are added, as for any English question
    assert ("万千瓦",) in question_terms(q) or any("万千瓦" in g for g in question_terms(q))


def test_pinyin_names_map_to_the_reports_words():
    """An English question spelling a Chinese name in pinyin finds the reports' word; English words do not."""
    from assistant.core.bilingual import pinyin_groups

    df = {"鹤鸣": 12, "古井": 2, "贡酒": 3, "舍得": 4, "白酒": 40, "星垣证券": 2, "澜沧": 9, "方案": 30}
    assert pinyin_groups("What 2024 revenue target has Gujing Gongjiu set, per Heming?", df) == \
        [["古井"], ["贡酒"], ["鹤鸣"]]
    assert pinyin_groups("What EPS for Shede Spirits?", df) == [["舍得"]]
    # CC-CEDICT glosses 白酒 as "baijiu": an English word there, found by `corpus_groups`, not spelled out
    assert pinyin_groups("How much baijiu did producers make?", df) == []
    assert pinyin_groups("Xingyuan Securities' view", df) == [["星垣证券"]]  # a name's first two characters
    # "fangan" spells 方案, but "plan" is English and short words are too often something else
    assert pinyin_groups("What plan did Lancang give?", df) == [["澜沧"]]
    assert pinyin_groups("鹤鸣怎么看白酒？", df) == []  # a Chinese question has its own words


def test_spelled_gives_every_reading_of_a_polyphone():
    d = dictionary()
    assert "lancang" in d.spelled("澜沧")
    assert {"yinhang", "yinxing"} <= d.spelled("银行")
    assert d.spelled("abc") == set()
