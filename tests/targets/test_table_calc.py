"""targets/table_calc.py: aggregates over named tables of three layouts, on tiny in-memory tables."""

from decimal import Decimal

from assistant.core.models import Table, TableRow
from assistant.targets.table_calc import asked_unit, table_total


def table(caption: str, header: list[str], rows: list[list[str]]) -> Table:
    return Table(id=f"r.txt#{caption[:3]}", report="r.txt", caption=caption, header=header, start=0, end=1,
                 rows=[TableRow(cells=r, start=i * 10, end=i * 10 + 5) for i, r in enumerate(rows)])


YEARS_DOWN = table("图表1：乳制品行业经营数据", ["年份", "营收（亿元）", "净利润（亿元）"],
                   [["2020", "6385", "426"], ["2021", "6500", "450.5"], ["2022", "6660", "480"], ["2023", "6900", "—"]])
YEARS_ACROSS = table("图表 2：风电装机预测", ["指标", "2022A", "2023A", "2024E"],
                     [["新增装机（GW）", "37", "76", "80"], ["新增装机同比", "—", "105%", "5%"]])
ENTITIES = table("表3：保险公司保费", ["公司", "2023年原保费收入", "增速"],
                 [["甲保险", "1.2万亿元", "5%"], ["乙保险", "8000亿元", "3%"], ["丙保险", "950亿元", "9%"]])


def test_years_down_the_side_sum_over_a_range():
    t = table_total("图表1中，2020—2022年净利润合计多少亿元？", [YEARS_DOWN])
    assert t.value == Decimal("1356.5") and t.unit == "亿元" and [x.label for x in t.terms] == ["2020", "2021", "2022"]
    assert t.expression == "426 + 450.5 + 480 = 1356.5 亿元"


def test_missing_cells_are_left_out_not_zero():
    t = table_total("图表1里历年净利润最低是多少？", [YEARS_DOWN])
    assert t.op == "min" and t.value == Decimal("426") and len(t.terms) == 3


def test_years_across_the_top_pick_the_row():
    t = table_total("Using Figure 2, what were total wind additions over 2022–2023 in GW?", [YEARS_ACROSS])
    assert t is not None and t.value == Decimal("113") and t.measure == "新增装机（GW）"


def test_entity_rows_convert_cell_units_to_one():
    t = table_total("表3中三家公司2023年原保费收入合计多少亿元？", [ENTITIES])
    assert t.value == Decimal("20950") and t.unit == "亿元"


def test_no_named_table_or_no_aggregate_word_gives_none():
    assert table_total("2020年净利润合计多少？", [YEARS_DOWN]) is None  # which table?
    assert table_total("图表1中2021年的净利润是多少？", [YEARS_DOWN]) is None  # a lookup, not an aggregate


def test_asked_unit():
    assert asked_unit("合计多少万千瓦？") == "万千瓦" and asked_unit("what is the total in 亿元?") == "亿元"
    assert asked_unit("合计多少？") == ""


def test_an_of_which_row_wins_only_on_a_specific_match():
    t = table("图表 4：手机出货", ["指标", "2022A", "2023A"],
              [["出货量（亿部）", "12.1", "11.6"], ["其中：折叠屏出货量占比", "1.2", "1.6"], ["其中：中国市场出货量", "2.9", "2.7"]])
    assert table_total("图表4中2022—2023年出货量合计多少？", [t]).measure == "出货量（亿部）"
    assert table_total("图表4中2022—2023年中国市场出货量合计多少？", [t]).measure == "其中：中国市场出货量"


SALES = table("图表5：主要车企销量及预测（万辆）", ["公司", "2023A", "2024E", "2025E"],
              [["理想汽车", "30.0", "40.0", "55.0"], ["零跑汽车", "12.5", "20.0", "28.0"], ["蔚来", "8.0", "9.0", "10.5"]])
PROVINCES = table("表6：各省推广量", ["地区", "2023年推广量（万辆）"],
                  [["江苏省", "66.0"], ["广东省", "98.6"], ["广东省深圳市", "31.2"], ["浙江省", "72.4"]])


def test_one_year_asked_of_years_across_sums_that_column_over_the_rows_named_by_part_of_their_name():
    t = table_total("图表5里理想、零跑两家2025年预测销量合计多少？", [SALES])
    assert t.value == Decimal("83") and t.unit == "万辆" and [x.label for x in t.terms] == ["理想汽车", "零跑汽车"]
    assert table_total("图表5中2025年销量合计多少？", [SALES]).value == Decimal("93.5")  # no row named: all


def test_rows_after_an_exclusion_word_leave_the_sum():
    assert table_total("表6里不含深圳，各省推广量合计多少万辆？", [PROVINCES]).value == Decimal("237")
    t = table_total("表6中剔除江苏和浙江，其余推广量合计多少？", [PROVINCES])
    assert [x.label for x in t.terms] == ["广东省"] and t.left_out == ["广东省深圳市"]  # inside 广东 already


def test_with_no_table_number_the_table_retrieval_ranked_first_is_used():
    q = "理想汽车和蔚来2024年预测销量加起来是多少？"
    assert table_total(q, [SALES, PROVINCES]) is None
    assert table_total(q, [SALES, PROVINCES], retrieved=[SALES]).value == Decimal("49")
    assert table_total(q, [SALES, PROVINCES], retrieved=[PROVINCES]) is None  # the first does not fit: no answer


FAB = table("图表3：晶圆厂产能规划（万片/月）", ["公司", "2023A", "2025E", "2025E较2023A增量"],
            [["甲芯", "39.1", "53.0", "13.9"], ["乙芯", "11.5", "15.0", "3.5"], ["合计", "50.6", "68.0", "17.4"]])
OTHER_FIG3 = Table(id="other.txt#图表3", report="other.txt", caption="图表3：各省储能目标", header=["省份", "2025年目标"],
                   start=0, end=1, rows=[TableRow(cells=["山东", "6GW"], start=0, end=3), TableRow(cells=["江苏", "3GW"], start=4, end=7)])
CODES = table("表4 盈利预测（归母净利润单位：百万元）", ["代码", "公司", "归母净利润2024E"],
              [["603259.SH", "药明康德", "9350"], ["300759.SZ", "康龙化成", "1720"]])


def test_a_table_number_several_reports_use_goes_to_the_table_that_fits_the_question():
    t = table_total("图表3里甲芯和乙芯2025E较2023A的产能增量合计多少万片？", [OTHER_FIG3, FAB])
    assert t.table.id == FAB.id and t.value == Decimal("17.4") and t.measure == "2025E较2023A增量"


def test_a_total_row_is_never_a_term():
    assert table_total("图表3中2025E产能合计多少？", [FAB]).value == Decimal("68")


def test_a_code_column_is_read_with_the_name_beside_it_and_the_unit_after_its_label():
    t = table_total("表4中康龙化成和药明康德2024E归母净利润合计多少？", [CODES])
    assert t.value == Decimal("11070") and t.unit == "百万元"


def test_the_year_asked_picks_the_column_of_that_year():
    # a hospital group's plans: the 2026 column says less of the question's words than the 2025 one, but its year
    plans = table("表5：医院集团床位规划", ["集团", "2024年床位数（张）", "2025年床位目标（张）", "2026年（远期）目标",
                                         "2025年目标增速"],
                  [["甲医疗", "1200", "1500", "1800", "25%"], ["乙医疗", "800", "900", "1000", "12.5%"]])
    t = table_total("表5中两家集团2026年床位目标合计多少张？", [plans])
    assert t is not None and t.value == Decimal("2800") and t.measure == "2026年（远期）目标"
    t = table_total("表5中两家集团2025年床位目标合计多少张？", [plans])
    assert t.value == Decimal("2400") and t.measure == "2025年床位目标（张）"


