"""A follow-up that moves to another point in time replaces the earlier question's, whole."""

import pytest

from assistant.answer.offline import resolve_followup


@pytest.mark.parametrize("history, question, resolved", [
    ("截至2023年底新型储能累计装机多少万千瓦？", "那到今年一季度末呢？", "截至今年一季度末新型储能累计装机多少万千瓦？"),
    ("2023年全国光伏新增装机多少？", "那今年前7个月呢？", "今年前7个月全国光伏新增装机多少？"),
    # a bare year keeps the rest of the old period, as before
    ("2024年一季度净息差是多少？", "那2025年呢？", "2025年一季度净息差是多少？"),
    ("星垣预计2024年全年上市银行净息差多少？", "2025年呢？", "星垣预计2025年全年上市银行净息差多少？"),
    # a year replaces a relative one (今年 of the report's date)
    ("华岳对赛力斯今年销量怎么看？", "它2026年呢？", "华岳对赛力斯2026年销量怎么看？"),
    ("东岳预计明年一季度储能新增多少？", "那2026年呢？", "东岳预计2026年一季度储能新增多少？"),
])
def test_time_followups(history, question, resolved):
    assert resolve_followup(question, [history]) == resolved


def test_a_pointer_asking_the_same_measure_at_its_own_time_drops_the_earlier_time():
    from assistant.answer.offline import resolve_followup
    # 营收 again, in 2024: the earlier question's 2023 would make an answer name both years
    assert resolve_followup("报告预计它2024年营收多少？", ["锦石报告中，凯莱英2023年营收多少？"]) == \
        "锦石报告中，凯莱英营收多少？ 报告预计它2024年营收多少？"
    # something else asked: the earlier time may date the answer too ("2023年底已达398万千瓦，完成2025年目标的79.6%")
    assert resolve_followup("那离它2025年的目标还差多少？", ["东岳报告里山东2023年底储能累计装机多少？"]) == \
        "东岳报告里山东2023年底储能累计装机多少？ 那离它2025年的目标还差多少？"


def test_a_pointer_asking_another_measure_at_no_time_drops_the_earlier_time_but_a_rate_of_it_keeps_it():
    from assistant.answer.offline import resolve_followup
    assert resolve_followup("它的海外收入占比是多少？", ["锦石预计凯莱英2024年营收是多少？"]) == \
        "锦石预计凯莱英营收是多少？ 它的海外收入占比是多少？"
    assert resolve_followup("它的增速是多少？", ["凯莱英2023年营收多少？"]) == "凯莱英2023年营收多少？ 它的增速是多少？"


def test_a_counted_pointer_takes_the_earlier_question_as_its_subject():
    earlier = "北辰证券保险报告给了哪些公司买入评级？"
    assert resolve_followup("这两家2024E的PE分别是多少？", [earlier]).startswith(earlier)
    assert resolve_followup("这家公司的目标价是多少？", [earlier]).startswith(earlier)
    assert resolve_followup("两家公司2024E的PE分别是多少？", [earlier]) == "两家公司2024E的PE分别是多少？"


def test_a_short_ask_relative_to_the_figure_before_is_read_with_that_question_whole():
    """占…比重, 其中…, 同比…: a share, a part or a growth of what was just asked, naming nothing of its own; a question
    naming a broker, a place or a year of its own stands alone, and so does one asking another measure."""
    before = "北辰选取的五个省2023年底储能累计装机合计多少？"
    assert resolve_followup("占全国的比重是多少？", [before]) == f"{before} 占全国的比重是多少？"
    assert resolve_followup("其中最大的是哪个省？", [before]).startswith(before)  # its time stays: the same figure
    assert resolve_followup("南岭证券推荐了哪些公司？", [before]) == "南岭证券推荐了哪些公司？"
    assert resolve_followup("那PUE有什么要求？", [before]) == "那PUE有什么要求？"


def test_a_followup_pointing_to_the_earlier_time_keeps_it_and_a_moved_one_may_ask_more():
    # 到时候 is the earlier question's 2026, whatever measure it asks now
    assert resolve_followup("那到时候全省累计产能会有多少？", ["北辰预测2026年全省新增产能多少？"]) == \
        "北辰预测2026年全省新增产能多少？ 那到时候全省累计产能会有多少？"
    # the first ask moves the earlier question to its own time, the second asks more of it
    assert resolve_followup("那今年上半年呢？增速怎么样？", ["2023年全国家电出口了多少台？"]) == \
        "今年上半年全国家电出口了多少台？ 增速怎么样？"


def test_a_followup_naming_no_thing_asks_the_earlier_subject():
    # no noun but its time: the earlier question's measure, of the earlier subject
    assert resolve_followup("到2026年预计能到多少？", ["北辰2023年的开工率是多少？"]) == \
        "北辰2023年的开工率是多少？ 到2026年预计能到多少？"
    # a thing named (PUE), or a pointer: not this rule
    assert resolve_followup("那PUE有什么要求？", ["枢纽节点的上架率要求是多少？"]) == "那PUE有什么要求？"


def test_a_new_place_with_a_new_year_moves_both_and_leaves_the_earlier_places_document():
    previous = "上海“算力浦江”行动计划提出到2024年总算力达到多少？"
    assert resolve_followup("山东到2025年的目标呢？", [previous]) == "山东行动计划提出到2025年总算力达到多少？"
    # the same year (or none) named: the place moves, the rest stays
    assert resolve_followup("那广东呢？", ["北京的智算算力规划是多少？"]) == "广东的智算算力规划是多少？"
    assert resolve_followup("那湖南2025年呢？", ["山东2025年提出全省总算力要超过多少？"]) == "湖南2025年提出全省总算力要超过多少？"


def test_the_same_period_a_year_before_asks_the_earlier_question_again():
    """"去年同期是多少？" names nothing but a time: the earlier question's measure of the earlier subject, a year back."""
    assert resolve_followup("去年同期是多少？", ["鹤鸣调研的白酒经销商平均库存现在是几个月？"]) == \
        "鹤鸣调研的白酒经销商平均库存现在是几个月？ 去年同期是多少？"


def test_a_follow_up_asking_what_corresponds_to_the_earlier_answer_asks_of_its_subject():
    earlier = "青岚给中微公司什么评级？"
    assert resolve_followup("对应今明两年PE分别多少？", [earlier]) == f"{earlier} 对应今明两年PE分别多少？"
