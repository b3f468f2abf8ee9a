"""answer/analysis.py: intent and scope of a question, with cards built in memory."""

import pytest

from assistant.answer.analysis import Intent, MetaField, analyse
from assistant.core.models import CardField, ReportCard


def card(report: str, broker: str) -> ReportCard:
    return ReportCard(report=report, broker=CardField(value=broker, start=0, end=len(broker)))


CARDS = [card("beichen_2024-03_byd.txt", "北辰证券"), card("nanling_2024-02_insurance.md", "南岭证券")]


@pytest.mark.parametrize("question, scope", [
    ("北辰证券对比亚迪的评级？", ["beichen_2024-03_byd.txt"]),
    ("南岭那篇保险报告说了什么", ["nanling_2024-02_insurance.md"]),
    ("What does Beichen say about exports?", ["beichen_2024-03_byd.txt"]),
    ("北辰和南岭各自的观点", ["beichen_2024-03_byd.txt", "nanling_2024-02_insurance.md"]),
    ("比亚迪海外销量是多少？", []),
])
def test_scope_from_broker_names(question, scope):
    assert analyse(question, CARDS).scope == scope


@pytest.mark.parametrize("question, intent", [
    ("2025年各地智算规划合计多少EFLOPS？", Intent.AGGREGATE),
    ("What is the total 2025 computing power target across provinces?", Intent.AGGREGATE),
    ("美国智算中心特别工作组由哪几个部门牵头？", Intent.LOOKUP),  # a counting word, no aggregate over targets
    ("各省2025年新型储能目标合计多少万千瓦？", Intent.AGGREGATE),  # targets of any quantity are totals rows
    ("北辰证券那篇报告的分析师是谁？", Intent.REPORT_META),
    ("星垣给了买入评级的银行有哪些？", Intent.LOOKUP),  # a rating of stocks in the text, not the report's
    # a count counts a table's rows (places, companies, policies); another thing counted is a fact stated in the text
    ("国家规划了几个数据中心集群？", Intent.LOOKUP),
    ("How many data-center clusters were planned?", Intent.LOOKUP),
    ("规划里有多少个地区设定了2025年目标？", Intent.AGGREGATE),
    ("表1一共列了多少条政策，涉及几个省市？", Intent.AGGREGATE),
    ("How many provinces set 2025 targets?", Intent.AGGREGATE),
    # which row holds the extreme: a ranking over a table's rows (retrieval answers when no table fits)
    ("北辰重点保险公司里，综合成本率最低的是哪家？", Intent.AGGREGATE),
    ("Which insurer had the highest solvency ratio?", Intent.AGGREGATE),
    ("南岭说最高的保费增速是多少？", Intent.LOOKUP),  # the extreme a sentence states, no row asked
    # names or years listed, then added up: rows of a table
    ("中国平安、中国人寿、中国太保2023年保费收入合计多少？", Intent.AGGREGATE),
    ("北辰预测2024E和2025E两年销量合计多少？", Intent.AGGREGATE),
    ("中国平安2023年保费收入是多少？", Intent.LOOKUP),
    # a change between a table's columns (2025E, 2023A, 2024Q1), or two years' columns compared row by row
    ("北辰预测中国平安2025E保费较2023A增长多少？", Intent.AGGREGATE),
    ("北辰预测哪些公司2024年保费会低于2023年？", Intent.AGGREGATE),
    # a why-question is read from the text, whatever aggregate words it holds
    ("为什么各省2025年储能目标合计最高的是江苏？", Intent.LOOKUP),
    ("南岭这次为什么把保险行业评级调下来了？", Intent.LOOKUP),  # the cause, not the card's rating
    ("各省保费目标加起来比全国实际还大，南岭怎么解读？", Intent.LOOKUP),  # a view, not a sum
    # a cumulative measure is no sum; "cumulative total" is
    ("What was China's cumulative installed PV capacity at the end of 2023?", Intent.LOOKUP),
    ("What is the cumulative total of the provinces' 2025 targets?", Intent.AGGREGATE),
])
def test_intent(question, intent):
    assert analyse(question, CARDS).intent is intent


def test_meta_fields_and_language():
    a = analyse("Who are the analysts and what rating does Nanling give?", CARDS)
    assert a.lang == "en" and set(a.meta) == {MetaField.ANALYSTS, MetaField.RATING}
    assert a.both is False and analyse("两份报告的评级分别是什么", CARDS).both