def test_a_column_named_in_brackets_is_picked_by_that_name():
    """"十四五"末 names the 2025 column only inside its brackets; a unit in brackets (亿元) names nothing."""
    t = table("图表2：主要景区集团营收目标", ["公司", "2024年营收目标（亿元）", "2025年（“十四五”末）目标（亿元）"],
              [["华侨城", "800", "1000"], ["宋城演艺", "30", "45"], ["黄山旅游", "25", "40"]])
    total = table_total("三家景区集团“十四五”末的营收目标合计多少？", [t], retrieved=[t])
    assert total.measure.startswith("2025年") and total.value == 1085
    assert table_total("三家景区集团2024年营收目标合计多少亿元？", [t], retrieved=[t]).value == 855


def test_the_gap_between_highest_and_lowest_is_their_difference():
    from assistant.answer.route import format_table_total

    t = table("图表5：重点券商资本充足指标", ["券商", "风险覆盖率", "净资本（亿元）"],
              [["中信证券", "185%", "1250"], ["华泰证券", "243%", "980"], ["国泰君安", "201%", "1010"]])
    q = "三家券商风险覆盖率最高和最低相差多少个百分点？"
    gap = table_total(q, [t], retrieved=[t])
    assert gap.op == "spread" and gap.value == 58 and [x.label for x in gap.terms] == ["华泰证券", "中信证券"]
    assert gap.expression == "243 − 185 = 58"
    assert format_table_total(q, gap).startswith("最高与最低相差 58 个百分点（华泰证券 243% − 中信证券 185%）")
    assert table_total("三家券商风险覆盖率最高的是哪家？", [t], retrieved=[t]).op == "max"  # no gap asked
    # asked in basis points, the gap between percentages is also given in bp
    bp = "三家券商风险覆盖率最高和最低相差多少个基点？"
    assert format_table_total(bp, table_total(bp, [t], retrieved=[t])).startswith("最高与最低相差 58 个百分点（5800bp）")


def test_a_word_only_one_row_has_picks_that_row():
    """电网侧 is in one label only; 新增装机 is in several: "电网侧储能新增装机" asks the 电网侧 row."""
    t = table("图表 5：储能装机预测", ["项目", "2024E", "2025E", "2026E"],
              [["新增装机（GW）", "38.0", "50.0", "63.0"], ["电网侧（GW）", "17.0", "23.0", "30.0"],
               ["新增装机同比", "68.1%", "31.6%", "26.0%"], ["累计装机（GW）", "70.1", "120.1", "183.1"]])
    total = table_total("图表5中2024—2026年电网侧储能新增装机三年合计多少GW？", [t])
    assert total.measure == "电网侧（GW）" and total.value == 70
    assert table_total("图表5中2024—2026年新增装机合计多少GW？", [t]).measure == "新增装机（GW）"


INSURERS = table("表5：保险公司盈利预测", ["代码", "公司", "EPS 2023A（元）", "EPS 2024E（元）", "PE 2024E（倍）", "保费增速"],
                 [["601318.SH", "甲保险", "4.20", "4.60", "9.5", "+6.1%"], ["601628.SH", "乙保险", "1.30", "1.10", "21.0", "-2.4%"],
                  ["601601.SH", "丙保险", "2.00", "2.60", "12.0", "+12.8%"], ["601336.SH", "丁保险", "0.80", "0.70", "30.5", "+0.5%"]])


def _labels(result):
    return [t.label.split()[-1] for t in result.terms]


def test_rows_meeting_a_threshold_are_listed_with_their_cells():
    r = table_total("表5里保费增速超过5%的有哪几家？", [INSURERS])
    assert r.op == "list" and _labels(r) == ["甲保险", "丙保险"] and r.value == 2
    assert table_total("表5里PE 2024E在20倍以下的公司有几家？", [INSURERS]).value == 2
    assert _labels(table_total("表5里保费负增长的有哪些？", [INSURERS])) == ["乙保险"]


def test_one_years_column_against_anothers():
    r = table_total("表5里2024E EPS低于2023A的公司有哪几家？", [INSURERS])
    assert _labels(r) == ["乙保险", "丁保险"]


def test_the_largest_change_between_two_years_columns():
    r = table_total("表5中哪家公司2024E相对2023A的EPS增速最高？", [INSURERS])
    assert r.op == "max" and _labels(r)[0] == "丙保险" and r.value == Decimal("30.0") and r.unit == "%"
    assert "2.60 / 2.00" in r.terms[0].as_written  # the formula behind the row's figure
    r = table_total("表5中哪家公司2024E较2023A的EPS减少最多？", [INSURERS])
    assert r.op == "min" and _labels(r)[0] == "乙保险"  # the most negative change


def test_a_change_of_a_measure_the_table_does_not_have_gives_none():
    assert table_total("表5中哪家公司2024E相对2023A的营收增速最高？", [INSURERS]) is None


def test_a_column_that_is_the_change_already_is_summed_as_it_stands():
    r = table_total("图表3里2025E较2023A增量合计多少万片？", [FAB])
    assert r.op == "sum" and r.measure == "2025E较2023A增量"


def test_a_city_inside_a_province_that_is_a_row_too_is_not_summed_twice():
    t = table("表6：各省推广量", ["地区", "2023年推广量（万辆）"],
              [["广东省", "98.6"], ["广东省深圳市", "31.2"], ["浙江省", "72.4"]])
    r = table_total("表6各省2023年推广量合计多少万辆？", [t])
    assert r.value == Decimal("171.0") and r.left_out == ["广东省深圳市"]
    assert table_total("表6广东和深圳2023年推广量合计多少？", [t]).left_out == []  # named: the asker's choice


def test_a_simple_average_keeps_two_decimals_and_a_percent_column_reads_in_percent():
    """An insurer table of another layout: the average of a % column under a caption in another unit."""
    t = table_total("表3中三家公司增速的简单平均是多少？", [ENTITIES])
    assert t.op == "mean" and t.value == Decimal("5.67") and t.unit == "%"
    assert t.expression == "(5 + 3 + 9) / 3 = 5.67%"
    even = table_total("图表1中2020—2022年营收的平均值是多少？", [YEARS_DOWN])
    assert even.shown == "6515.00" and even.unit == "亿元"  # as written to two decimals, not 6515


def test_a_measure_named_average_is_no_average_of_rows():
    t = table_total("图表1中平均净利润最高的是哪年？", [YEARS_DOWN])
    assert t is not None and t.op == "max"


def test_a_quarter_asked_picks_the_column_of_that_quarter():
    """Quarters across the top (2023Q4, 2024Q1): "2024年一季度" names the 2024Q1 column though no header word does."""
    util = table("图表5：代工厂产能利用率", ["公司", "2023Q4", "2024Q1", "2024Q2"],
                 [["甲代工", "80.0%", "85.0%", "88.0%"], ["乙代工", "70.0%", "76.0%", "79.0%"]])
    t = table_total("图表5中2024年一季度产能利用率的平均是多少？", [util])
    assert t.op == "mean" and t.measure == "2024Q1" and t.value == Decimal("80.50")
    assert table_total("图表5中2024年二季度产能利用率最高的是哪家？", [util]).measure == "2024Q2"


