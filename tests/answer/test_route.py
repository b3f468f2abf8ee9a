import re
from decimal import Decimal

import pytest

from assistant.core.models import Metric
from assistant.answer.route import format_total_answer, has_cjk, route
from assistant.targets.extract import TargetStore
from assistant.targets.totals import GroupBy, Op, TotalsQuery, compute_totals
from tests.fixtures.reports import corpus_reports


@pytest.fixture(scope="module")
def store():
    return TargetStore(corpus_reports())


@pytest.fixture(scope="module")
def known(store):
    return sorted({r.region for r in store.targets()})


I = Metric.INTELLIGENT
AGGREGATE = [
    # question, expected non-default fields of the TotalsQuery
    ("2025年各地智算规划合计多少？", dict(op=Op.SUM, target_year=2025, metric=I)),
    ("2025 年的智算算力规划一共是多少 EFlops？", dict(op=Op.SUM, target_year=2025)),
    ("2024年3月发布的智算规划加起来是多少？", dict(published_from="2024-03", published_to="2024-03", target_year=None)),
    ("2024年发布、以2025年为目标的智算规划总和", dict(published_year=2024, target_year=2025)),
    ("有多少个地区的智算规划以2026年为目标？", dict(op=Op.COUNT, target_year=2026)),
    ("哪个地区的智算规划最大？", dict(op=Op.MAX, target_year=None)),
    ("2025年智算规划最少的是哪个地区？", dict(op=Op.MIN, target_year=2025)),
    ("列出2026年的智算算力规划", dict(op=Op.LIST, target_year=2026)),
    ("北京和上海的智算规划总和是多少？", dict(op=Op.SUM, regions=["北京", "上海"])),
    ("天风报告图3中25年的智算目标总计多少", dict(target_year=2025, source_table="图3")),
    ("两份报告中2025年的智算规划合计是多少？", dict(target_year=2025, source_table="all")),
    ("What is the total 2025 intelligent computing target across both reports?", dict(target_year=2025, source_table="all")),
    ("各地通用算力规划合计多少？", dict(metric=Metric.GENERAL)),
    ("全国算力规模目标合计", dict(regions=["全国"], include_national=True, metric=Metric.TOTAL)),
    ("按年份汇总各地智算规划合计", dict(group_by=GroupBy.YEAR)),
    ("What is the total of the 2025 intelligent compute targets?", dict(op=Op.SUM, target_year=2025, metric=I)),
    ("How many regions have compute targets for 2026?", dict(op=Op.COUNT, target_year=2026)),
    ("Which region has the highest AI compute target?", dict(op=Op.MAX)),
    ("Which region has the lowest compute target for 2025?", dict(op=Op.MIN, target_year=2025)),
    ("List the compute targets published in April 2024.", dict(op=Op.LIST, published_from="2024-04")),
    ("Sum of targets for Beijing and Shenzhen", dict(op=Op.SUM, regions=["北京", "深圳"])),
    ("What is the total compute target of Guizhou and Tibet?", dict(regions=["贵州", "西藏"], metric=Metric.TOTAL)),
    ("Add up the supercomputing targets in the Guolian report", dict(metric=Metric.SUPER, source_table=None)),
    ("What total computing power target did MIIT set for 2025?", dict(regions=["全国"], metric=Metric.TOTAL)),
    ("2025年各地智算算力合计多少？", dict(target_year=2025)),  # no 规划/目标, but an arithmetic word
]


@pytest.mark.parametrize("question,expected", AGGREGATE)
def test_aggregate_questions_reach_the_tool(question, expected, known):
    query = route(question, known)
    assert query is not None
    for field, value in expected.items():
        assert getattr(query, field) == value, field
    assert TotalsQuery(**query.model_dump(mode="json")) == query  # Assistant.totals runs the tool on these arguments


def test_scope_from_the_question_analysis_restricts_rows(store, known):
    # the report a question names comes from QuestionAnalysis.scope (report cards), not from patterns in route.py
    guolian = "guolian_2024-04_compute-policy-overview.txt"
    query = route("Add up the supercomputing targets in the Guolian report", known, scope=[guolian])
    assert query.reports == [guolian]
    result = compute_totals(store.targets(), query, store.estimates())
    assert result.value == 10 and {r.citation.report for r in result.rows} == {guolian}
    query = route("2025年各地智算规划合计多少？", known, scope=[guolian])
    assert compute_totals(store.targets(), query).value == 5  # 贵州 5 only: 天风's 152.68 is another report


def test_other_quantities_reach_the_tool(known):
    query = route("2025年各省储能装机规划合计多少？", known)
    assert query is not None and query.metric == "储能装机" and query.target_year == 2025
    assert route("各地充电桩目标一共多少个？", known).metric == "充电桩"
    assert route("2025年新增光伏装机目标合计", known).metric == "光伏新增装机"
    # 个 is the unit of the sum here, not a count of rows
    assert route("各省2025年充电桩目标一共多少个？", known).op is Op.SUM
    assert route("有多少个地区的智算规划以2026年为目标？", known).op is Op.COUNT


LOOKUPS = [
    "北京的智算规划是多少？",
    "天风证券的评级是什么？",
    "What is Beijing's target?",
    "深圳的智算规划文件是什么？",
    "国联证券的分析师是谁？",
    "What rating does Guolian give the sector?",
    "上海2025年的智算目标是多少EFlops？",
    "贵州的通用算力目标是什么？",
    "Who wrote the Tianfeng report?",
    "美国智算中心基础设施特别工作组由哪些部门领导？",  # 哪些 about 智算, but not about targets
    # a rate of the targets is a column of their table (the tool's values are amounts)
    "各省储能目标表中，隐含增速最低的是哪几个省？",
    "Which province's 2025 target implies the highest growth?",
    "澜沧预测2024E和2025E两年全国光伏新增装机合计多少GW？",  # a forecast, not a policy target
]