def test_a_report_named_by_its_industry_as_a_report():
    cards = [ReportCard(report="a.txt", industry=[CardField(value="白酒", start=0, end=2)]),
             ReportCard(report="b.md", industry=[CardField(value="银行", start=0, end=2)])]
    assert analyse("白酒那篇报告的评级是什么？", cards).scope == ["a.txt"]
    assert analyse("白酒和银行两篇报告的行业评级各是什么？", cards).scope == ["a.txt", "b.md"]
    assert analyse("白酒与银行这两份报告里，哪一份是首次覆盖？", cards).scope == ["a.txt", "b.md"]
    assert analyse("白酒产量是多少？", cards).scope == []  # the word alone is a subject, not a report


@pytest.mark.parametrize("question", ["两家表里阳光电源的股价和评级各是多少？", "Which broker is more bullish on storage?",
                                      "报告给了哪几家公司买入评级？",
                                      "What target price does it give Moutai?",
                                      "图表3中，政策发布时间在2024年的省份，其2025年目标合计多少？"])
def test_questions_about_stocks_or_views_are_not_report_card_questions(question):
    assert analyse(question, CARDS).intent is not Intent.REPORT_META


@pytest.mark.parametrize("question, fields", [
    ("白酒那篇中期策略是哪家券商、哪天发的？", {MetaField.BROKER, MetaField.DATE}),
    ("那篇报告是谁写的，给的什么评级？", {MetaField.ANALYSTS, MetaField.RATING}),
    ("银行点评是哪家出的？什么时候发布？", {MetaField.BROKER, MetaField.DATE}),
])
def test_every_card_field_a_question_asks_for(question, fields):
    assert set(analyse(question, []).meta) == fields


def test_two_digit_years_are_written_whole_but_spans_of_years_are_not():
    from assistant.answer.analysis import full_years

    assert full_years("华虹、晶合三家，25年比23年一共新增多少产能？") == "华虹、晶合三家，2025年比2023年一共新增多少产能？"
    assert full_years("它26年呢？") == "它2026年呢？" and full_years("到25年底的目标") == "到2025年底的目标"
    for kept in ("近10年复合增速", "成立25年", "20年代", "过去20年来", "2025年", "1.25年"):
        assert full_years(kept) == kept


def test_a_subject_is_written_by_the_glossarys_other_words_and_without_its_province_suffix():
    from assistant.answer.analysis import subject_forms

    assert "光刻设备" in subject_forms("光刻机")  # a foundry report's table writes 光刻设备
    assert "云南" in subject_forms("云南省") and subject_forms("水井坊") == {"水井坊"}


def test_a_date_asked_of_an_event_is_no_report_date():
    assert analyse("美国白宫哪天宣布成立工作组？", []).intent is Intent.LOOKUP


def test_the_first_months_are_named_as_reports_name_them():
    from assistant.answer.analysis import named_periods

    assert named_periods("今年头三个月谁的利润增长最好？") == "今年一季度谁的利润增长最好？"
    assert named_periods("2024年前5个月新增了多少？") == "2024年1—5月新增了多少？"
    assert named_periods("头六个月呢？") == "上半年呢？" and named_periods("前9个月") == "前三季度"
    assert named_periods("前三季度营收多少？") == "前三季度营收多少？"  # already a report's name
    assert named_periods("近三个月价格怎么走？") == "近三个月价格怎么走？"  # the latest months: not from January


def test_stock_prices_and_ratings_are_looked_up_not_the_report_card():
    assert analyse("What share prices and ratings do the two tables show for Sungrow?", []).meta == []
    assert analyse("What price targets does the report give?", []).meta == []
    assert analyse("What rating does the report give the sector?", []).meta  # the industry view: the card