def test_a_change_between_years_columns_that_carry_only_a_unit_is_of_the_captions_measure():
    """"2023A（GW）", "2025E（GW）": the bracketed unit names no measure; the caption's (累计装机) is the one asked."""
    wind = table("图表4：重点省份风电累计装机", ["地区", "2023A（GW）", "2025E（GW）"],
                 [["甲省", "20.0", "32.5"], ["乙省", "15.0", "30.0"], ["合计", "35.0", "62.5"]])
    r = table_total("图表4中2023年底到2025年底累计装机增量最大的是哪个省？", [wind])
    assert r.op == "max" and _labels(r)[0] == "乙省" and r.value == Decimal("15.0") and r.unit == "GW"
    assert table_total("图表4中2023年底到2025年底营收增量最大的是哪个省？", [wind]) is None  # not its measure


def test_a_sum_keeps_the_decimals_of_its_finest_term():
    t = table("表6：各省推广量", ["地区", "2023年推广量（万辆）"], [["广东", "98.6"], ["浙江", "72.4"]])
    r = table_total("表6各省2023年推广量合计多少万辆？", [t])
    assert r.shown == "171.0" and r.expression == "98.6 + 72.4 = 171.0 万辆"  # as the table prints it, not 171


def test_asked_of_provinces_a_table_of_provinces_comes_before_a_national_series():
    national = table("图表1：全国光伏装机", ["指标", "2023A", "2024E"], [["新增装机（GW）", "213", "240"]])
    provinces = table("图表2：重点省份光伏累计装机", ["地区", "2023A（GW）", "2024E（GW）"],
                      [["山东", "56.9", "68.0"], ["新疆", "23.5", "36.0"], ["河北", "54.2", "62.0"]])
    q = "哪个省2024年光伏装机（2024E减2023A）增加最多？"
    r = table_total(q, [national, provinces], [national, provinces])
    assert r.table is provinces and r.value == Decimal("12.5") and r.terms[0].label == "新疆"
    # asked of nothing regional, the retrieval's first table stays first
    from assistant.targets.table_calc import _by_row_kind
    assert _by_row_kind("2024E较2023A新增装机增加最多的是？", [national, provinces]) == [national, provinces]


def test_asked_which_province_a_table_naming_none_gives_no_answer():
    """"哪个省份…最多" over a table of technologies (or a national series) is no province's figure: no table total,
    so the passages answer; a wide table, one province a column, still does."""
    routes = table("图表2：2023年底新型储能技术路线结构", ["技术路线", "累计装机占比"],
                   [["锂离子电池", "96.1%"], ["压缩空气储能", "1.6%"], ["液流电池", "0.9%"]])
    assert table_total("截至2023年底，哪个省份的新型储能累计装机最多？", [routes], [routes]) is None
    assert table_total("截至2023年底，哪种技术路线的累计装机占比最高？", [routes], [routes]).terms[0].label == "锂离子电池"
    wide = table("图表3：各省装机（GW）", ["指标", "山东", "河北", "江苏"], [["2023A", "56.9", "54.2", "37.9"]])
    from assistant.targets.table_calc import _by_row_kind
    assert _by_row_kind("哪个省装机最多？", [routes, wide]) == [wide]


def test_the_rows_a_table_lists_are_counted_whatever_their_figures():
    """"表里一共列了几个省市": a continued row (empty first cell) and a total row are no more names."""
    t = table("图表7：部分省市算力政策", ["省市", "时间", "政策"],
              [["贵州", "2023.3", "《规划》"], ["四川", "2023.1", "《措施》"], ["", "2022.11", "《意见》"],
               ["北京", "2023.8", "《若干措施》"], ["合计", "", ""]])
    r = table_total("图表7里一共列了几个省市？", [t])
    assert r.op == "count" and r.value == 3 and [x.label for x in r.terms] == ["贵州", "四川", "北京"]
    from assistant.targets.table_calc import counts_listed_rows
    assert counts_listed_rows("How many companies does table 5 list?") and not counts_listed_rows("图表7里有几个省超过10EFlops？")


def test_a_captions_unit_for_one_measure_is_not_another_columns():
    t = table("表4 重点公司盈利预测与估值（归母净利润单位：百万元）", ["公司", "归母净利润2024E", "PE 2024E"],
              [["甲", "1720", "43.3"], ["乙", "2050", "14.5"]])
    pe = table_total("表4里2024E PE最高的是哪家？", [t])
    assert pe.value == Decimal("43.3") and pe.unit != "百万元"
    assert table_total("表4里归母净利润2024E合计多少？", [t]).unit == "百万元"


def test_the_things_counted_are_read_from_the_column_the_question_names():
    """"一共列了多少份政策": each policy, though one 省市 lists two; "几个省市" still counts the first column."""
    t = table("图表7：部分省市算力政策", ["省市", "时间", "政策名称"],
              [["贵州", "2023.3", "《规划》"], ["四川", "2023.1", "《措施》"], ["", "2022.11", "《意见》"],
               ["北京", "2023.8", "《若干措施》"], ["合计", "", ""]])
    policies = table_total("图表7一共列了多少份政策文件？", [t])
    assert policies.value == 4 and policies.measure == "政策名称" and policies.terms[2].label == "《意见》"
    assert table_total("图表7里一共列了几个省市？", [t]).value == 3


def test_a_change_between_two_years_of_a_series_is_the_later_less_the_earlier():
    t = table("图表1：2019—2023年规模以上白酒企业主要经营指标", ["年份", "产量（万千升）", "规上企业数量（家）"],
              [["2019", "560.3", "1176"], ["2020", "532.1", "1040"], ["2023", "452.6", "989"]])
    diff = table_total("图表1里2019年到2023年，规上企业数量一共减少了多少家？", [t])
    assert (diff.op, diff.value, diff.unit) == ("diff", Decimal("-187"), "家")
    assert [x.label for x in diff.terms] == ["2023", "2019"] and diff.expression == "989 − 1176 = -187 家"
    growth = table_total("图表1里2019年到2023年产量一共降了多少，降幅多少？", [t])
    assert (growth.op, growth.value, growth.unit) == ("growth", Decimal("-19.22"), "%")


def test_a_change_between_two_months_of_a_series_of_months_is_read_from_their_rows():
    t = table("图表6：2023年以来储能系统中标均价走势", ["时间", "系统均价（元/Wh）", "EPC均价（元/Wh）"],
              [["2023年1月", "1.45", "1.82"], ["2023年7月", "1.18", "1.56"], ["2024年1月", "0.79", "1.18"],
               ["2024年4月", "0.68", "1.05"]])
    diff = table_total("图表6里，EPC均价从2023年1月到2024年4月一共下降了多少元/Wh？", [t])
    assert (diff.op, diff.value, diff.measure) == ("diff", Decimal("-0.77"), "EPC均价（元/Wh）")
    assert [x.label for x in diff.terms] == ["2024年4月", "2023年1月"]
    growth = table_total("图表6中系统均价2024年1月较2023年7月下降了百分之多少？", [t])
    assert (growth.op, growth.value) == ("growth", Decimal("-33.05"))
    assert table_total("图表6里，EPC均价从2023年3月到2024年4月下降了多少？", [t]) is None  # no 2023年3月 row


def test_the_year_in_the_words_naming_a_table_is_not_the_year_asked_of_it():
    t = table("图表3：各省市2025年新能源汽车推广目标", ["地区", "2025年推广目标", "2023年推广量（万辆）"],
              [["广东省", "120万辆以上", "98.6"], ["浙江省", "90万辆", "72.4"]])
    r = table_total("各省市2025年新能源汽车推广目标表里，2023年实际推广量加总是多少万辆？", [], [t])
    assert r.value == Decimal("171.0") and r.measure == "2023年推广量（万辆）"
    # no year after the table's name: the caption's year is the one asked
    assert table_total("各省市2025年新能源汽车推广目标表里，合计多少万辆？", [], [t]).measure == "2025年推广目标"


