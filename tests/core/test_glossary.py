"""The glossary's valuation measures: named in either language, Latin abbreviations only as whole words."""

from assistant.core.glossary import measures_in
from assistant.core.tokenize import normalize


def test_measures_are_named_in_both_languages():
    assert measures_in(normalize("招商银行的目标价是多少？")) == ["目标价"]
    assert measures_in(normalize("What price target does the note set for CMB?")) == ["目标价"]
    assert measures_in(normalize("2025E EPS 与 PE（倍）")) == ["EPS", "市盈率"]
    assert measures_in(normalize("ROE and dividend yield")) == ["ROE", "股息率"]


def test_an_abbreviation_inside_a_word_is_not_the_measure():
    assert measures_in(normalize("PERC电池片与TOPCon的价格")) == []
    assert measures_in(normalize("SPEC sheet; EPSON")) == []


def test_a_measures_other_names_join_its_term_group():
    from assistant.answer.evidence import question_terms
    from assistant.core.glossary import measure_names
    assert set(measure_names("市净率")) >= {"pb", "p/b"} and measure_names("营收") == ("营业收入",)
    assert measure_names("国内") == ("中国", "我国") and measure_names("景气度") == ()
    # an analyst's 国内 and 增速 find the report's 中国 and 同比增长
    groups = question_terms("去年国内CXO市场规模多大？增速多少？")
    assert any("国内" in g and "中国" in g for g in groups) and any("增速" in g and "同比增长" in g for g in groups)
    groups = question_terms("银行板块现在的市净率大概几倍？")
    assert any("市净率" in g and "pb" in g for g in groups)
    assert not any(w in g for g in groups for w in ("现在", "几倍"))  # "now" and "how many times" ask, not name


def test_units_spelled_out_find_the_symbols_reports_write():
    from assistant.answer.evidence import question_terms
    # an analyst's 吉瓦 / 每瓦时 is the report's GW / 元/Wh
    groups = question_terms("今年海上风电新增装机能到多少吉瓦？")
    assert any("吉瓦" in g and "gw" in g for g in groups)
    assert any("每瓦时" in g and "/wh" in g for g in question_terms("组件最新报价每瓦时多少钱？"))


def test_an_analysts_bad_debt_is_the_reports_non_performing():
    from assistant.answer.evidence import question_terms
    assert any("坏账" in g and "不良" in g for g in question_terms("上市银行一季度末的坏账率是多少？"))
    # …and the 预测 asked is what a broker writes as 我们预计
    assert any("预测" in g and "预计" in g for g in question_terms("澜沧对今年光伏新增的预测是多少？"))


def test_broker_report_words_cc_cedict_glosses_otherwise():
    from assistant.core.glossary import zh_term_groups
    groups = zh_term_groups("new-type energy storage cell shipments; NPL ratio of listed banks; NEV exports")
    assert ["新型"] in groups and ["电芯", "电池"] in groups and ["上市银行"] in groups and ["新能源汽车"] in groups
    assert ["新增"] not in groups  # "new-type" is not "new"


def test_a_hyphenated_phrase_is_the_phrase():
    from assistant.core.glossary import zh_terms
    assert "智算" in zh_terms("local intelligent-computing capacity") and "地方" in zh_terms("local capacity")
    assert zh_terms("general-purpose computing")[:1] == zh_terms("general purpose computing")[:1]


def test_valuation_ratios_written_with_a_slash():
    from assistant.core.glossary import zh_terms

    assert zh_terms("the highest 2024E P/E and its P/B") == ["PE", "市盈率", "PB", "市净率"]
    assert zh_terms("the 2024E dividend yield") == ["股息率"]


def test_a_chinese_name_reads_in_english_where_the_glossary_holds_it():
    from assistant.core.glossary import english_name

    assert english_name("内蒙古") == "Inner Mongolia" and english_name("康龙化成") == "Pharmaron"
    assert english_name("工商银行") == "ICBC" and english_name("五粮液") == ""


def test_each_sectors_everyday_words_cc_cedict_lacks():
    from assistant.core.glossary import zh_term_groups
    groups = zh_term_groups("lidar cost, public charging piles, Class 1 innovative drugs approved, SPD Bank's full-year NIM")
    assert ["激光雷达"] in groups and ["充电桩"] in groups and ["1类"] in groups and ["创新药"] in groups
    assert ["批准", "获批"] in groups and ["浦发银行"] in groups and ["全年"] in groups
    groups = zh_term_groups("overweight-rated stocks, QoQ change, completion rate, net profit attributable")
    assert ["增持"] in groups and ["环比"] in groups and ["完成率"] in groups and ["归母净利润"] in groups


def test_listed_companies_an_english_text_names():
    from assistant.core.glossary import companies_in
    assert companies_in("What was SPD Bank's NIM? And China Merchants Bank's?") == ["浦发银行", "招商银行"]
    assert companies_in("bank loans of listed banks") == []  # a kind of company is no company