@pytest.mark.parametrize("question, card_answers", [
    ("北辰证券给比亚迪什么评级？", False),  # a company the card's rating is not about
    ("南岭对中国平安的投资评级是什么？", False),
    ("北辰对这家公司2024年EPS预测和评级是多少？", False),  # 年EPS: a stock figure, though no \b before it
    ("北辰对汽车行业的评级是什么？", True),  # the industry view: the card
    ("南岭对保险板块给的什么评级？", True),
    ("南岭对寿险板块给出了什么评级？", False),  # a sub-sector the card is not about
    ("北辰那篇报告是谁写的，给的什么评级？", True),  # "给的什么评级" names nothing rated
    ("南岭的保险报告给了行业什么评级？", True),
    ("北辰给了比亚迪什么评级？", False),
    ("南岭证券对保险的评级？", True),  # a word of the card's industry
])
def test_a_rating_of_a_named_company_is_looked_up_not_read_from_the_card(question, card_answers):
    cards = [*CARDS, ReportCard(report="x.md", industry=[CardField(value="保险", start=0, end=2)]),
             ReportCard(report="y.md", industry=[CardField(value="汽车", start=0, end=2)])]
    assert (analyse(question, cards).intent is Intent.REPORT_META) is card_answers


@pytest.mark.parametrize("question, intent", [
    ("白酒经营指标表里哪一年规上企业数量最少？", Intent.AGGREGATE),  # a table spoken of, no number
    ("代表企业的利润合计是多少？", Intent.LOOKUP),  # 代表 speaks of no table
])
def test_a_table_spoken_of_without_its_number(question, intent):
    assert analyse(question, []).intent is intent


def test_a_change_between_two_years_asked_as_an_amount_is_computed():
    """'比2022年增加了多少亿元': the two years' cells of a table, when one holds both (else retrieval answers); a growth
    asked without an amount may be a rate a sentence states, and stays a look-up."""
    assert analyse("2023年规上啤酒企业销售收入比2022年增加了多少亿元？", []).intent is Intent.AGGREGATE
    assert analyse("2023年保费收入比2022年减少了多少？", []).intent is Intent.AGGREGATE
    assert analyse("2023年保费收入比2022年增长多少？", []).intent is Intent.LOOKUP


def test_a_table_named_by_a_name_ending_in_table_makes_an_average_an_aggregate():
    from assistant.answer.analysis import Intent, analyse
    assert analyse("单品批价表，2024年6月批价的简单平均是多少？", []).intent is Intent.AGGREGATE
    assert analyse("以宁德时代为代表的企业，平均毛利率是多少？", []).intent is Intent.LOOKUP  # 代表 is no table


def test_an_average_over_a_counted_set_of_things_is_an_aggregate():
    from assistant.answer.analysis import Intent, analyse
    assert analyse("家电产业链五个环节的毛利率平均是多少？", []).intent is Intent.AGGREGATE  # 五个环节: rows
    assert analyse("一类新药的平均审批时间是多少？", []).intent is Intent.LOOKUP  # 平均审批时间: a measure named
    assert analyse("工信部要求在哪些领域各打造30个以上应用标杆？", []).intent is Intent.LOOKUP  # no average


def test_a_condition_with_a_count_is_an_aggregate_without_a_table_word_but_a_list_is_not():
    from assistant.answer.analysis import Intent, analyse
    assert analyse("青岚预计2025年国产化率达到30%及以上的设备类型有几类？", []).intent is Intent.AGGREGATE
    assert analyse("工信部要求在哪些重点领域各打造30个以上算力应用标杆？", []).intent is Intent.LOOKUP


def test_the_gap_between_highest_and_lowest_and_a_far_which_extreme_are_aggregates():
    from assistant.answer.analysis import Intent, analyse
    assert analyse("各类上市银行中，拨备覆盖率最高与最低的银行类型相差多少个百分点？", []).intent is Intent.AGGREGATE
    assert analyse("十个光伏大省中，哪个省2023年底到2025年底的累计装机增量最大？", []).intent is Intent.AGGREGATE
    assert analyse("哪家企业率先量产？当时良率最高达到多少？", []).intent is Intent.LOOKUP  # two clauses


def test_each_of_one_named_reports_rows_is_not_a_both_reports_question():
    assert analyse("北辰那篇里比亚迪和理想2024E的PE分别是多少？", CARDS).both is False
    assert analyse("两份报告的评级分别是什么？", CARDS).both is True