def test_every_unit_a_question_asks_in_is_read():
    from assistant.targets.table_calc import asked_units
    assert asked_units("以2025年为目标年份的地区有几个？加总是多少EFlops？") == ["个", "EFlops"]
    assert asked_units("推广量加总是多少万辆？") == ["万辆"]


def test_a_table_named_by_its_captions_words_is_found_without_a_number():
    from assistant.targets.table_calc import find_named_tables
    banks = table("图表4：重点银行2024年一季度经营指标", ["银行", "拨备覆盖率"], [["甲", "421%"], ["乙", "448%"]])
    kinds = table("图表2：2024年一季度各类上市银行主要指标", ["银行类型", "拨备覆盖率"], [["国有行", "238%"], ["股份行", "220%"]])
    prices = table("图表 4：光伏主产业链价格变化", ["环节", "同比"], [["硅料", "-41.5%"], ["硅片", "-60.9%"]])
    tables = [kinds, banks, prices]
    assert find_named_tables("星垣重点银行一季度指标表里拨备覆盖率简单平均是多少？", tables) == [banks]
    assert find_named_tables("澜沧“光伏主产业链价格变化”表里同比降幅的简单平均？", tables) == [prices]
    assert find_named_tables("白酒批价表里平均是多少？", tables) == []  # too few of its words in any caption
    assert table_total("星垣重点银行一季度指标表里拨备覆盖率简单平均是多少？", tables, [kinds]).table is banks
    # named with its broker's short name and followed by a count: the broker is read from the table's report
    values = Table(id="tianfeng_2024-05_banks.md#7", report="tianfeng_2024-05_banks.md", caption="图表7：重点银行估值表",
                   header=["银行", "股息率 2024E"], rows=[TableRow(cells=["甲", "6.0%"], start=0, end=5)], start=0, end=5)
    assert find_named_tables("天风估值表6家银行2024E股息率的简单平均是多少？", [*tables, values]) == [values]


def test_a_change_asked_in_other_words_and_of_another_kind_than_a_ready_column():
    t = table("图表1：2019—2023年规模以上白酒企业主要经营指标", ["年份", "规上企业数量（家）"],
              [["2019", "1176"], ["2023", "989"]])
    assert table_total("图表1里规上企业数量2023年比2019年少了多少家？", [t]).value == Decimal("-187")
    fabs = table("图表3：主要晶圆厂产能规划", ["公司", "2023A", "2025E", "2025E较2023A增量"],
                 [["华虹公司", "39.1", "53.0", "13.9"], ["中芯国际", "80.6", "96.0", "15.4"]])
    growth = table_total("图表3中2025E相对2023A月产能增幅最大的是哪家？", [fabs])  # 增幅: not the 增量 column
    assert growth.terms[0].label == "华虹公司" and growth.value == Decimal("35.55") and growth.unit == "%"


def test_an_ascii_name_in_the_first_column_is_a_name_not_a_stock_code():
    t = table("表1 中国CXO行业市场规模（亿元）", ["项目", "2023A", "2025E"], [["CDMO", "798", "905"], ["临床CRO", "428", "520"]])
    r = table_total("表1里市场规模从2023A到2025E哪个增量最大？", [t])
    assert r.terms[0].label == "CDMO" and r.value == Decimal("107")


def test_rows_of_the_category_a_question_names_are_counted_exactly():
    """"由国务院发布（不算国务院办公厅）的政策几条": 发布单位 = 国务院, not the longer 国务院办公厅 it leaves out."""
    t = table("图表2：中国AI产业相关政策", ["时间", "发布单位", "政策"],
              [["2023.2", "国务院", "《规划》"], ["2022.11", "国务院", "《报告》"], ["2022.5", "国务院办公厅", "《意见》"],
               ["2023.10", "工信部", "《行动计划》"]])
    r = table_total("图表2里由国务院发布（不算国务院办公厅）的政策一共几条？", [t])
    assert (r.op, r.value, r.condition) == ("count", 2, "发布单位 = 国务院")
    assert table_total("图表2里国务院办公厅发布的政策有几条？", [t]).value == 1


def test_a_change_between_two_quarters_columns_and_the_largest_change_by_size():
    t = table("图表1：上市银行主要经营指标", ["指标", "2023Q1", "2023H1", "2024Q1"],
              [["营业收入同比", "+0.8%", "-1.2%", "-2.1%"], ["归母净利润同比", "+2.7%", "+2.4%", "-0.8%"],
               ["贷款总额同比", "+11.5%", "+11.1%", "+9.9%"]])
    r = table_total("图表1里哪个指标2024Q1较2023Q1变化最大？", [t])
    assert r.terms[0].label == "归母净利润同比" and r.value == Decimal("-3.5") and r.by_size  # furthest from zero
    assert r.expression.startswith("max(|-3.5|")
    up = table_total("图表1里哪个指标2024Q1较2023Q1增加最多？", [t])
    assert up.terms[0].label == "贷款总额同比"  # a direction asked: the largest, not the furthest


STORES = table("图表6：各区域门店数量", ["区域", "2026年目标", "2024年门店数（千家）"],
               [["华东", "12千家以上", "9.5"], ["华南", "约8千家", "7.2"], ["西南", "5000家", "4.1"]])


def test_a_change_reads_each_column_in_its_own_unit():
    t = table_total("图表6中，2026年目标比2024年门店数多出最多的是哪个区域？", [STORES])
    assert t.op == "max" and t.terms[0].label == "华东" and t.value == Decimal("2.5") and t.unit == "千家"
    assert not t.by_size  # 多出 says the direction: the largest rise, not the furthest from zero


BOUNDED = table("图表7：国产化率", ["设备", "2023年国产化率", "2025E"],
                [["甲设备", "约25%", "35%"], ["乙设备", "不足2%", "约3%"], ["丙设备", "8%", "12%"], ["丁设备", "30%以上", "40%"]])


def test_bounded_and_rounded_cells_are_figures():
    t = table_total("图表7里，2023年国产化率低于10%的设备有几类？", [BOUNDED])
    assert t.op == "count" and sorted(x.label for x in t.terms) == ["丙设备", "乙设备"]
    assert table_total("图表7里2023年国产化率最高的是哪类设备？", [BOUNDED]).terms[0].label == "丁设备"


def test_which_few_asks_the_rows_not_their_count_and_a_tie_names_every_row():
    from assistant.answer.route import format_table_total

    rates = table("图表8：各地信贷目标", ["地区", "2025年目标", "隐含增速"],
                  [["甲省", "3.2万亿元", "14.3%"], ["乙省", "1.6万亿元", "14.3%"], ["丙市", "1.1万亿元", "20.0%"]])
    q = "图表8中隐含增速最低的是哪几个地区？"
    t = table_total(q, [rates])
    assert t.op == "min" and t.value == Decimal("14.3")
    assert "最小为 14.3%（甲省、乙省）" in format_table_total(q, t)


BUDGET = table("图表9：各区域销售额与预算", ["区域", "2024A（亿元）", "2025E（亿元）", "2025年预算（亿元）", "预算完成率"],
               [["华东", "120", "150", "140", "107%"], ["华北", "80", "96", "100", "96%"], ["华南", "60", "81", "70", "116%"]])