@pytest.mark.parametrize("question", LOOKUPS)
def test_lookups_do_not_reach_the_tool(question, known):
    assert route(question, known) is None


def answer(store, known, question):
    query = route(question, known)
    assert query is not None
    result = compute_totals(store.targets(), query, store.estimates())
    return result, format_total_answer(question, result)


def test_chinese_answer_with_markers_formula_and_caveats(store, known):
    result, text = answer(store, known, "天风报告图3中2025年各地智算规划合计多少？")
    assert result.value == Decimal("152.68")
    assert text.startswith("合计 152.68 EFLOPS（10 行）")
    assert re.findall(r"\[(\d+)\]", text) == [str(n) for n in range(1, 11)]
    assert "12 + 4 + 25 + 0.28 + 3.15 + 19 + 2 + 30 + 45 + 12.25 = 152.68 EFLOPS" in text
    assert "深圳属于广东" in text and "107.1" in text and "不同" in text
    assert " / " not in text  # only the Chinese half of each caveat


def test_national_target_answer(store, known):
    result, text = answer(store, known, "What total computing power target did MIIT set for 2025?")
    assert result.value == 300 and "超过" in text and "lower bound" in text


def test_english_answer(store, known):
    result, text = answer(store, known, "Which region has the highest AI compute target?")
    assert result.value == 45 and text.startswith("Largest: 45 EFLOPS (北京 (Beijing))")  # its English name too
    assert "[1]" in text and "[2]" not in text


@pytest.mark.parametrize(
    "question",
    ["西藏的智算规划合计是多少？", "量子算力规划合计多少", "What is the total compute target of Tibet?",
     "2040年各地智算规划合计多少？"],
)
def test_missing_region_or_metric_abstains(store, known, question):
    result, text = answer(store, known, question)
    assert result.value is None
    assert text.startswith("没有匹配的行" if has_cjk(question) else "No matching rows")


def test_large_sums_also_read_in_the_next_unit_up():
    """50500 亿元 is what the tool adds; the reports (and analysts) write 5.05万亿元."""
    from decimal import Decimal

    from assistant.answer.route import in_unit

    assert in_unit(Decimal(50500), "亿元", "") == "（= 5.05 万亿元）"
    assert in_unit(Decimal(12000), "万元", "") == "（= 1.2 亿元）"
    assert in_unit(Decimal(9050), "亿元", "") == ""  # below 1万亿: as written
    assert in_unit(Decimal(50500), "亿元", "亿元") == ""  # the unit asked for
    assert in_unit(Decimal(6810), "万千瓦", "GW") == "（= 68.1 GW）"


def test_sums_over_companies_are_not_the_regions_target_rows(known):
    # the revenue targets of nine liquor makers are a table's; the regions' 产业规模 targets are not what is asked
    assert route("鹤鸣统计的9家酒企2025年营收目标合计多少？", known) is None
    assert route("What do the eight companies' 2025 revenue targets add up to?", known) is None
    assert route("各家银行2024年普惠小微贷款目标合计多少？", known) is None
    assert route("江苏各家银行的2025年智算规划合计多少？", known) is not None  # a region named: its rows
    assert route("2025年各省产业规模目标合计多少亿元？", known) is not None


def test_kinds_listed_to_add_up_are_all_asked_for(known):
    q = route("国联报告里，贵州规划的通用算力、智算算力、超算算力加在一起是多少？", known)
    assert q.metrics == ["通用", "智算", "超算"] and q.regions == ["贵州"]
    assert route("What do Guizhou's general-purpose and supercomputing targets add up to?", known).metrics == \
        ["通用", "超算"]
    assert route("2025年各地智算规划合计是多少？", known).metrics == []  # one kind
    assert route("各地智算规划最大的是哪个？通用呢？", known).metrics == []  # not a sum


def test_each_province_leaves_the_city_rows_out(known):
    # 深圳 beside 广东 would be counted twice; "各省" asks for provinces, "各省市" for both
    assert route("东岳把各省2025年的储能装机规划加总，总量多少万千瓦？", known).include_cities is False
    assert route("各省市2025年智算规划合计多少？", known).include_cities is True
    assert route("各地2025年智算规划合计多少？", known).include_cities is True


@pytest.mark.parametrize("question, unit", [
    ("各省储能规划表中，2025年目标以GW为单位表述的省份有几个？", "GW"),
    ("2025年目标用“GW”表示的省份合计多少万千瓦？", "GW"),
    ("How many provinces' 2025 storage targets are written in GW?", "GW"),
    ("各省2025年储能目标合计多少万千瓦？", None),  # the unit of the answer, not a filter on the rows
    ("以我们的测算，2025年储能目标合计多少GW？", None),  # 以我们 is no unit
])
def test_rows_written_in_a_unit_are_a_filter_of_the_rows(question, unit, known):
    q = route(question, known)
    assert q is not None and q.written_in == unit


@pytest.mark.parametrize("question, year", [
    ("各地智算规划表中，目标年份不是2025年的地区有几个？", 2025),
    ("哪些地区的智算目标不是以2025年为目标年份？", 2025),
    ("2025年以外的智算规划目标合计多少？", 2025),
])
def test_a_target_year_ruled_out_is_left_out_not_asked(question, year, known):
    q = route(question, known)
    assert q is not None and q.other_than_year == year and q.target_year is None