@pytest.mark.parametrize("question, subject", [
    ("水井坊2024年的营收目标是多少？", "水井坊"),  # a rare noun: a name
    ("星垣报告里兴业银行2024年一季度净息差是多少？", "兴业银行"),  # an organisation
    ("西藏2025年新型储能装机目标是多少？", "西藏"),  # a place
    ("以普惠小微贷款余额为指标的省份2025年目标合计多少？", ""),  # a common noun
    ("湖北、湖南、广东、广西四省2025年目标加起来是多少？", ""),  # a count
    ("各省储能规划表里2025年目标最高的是哪个？", ""),  # 表里: a place word, not a name
    ("水井坊的营收目标是多少？", "水井坊"),  # no year: the name before 的 and the measure asked
    ("上市酒企2024年营收目标中，水井坊的目标是多少？", "水井坊"),  # 酒企 before the year is no name; 水井坊 is
    ("枢纽节点新盖的机房用清洁电的比例要求是多少？", ""),  # before 的, a word the dictionary lacks is no name
    ("国内去年买了多少钱的半导体设备？占全球几成？", ""),  # 多少钱 is the ask, not a name
    ("What 2024E net profit does Jinshi forecast for Medicilon (美迪西)?", "美迪西"),  # an English question's gloss
    ("鹤鸣统计的酒鬼酒2024年营收目标是多少？", "酒鬼酒"),  # a name the dictionary splits (酒鬼|酒)
    ("东岳和澜沧对2025年新增装机的预测分别是多少？", ""),  # 对 is no part of a name
    ("What was SPD Bank's net interest margin in Q1 2024?", "浦发银行"),  # one listed company an English question names
    ("Compare BYD and NIO deliveries in 2024.", ""),  # two: neither is the one a figure is asked of
    ("海晨科技2024年营收是多少？", "海晨科技"),  # a company's own name the dictionary lacks, before its ending
    ("这家公司2023年营收是多少？", ""),  # a pointer before 公司 is no name
    ("凯莱英和博腾股份2023年营收合计多少？", ""),  # two names the dictionary glues at 和 (凯莱|英和博腾|股份)
])
def test_the_name_a_years_figure_is_asked_of(question, subject):
    from assistant.answer.analysis import subject_before_year

    assert subject_before_year(question) == subject


def test_two_measures_asked_of_one_subject_are_asked_one_by_one():
    """The two may live in two reports (a vehicle target in one, a storage target in another): each is its own
    question. Two places, two brokers, or two years are not two measures."""
    a = analyse("海南省2025年的充电桩建设目标和氢能产业规模目标分别是多少？", CARDS)
    assert a.asks == ["海南省2025年的充电桩建设目标是多少？", "海南省2025年的氢能产业规模目标是多少？"]
    assert analyse("海南省2025年在充电桩和加氢站上分别定了什么目标？", CARDS).asks == \
        ["海南省2025年在充电桩定了什么目标？", "海南省2025年在加氢站定了什么目标？"]
    for q in ("江苏和浙江分别是多少？", "北辰和南岭分别给了什么评级？", "2024年和2025年分别是多少？",
              "海南省2025年的充电桩建设目标是多少？"):
        assert analyse(q, CARDS).asks == [], q


@pytest.mark.parametrize("question, rated, card", [
    ("南岭证券对中国平安给出的投资评级是什么？", "中国平安", False),  # 给出的: a stock's rating, not the card's
    ("北辰对比亚迪给的什么评级？", "比亚迪", False),
    ("北辰对比亚迪的盈利预测和评级是什么？", "比亚迪", False),  # the rating asked beside another thing of the name
    ("北辰对银行业的观点和评级？", "银行", False),  # 银行业 is the industry 银行 (not 银), not the card's (cars)
    ("What investment rating does Nanling assign to Ping An (中国平安)?", "", False),
    ("What stock rating does Beichen give BYD in this note?", "", False),
    ("两份报告分别给所覆盖的行业什么投资评级？", "", True),  # 所覆盖的: the reports' own industries
    ("北辰的报告行业评级是什么？相对上次评级有何变化？", "", True),  # 上次评级 rates nothing named
    ("What rating does Nanling give?", "", True),
])
def test_a_rating_asked_of_a_named_company_is_not_the_cards(question, rated, card):
    from assistant.answer.analysis import rated_name

    assert rated_name(question) == rated
    assert (analyse(question, CARDS).intent is Intent.REPORT_META) is card