def test_a_gap_between_two_columns_of_one_year_is_computed_per_row():
    t = table_total("图表9中，2025年预计销售额超出预算最多的是哪个区域？超出多少亿元？", [BUDGET])
    assert t.op == "max" and t.terms[0].label == "华南" and t.value == Decimal("11") and t.unit == "亿元"
    short = table_total("图表9中2025E低于预算最多的是哪个区域？", [BUDGET])
    assert short.terms[0].label == "华北" and short.value == Decimal("-4")
    assert table_total("图表9中预算完成率超过100%的有几个区域？", [BUDGET]).value == 2  # a figure: a condition


PRICES = table("图表10：乘用车月度均价", ["月份", "均价（万元）", "环比变化"],
               [["2024年1月", "18.2", "-2.1%"], ["2024年2月", "17.6", "-3.3%"], ["2024年3月", "17.9", "+1.7%"],
                ["2024年4月", "17.1", "-4.5%"]])


def test_a_change_asked_is_read_from_the_change_column_and_falls_are_negative():
    t = table_total("图表10里均价哪个月环比跌得最多？", [PRICES])
    assert t.measure == "环比变化" and t.terms[0].label == "2024年4月" and t.value == Decimal("-4.5")
    assert table_total("图表10里哪个月均价最高？", [PRICES]).terms[0].label == "2024年1月"  # no change asked


def test_a_question_asking_two_things_of_a_table_is_split_into_its_asks():
    from assistant.targets.table_calc import table_parts

    q = "图表1中2020—2022年净利润合计多少亿元？其中哪一年最高？"
    (first, _), (alone, in_context) = table_parts(q)
    assert first == "图表1中2020—2022年净利润合计多少亿元"
    assert alone == in_context and in_context.startswith("图表1中2020—2022年净利润") and in_context.endswith("其中哪一年最高")
    assert table_total(first, [YEARS_DOWN]).value == Decimal("1356.5")
    assert table_total(in_context, [YEARS_DOWN]).terms[0].label == "2022"  # of the years the first ask named
    (_, _), (alone, in_context) = table_parts("表3中三家公司2023年原保费收入合计多少亿元？增速最高的是哪家？")
    assert alone == "增速最高的是哪家" and "原保费收入" in in_context  # a separate ask is tried alone first
    assert table_parts("图表1里历年净利润最低是多少？") == [("图表1里历年净利润最低是多少？",) * 2]


def test_a_change_of_one_row_between_two_years_across_the_top_gives_the_amount_and_the_rate():
    from assistant.answer.route import format_table_total

    q = "图表2中新增装机从2022A到2024E增长了多少？"
    t = table_total(q, [YEARS_ACROSS])
    assert t.op == "diff" and t.value == Decimal("43") and t.unit == "GW"
    assert "增加 43 GW，增长 116.22%（约 116.2%）（2022A：37 → 2024E：80）" in format_table_total(q, t)
    shares = table("图表 3：渗透率", ["指标", "2020A", "2023A"], [["渗透率", "5.4%", "31.8%"]])
    p = table_total("图表3中渗透率从2020年到2023年提升了多少个百分点？", [shares])
    assert p.value == Decimal("26.4") and "增加 26.4 个百分点" in format_table_total("渗透率提升了多少", p)


def test_a_share_is_one_figure_over_another_the_whole_named_as_a_row_a_set_or_a_column():
    from assistant.answer.route import format_table_total

    premiums = table("表4 寿险保费结构（亿元）", ["险种", "2023A", "2024E"],
                     [["普通寿险", "1800", "2000"], ["分红险", "700", "650"], ["万能险", "500", "550"], ["合计", "3000", "3200"]])
    t = table_total("表4中2024E分红险占寿险保费的比重是多少？", [premiums])
    assert t.op == "share" and t.value == Decimal("20.31") and [x.label for x in t.terms] == ["分红险", "合计"]
    assert "占比 20.31%（约 20.3%）（分红险 650 ÷ 合计 3200）" in format_table_total("分红险占比", t)
    assert table_total("表4中2024E投连险占寿险保费的比重是多少？", [premiums]) is None  # no such row: no share
    ent = table_total("表3中甲保险2023年原保费收入占三家合计的比例是多少？", [ENTITIES])
    assert ent.value == Decimal("57.28") and len(ent.terms) == 4  # 12000 / (12000 + 8000 + 950)
    years = table_total("图表1中2022年净利润占营收的比例是多少？", [YEARS_DOWN])
    assert years.value == Decimal("7.21")  # 480 / 6660, the 2022 row's two columns


def test_a_count_is_said_with_the_counter_the_question_asks_with():
    from assistant.answer.route import format_table_total

    q = "图表7里，2023年国产化率低于10%的设备有几类？"
    assert format_table_total(q, table_total(q, [BOUNDED])).startswith("共 2 类")


def test_a_fall_over_a_threshold_tests_the_size_of_negative_changes_in_the_percent_column():
    prices = table("图表11：主要机型价格变化（万元）", ["机型", "2023年6月", "2024年6月", "同比变化"],
                   [["甲型", "30.0", "26.1", "-13.0%"], ["乙型", "22.0", "21.5", "-2.3%"], ["丙型", "18.0", "18.9", "+5.0%"],
                    ["丁型", "40.0", "37.6", "-6.0%"]])
    t = table_total("图表11中2024年6月价格同比跌幅超过3%的机型有几个？", [prices])
    assert t.op == "count" and sorted(x.label for x in t.terms) == ["丁型", "甲型"]  # 丙型 rose: no fall


def test_two_years_listed_one_after_another_are_the_years_added():
    assert table_total("图表1中2021和2022年净利润合计多少亿元？", [YEARS_DOWN]).value == Decimal("930.5")
    assert table_total("图表1中2020年和2022年净利润合计多少亿元？", [YEARS_DOWN]).value != Decimal("906")  # not a span


def test_quarters_across_the_top_give_a_rows_change_in_points_and_basis_points():
    from assistant.answer.route import format_table_total

    yields = table("图表12：单季净息差走势", ["季度", "2023Q1", "2023Q2", "2024Q1"],
                   [["净息差", "1.74%", "1.70%", "1.54%"], ["资产收益率", "3.70%", "3.63%", "3.45%"]])
    q = "图表12中，从2023Q1到2024Q1，资产收益率一共下降了多少个基点？"
    t = table_total(q, [yields])
    assert t.op == "diff" and t.value == Decimal("-0.25") and t.measure == "资产收益率"
    assert "减少 0.25 个百分点（25bp）" in format_table_total(q, t)
    assert table_total("图表12中净息差相当于资产收益率的多少比例？", [yields]) is None  # which quarter? none asked


def test_at_or_above_is_inclusive():
    t = table_total("图表7里，2025E达到或超过35%的设备有几类？", [BOUNDED])
    assert sorted(x.label for x in t.terms) == ["丁设备", "甲设备"]


def test_a_rates_change_is_in_points_even_when_asked_as_growth():
    from assistant.answer.route import format_table_total

    growth = table("图表13：主要指标（累计同比）", ["指标", "2023Q1", "2024Q1"], [["总资产同比", "+11.8%", "+9.6%"]])
    q = "图表13中总资产同比增速从2023Q1到2024Q1下降了多少个百分点？"
    t = table_total(q, [growth])
    assert t.op == "diff" and t.value == Decimal("-2.2") and "减少 2.2 个百分点" in format_table_total(q, t)


