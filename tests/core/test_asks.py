"""The one rule for aggregate-question words: operations, exclusions, total rows."""

import pytest

from assistant.core.asks import ARITHMETIC, TOTAL_ROW_RE, excluded_text, ops_in, without_exclusions
from assistant.core.models import Op
from assistant.targets.table_calc import first_op


@pytest.mark.parametrize("question, op", [
    ("2019—2023年利润总额累计是多少亿元？", Op.SUM),
    ("图表7一共列了多少条政策？", Op.COUNT),
    ("一共有几个省？", Op.COUNT),  # 一共 modifies the count
    ("以2025年为目标的地区有几个？把它们的规划直接加总是多少？", Op.SUM),  # the sum states its count
    ("Sum the China-market sales for 2021A–2023A: how many 亿美元 in total?", Op.SUM),  # a quantity in a unit
    ("How many provinces set a target?", Op.COUNT),
    ("哪家银行的不良率最高？", Op.MAX),
    ("粤鲁两省明年普惠小微贷款目标加一起是多少？", Op.SUM),
])
def test_first_op(question, op):
    assert first_op(question, tuple(Op)) is op


def test_cumulative_measure_is_not_an_operation():
    assert ops_in("江苏2023年底光伏累计装机是多少？") == []
    assert ops_in("三省累计装机合计多少GW？") == [Op.SUM]


def test_a_result_the_asker_states_is_a_premise_not_an_ask():
    # the sum given ("加起来3.4万亿"), the question asks something else of the reports
    assert ops_in("各省风电规划加起来超过200GW，那全国去年实际新增多少？") == []
    assert ops_in("十家券商净利润合计约1500亿元，龙头占多少？", ARITHMETIC) == []
    assert ops_in("各省风电规划加起来是多少GW？") == [Op.SUM]  # asked
    assert ops_in("合计2025年目标是多少？") == [Op.SUM] and ops_in("合计2019—2023年的新增装机") == [Op.SUM]  # years


def test_exclusions_are_read_and_blanked():
    q = "7个省市2025年目标里，去掉江苏和上海，剩下5个合计多少亿元？"
    assert excluded_text(q) == "江苏和上海"
    assert "江苏" not in without_exclusions(q) and "合计" in without_exclusions(q)
    assert excluded_text("剔除口径是“产值”的贵州，其余四个省") == "口径是“产值”的贵州"
    assert ops_in("经销商平均库存是几个月？") == []  # a duration, not a count


def test_what_lies_outside_is_excluded_too():
    q = "主要产区2025年产业目标中，四川以外的四个省合计多少亿元？"
    assert excluded_text(q) == "四川" and "四川" not in without_exclusions(q)
    assert "产业目标" in without_exclusions(q)  # the words before the clause stay asked
    assert excluded_text("除四川以外的省份合计多少") == "四川"  # read once


@pytest.mark.parametrize("label, total", [("合计", True), ("总计 ", True), ("全国合计", True), ("Total", True),
                                          ("合肥", False), ("totally", False), ("小米", False),
                                          ("上市银行合计（42家）", True), ("十省合计", True), ("营收合计占比", False)])
def test_total_rows(label, total):
    assert bool(TOTAL_ROW_RE.match(label)) is total


def test_the_total_a_share_is_of_is_not_a_sum():
    assert ops_in("What share of total computing power should intelligent computing reach by 2025?", ARITHMETIC) == []
    assert ops_in("What percentage of total capacity is distributed PV?", ARITHMETIC) == []
    assert ops_in("What is the total 2025 target of all regions?", ARITHMETIC) == [Op.SUM]


def test_a_gap_is_asked_with_both_ends():
    from assistant.core.asks import asks_spread

    assert asks_spread("拨备覆盖率最高和最低的相差多少？")
    assert asks_spread("What is the gap between the highest and lowest target?")
    assert not asks_spread("拨备覆盖率最高的是哪家？") and not asks_spread("最高和最低分别是哪家？")


def test_an_average_is_asked_by_its_words_not_by_a_measure_named_average():
    from assistant.core.asks import ops_in
    from assistant.core.models import Op
    for q in ("六家银行净息差的简单平均是多少？", "均值是多少", "平均是多少", "What is the simple average of the six?",
              "表中所列7个城市家电项目的平均补贴比例是多少？", "北辰2023年四个季度的平均开工率是多少？"):
        assert ops_in(q)[:1] == [Op.MEAN], q
    for q in ("2026年平均储能时长是多少？", "What is the average storage duration in 2026?"):
        assert Op.MEAN not in ops_in(q), q


def test_a_share_of_no_named_whole_is_read():
    from assistant.core.asks import asks_share_of_unnamed_whole as unnamed

    assert unnamed("其中江苏、上海两地占多少？") and unnamed("加起来是多少，占比多少？") and unnamed("占几成？")
    assert not unnamed("它们合计占全国多少？") and not unnamed("占全球比重多少？")  # the whole is named
    assert not unnamed("其中江苏、上海两地合计多少？")


def test_a_pointer_to_things_named_counts_nothing():
    from assistant.core.asks import ops_in
    from assistant.core.models import Op
    assert ops_in("北辰、南岭这几家龙头2023年的收入占行业多大比重？") == []
    assert ops_in("那几个省份的目标合计多少？") == [Op.SUM]
    assert ops_in("表里有几家企业？") == [Op.COUNT]


def test_a_year_of_publication_with_an_adverb_before_the_verb():
    from assistant.core.asks import published_years
    assert [y for y, _ in published_years("2024年才发布规划的那几个省份，2025年目标合计多少？")] == [2024]
    assert [y for y, _ in published_years("2023年新出台的政策有几项？")] == [2023]
    assert published_years("2025年目标合计多少？") == []


def test_what_is_not_counted_again_is_excluded():
    q = "各市2023年光伏新增装机合计多少GW？（苏州不重复算）"
    assert excluded_text(q) == "苏州" and "苏州" not in without_exclusions(q) and "合计" in without_exclusions(q)
    assert excluded_text("五省目标合计多少，湖北不计入？") == "湖北"