def test_a_stocks_rating_is_answered_by_a_unit_rating_that_stock():
    """A rating is written as the word or as the rating itself ('中芯国际（增持）'); a sentence that only names the stock
    among those to watch, or the report's own industry rating, does not rate it."""
    from assistant.answer.evidence import Coverage
    from assistant.answer.offline import OfflineAnswerer
    from assistant.core.models import Chunk, SearchHit

    text = "投资建议：强于大市（维持）。建议关注中国移动、中国联通。晶圆代工龙头中芯国际（增持），受益于稼动率回升。"
    hits = [SearchHit(chunk=Chunk(id="c", report="r.txt", text=text, start=0, end=len(text)), score=1.0)]
    answerer = OfflineAnswerer(Coverage({}, 10))
    assert answerer.candidates("国联证券对中国移动给出的投资评级是什么？", hits) == []
    assert [c.unit.text for c in answerer.candidates("青岚对中芯国际给出的投资评级是什么？", hits)] == \
        ["晶圆代工龙头中芯国际（增持），受益于稼动率回升。"]


def test_a_rating_given_to_a_stock_is_no_question_on_the_reports_card():
    from assistant.answer.analysis import MetaField, analyse
    assert analyse("北辰证券给海晨科技“买入”评级时，提到它受益于哪家客户？", []).meta == []
    assert analyse("北辰证券给的行业评级是什么？", []).meta == [MetaField.RATING]


def test_two_asks_joined_across_a_comma_are_asked_one_by_one():
    """"A，和B分别是多少？": each phrase its own ask; naming a report each, they are report parts."""
    from assistant.answer.analysis import joined_asks

    q = "2023年保险业原保费收入的增速，和寿险公司中国寿的市场份额分别是多少？"
    assert analyse(q, CARDS).asks == ["2023年保险业原保费收入的增速是多少？", "寿险公司中国寿的市场份额是多少？"]
    assert joined_asks("广东省，和江苏省的分别是多少？", CARDS) == []  # places alone ask nothing of their own
    assert joined_asks("广东和江苏的目标分别是多少？", CARDS) == []  # no comma, no report: the older rule's


def test_two_asks_each_naming_a_report_are_its_parts():
    q = "北辰报告中的比亚迪海外销量目标，和南岭报告中的寿险保费增速分别是多少？"
    assert [r for r, _ in analyse(q, CARDS).parts] == ["beichen_2024-03_byd.txt", "nanling_2024-02_insurance.md"]
    q = "北辰报告中的比亚迪海外销量目标和南岭报告中的寿险保费增速分别是多少？"  # 和 right before a report's name
    assert [p for _, p in analyse(q, CARDS).parts] == ["北辰报告中的比亚迪海外销量目标是多少？", "南岭报告中的寿险保费增速是多少？"]


def test_a_first_clause_naming_no_report_is_what_every_part_asks_about():
    q = "比亚迪2024年海外销量目标，北辰报告里写的是多少？到南岭发报告时有没有变化？"
    assert [p for _, p in analyse(q, CARDS).parts] == ["比亚迪2024年海外销量目标，北辰报告里写的是多少？",
                                                        "比亚迪2024年海外销量目标，到南岭发报告时有没有变化？"]


def test_one_measure_asked_of_two_listed_names_is_asked_of_each():
    """"比亚迪和中芯国际2024年的预测市盈率分别是多少？" — two rows of two reports' tables — is two questions; a place is
    not read as such a name (the region rules read places), and a name the tables do not list is not split."""
    from assistant.answer.analysis import subject_asks

    names = {"比亚迪", "中芯国际", "贵州茅台", "药明康德", "上海", "北京"}
    assert subject_asks("比亚迪和中芯国际2024年的预测市盈率分别是多少？", names) == \
        ["比亚迪2024年的预测市盈率是多少？", "中芯国际2024年的预测市盈率是多少？"]
    assert subject_asks("按两家券商的预测，贵州茅台和药明康德2024年PE各是多少倍？", names) == \
        ["按两家券商的预测，贵州茅台2024年PE是多少倍？", "按两家券商的预测，药明康德2024年PE是多少倍？"]
    assert subject_asks("上海和北京2025年的智算规划分别是多少？", names) == []
    assert subject_asks("比亚迪和理想汽车2024年的预测市盈率分别是多少？", names) == []
    assert subject_asks("比亚迪和中芯国际谁的市盈率更高？", names) == []