BANK_TYPES = table("图表2：各类上市银行主要指标", ["银行类型", "营收同比", "不良贷款率", "拨备覆盖率"],
                   [["上市银行合计（42家）", "-2.1%", "1.27%", "241%"], ["国有行（6家）", "-2.9%", "1.30%", "238%"],
                    ["股份行（9家）", "-3.2%", "1.24%", "220%"], ["农商行（10家）", "-1.6%", "0.95%", "340%"]])
SIX_BANKS = table("图表4：重点银行经营指标", ["银行", "营收同比", "不良贷款率"],
                  [[f"{n}银行", "1%", v] for n, v in zip("甲乙丙丁戊己", ["0.78%", "0.70%", "1.2%", "0.9%", "0.77%", "1.1%"])])


def test_a_counted_set_picks_the_table_listing_that_many():
    """"重点跟踪的6家银行": the six banks' table, though retrieval ranked the bank types' first."""
    r = table_total("重点跟踪的6家银行中，不良贷款率低于0.8%的有几家？", [BANK_TYPES, SIX_BANKS], [BANK_TYPES, SIX_BANKS])
    assert r.table is SIX_BANKS and r.value == 3 and _labels(r) == ["甲银行", "乙银行", "戊银行"]


def test_the_spread_leaves_out_a_total_row_ending_on_its_word():
    r = table_total("各类上市银行中，拨备覆盖率最高与最低的相差多少个百分点？", [BANK_TYPES], [BANK_TYPES])
    assert r.op == "spread" and r.value == 120 and _labels(r) == ["农商行（10家）", "股份行（9家）"]


def test_growth_rates_are_not_added_up():
    assert table_total("各类上市银行营收同比合计多少？", [BANK_TYPES], [BANK_TYPES]) is None


def test_a_share_of_the_whole_named_before_it():
    """"2025年中国CXO市场规模中，CDMO占多大比重": the whole (its total row) and the year are in the clause before;
    the year's own column, not one comparing it with another."""
    cxo = table("表1 中国CXO行业市场规模（亿元）", ["项目", "2023A", "2025E", "2025E较2023A增量"],
                [["CRO", "866", "1045", "179"], ["CDMO", "798", "905", "107"], ["合计", "1664", "1950", "286"]])
    r = table_total("2025年中国CXO市场规模中，CDMO占多大比重？", [cxo], [cxo])
    assert r.op == "share" and r.value == Decimal("46.41")


def test_the_gap_between_two_columns_in_convertible_units():
    """"2025年目标与2023年推广量之间的差距最大": each row's first column less its second, 万辆 beside 辆."""
    t = table("图表3：各省市推广目标", ["地区", "2025年推广目标", "2023年推广量（万辆）"],
              [["甲省", "120万辆以上", "98.6"], ["乙省", "90万辆", "72.4"], ["丙省", "40万辆", "31.2"]])
    r = table_total("哪个地区2025年目标与2023年推广量之间的差距最大？差多少万辆？", [t], [t])
    assert r.op == "max" and r.value == Decimal("21.4") and _labels(r)[0] == "甲省"


def test_a_threshold_tests_the_column_of_the_year_asked():
    t = table("图表5：设备国产化率", ["设备类型", "2023年国产化率", "2025E国产化率"],
              [["刻蚀", "25%", "35%"], ["薄膜", "20%", "30%"], ["清洗", "30%", "40%"], ["光刻", "不足2%", "约3%"]])
    r = table_total("预计到2025年，国产化率达到或超过30%的设备类型有几种？", [t], [t])
    assert r.value == 3 and r.measure == "2025E国产化率"


def test_the_top_row_is_shown_whole_beside_a_largest():
    """"…highest 2024E dividend yield, and what is its 2024E P/B?": the winning row's other columns are shown."""
    from assistant.answer.route import format_table_total

    t = table("图表7：重点银行估值表", ["银行", "PB 2024E（倍）", "股息率 2024E"],
              [["甲银行", "0.58", "6.4%"], ["乙银行", "0.81", "2.5%"]])
    q = "In Xingyuan's bank valuation table, which bank has the highest 2024E dividend yield, and what is its 2024E P/B?"
    r = table_total(q, [t], [t])
    assert r.op == "max" and r.measure == "股息率 2024E"
    assert "Whole row: 银行：甲银行；PB 2024E（倍）：0.58；股息率 2024E：6.4% [1]" in format_table_total(q, r)


VALUATION = table("图表7：重点公司盈利预测与估值", ["代码", "公司", "EPS 2024E（元）", "EPS 2025E（元）", "PE 2024E（倍）", "PE 2025E（倍）"],
                  [["300750.SZ", "宁德时代", "11.20", "13.05", "16.9", "14.5"],
                   ["300274.SZ", "阳光电源", "5.50", "6.60", "12.9", "10.8"]])


def test_a_rows_change_reads_the_measure_asked_among_several_of_the_same_years():
    """A row known by the name after its stock code; EPS, not PE, whose columns name the same years."""
    r = table_total("图表7中，宁德时代2025E EPS较2024E EPS增长多少？", [VALUATION])
    assert r.op == "diff" and r.value == Decimal("1.85") and r.unit == "元"
    assert table_total("图表7中，宁德时代2025E较2024E增长多少？", [VALUATION]) is None  # EPS or PE: not said


def test_english_which_things_with_a_condition_lists_them_and_a_number_word_counts_a_set():
    r = table_total("In the valuation table, which stocks trade above 15x 2024E PE?", [VALUATION], [VALUATION])
    assert r.op == "list" and _labels(r) == ["宁德时代"]
    other = table("图表1：各地区目标", ["地区", "目标"], [["甲", "1"], ["乙", "2"], ["丙", "3"]])
    r = table_total("how many of the two listed companies have a 2024E PE above 15x?", [VALUATION, other],
                    [other, VALUATION])
    assert r.table is VALUATION and r.op == "count" and r.value == 1  # "listed companies" counts no table rows


def test_the_difference_of_two_named_rows_or_two_named_columns():
    """"2024Q1生息资产收益率与计息负债成本率之差": two rows in the quarter's column, in points; "2024年4月EPC均价与
    储能系统均价相差多少": two columns of the month's row."""
    from assistant.answer.route import format_table_total

    spread = table("图表3：上市银行单季净息差走势", ["季度", "2023Q1", "2024Q1"],
                   [["生息资产收益率", "3.70%", "3.45%"], ["计息负债成本率", "2.12%", "2.07%"]])
    q = "图表3中，2024Q1生息资产收益率与计息负债成本率之差是多少？"
    r = table_total(q, [spread])
    assert r.op == "gap" and r.value == Decimal("1.38") and format_table_total(q, r).startswith("两者之差为 1.38 个百分点")
    prices = table("图表6：中标均价走势", ["时间", "储能系统均价（元/Wh）", "EPC均价（元/Wh）"],
                   [["2024年1月", "0.79", "1.20"], ["2024年4月", "0.68", "1.05"]])
    r = table_total("图表6中，2024年4月EPC均价与储能系统均价相差多少？", [prices])
    assert r.op == "gap" and r.value == Decimal("0.37") and r.unit == "元/Wh"


def test_a_share_asked_after_a_sum_is_the_sums_share_of_its_column():
    """"临床前CRO与临床CRO合计多少？占整体比重多少？": the sum's share of the column's total row."""
    from assistant.targets.table_calc import asks_share_of_previous, share_of_sum

    cxo = table("表1 中国CXO行业市场规模（亿元）", ["项目", "2025E"],
                [["临床前CRO", "525"], ["临床CRO", "520"], ["CDMO", "905"], ["合计", "1950"]])
    total = table_total("表1中，2025E临床前CRO与临床CRO合计市场规模是多少", [cxo])
    assert total.value == 1045 and asks_share_of_previous("占整体比重多少")
    share = share_of_sum(total)
    assert share.op == "share" and share.value == Decimal("53.59")
    assert not asks_share_of_previous("CDMO占整体比重多少")  # it names its own part


