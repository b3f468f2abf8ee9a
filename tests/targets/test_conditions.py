"""targets/conditions.py: the change and the condition a question asks of each row."""

from decimal import Decimal

import pytest

from assistant.targets.conditions import Condition, YearLabel, change_in, condition_in


@pytest.mark.parametrize("question, kind, new, base", [
    ("哪家公司2025E相对2023A的产能增幅最大？", "growth", "2025E", "2023A"),
    ("2023年到2024年营收增速最高的是哪家？", "growth", "2024", "2023"),  # the later year is the new one
    ("哪家银行2025年目标较2024年增加最多？", "diff", "2025", "2024"),
    ("Which insurer's 2024E premiums grew fastest over 2023A?", "growth", "2024E", "2023A"),
    ("哪个省新增光伏装机（2024E减2023A）最多？", "diff", "2024E", "2023A"),  # "A减B": B is the base
    ("北辰电器2025年产能较2023年增长百分之多少？", "growth", "2025", "2023"),  # 百分之多少 asks a rate
    ("从2023Q1到2024Q1，资产收益率一共下了多少bp？", "diff", "2024Q1", "2023Q1"),  # 下了, 跌了: a fall asked
    ("电池片价格从2023年7月到2024年7月跌了多少？", "diff", "2024", "2023"),
    ("某厂稼动率从2023Q2到2024Q2一共回升了多少个百分点？", "diff", "2024Q2", "2023Q2"),  # 回升, 反弹, 收窄
    ("价差从2023年到2024年收窄了多少？", "diff", "2024", "2023"),
])
def test_a_change_between_two_years_columns(question, kind, new, base):
    c = change_in(question)
    assert c is not None and (c.kind, str(c.new), str(c.base)) == (kind, new, base)


@pytest.mark.parametrize("question", [
    "2021—2023年新增装机合计多少？",  # a span of years to add up, not two columns
    "2024年到2026年三年加总是多少",
    "2025年新增装机最多的是哪个省？",  # one year; 新增装机 is a measure, not a change
    "2023年和2024年各省定下了哪些目标？",  # 定下了: no fall
])
def test_no_change_where_none_is_asked(question):
    assert change_in(question) is None


@pytest.mark.parametrize("question, expected", [
    ("隐含增速超过15%的有哪几家？", Condition(">", Decimal(15))),
    ("市盈率在20倍以下的公司有几家？", Condition("<=", Decimal(20))),
    ("配储比例不低于15%的省份有哪些？", Condition(">=", Decimal(15))),
    ("Which banks have a CET1 ratio of at least 10%?", Condition(">=", Decimal(10))),
    ("PE不超过20倍的有几家？", Condition("<=", Decimal(20))),
    ("Which banks have a dividend yield above 5%?", Condition(">", Decimal(5))),
    ("一季度营收正增长的有哪几家？", Condition(">", Decimal(0))),
    ("净利润负增长的有哪些？", Condition("<", Decimal(0))),
    ("2024E EPS低于2023A的公司有哪几家？", Condition("<", against=YearLabel("2023", "A"))),
    ("Which provinces require a storage ratio of 15% or more?", Condition(">=", Decimal(15))),
    ("How many targets carry an implied growth of 20% or less?", Condition("<=", Decimal(20))),
    ("Which automakers sell fewer NEVs in 2024E than in 2023A?", Condition("<", against=YearLabel("2023", "A"))),
    ("配储比例为10%的省份有几个？", Condition("==", Decimal(10))),  # a figure the rows' column states
    ("要求储能时长2小时的省份有哪些？", Condition("==", Decimal(2))),
    ("哪几个省份配储比例为15%？", Condition("==", Decimal(15))),  # …ending a which-question
    ("其中9家酒企的营收合计是多少？", None),  # a counted set, no column's figure
    ("6家银行2024Q1净息差的平均值是多少？", None),  # a quarter's label, no figure
    ("2025年目标超过多少？", None),  # asks the figure; no threshold
    ("2025年以上的目标", None),  # a year, not a threshold
])
def test_the_condition_on_the_rows(question, expected):
    assert condition_in(question) == expected


def test_a_year_label_names_its_columns():
    e24 = YearLabel("2024", "E")
    assert e24.names("EPS（元）2024E") and e24.names("PE 2024E（倍）") and not e24.names("EPS 2023A")
    assert not e24.names("2024A") and YearLabel("2024", "").names("2024年营收目标")


def test_an_inclusive_bound_keeps_the_row_at_the_bound():
    assert Condition(">=", Decimal(15)).holds(Decimal(15)) and not Condition(">", Decimal(15)).holds(Decimal(15))
    assert Condition("<=", Decimal(20)).holds(Decimal(20)) and not Condition("<", Decimal(20)).holds(Decimal(20))


def test_tenths_in_words_are_a_percent_threshold_and_a_percent_tests_only_percent_columns():
    from assistant.core.models import Table, TableRow
    from assistant.targets.table_calc import table_total

    c = condition_in("哪几家险企今年保费增长目标超过了两成？")
    assert c.op == ">" and c.threshold == 20 and c.percent
    assert not condition_in("保费超过500亿元的有几家？").percent
    t = Table(id="r#表5", report="r", caption="表5 险企保费目标（单位：亿元）", header=["公司", "2024年保费目标", "目标增速"], start=0,
              end=1, rows=[TableRow(cells=["甲", "1200", "25.0%"], start=0, end=1),
                           TableRow(cells=["乙", "800", "12.0%"], start=2, end=3)])
    assert [x.label for x in table_total("表5里目标增速超过两成的有哪几家？", [t]).terms] == ["甲"]
    # a % threshold never tests the column in 亿元: the percent column the words name is the one read
    assert table_total("表5里2024年保费目标超过20%的有哪几家？", [t]).measure == "目标增速"


def test_one_years_own_change_is_against_the_year_before():
    """"2023年当年增加最多": one year named as one year's change compares its column with the year before's."""
    c = change_in("十个省份中，2023年当年光伏累计装机增加最多的是哪个省？")
    assert c is not None and (c.kind, c.new.year, c.base.year) == ("diff", "2023", "2022")
    assert change_in("2023年光伏累计装机增加最多的是哪个省？") is None  # one year, no one-year change said
    assert change_in("2024年全年销量是多少？") is None  # no change asked


@pytest.mark.parametrize("question, new, base", [
    ("甲厂2024年一季度产能利用率比2023年一季度提高多少？", "2024Q1", "2023Q1"),
    ("甲厂2024年第一季度较2023年第四季度增加了多少？", "2024Q1", "2023Q4"),
    ("乙行2024年上半年净利润较2023年下半年增长多少？", "2024H1", "2023H2"),
])
def test_a_quarter_or_half_in_words_names_its_column(question, new, base):
    c = change_in(question)
    assert c is not None and (str(c.new), str(c.base)) == (new, base)


def test_one_rows_gap_names_a_column_not_a_year():
    from assistant.targets.conditions import row_gap

    gap = row_gap("新疆2025年底累计装机会比其2025年规划目标多出多少GW？")
    assert gap is not None and "规划目标" in gap.second and not gap.below
    assert row_gap("2023年全国光伏一共新装了多少GW？比前年多了多少？") is None  # a year's change
    assert row_gap("甲省2025E累计装机比2023A多多少？") is None  # two years: a change