def test_cells_naming_their_own_years_keep_the_year_asked():
    """One column of plans, each cell dated by its own year: another year's plan is no figure for the one asked."""
    plans = table("表5：各市产业规划", ["城市", "发布时间", "产业规模规划"],
                  [["甲市", "2023年5月", "2025年120亿元"], ["乙市", "2023年8月", "2027年300亿元"],
                   ["丙市", "2024年1月", "2025年80亿元"]])
    t = table_total("表5里规划年份为2025年的城市，产业规模规划合计多少亿元？", [plans])
    assert t is not None and t.value == Decimal("200") and [x.label for x in t.terms] == ["甲市", "丙市"]
    every = table_total("表5里各市产业规模规划合计多少亿元？", [plans])
    assert every is not None and every.value == Decimal("500")  # no year asked: every plan


def test_a_table_number_in_several_reports_tries_each_fitting_one_in_turn():
    """"图表1" is in every report: the one fitting the question's years best may hold no answer; the next does."""
    def named(report: str, caption: str, header: list[str], rows: list[list[str]]) -> Table:
        return Table(id=f"{report}#图表1", report=report, caption=caption, header=header, start=0, end=1,
                     rows=[TableRow(cells=r, start=i * 10, end=i * 10 + 5) for i, r in enumerate(rows)])
    years = named("a.txt", "图表1：2019—2023年中国市场销售额", ["年份", "产量", "利润"],
                  [["2021", "700", "1700"], ["2022", "670", "2200"], ["2023", "630", "2300"]])
    more = named("c.txt", "图表1：2020—2023年中国市场规模", ["年份", "市场规模", "同比"],
                 [["2021", "1300", "20%"], ["2022", "1500", "15%"], ["2023", "1660", "6%"]])
    sales = named("b.txt", "图表1：全球半导体销售额", ["年份", "2022A", "2023A"],
                  [["销售额（亿美元）", "5700", "5210"], ["其中：中国市场（亿美元）", "1800", "1550"]])
    t = table_total("按图表1，2023年中国市场占全球半导体销售额的比重是多少？", [years, more, sales])
    assert t is not None and t.table is sales and t.value == Decimal("29.75")


def test_a_share_of_several_rows_named_together_adds_them_up():
    targets = table("图表4：主要产区2025年目标", ["地区", "2025年目标"],
                    [["四川省", "4000亿元以上"], ["四川省宜宾市", "2000亿元"], ["四川省泸州市", "1500亿元"],
                     ["贵州省", "3000亿元"]])
    t = table_total("图表4里宜宾和泸州的目标合计占四川省目标的多少？", [targets])
    assert t is not None and t.op == "share" and t.value == Decimal("87.50") and t.parts == 2
    assert t.expression == "(2000 + 1500) / 4000 = 87.5%"
    one = table_total("图表4里宜宾的目标占四川省目标的比重是多少？", [targets])
    assert one is not None and one.value == Decimal("50.00") and one.parts == 1


def test_a_share_naming_no_part_takes_the_ask_before_and_the_caption_names_the_whole():
    """"其中中国市场是多少？占全球比重多少？": the part is what the ask before named; "全球" is the caption's, so the
    whole is the row the caption is of (销售额), not a row named 全球."""
    sales = table("图表1：全球半导体销售额", ["年份", "2022A", "2023A"],
                  [["销售额（亿美元）", "5700", "5210"], ["同比增速", "2.5%", "-8.6%"],
                   ["其中：中国市场（亿美元）", "1800", "1550"]])
    t = table_total("2023年全球半导体销售额是多少？其中中国市场是多少？占全球比重多少？", [sales], [sales])
    assert t is not None and t.op == "share" and t.value == Decimal("29.75")
    assert [x.as_written for x in t.terms] == ["1550", "5210"]


def test_rows_published_in_a_year_are_counted_and_added_by_their_date_column():
    """"2023年发布的政策有几项", "发布时间在2023年的…合计": the rows whose date cell falls in that year; the year
    is the date column's, not a year column to add up."""
    policies = table("图表5：部分省份充电设施政策", ["省份", "发布时间", "政策", "2025年目标（万台）"],
                     [["浙江", "2023.10", "《浙江省充电设施规划》", "40"], ["江苏", "2022. 3", "《江苏省充电桩方案》", "35"],
                      ["安徽", "2023年4月", "《安徽省充电基础设施行动》", "20"], ["湖北", "2024-02", "《湖北省充电条例》", "15"]])
    t = table_total("图表5中2023年发布的政策有几项？", [policies])
    assert t.op == "count" and t.value == Decimal(2) and [x.label for x in t.terms] == ["浙江", "安徽"]
    t = table_total("图表5中，发布时间在2023年的省份，2025年目标合计多少万台？", [policies])
    assert t.op == "sum" and t.value == Decimal(60)
    assert table_total("图表5中2021年发布的政策有几项？", [policies]) is None  # none that year: no answer made up


def test_the_largest_fall_among_rows_below_their_base_year():
    """"2024E低于2023A的…跌得最多的是谁": the condition against the base year is the change's sign; the fall asked
    is the most negative change."""
    eps = table("表6：重点公司盈利预测", ["公司", "净利润2023A", "净利润2024E"],
                [["甲公司", "2270", "1250"], ["乙公司", "9610", "9350"], ["丙公司", "400", "310"], ["丁公司", "100", "130"]])
    t = table_total("表6里2024年净利润低于2023年的公司，跌得最多的是谁？", [eps])
    assert t is not None and t.op == "min" and t.value == Decimal(-1020) and t.terms[0].label == "甲公司"
    assert "丁公司" not in [x.label for x in t.terms]  # it rose: not among the rows that fell


def test_a_named_row_averaged_over_the_quarters_across_the_top():
    """"中芯国际2023年四个季度的平均产能利用率": that row's 2023 quarter cells, not one column nor every row."""
    util = table("图表2：代工厂产能利用率", ["公司", "2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1"],
                 [["甲代工", "68.1%", "78.3%", "77.1%", "76.8%", "81.2%"],
                  ["乙代工", "80.0%", "85.0%", "88.0%", "90.0%", "92.5%"]])
    r = table_total("甲代工2023年四个季度的平均产能利用率是多少？", [util], [util])
    assert r.op == "mean" and r.value == Decimal("75.075") and [t.label for t in r.terms] == \
        ["2023Q1", "2023Q2", "2023Q3", "2023Q4"]
    r = table_total("甲代工2023Q1至2024Q1这五个季度的平均产能利用率是多少？", [util], [util])
    assert r.value == Decimal("76.30") and len(r.terms) == 5
    assert table_total("乙代工哪个季度的产能利用率最高？", [util], [util]).terms[0].label == "2024Q1"


def test_an_average_finer_than_its_cells_is_also_given_at_their_precision():
    from assistant.answer.route import format_table_total
    util = table("图表2：代工厂产能利用率", ["公司", "2023Q1", "2023Q2", "2023Q3", "2023Q4"],
                 [["甲代工", "68.1%", "78.3%", "77.1%", "76.8%"]])
    q = "甲代工2023年四个季度的平均产能利用率是多少？"
    assert format_table_total(q, table_total(q, [util], [util])).startswith("平均为 75.075%（约 75.1%）")
    even = table("图表3：产能利用率", ["公司", "2023Q1", "2023Q2"], [["乙代工", "80.0%", "85.0%"]])
    q = "乙代工2023年两个季度的平均产能利用率是多少？"
    assert "约" not in format_table_total(q, table_total(q, [even], [even]))


PLANS = table("图 3：各地智算规划多以 25 年为目标", ["地区", "时间", "文件", "智算算力规划"],
              [["上海", "2024年3月", "《上海市算力浦江》", "2025年30EFlops"], ["广东", "2024年3月", "《粤算行动》", "2025年19EFlops"],
               ["安徽", "2023年12月", "《安徽省算力》", "2025年12EFlops"]])


def test_a_count_of_what_an_unnamed_table_does_not_list_is_not_its_rows():
    # the table retrieved for "规划": its rows are regions, not the clusters counted — the passages answer that
    assert table_total("同时规划了几个国家数据中心集群？", [PLANS], [PLANS]) is None
    # what the rows are (地区, 省份) or a word of the table's own (智算) is counted there
    assert table_total("有几个地区发布了智算规划？", [PLANS], [PLANS]).value == 3
    assert table_total("发布智算规划的省份有几个？", [PLANS], [PLANS]).value == 3
    assert table_total("一共有几个智算规划？", [PLANS], [PLANS]).value == 3
    # a table named is counted as asked
    assert table_total("图3里一共列了几个数据中心集群？", [PLANS], [PLANS]) is not None


def test_a_share_of_a_whole_named_only_in_the_clause_before():
    """"在…营收合计中，A一家占比多少": the whole is the clause before's set of rows; a bare 占比 framing no whole
    ("那2026年呢？海外收入占比多少") is a figure the text states, not a share computed here."""
    t = table("表2：五家航司2023年营收（亿元）", ["公司", "2023年营收"],
              [["甲航", "1200"], ["乙航", "900"], ["丙航", "600"], ["丁航", "200"], ["戊航", "100"]])
    r = table_total("在五家航司2023年营收合计中，甲航一家占比多少？", [t], [t])
    assert r is not None and r.op == "share" and r.value == Decimal("40.00")
    assert table_total("那2026年呢？届时甲航营收占比大概多少？", [t], [t]) is None
    r = table_total("五家航司2023年营收合计里，甲航占多少？", [t], [t])  # a bare 占多少 ending the question
    assert r is not None and r.op == "share" and r.value == Decimal("40.00")


def test_rows_whose_column_states_the_figure_asked_are_counted_in_a_unit_the_registry_lacks():
    """"储能时长2小时的省份有几个" counts the rows at 2小时 exactly (not every row, as before): a column of "N小时"
    reads its shared word as its unit; "为10%的" keeps the rows at 10% of a percent column."""
    t = table("表4：各省配储要求", ["省份", "配储比例", "储能时长"],
              [["甲省", "10%", "2小时"], ["乙省", "15%", "4小时"], ["丙省", "10%", "2小时"], ["丁省", "20%", "2小时"]])
    r = table_total("表4中要求储能时长2小时的省份有几个？", [t], [t])
    assert r is not None and r.op == "count" and r.value == 3
    r = table_total("表4中配储比例为10%的省份有几个？", [t], [t])
    assert r is not None and r.op == "count" and r.value == 2 and [x.label for x in r.terms] == ["甲省", "丙省"]


def test_a_quarter_in_words_is_its_column_and_two_measures_of_a_row_change_in_their_own_units():
    """"2024年一季度…比2023年一季度提高了多少个百分点": the 2024Q1 and 2023Q1 columns; "2025年目标（万辆）" beside a
    "2023年推广量" of "50.3万辆": each read in its own unit before the growth."""
    q = table("表4：代工厂产能利用率", ["公司", "2023Q1", "2024Q1"], [["甲厂", "62.0%", "90.3%"], ["乙厂", "70.1%", "80.0%"]])
    r = table_total("甲厂2024年一季度的产能利用率比2023年第一季度提高了多少个百分点？", [q], [q])
    assert r is not None and r.op == "diff" and r.value == Decimal("28.3")
    ev = table("表5：各省推广目标", ["省份", "2023年推广量", "2025年目标（万辆）"],
               [["甲省", "503000辆", "70"], ["乙省", "20万辆", "30"]])
    r = table_total("甲省要完成2025年目标，需要比2023年推广量增长多少？", [ev], [ev])
    assert r is not None and r.op == "diff" and r.value == Decimal("19.7") and r.unit == "万辆"  # and 39.17% beside


def test_one_rows_column_less_the_column_named_after_bi():
    """"新疆2025年底累计装机会比其2025年规划目标多出多少GW": the row asked, its 2025E column less its plan column
    (the forecast column names only its year); two years compared stay a change."""
    t = table("图表2：重点省份风电累计装机及规划", ["地区", "2023A（GW）", "2025E（GW）", "2025年规划（GW）"],
              [["甲省", "23.5", "50.0", "40"], ["乙省", "21.8", "45.0", "45"]])
    r = table_total("按预测，甲省2025年底累计装机会比其2025年规划目标多出多少GW？", [t], [t])
    assert r is not None and r.op == "gap" and r.value == Decimal("10.0") and r.unit == "GW"
    assert [x.label for x in r.terms] == ["2025E（GW）", "2025年规划（GW）"]
    r = table_total("甲省2025E累计装机比2023A多多少？", [t], [t])
    assert r is not None and r.op == "diff" and r.value == Decimal("26.5")


def test_the_mean_of_a_change_is_the_tables_own_change_column():
    """"四个环节的平均价格降幅": the 同比变化 column the table states beside its two months, not a recomputed one."""
    t = table("图表4：钢材价格变化", ["品种", "单位", "2023年7月", "2024年7月", "同比变化"],
              [["螺纹钢", "元/吨", "4000", "3500", "-12.5%"], ["热卷", "元/吨", "4100", "3300", "-19.5%"],
               ["冷轧", "元/吨", "4800", "4200", "-12.5%"]])
    r = table_total("2023年7月到2024年7月，三个品种的平均价格降幅是多少？", [t], [t])
    assert r is not None and r.op == "mean" and r.measure == "同比变化"
    assert [x.value for x in r.terms] == [Decimal("-12.5"), Decimal("-19.5"), Decimal("-12.5")]


def test_a_share_of_the_whole_it_is_in_and_a_gap_of_two_columns_totals():
    """"2025年CDMO在中国CXO市场中的占比": CDMO over the total row; "十省2025年底累计装机比它们的2025年规划合计高出多少":
    the total row's 2025E less its plan column."""
    cxo = table("表1 中国CXO行业市场规模（亿元）", ["项目", "2023A", "2025E"],
                [["CRO", "866", "1045"], ["CDMO", "798", "905"], ["合计", "1664", "1950"]])
    r = table_total("按市场规模表，2025年CDMO在中国CXO市场中的占比是多少？", [cxo], [cxo])
    assert r is not None and r.op == "share" and r.value == Decimal("46.41")
    pv = table("图表2：重点省份风电累计装机及规划", ["地区", "2025E（GW）", "2025年规划（GW）"],
               [["甲省", "50.0", "40"], ["乙省", "45.0", "45"], ["合计", "95.0", "85"]])
    r = table_total("预测两省2025年底累计装机比它们的2025年规划合计高出多少GW？", [pv], [pv])
    assert r is not None and r.op == "gap" and r.value == Decimal("10.0") and r.terms[0].row.cells[0] == "合计"
